package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.HalfFloats;
import dev.tensorgraph.MixedPrecision;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.MomentumOptimizer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * bfloat16 and float16 on the GPU against the CPU. Tolerances per op: Cast is bit for bit (both devices round
 * the same way); MatMul and BatchMatMulV2 (cuBLAS GemmEx, float32 accumulation) within one 16-bit step of the
 * CPU's result plus 1e-5 of the sum of |products| (only the order of the float32 sums differs, which can move
 * a result across a rounding boundary); a mixed precision training run's losses within 2% of the CPU's, with its
 * products, casts and the ReLU layers between them (float32 kernels between 16-bit tensors) on the GPU.
 */
class HalfPrecisionGpuTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(19);

    private static Tensor values(DType dtype, long... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[(int) s.numElements()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) RANDOM.nextGaussian();
        }
        return Tensor.of(dtype, s, v);
    }

    private static List<Tensor> run(Graph g, SessionOptions options, List<Output> fetches, Map<Output, Tensor> feeds) {
        try (Session s = new Session(g, options)) {
            return s.run(fetches, feeds);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void castsMatchTheCpuBitForBit(DType dtype) {
        assumeGpu();
        // 20,000 values go 8 a thread (whole 16-byte words), 20,003 one a thread: both must give the CPU's bits.
        for (int n : new int[] {20_000, 20_003}) {
            castsMatchTheCpuBitForBit(dtype, n);
        }
    }

    private static void castsMatchTheCpuBitForBit(DType dtype, int n) {
        float[] x = new float[n];
        for (int i = 0; i < x.length; i++) {
            float f = i % 2 == 0 ? Float.intBitsToFloat(RANDOM.nextInt()) : (float) (RANDOM.nextGaussian() * Math.pow(2, RANDOM.nextInt(-30, 20)));
            x[i] = Float.isNaN(f) ? 1.5f : f;
        }
        x[0] = Float.NaN;
        x[1] = 65520f;
        x[2] = 1.00390625f;
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output in = tf.placeholder(DType.FLOAT32, Shape.of(x.length), "x");
        Output narrow = tf.cast(in, dtype);
        Output back = tf.cast(tf.identity(narrow), DType.FLOAT32);
        Map<Output, Tensor> feeds = Map.of(in, Tensor.of(DType.FLOAT32, Shape.of(x.length), x));
        List<Tensor> cpu = run(g, SessionOptions.cpuOnly(), List.of(narrow, back), feeds);
        List<Tensor> gpu = run(g, GpuTestSupport.gpuOptions(), List.of(narrow, back), feeds);
        assertArrayEquals(cpu.get(0).halfBits(), gpu.get(0).halfBits());
        assertArrayEquals(cpu.get(1).floats(), gpu.get(1).floats(), 0f);
        try (Session s = new Session(g, GpuTestSupport.gpuOptions())) {
            String plan = String.join("\n", s.describePlan(List.of(back), Set.of(in), List.of()));
            assertTrue(plan.lines().filter(l -> l.contains("Cast")).allMatch(l -> !l.endsWith("@ CPU")), plan);
        }
    }

    private static void assertCloseToCpu(String what, DType dtype, Tensor cpu, Tensor gpu, double[] magnitude) {
        float[] c = cpu.toFloats();
        float[] d = gpu.toFloats();
        assertEquals(c.length, d.length, what);
        for (int i = 0; i < c.length; i++) {
            float ref = Math.max(Math.abs(c[i]), Math.abs(d[i]));
            float step = Math.abs(HalfFloats.widen(dtype, (short) (HalfFloats.narrow(dtype, ref) + 1)) - ref);
            double allowed = step + 1e-5 * magnitude[i];
            if (Math.abs(c[i] - d[i]) > allowed) {
                throw new AssertionError(what + "[" + i + "]: CPU " + c[i] + ", GPU " + d[i] + ", allowed " + allowed);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void matMulAndBatchMatMulOnCublasMatchTheCpu(DType dtype) {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Tensor a = values(dtype, 300, 64);
        Tensor b = values(dtype, 300, 48);
        Tensor x = values(dtype, 4, 33, 70);
        Tensor y = values(dtype, 4, 70, 9);
        Output pa = tf.placeholder(dtype, a.shape(), "a");
        Output pb = tf.placeholder(dtype, b.shape(), "b");
        Output px = tf.placeholder(dtype, x.shape(), "x");
        Output py = tf.placeholder(dtype, y.shape(), "y");
        Output product = tf.matmul(pa, pb, true, false);
        Output batched = tf.matmul(px, py);
        Map<Output, Tensor> feeds = Map.of(pa, a, pb, b, px, x, py, y);
        List<Tensor> cpu = run(g, SessionOptions.cpuOnly(), List.of(product, batched), feeds);
        List<Tensor> gpu = run(g, GpuTestSupport.gpuOptions(), List.of(product, batched), feeds);

        double[] av = a.toDoubles();
        double[] bv = b.toDoubles();
        double[] magnitude = new double[64 * 48];
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 48; j++) {
                for (int k = 0; k < 300; k++) {
                    magnitude[i * 48 + j] += Math.abs(av[k * 64 + i] * bv[k * 48 + j]);
                }
            }
        }
        assertCloseToCpu("MatMul", dtype, cpu.get(0), gpu.get(0), magnitude);
        double[] batchMagnitude = new double[4 * 33 * 9];
        java.util.Arrays.fill(batchMagnitude, 70 * 4.0);
        assertCloseToCpu("BatchMatMulV2", dtype, cpu.get(1), gpu.get(1), batchMagnitude);
        try (Session s = new Session(g, GpuTestSupport.gpuOptions())) {
            String plan = String.join("\n", s.describePlan(List.of(product), Set.of(pa, pb), List.of()));
            assertTrue(plan.lines().anyMatch(l -> l.contains("MatMul") && !l.endsWith("@ CPU")), plan);
        }
    }

    @ParameterizedTest
    @EnumSource(MixedPrecision.class)
    void mixedPrecisionTrainingOnTheGpuFollowsTheCpu(MixedPrecision mode) {
        assumeGpu();
        float[] cpu = trainLosses(SessionOptions.cpuOnly().mixedPrecision(mode));
        float[] gpu = trainLosses(GpuTestSupport.gpuOptions().mixedPrecision(mode));
        for (int i = 0; i < cpu.length; i++) {
            assertEquals(cpu[i], gpu[i], 0.02 * Math.abs(cpu[i]), mode + " loss at step " + i);
        }
        assertTrue(gpu[gpu.length - 1] < gpu[0], "the loss falls: " + java.util.Arrays.toString(gpu));
    }

    /** Losses of 8 momentum steps of a 2-layer MLP on fixed data. */
    private static float[] trainLosses(SessionOptions options) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        SplittableRandom r = new SplittableRandom(5);
        float[] xs = new float[128 * 64];
        int[] ys = new int[128];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < ys.length; i++) {
            ys[i] = xs[i * 64] > 0 ? 1 : 0;
        }
        float[] w1 = new float[64 * 96];
        float[] w2 = new float[96 * 2];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) (r.nextGaussian() * 0.15);
        }
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) (r.nextGaussian() * 0.15);
        }
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 64), "x");
        Output y = tf.placeholder(DType.INT32, Shape.of(-1), "y");
        Variable v1 = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(64, 96), w1)), "w1");
        Variable v2 = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(96, 2), w2)), "w2");
        Output logits = tf.matmul(tf.nn.relu(tf.matmul(x, v1)), v2);
        Output loss = tf.losses.sparseSoftmaxCrossEntropy(y, logits);
        Operation train = new MomentumOptimizer(0.1, 0.9).minimize(loss);
        float[] losses = new float[8];
        try (Session s = new Session(g, options)) {
            s.run(tf.globalVariablesInitializer());
            if (options.allowGpu()) {
                // Products, their casts and the layers between them stay on the GPU.
                String plan = String.join("\n", s.describePlan(List.of(loss), Set.of(x, y), List.of(train)));
                // ops only waited for run as no-ops wherever they are placed
                assertTrue(plan.lines().noneMatch(l -> l.endsWith("@ CPU") && !l.contains("not computed")
                        && (l.contains("MatMul") || l.contains("Relu") || l.contains("AutoMixedPrecision"))), plan);
            }
            Tensor xt = Tensor.of(DType.FLOAT32, Shape.of(128, 64), xs);
            Tensor yt = Tensor.of(DType.INT32, Shape.of(128), ys);
            for (int step = 0; step < losses.length; step++) {
                losses[step] = s.runner().feed(x, xt).feed(y, yt).fetch(loss).target(train).run().get(0).floatValue();
            }
        }
        return losses;
    }
}
