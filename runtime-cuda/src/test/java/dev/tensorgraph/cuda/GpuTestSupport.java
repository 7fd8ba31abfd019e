package dev.tensorgraph.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceRuntime;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * What the GPU tests share: skipping where no GPU is present, the same graph run on the CPU and on GPU 0
 * with the same feeds, seeded random inputs, and comparisons whose failures name the tensor, its op and the
 * largest error seen.
 */
final class GpuTestSupport {
    private static Boolean gpuPresent;
    private static String whyNoGpu = "";

    private GpuTestSupport() {}

    /** Skips the calling test unless a CUDA device is usable (CI machines have none). */
    static void assumeGpu() {
        Assumptions.assumeTrue(gpuPresent(), () -> "no usable GPU: " + whyNoGpu);
    }

    /**
     * Looks the runtime up through the service file rather than naming the class, so a missing or broken
     * runtime (no driver, no native libraries) reads as "no GPU" instead of failing the test class.
     */
    private static synchronized boolean gpuPresent() {
        if (gpuPresent != null) {
            return gpuPresent;
        }
        boolean found = false;
        try {
            for (DeviceRuntime r : ServiceLoader.load(DeviceRuntime.class, GpuTestSupport.class.getClassLoader())) {
                if (!r.deviceType().equals(KernelRegistry.GPU)) {
                    continue;
                }
                if (r.deviceCount() > 0) {
                    found = true;
                    break;
                }
                whyNoGpu = r.unavailableReason();
            }
            if (!found && whyNoGpu.isEmpty()) {
                whyNoGpu = "no GPU runtime found on the class path";
            }
        } catch (Throwable t) {
            whyNoGpu = t.toString();
            found = false;
        }
        gpuPresent = found;
        return found;
    }

    /** GPU 0 in exact FP32 (no TF32), device graphs on as by default. */
    static SessionOptions gpuOptions() {
        return SessionOptions.gpu(0).allowTf32(false);
    }

    static Session gpuSession(Graph g) {
        return new Session(g, gpuOptions());
    }

    static Session cpuSession(Graph g) {
        return new Session(g, SessionOptions.cpuOnly());
    }

    // ---- random inputs ----

    /** Uniform float32 values in [lo, hi). */
    static Tensor uniform(Random r, double lo, double hi, long... shape) {
        Shape s = Shape.of(shape);
        float[] v = new float[Math.toIntExact(s.numElements())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Tensor.of(DType.FLOAT32, s, v);
    }

    /** Float32 values whose magnitude lies in [lo, hi), with random signs: divisors, logs of |x|. */
    static Tensor awayFromZero(Random r, double lo, double hi, long... shape) {
        Tensor t = uniform(r, lo, hi, shape);
        float[] v = t.floats();
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextBoolean() ? v[i] : -v[i];
        }
        return t;
    }

    /** Standard normal float32 values. */
    static Tensor normal(Random r, long... shape) {
        Shape s = Shape.of(shape);
        float[] v = new float[Math.toIntExact(s.numElements())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(DType.FLOAT32, s, v);
    }

    /** Integers in [lo, hi) as int32 or int64. */
    static Tensor ints(Random r, int lo, int hi, DType dtype, long... shape) {
        Shape s = Shape.of(shape);
        int n = Math.toIntExact(s.numElements());
        if (dtype == DType.INT64) {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = lo + r.nextInt(hi - lo);
            }
            return Tensor.of(DType.INT64, s, v);
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + r.nextInt(hi - lo);
        }
        return Tensor.of(DType.INT32, s, v);
    }

    static Tensor bools(Random r, long... shape) {
        Shape s = Shape.of(shape);
        boolean[] v = new boolean[Math.toIntExact(s.numElements())];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextBoolean();
        }
        return Tensor.of(DType.BOOL, s, v);
    }

    /** A copy of a float tensor with every element made non-negative; other tensors as they are. */
    static Tensor abs(Tensor t) {
        if (t.dtype() != DType.FLOAT32) {
            return t;
        }
        float[] v = t.floats().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return Tensor.of(DType.FLOAT32, t.shape(), v);
    }

    // ---- running on both devices ----

    /** Fetches of one graph on the CPU and on the GPU. */
    record Results(List<Tensor> cpu, List<Tensor> gpu) {}

    static Results runBoth(Graph g, Map<Output, Tensor> feeds, List<Output> fetches) {
        return runBoth(g, s -> {}, feeds, fetches);
    }

    /** Runs {@code prepare} (initializers, variable values) then the fetches, in a CPU and in a GPU session. */
    static Results runBoth(Graph g, Consumer<Session> prepare, Map<Output, Tensor> feeds, List<Output> fetches) {
        return runBoth(g, prepare, feeds, fetches, true);
    }

    private static Results runBoth(Graph g, Consumer<Session> prepare, Map<Output, Tensor> feeds, List<Output> fetches,
                                   boolean fetchesOnGpu) {
        List<Tensor> cpu;
        try (Session s = cpuSession(g)) {
            prepare.accept(s);
            cpu = s.run(fetches, feeds);
        }
        try (Session s = gpuSession(g)) {
            prepare.accept(s);
            List<Tensor> gpu = s.run(fetches, feeds);
            if (fetchesOnGpu) {
                assertFetchesOnGpu(s, fetches, feeds.keySet());
            }
            return new Results(cpu, gpu);
        }
    }

    /**
     * Runs the fetches on both devices and compares each; for a tolerance of the magnitude kind the
     * reference is the same graph run on the CPU with every float feed replaced by its absolute value.
     * Checks too that every fetched op ran on the GPU, so a comparison cannot pass on a CPU fallback.
     */
    static Results compare(Graph g, Map<Output, Tensor> feeds, Tolerance tol, Output... fetches) {
        return compare(g, s -> {}, feeds, tol, fetches);
    }

    static Results compare(Graph g, Consumer<Session> prepare, Map<Output, Tensor> feeds, Tolerance tol,
                           Output... fetches) {
        return compare(g, prepare, feeds, tol, true, fetches);
    }

    /** As {@link #compare} for ops a GPU session may run on either side (shape queries with host outputs). */
    static Results compareWherever(Graph g, Map<Output, Tensor> feeds, Tolerance tol, Output... fetches) {
        return compare(g, s -> {}, feeds, tol, false, fetches);
    }

    private static Results compare(Graph g, Consumer<Session> prepare, Map<Output, Tensor> feeds, Tolerance tol,
                                   boolean fetchesOnGpu, Output... fetches) {
        List<Output> list = List.of(fetches);
        Results r = runBoth(g, prepare, feeds, list, fetchesOnGpu);
        List<Tensor> magnitude = null;
        if (tol.ofMagnitude()) {
            Map<Output, Tensor> absFeeds = new LinkedHashMap<>();
            feeds.forEach((k, v) -> absFeeds.put(k, abs(v)));
            try (Session s = cpuSession(g)) {
                prepare.accept(s);
                magnitude = s.run(list, absFeeds);
            }
        }
        for (int i = 0; i < fetches.length; i++) {
            assertClose(describe(fetches[i]), r.cpu().get(i), r.gpu().get(i), tol,
                    magnitude == null ? null : magnitude.get(i));
        }
        return r;
    }

    /** "'conv/Conv2D:0' (Conv2D)": what a failure message calls a fetched tensor. */
    static String describe(Output t) {
        return "'" + t.name() + "' (" + t.op().type() + ")";
    }

    // ---- placement ----

    static List<String> plan(Session s, List<Output> fetches, Set<Output> feeds, List<Operation> targets) {
        return s.describePlan(fetches, feeds, targets);
    }

    /** The plan line of {@code op}, e.g. "conv/Conv2D (Conv2D) @ GPU:0 (...)", or null when not in the plan. */
    static String planLine(List<String> plan, Operation op) {
        String prefix = op.name() + " (" + op.type() + ") @ ";
        for (String line : plan) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    static boolean onCpu(String planLine) {
        return planLine.endsWith("@ CPU") || planLine.contains("@ CPU, fused with");
    }

    static void assertFetchesOnGpu(Session s, List<Output> fetches, Set<Output> feeds) {
        List<String> plan = plan(s, fetches, feeds, List.of());
        List<Operation> ops = new ArrayList<>();
        for (Output f : fetches) {
            if (!feeds.contains(f)) {
                ops.add(f.op());
            }
        }
        assertOnGpu(plan, ops);
    }

    static void assertOnGpu(List<String> plan, List<Operation> ops) {
        for (Operation op : ops) {
            String line = planLine(plan, op);
            if (line == null) {
                fail("op '" + op.name() + "' (" + op.type() + ") is not in the plan:\n" + String.join("\n", plan));
            }
            if (onCpu(line)) {
                fail("op '" + op.name() + "' (" + op.type() + ") ran on the CPU, not the GPU (no GPU kernel for it, "
                        + "or its factory refused the dtype/attributes):\n" + String.join("\n", plan));
            }
        }
    }

    // ---- comparisons ----

    /**
     * How far a GPU value may be from the CPU value. Allowed error per element i:
     * {@code absolute + relative * ref_i + ofMax * max_j ref_j}, where ref is |cpu| or, for the magnitude
     * kind, the CPU result on |feeds| (for a bilinear computation such as a matrix product or a convolution,
     * the sum of |terms| that make each element: the scale of rounding error of any summation order).
     */
    record Tolerance(String text, double relative, double absolute, double ofMax, boolean ofMagnitude) {
        static Tolerance exact() {
            return new Tolerance("exact", 0, 0, 0, false);
        }

        /** {@code |gpu - cpu| <= absolute + relative * |cpu|}. */
        static Tolerance relative(double relative, double absolute) {
            return new Tolerance("|d| <= " + absolute + " + " + relative + "*|cpu|", relative, absolute, 0, false);
        }

        /** {@code |gpu - cpu| <= relative * A_i + ofMax * max(A)}, A the CPU result on |feeds|. */
        static Tolerance ofMagnitude(double relative, double ofMax) {
            return new Tolerance("|d| <= " + String.format("%.3g", relative) + "*A + " + ofMax
                    + "*max(A), A = same graph on |feeds|", relative, 0, ofMax, true);
        }

        /**
         * For a sum of {@code terms} float32 products in any order (plus the CPU's own rounding): twice the
         * classic bound (terms+1)·2^-24 per unit of magnitude, and at least {@code floor}.
         */
        static Tolerance productSum(long terms, double floor) {
            return ofMagnitude(Math.max(floor, 2.0 * (terms + 1) * Math.pow(2, -24)), 1e-6);
        }
    }

    static void assertClose(String what, Tensor cpu, Tensor gpu, Tolerance tol, Tensor magnitude) {
        assertEquals(cpu.dtype(), gpu.dtype(), what + ": dtype on GPU vs CPU");
        assertEquals(cpu.shape(), gpu.shape(), what + ": shape on GPU vs CPU");
        double[] c = cpu.toDoubles();
        double[] d = gpu.toDoubles();
        double[] ref = magnitude != null ? magnitude.toDoubles() : c.clone();
        double max = 0;
        for (int i = 0; i < ref.length; i++) {
            ref[i] = Math.abs(ref[i]);
            if (Double.isFinite(ref[i])) {
                max = Math.max(max, ref[i]);
            }
        }
        int bad = 0;
        int worst = -1;
        double worstRatio = 0;
        double maxError = 0;
        int nonFinite = 0;
        for (int i = 0; i < c.length; i++) {
            double allowed = tol.absolute() + tol.relative() * ref[i] + tol.ofMax() * max;
            double err;
            if (Double.isNaN(c[i]) || Double.isNaN(d[i])) {
                err = Double.isNaN(c[i]) && Double.isNaN(d[i]) ? 0 : Double.POSITIVE_INFINITY;
            } else if (Double.isInfinite(c[i]) || Double.isInfinite(d[i])) {
                err = c[i] == d[i] ? 0 : Double.POSITIVE_INFINITY;
            } else {
                err = Math.abs(c[i] - d[i]);
            }
            if (Double.isFinite(err)) {
                maxError = Math.max(maxError, err);
            } else {
                nonFinite++;
            }
            if (err > allowed) {
                bad++;
                double ratio = allowed == 0 ? Double.POSITIVE_INFINITY : err / allowed;
                if (worst < 0 || ratio > worstRatio) {
                    worst = i;
                    worstRatio = ratio;
                }
            }
        }
        if (bad > 0) {
            double allowed = tol.absolute() + tol.relative() * ref[worst] + tol.ofMax() * max;
            fail(String.format("%s: GPU differs from CPU in %d of %d elements (tolerance %s); max error %.4g%s; "
                            + "worst at %s: cpu %s, gpu %s, allowed %.4g", what, bad, c.length, tol.text(), maxError,
                    nonFinite > 0 ? " (and " + nonFinite + " NaN/infinity mismatches)" : "",
                    index(cpu.shape(), worst), c[worst], d[worst], allowed));
        }
    }

    /** Bit-for-bit equality of float tensors (random numbers, replayed recordings). */
    static void assertBitEqual(String what, Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubles();
        double[] a = actual.toDoubles();
        int bad = 0;
        int first = -1;
        double maxError = 0;
        for (int i = 0; i < e.length; i++) {
            if (Double.compare(e[i], a[i]) != 0) {
                bad++;
                first = first < 0 ? i : first;
                double diff = Math.abs(e[i] - a[i]);
                maxError = Double.isFinite(diff) ? Math.max(maxError, diff) : maxError;
            }
        }
        if (bad > 0) {
            fail(String.format("%s: %d of %d elements differ (expected bit-equal); max error %.4g; first at %s: "
                    + "expected %s, got %s", what, bad, e.length, maxError, index(expected.shape(), first), e[first],
                    a[first]));
        }
    }

    /** Flat index {@code i} as "[a, b, c] (flat i)". */
    static String index(Shape shape, int flat) {
        long[] dims = shape.dims();
        long[] idx = new long[dims.length];
        long rest = flat;
        for (int k = dims.length - 1; k >= 0; k--) {
            long n = Math.max(dims[k], 1);
            idx[k] = rest % n;
            rest /= n;
        }
        return Arrays.toString(idx) + " (flat " + flat + ")";
    }

    static Map<Output, Tensor> feeds(Object... pairs) {
        Map<Output, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((Output) pairs[i], (Tensor) pairs[i + 1]);
        }
        return m;
    }
}
