package dev.tensorgraph.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCommandTest {
    @TempDir
    Path dir;

    private static String crcOfFloats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        CRC32C c = new CRC32C();
        c.update(b.array());
        return String.format("%08x", c.getValue());
    }

    @Test
    void listsTensorsWithDtypeShapeAndChecksum() throws Exception {
        Path prefix = CliFixture.writeModel(dir);
        CliFixture.Result r = CliFixture.run("checkpoint", prefix.toString());
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("2 tensors"), out);
        assertTrue(out.matches("(?s).*\\n  b +float32 +\\[2\\] +crc32c=" + crcOfFloats(0.5f, -0.5f) + "\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  layer/W +float32 +\\[2,2\\] +crc32c=" + crcOfFloats(2, 0, 0, 2) + "\\n.*"),
                out);
        // A directory means its latest checkpoint.
        assertEquals(out, CliFixture.run("checkpoint", dir.toString()).out());
    }

    @Test
    void printsOneTensor() throws Exception {
        Path prefix = CliFixture.writeModel(dir);
        CliFixture.Result r = CliFixture.run("checkpoint", prefix.toString(), "--tensor", "layer/W");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("layer/W float32[2,2] crc32c=" + crcOfFloats(2, 0, 0, 2) + "\n"
                + "  4 values: min 0.0, max 2.0, mean 1.00000\n"
                + "  values: [2.0, 0.0, 0.0, 2.0]\n", r.out().replace("\r", ""));
        CliFixture.Result full = CliFixture.run("checkpoint", prefix.toString(), "--tensor", "layer/W", "--full");
        assertEquals("layer/W float32[2,2] crc32c=" + crcOfFloats(2, 0, 0, 2) + "\n[[2.0, 0.0], [0.0, 2.0]]\n",
                full.out().replace("\r", ""));
        CliFixture.Result missing = CliFixture.run("checkpoint", prefix.toString(), "--tensor", "nope");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("nope"), missing.err());
    }

    @Test
    void summaryOfALargeTensorShowsRangeMeanNaNsAndTheFirstValues() throws Exception {
        float[] v = new float[1000];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 7 == 3 ? Float.NaN : (i - 500) * 0.25f;
            sum += Float.isNaN(v[i]) ? 0 : v[i];
        }
        long nan = java.util.stream.IntStream.range(0, v.length).filter(i -> i % 7 == 3).count();
        Path prefix = dir.resolve("big");
        dev.tensorgraph.io.CheckpointFiles.write(prefix, java.util.Map.of("w",
                dev.tensorgraph.Tensor.of(dev.tensorgraph.DType.FLOAT32, dev.tensorgraph.Shape.of(10, 100), v)));
        CliFixture.Result r = CliFixture.run("checkpoint", prefix.toString(), "--tensor", "w");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().replace("\r", "").split("\n");
        assertEquals(3, lines.length, r.out());
        assertEquals(String.format(java.util.Locale.ROOT, "  1000 values: min -125.0, max 124.75, mean %.6g, %d NaN",
                sum / (1000 - nan), nan), lines[1]);
        assertEquals("  first 8: [-125.0, -124.75, -124.5, NaN, -124.0, -123.75, -123.5, -123.25]", lines[2]);
        // --full prints all thousand
        CliFixture.Result full = CliFixture.run("checkpoint", prefix.toString(), "--tensor", "w", "--full");
        String values = full.out().replace("\r", "").split("\n")[1];
        assertEquals(1000, values.split(",").length, values);
        assertTrue(values.startsWith("[[-125.0, -124.75, -124.5, NaN,") && values.endsWith("124.75]]"), values);
    }
}
