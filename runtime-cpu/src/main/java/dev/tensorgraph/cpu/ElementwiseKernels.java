package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.BroadcastReduction;

/**
 * CPU kernels of the elementwise math family: binary arithmetic with broadcasting, unary functions, the
 * fused gradient ops, comparisons and logical ops, Select/SelectV2, AddN and BroadcastGradientArgs. Cast
 * lives in {@link CastKernel}. The loops are in {@link BinaryLoops}, {@link UnaryLoops} and
 * {@link CompareLoops}; broadcasting in {@link BroadcastIndexer}.
 */
public final class ElementwiseKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "Add", binary(BinaryLoops.ADD, false));
        r.register(CPU, "AddV2", binary(BinaryLoops.ADD, false));
        r.register(CPU, "Sub", binary(BinaryLoops.SUB, false));
        r.register(CPU, "Mul", binary(BinaryLoops.MUL, false));
        r.register(CPU, "RealDiv", binary(BinaryLoops.DIV, false));
        r.register(CPU, "DivNoNan", binary(BinaryLoops.DIV_NO_NAN, false));
        r.register(CPU, "Div", binary(BinaryLoops.TRUNC_DIV, false));
        r.register(CPU, "FloorDiv", binary(BinaryLoops.FLOOR_DIV, false));
        r.register(CPU, "FloorMod", binary(BinaryLoops.FLOOR_MOD, false));
        r.register(CPU, "Mod", binary(BinaryLoops.TRUNC_MOD, false));
        r.register(CPU, "Pow", binary(BinaryLoops.POW, false));
        r.register(CPU, "Maximum", binary(BinaryLoops.MAX, false));
        r.register(CPU, "Minimum", binary(BinaryLoops.MIN, false));
        r.register(CPU, "SquaredDifference", binary(BinaryLoops.SQUARED_DIFF, false));
        r.register(CPU, "ReluGrad", binary(BinaryLoops.RELU_GRAD, true));
        r.register(CPU, "SigmoidGrad", binary(BinaryLoops.SIGMOID_GRAD, true));
        r.register(CPU, "TanhGrad", binary(BinaryLoops.TANH_GRAD, true));
        r.register(CPU, "SqrtGrad", binary(BinaryLoops.SQRT_GRAD, true));
        r.register(CPU, "RsqrtGrad", binary(BinaryLoops.RSQRT_GRAD, true));
        r.register(CPU, "ReciprocalGrad", binary(BinaryLoops.RECIPROCAL_GRAD, true));
        r.register(CPU, "InvGrad", binary(BinaryLoops.RECIPROCAL_GRAD, true));

        String[] unary = {"Square", "Sqrt", "Rsqrt", "Exp", "Log", "Log1p", "Abs", "Neg", "Sign", "Reciprocal", "Sigmoid",
            "Tanh", "Relu", "Round", "Floor", "Ceil"};
        int[] codes = {UnaryLoops.SQUARE, UnaryLoops.SQRT, UnaryLoops.RSQRT, UnaryLoops.EXP, UnaryLoops.LOG,
            UnaryLoops.LOG1P, UnaryLoops.ABS, UnaryLoops.NEG, UnaryLoops.SIGN, UnaryLoops.RECIPROCAL, UnaryLoops.SIGMOID,
            UnaryLoops.TANH, UnaryLoops.RELU, UnaryLoops.ROUND, UnaryLoops.FLOOR, UnaryLoops.CEIL};
        for (int i = 0; i < unary.length; i++) {
            r.register(CPU, unary[i], unary(codes[i]));
        }
        r.register(CPU, "Inv", unary(UnaryLoops.RECIPROCAL));

        r.register(CPU, "Equal", compare(CompareLoops.EQUAL));
        r.register(CPU, "NotEqual", compare(CompareLoops.NOT_EQUAL));
        r.register(CPU, "Less", compare(CompareLoops.LESS));
        r.register(CPU, "LessEqual", compare(CompareLoops.LESS_EQUAL));
        r.register(CPU, "Greater", compare(CompareLoops.GREATER));
        r.register(CPU, "GreaterEqual", compare(CompareLoops.GREATER_EQUAL));
        r.register(CPU, "LogicalAnd", compare(CompareLoops.AND));
        r.register(CPU, "LogicalOr", compare(CompareLoops.OR));
        r.register(CPU, "LogicalNot", op -> ctx -> {
            Tensor x = ctx.input(0);
            boolean[] a = (boolean[]) x.array();
            Tensor out = ctx.allocate(DType.BOOL, x.shape());
            boolean[] o = (boolean[]) out.array();
            for (int i = 0; i < a.length; i++) {
                o[i] = !a[i];
            }
            ctx.setOutput(0, out);
        });
        r.register(CPU, "Select", op -> ctx -> select(ctx, false));
        r.register(CPU, "SelectV2", op -> ctx -> select(ctx, true));
        r.register(CPU, "Cast", HalfPrecisionWidening.native16(CastKernel::create));
        r.register(CPU, "AddN", ElementwiseKernels::addN);
        r.register(CPU, "BroadcastGradientArgs", op -> ElementwiseKernels::broadcastGradientArgs);
    }

    private static DType requireNumeric(Operation op, DType t) {
        if (t != DType.FLOAT32 && t != DType.FLOAT64 && t != DType.INT32 && t != DType.INT64) {
            throw new UnimplementedException(op.type() + " has no CPU kernel for dtype " + t);
        }
        return t;
    }

    /** A broadcasting binary kernel; {@code sameShape} demands equal shapes (the fused gradient ops). */
    static KernelFactory binary(int code, boolean sameShape) {
        return op -> {
            DType t = requireNumeric(op, op.input(0).dtype());
            return ctx -> {
                Tensor x = ctx.input(0);
                Tensor y = ctx.input(1);
                if (sameShape && !x.shape().equals(y.shape())) {
                    throw new InvalidArgumentException("Incompatible shapes: " + x.shape() + " vs. " + y.shape());
                }
                if (t == DType.FLOAT32 && x.shape().equals(y.shape())) {
                    Tensor out = ctx.allocate(t, x.shape());
                    sameShapeF32(code, (float[]) x.array(), (float[]) y.array(), (float[]) out.array(), out.numElements(),
                            ctx.intraOpThreads());
                    ctx.setOutput(0, out);
                    return;
                }
                BroadcastIndexer ix = BroadcastIndexer.of(x.shape(), y.shape());
                Tensor out = ctx.allocate(t, ix.shape());
                binaryInto(code, x, y, ix, out);
                ctx.setOutput(0, out);
            };
        };
    }

    /** A float binary op over operands of one shape, split across threads when large. */
    static void sameShapeF32(int code, float[] a, float[] b, float[] o, int n, int threads) {
        // Split in whole cache lines so the threads never write the same line.
        int lines = (n + 15) / 16;
        Parallel.forRange(lines, threads, n, (l0, l1) -> {
            int from = l0 * 16;
            int to = Math.min(n, l1 * 16);
            if (code == BinaryLoops.RELU_GRAD && Gemm.vectorApiAvailable()) {
                ReluGradVectors.apply(a, from, b, from, o, from, to - from);
            } else {
                BinaryLoops.f32(code, a, from, 1, b, from, 1, o, from, to - from);
            }
        });
    }

    /** Computes {@code out = x op y} over the broadcast runs of {@code ix} (float32/64, int32/64). */
    static void binaryInto(int code, Tensor x, Tensor y, BroadcastIndexer ix, Tensor out) {
        switch (x.dtype()) {
            case FLOAT32 -> {
                float[] a = (float[]) x.array();
                float[] b = (float[]) y.array();
                float[] o = (float[]) out.array();
                ix.forEach((off, st, oo, n) -> BinaryLoops.f32(code, a, off[0], st[0], b, off[1], st[1], o, oo, n));
            }
            case FLOAT64 -> {
                double[] a = (double[]) x.array();
                double[] b = (double[]) y.array();
                double[] o = (double[]) out.array();
                ix.forEach((off, st, oo, n) -> BinaryLoops.f64(code, a, off[0], st[0], b, off[1], st[1], o, oo, n));
            }
            case INT32 -> {
                int[] a = (int[]) x.array();
                int[] b = (int[]) y.array();
                int[] o = (int[]) out.array();
                ix.forEach((off, st, oo, n) -> BinaryLoops.i32(code, a, off[0], st[0], b, off[1], st[1], o, oo, n));
            }
            default -> {
                long[] a = (long[]) x.array();
                long[] b = (long[]) y.array();
                long[] o = (long[]) out.array();
                ix.forEach((off, st, oo, n) -> BinaryLoops.l64(code, a, off[0], st[0], b, off[1], st[1], o, oo, n));
            }
        }
    }

    static KernelFactory unary(int code) {
        return op -> {
            DType t = requireNumeric(op, op.input(0).dtype());
            if (!t.isFloating() && !UnaryLoops.supportsIntegers(code)) {
                throw new UnimplementedException(op.type() + " has no CPU kernel for dtype " + t);
            }
            return ctx -> {
                Tensor x = ctx.input(0);
                Tensor out = ctx.allocate(t, x.shape());
                int n = x.numElements();
                Object a = x.array();
                Object o = out.array();
                // Split in runs of 16 elements (whole cache lines of floats) so the threads never write the same line.
                Parallel.forRange((n + 15) / 16, ctx.intraOpThreads(), n, (l0, l1) -> {
                    int from = l0 * 16;
                    int to = Math.min(n, l1 * 16);
                    switch (t) {
                        case FLOAT32 -> UnaryLoops.f32(code, (float[]) a, (float[]) o, from, to);
                        case FLOAT64 -> UnaryLoops.f64(code, (double[]) a, (double[]) o, from, to);
                        case INT32 -> UnaryLoops.i32(code, (int[]) a, (int[]) o, from, to);
                        default -> UnaryLoops.l64(code, (long[]) a, (long[]) o, from, to);
                    }
                });
                ctx.setOutput(0, out);
            };
        };
    }

    static KernelFactory compare(int code) {
        return op -> {
            DType t = op.input(0).dtype();
            boolean logical = code == CompareLoops.AND || code == CompareLoops.OR;
            boolean ok = logical ? t == DType.BOOL
                    : t == DType.BOOL ? code == CompareLoops.EQUAL || code == CompareLoops.NOT_EQUAL : t != DType.STRING;
            if (!ok) {
                throw new UnimplementedException(op.type() + " has no CPU kernel for dtype " + t);
            }
            return ctx -> {
                Tensor x = ctx.input(0);
                Tensor y = ctx.input(1);
                BroadcastIndexer ix = BroadcastIndexer.of(x.shape(), y.shape());
                Tensor out = ctx.allocate(DType.BOOL, ix.shape());
                compareInto(code, x, y, ix, out);
                ctx.setOutput(0, out);
            };
        };
    }

    /** Computes the bool {@code out = x op y} over the broadcast runs of {@code ix}. */
    static void compareInto(int code, Tensor x, Tensor y, BroadcastIndexer ix, Tensor out) {
        boolean[] o = (boolean[]) out.array();
        Object a = x.array();
        Object b = y.array();
        switch (x.dtype()) {
            case FLOAT32 -> ix.forEach((off, st, oo, n) ->
                    CompareLoops.f32(code, (float[]) a, off[0], st[0], (float[]) b, off[1], st[1], o, oo, n));
            case FLOAT64 -> ix.forEach((off, st, oo, n) ->
                    CompareLoops.f64(code, (double[]) a, off[0], st[0], (double[]) b, off[1], st[1], o, oo, n));
            case INT32 -> ix.forEach((off, st, oo, n) ->
                    CompareLoops.i32(code, (int[]) a, off[0], st[0], (int[]) b, off[1], st[1], o, oo, n));
            case INT64 -> ix.forEach((off, st, oo, n) ->
                    CompareLoops.l64(code, (long[]) a, off[0], st[0], (long[]) b, off[1], st[1], o, oo, n));
            case BOOL -> ix.forEach((off, st, oo, n) ->
                    CompareLoops.bool(code, (boolean[]) a, off[0], st[0], (boolean[]) b, off[1], st[1], o, oo, n));
            default -> ix.forEach((off, st, oo, n) ->
                    CompareLoops.u8(code, (byte[]) a, off[0], st[0], (byte[]) b, off[1], st[1], o, oo, n));
        }
    }

    /**
     * Select: the condition is a scalar, a vector over the first dimension, or of the same shape as t and e
     * (which must be equal). SelectV2: all three broadcast.
     */
    static void select(KernelContext ctx, boolean v2) {
        Tensor c = ctx.input(0);
        Tensor t = ctx.input(1);
        Tensor e = ctx.input(2);
        Shape cs = c.shape();
        if (!v2) {
            if (!t.shape().equals(e.shape())) {
                throw new InvalidArgumentException("'then' and 'else' must have the same size.  but received: "
                        + t.shape() + " vs. " + e.shape());
            }
            if (cs.rank() == 0) {
                ctx.setOutput(0, ((boolean[]) c.array())[0] ? t : e);
                return;
            }
            if (cs.rank() == 1 && t.shape().rank() > 1) {
                if (cs.size(0) != t.shape().size(0)) {
                    throw new InvalidArgumentException("Number of batches of 'then' must match size of 'cond', but saw: "
                            + t.shape().size(0) + " vs. " + cs.size(0));
                }
                long[] d = new long[t.shape().rank()];
                java.util.Arrays.fill(d, 1);
                d[0] = cs.size(0);
                cs = Shape.of(d);
            } else if (!cs.equals(t.shape())) {
                throw new InvalidArgumentException("'cond' and 'then' must have the same size, but received: "
                        + cs + " vs. " + t.shape());
            }
        }
        BroadcastIndexer ix = BroadcastIndexer.of(cs, t.shape(), e.shape());
        Tensor out = ctx.allocate(t.dtype(), ix.shape());
        boolean[] cv = (boolean[]) c.array();
        Object tv = t.array();
        Object ev = e.array();
        Object ov = out.array();
        switch (t.dtype()) {
            case FLOAT32 -> ix.forEach((off, st, oo, n) -> {
                float[] a = (float[]) tv;
                float[] b = (float[]) ev;
                float[] o = (float[]) ov;
                for (int i = 0; i < n; i++) {
                    o[oo + i] = cv[off[0] + i * st[0]] ? a[off[1] + i * st[1]] : b[off[2] + i * st[2]];
                }
            });
            case FLOAT64 -> ix.forEach((off, st, oo, n) -> {
                double[] a = (double[]) tv;
                double[] b = (double[]) ev;
                double[] o = (double[]) ov;
                for (int i = 0; i < n; i++) {
                    o[oo + i] = cv[off[0] + i * st[0]] ? a[off[1] + i * st[1]] : b[off[2] + i * st[2]];
                }
            });
            case INT32 -> ix.forEach((off, st, oo, n) -> {
                int[] a = (int[]) tv;
                int[] b = (int[]) ev;
                int[] o = (int[]) ov;
                for (int i = 0; i < n; i++) {
                    o[oo + i] = cv[off[0] + i * st[0]] ? a[off[1] + i * st[1]] : b[off[2] + i * st[2]];
                }
            });
            case INT64 -> ix.forEach((off, st, oo, n) -> {
                long[] a = (long[]) tv;
                long[] b = (long[]) ev;
                long[] o = (long[]) ov;
                for (int i = 0; i < n; i++) {
                    o[oo + i] = cv[off[0] + i * st[0]] ? a[off[1] + i * st[1]] : b[off[2] + i * st[2]];
                }
            });
            case BOOL -> ix.forEach((off, st, oo, n) -> {
                boolean[] a = (boolean[]) tv;
                boolean[] b = (boolean[]) ev;
                boolean[] o = (boolean[]) ov;
                for (int i = 0; i < n; i++) {
                    o[oo + i] = cv[off[0] + i * st[0]] ? a[off[1] + i * st[1]] : b[off[2] + i * st[2]];
                }
            });
            case UINT8 -> ix.forEach((off, st, oo, n) -> {
                byte[] a = (byte[]) tv;
                byte[] b = (byte[]) ev;
                byte[] o = (byte[]) ov;
                for (int i = 0; i < n; i++) {
                    o[oo + i] = cv[off[0] + i * st[0]] ? a[off[1] + i * st[1]] : b[off[2] + i * st[2]];
                }
            });
            default -> throw new UnimplementedException(ctx.op().type() + " has no CPU kernel for dtype " + t.dtype());
        }
        ctx.setOutput(0, out);
    }

    private static dev.tensorgraph.kernel.Kernel addN(Operation op) {
        if (op.input(0).dtype() == DType.VARIANT) {
            return ctx -> TensorListKernels.addN(ctx, op);
        }
        DType t = requireNumeric(op, op.input(0).dtype());
        return ctx -> {
            int k = ctx.numInputs();
            Tensor first = ctx.input(0);
            if (k == 1) {
                ctx.setOutput(0, first);
                return;
            }
            for (int j = 1; j < k; j++) {
                if (!ctx.input(j).shape().equals(first.shape())) {
                    throw new InvalidArgumentException("Inputs to operation AddN must have the same size and shape.  "
                            + "Input 0: " + first.shape() + " != input " + j + ": " + ctx.input(j).shape());
                }
            }
            Tensor out = ctx.allocate(t, first.shape());
            int n = first.numElements();
            switch (t) {
                case FLOAT32 -> {
                    // A pass per further input over both threads (not a copy and then adds on one): each sum
                    // still adds the inputs in their order, so its bits are the same.
                    float[] o = (float[]) out.array();
                    int threads = ctx.intraOpThreads();
                    sameShapeF32(BinaryLoops.ADD, (float[]) first.array(), (float[]) ctx.input(1).array(), o, n, threads);
                    for (int j = 2; j < k; j++) {
                        sameShapeF32(BinaryLoops.ADD, o, (float[]) ctx.input(j).array(), o, n, threads);
                    }
                }
                case FLOAT64 -> {
                    double[] o = (double[]) out.array();
                    System.arraycopy(first.array(), 0, o, 0, n);
                    for (int j = 1; j < k; j++) {
                        double[] a = (double[]) ctx.input(j).array();
                        for (int i = 0; i < n; i++) {
                            o[i] += a[i];
                        }
                    }
                }
                case INT32 -> {
                    int[] o = (int[]) out.array();
                    System.arraycopy(first.array(), 0, o, 0, n);
                    for (int j = 1; j < k; j++) {
                        int[] a = (int[]) ctx.input(j).array();
                        for (int i = 0; i < n; i++) {
                            o[i] += a[i];
                        }
                    }
                }
                default -> {
                    long[] o = (long[]) out.array();
                    System.arraycopy(first.array(), 0, o, 0, n);
                    for (int j = 1; j < k; j++) {
                        long[] a = (long[]) ctx.input(j).array();
                        for (int i = 0; i < n; i++) {
                            o[i] += a[i];
                        }
                    }
                }
            }
            ctx.setOutput(0, out);
        };
    }

    /**
     * BroadcastGradientArgs(s0, s1): the axes over which the gradients of two broadcast operands are
     * summed, by TensorFlow's BCast rules (identical shapes need none; where an operand is 1 or missing it is
     * reduced; where both are 1, both are).
     */
    static void broadcastGradientArgs(KernelContext ctx) {
        Tensor t0 = ctx.input(0);
        Tensor t1 = ctx.input(1);
        if (t0.shape().rank() != 1 || t1.shape().rank() != 1) {
            throw new InvalidArgumentException("In[0] and In[1] must be vectors, got shapes " + t0.shape() + " and "
                    + t1.shape());
        }
        int[][] axes = BroadcastReduction.reductionAxes(asLongs(t0), asLongs(t1));
        ctx.setOutput(0, indexVector(t0.dtype(), axes[0]));
        ctx.setOutput(1, indexVector(t0.dtype(), axes[1]));
    }

    private static long[] asLongs(Tensor t) {
        if (t.dtype() == DType.INT64) {
            return (long[]) t.array();
        }
        int[] a = (int[]) t.array();
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    private static Tensor indexVector(DType t, int[] v) {
        Shape s = Shape.of(v.length);
        if (t == DType.INT64) {
            long[] a = new long[v.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = v[i];
            }
            return Tensor.wrap(t, s, a);
        }
        return Tensor.wrap(DType.INT32, s, v.clone());
    }
}
