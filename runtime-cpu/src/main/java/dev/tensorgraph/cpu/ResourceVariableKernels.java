package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.VariableHandle;

/**
 * CPU kernels of the resource-variable ops. {@code VarHandleOp} outputs the {@link VariableHandle} of the session's
 * variable its container and shared name designate (one per op and session, kept as the op's session state); the
 * others act on the variable behind their handle input: reads are snapshots, updates write in place unless a read
 * may still hold the value (then a copy), and an assigned value is kept as given (copied before it is written).
 */
public final class ResourceVariableKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "VarHandleOp", op -> {
            String container = VariableHandle.containerOf(op);
            String sharedName = VariableHandle.sharedNameOf(op);
            DType dtype = op.attrType("dtype");
            Shape shape = op.attrShape("shape");
            return ctx -> ctx.setOutput(0, ctx.sessionState(() -> new VariableHandle(container, sharedName, dtype, shape,
                    ctx.sharedVariable(container, sharedName)).toTensor()));
        });
        r.register(CPU, "ReadVariableOp", op -> {
            DType dtype = op.attrType("dtype");
            return ctx -> ctx.setOutput(0, handle(ctx, 0).read(op, dtype));
        });
        r.register(CPU, "AssignVariableOp", op -> {
            boolean validate = op.attrBool("validate_shape");
            return ctx -> {
                Tensor value = ctx.input(1);
                ctx.retain(value);
                handle(ctx, 0).assign(op, value, validate);
            };
        });
        r.register(CPU, "AssignAddVariableOp", op -> ctx -> addToVariable(ctx, op, +1));
        r.register(CPU, "AssignSubVariableOp", op -> ctx -> addToVariable(ctx, op, -1));
        r.register(CPU, "VarIsInitializedOp", op -> ctx -> ctx.setOutput(0, Tensor.of(handle(ctx, 0).isInitialized())));
        r.register(CPU, "VariableShape", op -> {
            DType outType = op.attrType("out_type");
            return ctx -> {
                VariableHandle h = handle(ctx, 0);
                long[] dims = h.read(op, h.dtype()).shape().dims();
                int[] narrow = new int[dims.length];
                for (int i = 0; i < dims.length; i++) {
                    narrow[i] = Math.toIntExact(dims[i]);
                }
                ctx.setOutput(0, outType == DType.INT64 ? Tensor.of(DType.INT64, Shape.of(dims.length), dims)
                        : Tensor.of(DType.INT32, Shape.of(dims.length), narrow));
            };
        });
        r.register(CPU, "DestroyResourceOp", op -> {
            boolean ignoreMissing = op.attrBool("ignore_lookup_error");
            return ctx -> {
                VariableHandle h = handle(ctx, 0);
                if (!ignoreMissing && !h.isInitialized()) {
                    throw new NotFoundException("Resource " + h.container() + "/" + h.sharedName() + " does not exist.");
                }
                h.destroy();
            };
        });
        // TensorFlow copies a variable's buffer before its first update after this; reads here are snapshots anyway.
        r.register(CPU, "DisableCopyOnRead", op -> ctx -> handle(ctx, 0));
        r.register(CPU, "ResourceGather", op -> {
            DType dtype = op.attrType("dtype");
            long batchDims = op.attrLong("batch_dims");
            return ctx -> GatherKernel.gather(ctx, handle(ctx, 0).read(op, dtype), ctx.input(1), 0, batchDims);
        });
        r.register(CPU, "ResourceScatterAdd", op -> ctx -> scatter(ctx, op, true));
        r.register(CPU, "ResourceScatterUpdate", op -> ctx -> scatter(ctx, op, false));
    }

    private static VariableHandle handle(KernelContext ctx, int input) {
        return VariableHandle.of(ctx.input(input), ctx.op(), input);
    }

    private static void addToVariable(KernelContext ctx, Operation op, int sign) {
        VariableHandle h = handle(ctx, 0);
        Tensor delta = ctx.input(1);
        synchronized (h.slot()) {
            Tensor cur = h.valueForUpdate(op, delta.dtype());
            StateKernels.addInPlace(op.type(), h.sharedName(), cur, delta, sign);
        }
    }

    /** {@code variable[indices[i]] (+)= updates[i]}, rows of the variable's first dimension, in place. */
    private static void scatter(KernelContext ctx, Operation op, boolean add) {
        VariableHandle h = handle(ctx, 0);
        Tensor indices = ctx.input(1);
        Tensor updates = ctx.input(2);
        synchronized (h.slot()) {
            Tensor var = h.valueForUpdate(op, updates.dtype());
            long[] dims = var.shape().dims();
            if (dims.length == 0) {
                throw new InvalidArgumentException(op.type() + " op '" + op.name() + "': the variable "
                        + h.sharedName() + " must be at least 1-D, got a scalar");
            }
            int rows = (int) dims[0];
            int inner = ArrayData.prod(dims, 1, dims.length);
            long[] idx = ArrayData.longs(indices);
            Shape want = indices.shape().concatenate(var.shape().subShape(1, dims.length));
            if (!updates.shape().equals(want)) {
                throw new InvalidArgumentException(op.type() + " op '" + op.name() + "': updates have shape "
                        + updates.shape() + " but indices.shape + variable.shape[1:] is " + want);
            }
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] < 0 || idx[i] >= rows) {
                    throw new InvalidArgumentException(op.type() + " op '" + op.name() + "': indices[" + i + "] = "
                            + idx[i] + " is not in [0, " + rows + ")");
                }
            }
            for (int i = 0; i < idx.length; i++) {
                int to = (int) idx[i] * inner;
                int from = i * inner;
                if (add) {
                    addRow(var.array(), to, updates.array(), from, inner, op);
                } else {
                    System.arraycopy(updates.array(), from, var.array(), to, inner);
                }
            }
        }
    }

    private static void addRow(Object dst, int to, Object src, int from, int n, Operation op) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int k = 0; k < n; k++) {
                d[to + k] += s[from + k];
            }
        } else if (dst instanceof double[] d) {
            double[] s = (double[]) src;
            for (int k = 0; k < n; k++) {
                d[to + k] += s[from + k];
            }
        } else if (dst instanceof int[] d) {
            int[] s = (int[]) src;
            for (int k = 0; k < n; k++) {
                d[to + k] += s[from + k];
            }
        } else if (dst instanceof long[] d) {
            long[] s = (long[]) src;
            for (int k = 0; k < n; k++) {
                d[to + k] += s[from + k];
            }
        } else {
            throw new InvalidArgumentException(op.type() + " op '" + op.name() + "' does not add "
                    + dst.getClass().getSimpleName() + " values");
        }
    }
}
