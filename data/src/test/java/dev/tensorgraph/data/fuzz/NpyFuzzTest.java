package dev.tensorgraph.data.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.Npy;
import dev.tensorgraph.fuzz.AllocationBudget;
import java.util.Objects;

/**
 * {@link Npy#fromBytes} on arbitrary bytes returns a tensor or throws one of {@code dev.tensorgraph.errors.*};
 * reading allocates no more than the input's size justifies ({@link AllocationBudget}), and a tensor it returns
 * writes back to {@code .npy} and reads again unchanged. Seeds: arrays written by {@link Npy#toBytes} ({@code
 * NpyFuzzTestInputs/read}).
 */
class NpyFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) {
        Tensor[] read = new Tensor[1];
        AllocationBudget.check(input.length, "Npy.fromBytes", () -> read[0] = Npy.fromBytes(input, "fuzz.npy"));
        Tensor t = read[0];
        if (t == null) {
            return;  // a typed error
        }
        Tensor again = Npy.fromBytes(Npy.toBytes(t), "fuzz.npy written back");
        assertEquals(t.dtype(), again.dtype());
        assertEquals(t.shape(), again.shape());
        assertTrue(Objects.deepEquals(t.array(), again.array()), "values changed on the round trip");
    }
}
