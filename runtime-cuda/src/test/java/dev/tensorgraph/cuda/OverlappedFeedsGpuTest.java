package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Feeds large enough to be copied on the copy stream (2 MiB and more, {@code OverlappedUploads}) land in order:
 * runs that fetch nothing (they return before the device finishes, so the next feed's copy overlaps them) each
 * add their own batch into a variable, step by step, while recording and when replayed; the sum fetched at the
 * end is exact (small integers), as is a fetch of each batch right after it is fed.
 */
class OverlappedFeedsGpuTest {
    static final int N = 1 << 20; // 4 MiB of float32

    /** A 4 MiB batch of small integers, different for each {@code k}. */
    static Tensor batch(int k) {
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            v[i] = (i * 7 + k * 13) % 31 - 15;
        }
        return Tensor.of(DType.FLOAT32, Shape.of(N), v);
    }

    @Test
    void eachRunAddsItsOwnBatch() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(N), "x");
        Variable acc = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(N), new float[N])), "acc");
        Operation add = acc.assignAdd(tf.multiply(x, tf.constant(2f))).op();
        Output echo = tf.identity(x);
        float[] want = new float[N];
        try (Session s = GpuTestSupport.gpuSession(g)) {
            s.run(acc.initializer(), Map.of());
            for (int k = 0; k < 12; k++) {
                Tensor b = batch(k);
                float[] bv = b.floats();
                for (int i = 0; i < N; i++) {
                    want[i] += 2 * bv[i];
                }
                s.runner().feed(x, b).target(add).run();
                if (k % 5 == 4) {
                    assertArrayEquals(bv, s.runner().feed(x, b).fetch(echo).run().get(0).floats(), 0f, "batch " + k);
                }
            }
            List<Tensor> got = s.run(List.of(acc.value()), Map.of());
            assertEquals(Shape.of(N), got.get(0).shape());
            assertArrayEquals(want, got.get(0).floats(), 0f);
        }
    }
}
