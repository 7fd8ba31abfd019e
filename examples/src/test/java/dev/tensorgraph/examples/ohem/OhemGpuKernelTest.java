package dev.tensorgraph.examples.ohem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.CudaRuntime;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The custom op's CUDA C kernel against its CPU kernel: loss, backprop and the logits' gradient, with ties
 * and int32/int64 labels. Skips without a GPU.
 */
class OhemGpuKernelTest {
    private static void assumeGpu() {
        int n;
        try {
            n = new CudaRuntime().deviceCount();
        } catch (Throwable t) {
            n = 0;
        }
        assumeTrue(n > 0, "no GPU");
    }

    @Test
    void gpuKernelMatchesTheCpuKernel() {
        assumeGpu();
        Random r = new Random(11);
        for (DType labelType : new DType[] {DType.INT32, DType.INT64}) {
            for (int[] bk : new int[][] {{64, 16}, {7, 10}, {300, 1}, {5, 5}}) {
                int batch = bk[0];
                int classes = 10;
                float[] x = new float[batch * classes];
                for (int i = 0; i < x.length; i++) {
                    // Coarse values so equal losses (ties) occur.
                    x[i] = r.nextInt(5) * 0.5f;
                }
                long[] y = new long[batch];
                for (int i = 0; i < batch; i++) {
                    y[i] = r.nextInt(classes);
                }
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                Output logits = tf.placeholder(DType.FLOAT32, Shape.of(-1, classes), "logits");
                Output labels = tf.placeholder(labelType, Shape.of(-1), "labels");
                Operation op = OhemSoftmaxLoss.op(tf, labels, logits, bk[1], "ohem");
                Output grad = tf.gradients(List.of(op.output(0)), List.of(logits)).get(0);
                Tensor labelValues = labelType == DType.INT64 ? Tensor.of(DType.INT64, Shape.of(batch), y)
                        : Tensor.of(DType.INT32, Shape.of(batch), java.util.Arrays.stream(y).mapToInt(v -> (int) v).toArray());
                Map<Output, Tensor> feeds = Map.of(logits, Tensor.of(DType.FLOAT32, Shape.of(batch, classes), x),
                        labels, labelValues);
                List<Output> fetches = List.of(op.output(0), op.output(1), grad);
                List<Tensor> cpu;
                List<Tensor> gpu;
                try (Session s = new Session(g, SessionOptions.cpuOnly())) {
                    cpu = s.run(fetches, feeds);
                }
                try (Session s = new Session(g, SessionOptions.gpu(0))) {
                    gpu = s.run(fetches, feeds);
                    String plan = String.join("\n", s.describePlan(fetches, feeds.keySet(), List.of()));
                    assertTrue(plan.contains("ohem (" + OhemSoftmaxLoss.OP_TYPE + ") @ GPU"), plan);
                }
                String where = labelType + " batch " + batch + " k " + bk[1];
                assertEquals(cpu.get(0).floatValue(), gpu.get(0).floatValue(), 1e-6 * Math.abs(cpu.get(0).floatValue()) + 1e-7,
                        "loss, " + where);
                for (int t = 1; t <= 2; t++) {
                    float[] a = cpu.get(t).floats();
                    float[] b = gpu.get(t).floats();
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 1e-6f, (t == 1 ? "backprop" : "gradient") + "[" + i + "], " + where);
                    }
                }
            }
        }
    }
}
