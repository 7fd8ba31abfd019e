package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HalfWidthVectorUnitsTest {
    private static String cpuinfo(String vendor, String family, String model, String flags) {
        return "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: " + family + "\nmodel\t\t: " + model
                + "\nmodel name\t: some CPU\nflags\t\t: " + flags + "\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\n";
    }

    @Test
    void onlyAmdFamily25WithAvx512Counts() {
        String avx512 = "fpu sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl";
        String avx2 = "fpu sse2 avx avx2 fma";
        Object[][] cases = {
                // vendor, family, model, flags, half-width units
                {"AuthenticAMD", "25", "17", avx512, true},   // Zen 4 (EPYC Genoa)
                {"AuthenticAMD", "25", "97", avx512, true},   // Zen 4 (Ryzen 7000)
                {"AuthenticAMD", "25", "1", avx2, false},     // Zen 3: no AVX-512 at all
                {"AuthenticAMD", "26", "2", avx512, false},   // Zen 5: full-width units
                {"AuthenticAMD", "23", "49", avx2, false},    // Zen 2
                {"GenuineIntel", "6", "207", avx512, false},  // Xeon with two 512-bit units
                {"AuthenticAMD", "twenty-five", "17", avx512, false},
        };
        for (Object[] c : cases) {
            String text = cpuinfo((String) c[0], (String) c[1], (String) c[2], (String) c[3]);
            assertEquals(c[4], HalfWidthVectorUnits.describedBy(text), c[0] + " family " + c[1] + " model " + c[2]);
        }
    }

    @Test
    void missingFieldsCountAsFullWidth() {
        assertEquals(false, HalfWidthVectorUnits.describedBy(""));
        assertEquals(false, HalfWidthVectorUnits.describedBy("vendor_id\t: AuthenticAMD\ncpu family\t: 25\n"));
        assertEquals(false, HalfWidthVectorUnits.describedBy("vendor_id\t: AuthenticAMD\nflags\t: avx512f\n"));
    }
}
