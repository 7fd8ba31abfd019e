package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.VariableSlot;
import dev.tensorgraph.kernel.args.MatMulShape;

/**
 * CPU kernel of {@code _MatMulApplyGradientDescent} (float32): {@code var -= alpha * op(a) op(b)} with the
 * product added to the variable's array by the native BLAS as it is computed ({@code C = -alpha AB + C}), so the
 * gradient is never stored nor read back. Each element then differs from ApplyGradientDescent of the stored product
 * at most by the rounding of one multiply-add. Products too small for the native library, or without it, and
 * products that read the variable's own array are computed into a scratch array and subtracted as
 * ApplyGradientDescent does, with its bits. As the reference form of
 * ApplyGradientDescent, it writes the variable in place, holds the variable slot's lock with {@code use_locking} and
 * outputs the variable's tensor. Also {@code _MatMulApplyMomentum}, whose product goes into the accumulator.
 */
public final class FusedTrainingKernels implements KernelLibrary {
    static final String MATMUL_APPLY_GRADIENT_DESCENT = "_MatMulApplyGradientDescent";

    static final String MATMUL_APPLY_MOMENTUM = "_MatMulApplyMomentum";

    @Override
    public void register(KernelRegistry r) {
        register(r, MATMUL_APPLY_MOMENTUM, FusedTrainingKernels::momentum);
        register(r, MATMUL_APPLY_GRADIENT_DESCENT, FusedTrainingKernels::update);
    }

    /** How one fused step updates its variable (and slots), given the product's transposes. */
    private interface Update {
        void apply(KernelContext ctx, VariableSlot slot, boolean ta, boolean tb);
    }

    /** Registers {@code type}'s float32 kernel, holding the variable's lock while it updates with use_locking. */
    private static void register(KernelRegistry r, String type, Update update) {
        r.register(KernelRegistry.CPU, type, op -> {
            if (op.attrType("T") != DType.FLOAT32) {
                throw new UnimplementedException("no CPU kernel for " + type + " with T=" + op.attrType("T"));
            }
            boolean ta = op.attrBool("transpose_a");
            boolean tb = op.attrBool("transpose_b");
            boolean locking = op.attrBool("use_locking");
            return ctx -> {
                VariableSlot slot = ctx.variable(0);
                if (locking) {
                    synchronized (slot) {
                        update.apply(ctx, slot, ta, tb);
                    }
                } else {
                    update.apply(ctx, slot, ta, tb);
                }
            };
        });
    }

    /**
     * {@code accum = momentum * accum + op(a) op(b)}, the product added to the accumulator's array by the native BLAS
     * ({@code C = AB + momentum C}), then {@code var -= lr * accum} on the intra-op threads; as ApplyMomentum without
     * {@code use_nesterov}, within the rounding of the product's partial sums.
     */
    private static void momentum(KernelContext ctx, VariableSlot slot, boolean ta, boolean tb) {
        Tensor var = slot.get();
        Tensor accum = ctx.variable(1).get();
        Tensor lrTensor = ctx.input(2);
        Tensor a = ctx.input(3);
        Tensor b = ctx.input(4);
        Tensor momentumTensor = ctx.input(5);
        for (Tensor t : new Tensor[] {var, accum, lrTensor, a, b, momentumTensor}) {
            if (t.dtype() != DType.FLOAT32) {
                throw new InvalidArgumentException(ctx.op().name() + ": var, accum, lr, momentum and the product's "
                        + "operands must be float32, got " + t.dtype());
            }
        }
        if (lrTensor.shape().rank() != 0 || momentumTensor.shape().rank() != 0) {
            throw new InvalidArgumentException(ctx.op().name() + ": lr and momentum must be scalars, got "
                    + lrTensor.shape() + " and " + momentumTensor.shape());
        }
        MatMulShape shape = MatMulShape.of("", a.shape(), b.shape(), ta, tb);
        if (!shape.outShape().equals(var.shape()) || !accum.shape().equals(var.shape())) {
            throw new InvalidArgumentException(ctx.op().name() + ": var, accum and grad do not have the same shape "
                    + var.shape() + " " + accum.shape() + " " + shape.outShape());
        }
        int m = shape.m();
        int n = shape.n();
        int k = shape.k();
        float lr = lrTensor.floatValue();
        float momentum = momentumTensor.floatValue();
        float[] v = (float[]) var.array();
        float[] acc = (float[]) accum.array();
        int threads = ctx.intraOpThreads();
        boolean readsState = a.array() == v || b.array() == v || a.array() == acc || b.array() == acc;
        if (!readsState && Gemm.scaledSgemm(ta, tb, m, n, k, 1f, (float[]) a.array(), 0, (float[]) b.array(), 0,
                momentum, acc, 0, threads)) {
            Parallel.forRange(v.length, threads, (from, to) -> {
                for (int i = from; i < to; i++) {
                    v[i] -= acc[i] * lr;
                }
            });
        } else {
            float[] g = new float[m * n];
            Gemm.gemm((float[]) a.array(), 0, ta, (float[]) b.array(), 0, tb, g, 0, m, n, k, threads);
            for (int i = 0; i < g.length; i++) {
                acc[i] = acc[i] * momentum + g[i];
                v[i] -= acc[i] * lr;
            }
        }
        ctx.setOutput(0, var);
    }

    private static void update(KernelContext ctx, VariableSlot slot, boolean ta, boolean tb) {
        Tensor var = slot.get();
        Tensor alpha = ctx.input(1);
        Tensor a = ctx.input(2);
        Tensor b = ctx.input(3);
        if (var.dtype() != DType.FLOAT32 || alpha.dtype() != DType.FLOAT32 || a.dtype() != DType.FLOAT32
                || b.dtype() != DType.FLOAT32) {
            throw new InvalidArgumentException(ctx.op().name() + ": var, alpha and the product's operands must be"
                    + " float32, got " + var.dtype() + ", " + alpha.dtype() + ", " + a.dtype() + " and " + b.dtype());
        }
        if (alpha.shape().rank() != 0) {
            throw new InvalidArgumentException("alpha is not a scalar: " + alpha.shape());
        }
        MatMulShape shape = MatMulShape.of("", a.shape(), b.shape(), ta, tb);
        if (!shape.outShape().equals(var.shape())) {
            throw new InvalidArgumentException("var and grad do not have the same shape " + var.shape() + " "
                    + shape.outShape());
        }
        int m = shape.m();
        int n = shape.n();
        int k = shape.k();
        float lr = alpha.floatValue();
        float[] v = (float[]) var.array();
        int threads = ctx.intraOpThreads();
        // A product that reads the variable itself (through an Identity or a reshape, which share its array)
        // must see the old value throughout: it is computed apart first, as the two ops would.
        boolean readsVariable = a.array() == v || b.array() == v;
        if (readsVariable || !Gemm.scaledSgemm(ta, tb, m, n, k, -lr, (float[]) a.array(), 0, (float[]) b.array(), 0,
                1f, v, 0, threads)) {
            float[] g = new float[m * n];
            Gemm.gemm((float[]) a.array(), 0, ta, (float[]) b.array(), 0, tb, g, 0, m, n, k, threads);
            for (int i = 0; i < g.length; i++) {
                v[i] -= g[i] * lr;
            }
        }
        ctx.setOutput(0, var);
    }
}
