package dev.tensorgraph.cpu;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.VariableSlot;

/** CPU kernels of the state family: placeholders, constants, identities (IdentityN too), variables and assignments. */
public final class StateKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "Placeholder", op -> ctx -> {
            throw new InvalidArgumentException("You must feed a value for placeholder tensor '" + op.name()
                    + "' with dtype " + op.attrType("dtype") + " and shape " + op.attrShape("shape"));
        });
        r.register(CPU, "PlaceholderWithDefault", op -> ctx -> ctx.setOutput(0, ctx.input(0)));
        r.register(CPU, "Const", op -> {
            Tensor value = op.attrTensor("value");
            return ctx -> ctx.setOutput(0, value);
        });
        r.register(CPU, "Identity", HalfPrecisionWidening.native16(op -> ctx -> ctx.setOutput(0, ctx.input(0))));
        r.register(CPU, "StopGradient", HalfPrecisionWidening.native16(op -> ctx -> ctx.setOutput(0, ctx.input(0))));
        r.register(CPU, "IdentityN", op -> ctx -> {
            for (int i = 0; i < ctx.numInputs(); i++) {
                ctx.setOutput(i, ctx.input(i));
            }
        });
        r.register(CPU, "NoOp", op -> ctx -> { });
        r.register(CPU, "VariableV2", KernelFactory.withRole(op -> ctx -> {
            Tensor v = ctx.variable(-1).peek();
            if (v != null) {
                ctx.setOutput(0, v);
            }
        }, KernelFactory.Role.VARIABLE));
        r.register(CPU, "Assign", op -> {
            boolean validate = op.attrBool("validate_shape");
            Shape declared = op.input(0).shape();
            return ctx -> {
                VariableSlot slot = ctx.variable(0);
                Tensor value = ctx.input(1);
                Tensor cur = slot.peek();
                if (validate) {
                    VariableSlot.checkAssignShape(slot.name(), cur == null ? declared : cur.shape(), value.shape());
                }
                Tensor stored;
                synchronized (slot) {
                    cur = slot.peek();
                    if (cur != null && cur.shape().equals(value.shape()) && cur.dtype() == value.dtype()) {
                        System.arraycopy(value.array(), 0, cur.array(), 0, value.numElements());
                        stored = cur;
                    } else {
                        stored = value.copy();
                        slot.set(stored);
                    }
                }
                ctx.setOutput(0, stored);
            };
        });
        r.register(CPU, "IsVariableInitialized", op -> ctx -> ctx.setOutput(0, Tensor.of(ctx.variable(0).isInitialized())));
        r.register(CPU, "AssignAdd", op -> ctx -> update(ctx, +1));
        r.register(CPU, "AssignSub", op -> ctx -> update(ctx, -1));
    }

    private static void update(dev.tensorgraph.kernel.KernelContext ctx, int sign) {
        VariableSlot slot = ctx.variable(0);
        Tensor cur = slot.get();
        addInPlace(ctx.op().type(), slot.name(), cur, ctx.input(1), sign);
        ctx.setOutput(0, cur);
    }

    /**
     * {@code cur += sign * delta} elementwise, in place, for an update op of {@code type} on {@code variable}; the
     * shapes must be equal (TensorFlow's message when not).
     */
    static void addInPlace(String type, String variable, Tensor cur, Tensor delta, int sign) {
        if (!cur.shape().equals(delta.shape())) {
            throw new InvalidArgumentException(type + " requires shapes of both tensors to match. lhs shape= "
                    + cur.shape() + " rhs shape= " + delta.shape() + " (variable " + variable + ")");
        }
        int n = cur.numElements();
        switch (cur.dtype()) {
            case FLOAT32 -> {
                float[] a = (float[]) cur.array();
                float[] d = (float[]) delta.array();
                for (int i = 0; i < n; i++) {
                    a[i] += sign * d[i];
                }
            }
            case FLOAT64 -> {
                double[] a = (double[]) cur.array();
                double[] d = (double[]) delta.array();
                for (int i = 0; i < n; i++) {
                    a[i] += sign * d[i];
                }
            }
            case INT32 -> {
                int[] a = (int[]) cur.array();
                int[] d = (int[]) delta.array();
                for (int i = 0; i < n; i++) {
                    a[i] += sign * d[i];
                }
            }
            case INT64 -> {
                long[] a = (long[]) cur.array();
                long[] d = (long[]) delta.array();
                for (int i = 0; i < n; i++) {
                    a[i] += sign * d[i];
                }
            }
            default -> throw new InvalidArgumentException(type + " does not support dtype " + cur.dtype());
        }
    }

}
