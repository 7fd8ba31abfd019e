package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.VariableHandle;

/**
 * CPU kernels of the fused optimizer updates (TensorFlow's {@code training_ops.cc}), for reference variables
 * ({@code ApplyAdam}) and resource variables ({@code ResourceApplyAdam}). Each writes the variable's array (and its
 * accumulators') in place, a resource variable's after copying a value a read still holds, and the reference form
 * outputs the variable's tensor. With {@code use_locking} the update holds the variable slot's lock. Big variables are
 * updated in parts on the intra-op threads (an optimizer step is memory-bound, and one core does not get the
 * machine's memory bandwidth).
 */
public final class TrainingKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    /** One in-place update of elements {@code [from, to)} of float32 or float64 arrays, after the inputs have been validated. */
    private interface Update {
        void run(KernelContext ctx, Tensor[] refs, int from, int to);
    }

    @Override
    public void register(KernelRegistry r) {
        for (boolean resource : new boolean[] {false, true}) {
            String p = resource ? "Resource" : "";
            register(r, p + "ApplyGradientDescent", resource, 1, new int[]{1}, 2, op -> TrainingKernels::gradientDescent);
            register(r, p + "ApplyMomentum", resource, 2, new int[]{2, 4}, 3, op -> {
                boolean nesterov = op.attrBool("use_nesterov");
                return (ctx, refs, from, to) -> momentum(ctx, refs, from, to, nesterov);
            });
            register(r, p + "ApplyAdam", resource, 3, new int[]{3, 4, 5, 6, 7, 8}, 9, op -> {
                boolean nesterov = op.attrBool("use_nesterov");
                return (ctx, refs, from, to) -> adam(ctx, refs, from, to, nesterov);
            });
            register(r, p + "ApplyRMSProp", resource, 3, new int[]{3, 4, 5, 6}, 7, op -> TrainingKernels::rmsProp);
            register(r, p + "ApplyCenteredRMSProp", resource, 4, new int[]{4, 5, 6, 7}, 8,
                    op -> TrainingKernels::centeredRmsProp);
            register(r, p + "ApplyAdagrad", resource, 2, new int[]{2}, 3, op -> {
                boolean updateSlots = op.attrBool("update_slots");
                return (ctx, refs, from, to) -> adagrad(ctx, refs, from, to, updateSlots);
            });
        }
    }

    // The updates, one branch per dtype; apply() has checked that every input has the variable's dtype.

    private static void gradientDescent(KernelContext ctx, Tensor[] refs, int from, int to) {
//# for float double
        if (refs[0].dtype() == DType.${DTYPE}) {
            ${T}[] var = (${T}[]) refs[0].array();
            ${T} alpha = ctx.input(1).${T}Value();
            ${T}[] g = (${T}[]) ctx.input(2).array();
            for (int i = from; i < to; i++) {
                var[i] -= g[i] * alpha;
            }
        }
//# end
    }

    private static void momentum(KernelContext ctx, Tensor[] refs, int from, int to, boolean nesterov) {
//# for float double
        if (refs[0].dtype() == DType.${DTYPE}) {
            ${T}[] var = (${T}[]) refs[0].array();
            ${T}[] accum = (${T}[]) refs[1].array();
            ${T} lr = ctx.input(2).${T}Value();
            ${T}[] g = (${T}[]) ctx.input(3).array();
            ${T} momentum = ctx.input(4).${T}Value();
            for (int i = from; i < to; i++) {
                accum[i] = accum[i] * momentum + g[i];
                var[i] -= nesterov ? g[i] * lr + accum[i] * momentum * lr : accum[i] * lr;
            }
        }
//# end
    }

    private static void adam(KernelContext ctx, Tensor[] refs, int from, int to, boolean nesterov) {
        double b1p = ctx.input(3).toDoubles()[0];
        double b2p = ctx.input(4).toDoubles()[0];
//# for float double
        if (refs[0].dtype() == DType.${DTYPE}) {
            ${T}[] var = (${T}[]) refs[0].array();
            ${T}[] m = (${T}[]) refs[1].array();
            ${T}[] v = (${T}[]) refs[2].array();
            ${T} lr = ctx.input(5).${T}Value();
            ${T} beta1 = ctx.input(6).${T}Value();
            ${T} beta2 = ctx.input(7).${T}Value();
            ${T} eps = ctx.input(8).${T}Value();
            ${T}[] g = (${T}[]) ctx.input(9).array();
            ${T} alpha = lr * (${T}) Math.sqrt(1 - (${T}) b2p) / (1 - (${T}) b1p);
            for (int i = from; i < to; i++) {
                m[i] += (g[i] - m[i]) * (1 - beta1);
                v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
                ${T} step = nesterov ? g[i] * (1 - beta1) + beta1 * m[i] : m[i];
                var[i] -= step * alpha / ((${T}) Math.sqrt(v[i]) + eps);
            }
        }
//# end
    }

    private static void rmsProp(KernelContext ctx, Tensor[] refs, int from, int to) {
//# for float double
        if (refs[0].dtype() == DType.${DTYPE}) {
            ${T}[] var = (${T}[]) refs[0].array();
            ${T}[] ms = (${T}[]) refs[1].array();
            ${T}[] mom = (${T}[]) refs[2].array();
            ${T} lr = ctx.input(3).${T}Value();
            ${T} rho = ctx.input(4).${T}Value();
            ${T} momentum = ctx.input(5).${T}Value();
            ${T} eps = ctx.input(6).${T}Value();
            ${T}[] g = (${T}[]) ctx.input(7).array();
            for (int i = from; i < to; i++) {
                ms[i] += (g[i] * g[i] - ms[i]) * (1 - rho);
                mom[i] = mom[i] * momentum + g[i] * lr / (${T}) Math.sqrt(ms[i] + eps);
                var[i] -= mom[i];
            }
        }
//# end
    }

    private static void centeredRmsProp(KernelContext ctx, Tensor[] refs, int from, int to) {
//# for float double
        if (refs[0].dtype() == DType.${DTYPE}) {
            ${T}[] var = (${T}[]) refs[0].array();
            ${T}[] mg = (${T}[]) refs[1].array();
            ${T}[] ms = (${T}[]) refs[2].array();
            ${T}[] mom = (${T}[]) refs[3].array();
            ${T} lr = ctx.input(4).${T}Value();
            ${T} rho = ctx.input(5).${T}Value();
            ${T} momentum = ctx.input(6).${T}Value();
            ${T} eps = ctx.input(7).${T}Value();
            ${T}[] g = (${T}[]) ctx.input(8).array();
            for (int i = from; i < to; i++) {
                ms[i] += (g[i] * g[i] - ms[i]) * (1 - rho);
                mg[i] += (g[i] - mg[i]) * (1 - rho);
                ${T} denom = ms[i] - mg[i] * mg[i] + eps;
                mom[i] = mom[i] * momentum + g[i] * lr / (${T}) Math.sqrt(denom);
                var[i] -= mom[i];
            }
        }
//# end
    }

    private static void adagrad(KernelContext ctx, Tensor[] refs, int from, int to, boolean updateSlots) {
//# for float double
        if (refs[0].dtype() == DType.${DTYPE}) {
            ${T}[] var = (${T}[]) refs[0].array();
            ${T}[] accum = (${T}[]) refs[1].array();
            ${T} lr = ctx.input(2).${T}Value();
            ${T}[] g = (${T}[]) ctx.input(3).array();
            for (int i = from; i < to; i++) {
                if (updateSlots) {
                    accum[i] += g[i] * g[i];
                }
                var[i] -= g[i] * lr / (${T}) Math.sqrt(accum[i]);
            }
        }
//# end
    }

    /** Builds the per-op update for one op's attributes. */
    private interface UpdateFactory {
        Update create(dev.tensorgraph.Operation op);
    }

    /**
     * Registers an apply kernel: inputs {@code 0..numRefs-1} are variables of equal shape (refs, or for the
     * {@code ResourceApply*} forms the variables' handles), {@code scalars} are scalar inputs and
     * {@code gradIndex} is the gradient, of the variable's shape.
     */
    private static void register(KernelRegistry r, String type, boolean resource, int numRefs, int[] scalars,
                                 int gradIndex, UpdateFactory factory) {
        r.register(CPU, type, op -> {
            boolean locking = op.attrBool("use_locking");
            Update update = factory.create(op);
            DType dtype = op.attrType("T");
            String[] names = new String[op.def().inputs().size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = op.def().inputs().get(i).name();
            }
            return ctx -> {
                Object lock = resource ? VariableHandle.of(ctx.input(0), op, 0).slot() : ctx.variable(0);
                if (locking) {
                    synchronized (lock) {
                        apply(ctx, type, resource, dtype, names, numRefs, scalars, gradIndex, update);
                    }
                } else {
                    apply(ctx, type, resource, dtype, names, numRefs, scalars, gradIndex, update);
                }
            };
        });
    }

    private static void apply(KernelContext ctx, String type, boolean resource, DType dtype, String[] names, int numRefs,
                              int[] scalars, int gradIndex, Update update) {
        Tensor[] refs = new Tensor[numRefs];
        for (int i = 0; i < numRefs; i++) {
            refs[i] = resource ? VariableHandle.of(ctx.input(i), ctx.op(), i).valueForUpdate(ctx.op(), dtype)
                    : ctx.variable(i).get();
        }
        DType t = refs[0].dtype();
        if (t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw new InvalidArgumentException(type + " does not support dtype " + t);
        }
        for (int i = 1; i < numRefs; i++) {
            if (!refs[i].shape().equals(refs[0].shape()) || refs[i].dtype() != t) {
                throw new InvalidArgumentException("var and " + names[i] + " do not have the same shape "
                        + refs[0].shape() + " " + refs[i].shape());
            }
        }
        for (int s : scalars) {
            Tensor x = ctx.input(s);
            if (x.shape().rank() != 0) {
                throw new InvalidArgumentException(names[s] + " is not a scalar: " + x.shape());
            }
            if (x.dtype() != t) {
                throw new InvalidArgumentException(names[s] + " has dtype " + x.dtype() + " but var has dtype " + t);
            }
        }
        Tensor grad = ctx.input(gradIndex);
        if (!grad.shape().equals(refs[0].shape()) || grad.dtype() != t) {
            throw new InvalidArgumentException("var and grad do not have the same shape " + refs[0].shape() + " "
                    + grad.shape());
        }
        // Elements update independently: threads share the arrays, and each element's result is the same.
        int n = refs[0].numElements();
        Parallel.forRange(n, ctx.intraOpThreads(), (long) n * (numRefs + 1), (from, to) -> update.run(ctx, refs, from, to));
        if (!resource) {
            ctx.setOutput(0, refs[0]);
        }
    }
}
