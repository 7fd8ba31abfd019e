package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.ArgReductionAxis;

/**
 * CPU kernels of the reductions: Sum, Prod, Mean, Max, Min over float32, float64, int32 and int64 (Mean of
 * integers divides with truncation, Max/Min of nothing is the lowest/highest value of the dtype), Any and
 * All over bool, and ArgMax/ArgMin (first index on ties) with int32 or int64 output.
 */
public final class ReductionKernels implements KernelLibrary {
    /** Code of Mean for {@link #reduce}; the others are {@link ReductionLoops}' codes. */
    static final int MEAN = -1;

    /** Where a kernel gets its output tensor: the run's pool, or plain arrays in tests. */
    @FunctionalInterface
    interface Alloc {
        Tensor allocate(DType dtype, Shape shape);
    }

    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "Sum", op -> numeric(op, ReductionLoops.SUM));
        r.register(KernelRegistry.CPU, "Prod", op -> numeric(op, ReductionLoops.PROD));
        r.register(KernelRegistry.CPU, "Max", op -> numeric(op, ReductionLoops.MAX));
        r.register(KernelRegistry.CPU, "Min", op -> numeric(op, ReductionLoops.MIN));
        r.register(KernelRegistry.CPU, "Mean", op -> numeric(op, MEAN));
        r.register(KernelRegistry.CPU, "Any", op -> bool(op, true));
        r.register(KernelRegistry.CPU, "All", op -> bool(op, false));
        r.register(KernelRegistry.CPU, "ArgMax", op -> arg(op, true));
        r.register(KernelRegistry.CPU, "ArgMin", op -> arg(op, false));
    }

    private static DType numericType(Operation op) {
        DType t = op.attrType("T");
        if (t != DType.FLOAT32 && t != DType.FLOAT64 && t != DType.INT32 && t != DType.INT64) {
            throw new UnimplementedException("no CPU kernel for " + op.type() + " with T=" + t);
        }
        return t;
    }

    private static Kernel numeric(Operation op, int code) {
        DType t = numericType(op);
        boolean keep = op.attrBool("keep_dims");
        return ctx -> {
            ctx.setOutput(0, reduce(ctx::allocate, ctx.input(0), axes(ctx.input(1)), keep, code, ctx.intraOpThreads()));
        };
    }

    /** As {@link #reduce(Alloc, Tensor, long[], boolean, int, int)} on one thread. */
    static Tensor reduce(Alloc ctx, Tensor in, long[] axes, boolean keep, int code) {
        return reduce(ctx, in, axes, keep, code, 1);
    }

    /**
     * Runs the plan's passes; intermediate results live in plain arrays, the last pass writes the output. Float
     * sums along the last axis go to {@link FloatSums}, which splits long rows over {@code threads}.
     */
    static Tensor reduce(Alloc ctx, Tensor in, long[] axes, boolean keep, int code, int threads) {
        ReductionPlan plan = ReductionPlan.of(in.shape().dims(), axes, keep);
        DType t = in.dtype();
        int[][] passes = plan.passes();
        if (passes.length == 0 && in.numElements() > 0) {
            return in.reshaped(plan.outShape());
        }
        Tensor out = ctx.allocate(t, plan.outShape());
        int op = code == MEAN ? ReductionLoops.SUM : code;
        if (in.numElements() == 0) {
            fillIdentity(out, code);
            return out;
        }
        Object src = in.array();
        for (int p = 0; p < passes.length; p++) {
            int[] s = passes[p];
            Object dst = p == passes.length - 1 ? out.array() : Tensor.newArray(t, s[0] * s[2]);
            switch (t) {
                case FLOAT32 -> {
                    if (op == ReductionLoops.SUM && s[2] == 1) {
                        sumRows((float[]) src, (float[]) dst, s[0], s[1], threads);
                    } else {
                        ReductionLoops.reduce((float[]) src, (float[]) dst, s[0], s[1], s[2], op);
                    }
                }
                case FLOAT64 -> ReductionLoops.reduce((double[]) src, (double[]) dst, s[0], s[1], s[2], op);
                case INT32 -> ReductionLoops.reduce((int[]) src, (int[]) dst, s[0], s[1], s[2], op);
                default -> ReductionLoops.reduce((long[]) src, (long[]) dst, s[0], s[1], s[2], op);
            }
            src = dst;
        }
        if (code == MEAN) {
            divide(out, plan.count());
        }
        return out;
    }

    /** out[a] = the sum of row a of the [rows, length] array in. */
    private static void sumRows(float[] in, float[] out, int rows, int length, int threads) {
        for (int a = 0; a < rows; a++) {
            out[a] = (float) FloatSums.sum(in, a * length, (a + 1) * length, threads);
        }
    }

    private static void fillIdentity(Tensor out, int code) {
        int n = out.numElements();
        int op = code == MEAN ? ReductionLoops.SUM : code;
        switch (out.dtype()) {
            case FLOAT32 -> java.util.Arrays.fill((float[]) out.array(), 0, n,
                    code == MEAN ? Float.NaN : ReductionLoops.identityFloat(op));
            case FLOAT64 -> java.util.Arrays.fill((double[]) out.array(), 0, n,
                    code == MEAN ? Double.NaN : ReductionLoops.identityDouble(op));
            case INT32 -> java.util.Arrays.fill((int[]) out.array(), 0, n, ReductionLoops.identityInt(op));
            default -> java.util.Arrays.fill((long[]) out.array(), 0, n, ReductionLoops.identityLong(op));
        }
    }

    /** Mean = sum / count; integer division truncates as TensorFlow's does. */
    private static void divide(Tensor out, long count) {
        int n = out.numElements();
        switch (out.dtype()) {
            case FLOAT32 -> {
                float[] o = (float[]) out.array();
                float c = count;
                for (int i = 0; i < n; i++) {
                    o[i] /= c;
                }
            }
            case FLOAT64 -> {
                double[] o = (double[]) out.array();
                double c = count;
                for (int i = 0; i < n; i++) {
                    o[i] /= c;
                }
            }
            case INT32 -> {
                int[] o = (int[]) out.array();
                int c = (int) count;
                for (int i = 0; i < n; i++) {
                    o[i] /= c;
                }
            }
            default -> {
                long[] o = (long[]) out.array();
                for (int i = 0; i < n; i++) {
                    o[i] /= count;
                }
            }
        }
    }

    private static Kernel bool(Operation op, boolean any) {
        boolean keep = op.attrBool("keep_dims");
        return ctx -> ctx.setOutput(0, reduceBool(ctx::allocate, ctx.input(0), axes(ctx.input(1)), keep, any));
    }

    static Tensor reduceBool(Alloc ctx, Tensor in, long[] axes, boolean keep, boolean any) {
        if (in.dtype() != DType.BOOL) {
            throw new InvalidArgumentException((any ? "Any" : "All") + " needs a bool input, got " + in.dtype());
        }
        ReductionPlan plan = ReductionPlan.of(in.shape().dims(), axes, keep);
        int[][] passes = plan.passes();
        if (passes.length == 0 && in.numElements() > 0) {
            return in.reshaped(plan.outShape());
        }
        Tensor out = ctx.allocate(DType.BOOL, plan.outShape());
        if (in.numElements() == 0) {
            java.util.Arrays.fill((boolean[]) out.array(), 0, out.numElements(), !any);
        } else {
            boolean[] src = (boolean[]) in.array();
            for (int p = 0; p < passes.length; p++) {
                int[] s = passes[p];
                boolean[] dst = p == passes.length - 1 ? (boolean[]) out.array() : new boolean[s[0] * s[2]];
                ReductionLoops.reduce(src, dst, s[0], s[1], s[2], any);
                src = dst;
            }
        }
        return out;
    }

    private static Kernel arg(Operation op, boolean max) {
        numericType(op);
        DType outType = op.attrType("output_type");
        return ctx -> ctx.setOutput(0, argReduce(ctx::allocate, ctx.input(0), ctx.input(1), max, outType));
    }

    static Tensor argReduce(Alloc ctx, Tensor in, Tensor dim, boolean max, DType outType) {
        DType t = in.dtype();
        if (dim.numElements() != 1) {
            throw new InvalidArgumentException("dimension must be a scalar, got shape " + dim.shape());
        }
        ArgReductionAxis view = ArgReductionAxis.of("", in.shape(), axes(dim)[0]);
        int a = Math.toIntExact(view.outer());
        int r = (int) view.size();
        int b = Math.toIntExact(view.inner());
        Tensor out = ctx.allocate(outType, view.outShape());
        int[] idx = outType == DType.INT32 ? (int[]) out.array() : new int[a * b];
        switch (t) {
            case FLOAT32 -> ReductionLoops.argReduce((float[]) in.array(), idx, a, r, b, max);
            case FLOAT64 -> ReductionLoops.argReduce((double[]) in.array(), idx, a, r, b, max);
            case INT32 -> ReductionLoops.argReduce((int[]) in.array(), idx, a, r, b, max);
            default -> ReductionLoops.argReduce((long[]) in.array(), idx, a, r, b, max);
        }
        if (outType == DType.INT64) {
            long[] o = (long[]) out.array();
            for (int i = 0; i < idx.length; i++) {
                o[i] = idx[i];
            }
        }
        return out;
    }

    /** The values of an int32 or int64 axes tensor (scalar or vector). */
    static long[] axes(Tensor t) {
        int n = t.numElements();
        long[] v = new long[n];
        if (t.dtype() == DType.INT64) {
            System.arraycopy((long[]) t.array(), 0, v, 0, n);
        } else if (t.dtype() == DType.INT32) {
            int[] a = (int[]) t.array();
            for (int i = 0; i < n; i++) {
                v[i] = a[i];
            }
        } else {
            throw new InvalidArgumentException("reduction axes must be int32 or int64, got " + t.dtype());
        }
        return v;
    }
}
