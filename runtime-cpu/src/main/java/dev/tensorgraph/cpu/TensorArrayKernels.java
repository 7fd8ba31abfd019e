package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of the TensorArrayV3 ops (see {@link TensorArrayState}). Values written are kept by the array,
 * so the run's buffer pool never reuses them; reads hand them out without a copy. The flow output of an op
 * that changes the array is its flow input, as in TensorFlow.
 */
public final class TensorArrayKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;
    private static final Tensor FLOW = Tensor.of(0f);

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "TensorArrayV3", op -> {
            DType dtype = op.attrType("dtype");
            Shape elementShape = op.attrShape("element_shape");
            boolean dynamicSize = op.attrBool("dynamic_size");
            boolean clearAfterRead = op.attrBool("clear_after_read");
            String base = op.attrString("tensor_array_name").isEmpty() ? op.name() : op.attrString("tensor_array_name");
            return ctx -> {
                int size = ResourceHandles.scalarInt(ctx.input(0), "size of TensorArrayV3 '" + op.name() + "'");
                if (size < 0) {
                    throw new InvalidArgumentException("Size should be >= 0.");
                }
                String name = ResourceHandles.uniqueName(base);
                TensorArrayState ta = new TensorArrayState(name, dtype, size, elementShape, dynamicSize, false, false, -1,
                        clearAfterRead);
                ctx.setOutput(0, ResourceHandles.handle(ta, name));
                ctx.setOutput(1, FLOW);
            };
        });
        r.register(CPU, "TensorArrayGradV3", op -> {
            String source = op.attrString("source");
            return ctx -> {
                TensorArrayState g = array(ctx, op).gradient(source);
                ctx.setOutput(0, ResourceHandles.handle(g, g.name));
                ctx.setOutput(1, ctx.input(1));
            };
        });
        r.register(CPU, "TensorArrayWriteV3", op -> ctx -> {
            Tensor value = ctx.input(2);
            ctx.retain(value);
            array(ctx, op).write(ResourceHandles.scalarInt(ctx.input(1), "index"), value);
            ctx.setOutput(0, ctx.input(3));
        });
        r.register(CPU, "TensorArrayReadV3", op -> {
            DType dtype = op.attrType("dtype");
            return ctx -> {
                TensorArrayState ta = checkDtype(array(ctx, op), dtype);
                ctx.setOutput(0, ta.read(ResourceHandles.scalarInt(ctx.input(1), "index")));
            };
        });
        r.register(CPU, "TensorArrayGatherV3", op -> {
            DType dtype = op.attrType("dtype");
            Shape elementShape = op.attrShape("element_shape");
            return ctx -> {
                TensorArrayState ta = checkDtype(array(ctx, op), dtype);
                ta.mergeElementShape(elementShape);
                ctx.setOutput(0, gather(ctx, ta, indices(ctx.input(1)), elementShape));
            };
        });
        r.register(CPU, "TensorArrayScatterV3", op -> ctx -> {
            scatter(array(ctx, op), ctx.input(1), ctx.input(2));
            ctx.setOutput(0, ctx.input(3));
        });
        r.register(CPU, "TensorArrayConcatV3", op -> {
            DType dtype = op.attrType("dtype");
            Shape except0 = op.attrShape("element_shape_except0");
            return ctx -> concat(ctx, checkDtype(array(ctx, op), dtype), except0);
        });
        r.register(CPU, "TensorArraySplitV3", op -> ctx -> {
            split(array(ctx, op), ctx.input(1), ctx.input(2));
            ctx.setOutput(0, ctx.input(3));
        });
        r.register(CPU, "TensorArraySizeV3", op -> ctx ->
                ctx.setOutput(0, Tensor.of(array(ctx, op).size())));
        r.register(CPU, "TensorArrayCloseV3", op -> ctx -> array(ctx, op).close());
    }

    private static TensorArrayState array(KernelContext ctx, Operation op) {
        return ResourceHandles.state(ctx.input(0), TensorArrayState.class, op.type() + " '" + op.name() + "'");
    }

    private static TensorArrayState checkDtype(TensorArrayState ta, DType dtype) {
        if (ta.dtype != dtype) {
            throw new InvalidArgumentException("TensorArray dtype is " + ta.dtype + " but Op requested dtype " + dtype
                    + ".");
        }
        return ta;
    }

    private static int[] indices(Tensor t) {
        if (t.dtype() != DType.INT32 || t.shape().rank() != 1) {
            throw new InvalidArgumentException("Expected indices to be an int32 vector, but received " + t.dtype()
                    + " of shape " + t.shape());
        }
        return (int[]) t.array();
    }

    private static Tensor gather(KernelContext ctx, TensorArrayState ta, int[] indices, Shape elementShape) {
        if (indices.length == 0) {
            if (!elementShape.isFullyDefined()) {
                throw new UnimplementedException("TensorArray has size zero, but element shape " + elementShape
                        + " is not fully defined. Currently only static shapes are supported when packing zero-size "
                        + "TensorArrays.");
            }
            return Tensor.zeros(ta.dtype, Shape.of(0).concatenate(elementShape));
        }
        Tensor[] values = new Tensor[indices.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = ta.read(indices[i]);
        }
        Shape first = values[0].shape();
        if (!elementShape.isCompatibleWith(first)) {
            throw new InvalidArgumentException("TensorArray was passed element_shape " + elementShape
                    + " which does not match the Tensor at index 0: " + first);
        }
        for (int i = 1; i < values.length; i++) {
            if (!values[i].shape().equals(first)) {
                throw new InvalidArgumentException("TensorArray has inconsistent shapes.  Index 0 has shape: " + first
                        + " but index " + i + " has shape: " + values[i].shape());
            }
        }
        Tensor out = ctx.allocate(ta.dtype, Shape.of(indices.length).concatenate(first));
        int n = values[0].numElements();
        for (int i = 0; i < values.length; i++) {
            System.arraycopy(values[i].array(), 0, out.array(), i * n, n);
        }
        return out;
    }

    private static void concat(KernelContext ctx, TensorArrayState ta, Shape except0) {
        int size = ta.concatSize();
        if (size == 0) {
            if (!except0.isFullyDefined()) {
                throw new UnimplementedException("TensorArray has size zero, but element_shape_except0 " + except0
                        + " is not fully defined. Currently only static shapes are supported when concatenating "
                        + "zero-size TensorArrays.");
            }
            ctx.setOutput(0, Tensor.zeros(ta.dtype, Shape.of(0).concatenate(except0)));
            ctx.setOutput(1, Tensor.zeros(DType.INT64, Shape.of(0)));
            return;
        }
        Tensor[] values = new Tensor[size];
        long[] lengths = new long[size];
        long rows = 0;
        Shape rest = null;
        for (int i = 0; i < size; i++) {
            values[i] = ta.read(i);
            Shape s = values[i].shape();
            if (s.rank() < 1) {
                throw new InvalidArgumentException("Concat saw a scalar shape at index " + i
                        + " but requires at least vectors.  Did you mean to call pack?");
            }
            Shape r = s.subShape(1, s.rank());
            if (rest == null) {
                if (!except0.isCompatibleWith(r)) {
                    throw new InvalidArgumentException("TensorArray was passed element_shape_except0 " + except0
                            + " but index 0 has (excepting dimension 0) shape: " + r + " which does not match.");
                }
                rest = r;
            } else if (!rest.equals(r)) {
                throw new InvalidArgumentException("TensorArray has inconsistent shapes.  Index 0 has (excepting "
                        + "dimension 0) shape: " + rest + " but index " + i + " has (excepting dimension 0) shape: " + r);
            }
            lengths[i] = s.size(0);
            rows += lengths[i];
        }
        Tensor out = ctx.allocate(ta.dtype, Shape.of(rows).concatenate(rest));
        int at = 0;
        for (Tensor v : values) {
            System.arraycopy(v.array(), 0, out.array(), at, v.numElements());
            at += v.numElements();
        }
        ctx.setOutput(0, out);
        ctx.setOutput(1, Tensor.of(DType.INT64, Shape.of(size), lengths));
    }

    private static void scatter(TensorArrayState ta, Tensor indicesTensor, Tensor value) {
        int[] indices = indices(indicesTensor);
        Shape s = value.shape();
        if (s.rank() < 1) {
            throw new InvalidArgumentException("Input value for unpack must be at least a vector but received shape: "
                    + s);
        }
        if (indices.length != s.size(0)) {
            throw new InvalidArgumentException("Expected len(indices) == values.shape[0], but saw: " + indices.length
                    + " vs. " + s.size(0));
        }
        if (value.dtype() != ta.dtype) {
            throw new InvalidArgumentException("TensorArray dtype is " + ta.dtype + " but Op is trying to write dtype "
                    + value.dtype() + ".");
        }
        int max = -1;
        for (int i : indices) {
            max = Math.max(max, i);
        }
        int size = ta.size();
        if (max >= size && !ta.dynamicSize()) {
            throw new InvalidArgumentException("Max scatter index must be < array size (" + max + " vs. " + size + ")");
        }
        Shape element = s.subShape(1, s.rank());
        int n = (int) element.numElements();
        for (int i = 0; i < indices.length; i++) {
            ta.write(indices[i], rows(value, element, i * n, n));
        }
    }

    private static void split(TensorArrayState ta, Tensor value, Tensor lengthsTensor) {
        if (lengthsTensor.dtype() != DType.INT64 || lengthsTensor.shape().rank() != 1) {
            throw new InvalidArgumentException("Expected lengths to be an int64 vector, received " + lengthsTensor.dtype()
                    + " of shape " + lengthsTensor.shape());
        }
        long[] lengths = (long[]) lengthsTensor.array();
        Shape s = value.shape();
        if (s.rank() < 1) {
            throw new InvalidArgumentException("Expected value to be at least a vector, but received shape: " + s);
        }
        long total = 0;
        for (long l : lengths) {
            if (l < 0) {
                throw new InvalidArgumentException("TensorArraySplit lengths must be >= 0, got " + l);
            }
            total += l;
        }
        if (total != s.size(0)) {
            throw new InvalidArgumentException("Expected sum of lengths to be equal to values.shape[0], but sum of "
                    + "lengths is " + total + " and value's shape is: " + s);
        }
        int size = ta.size();
        if (ta.dynamicSize() && size < lengths.length) {
            size = lengths.length;
        }
        if (size != lengths.length) {
            throw new InvalidArgumentException("TensorArray's size is not equal to the size of lengths (" + size + " vs. "
                    + lengths.length + "), and the TensorArray is not marked as dynamically resizeable");
        }
        if (value.dtype() != ta.dtype) {
            throw new InvalidArgumentException("TensorArray dtype is " + ta.dtype + " but Op is trying to write dtype "
                    + value.dtype() + ".");
        }
        long perRow = total == 0 ? 0 : value.numElements() / total;
        ta.markSize(lengths.length);
        long at = 0;
        for (int i = 0; i < lengths.length; i++) {
            Shape piece = s.withDim(0, lengths[i]);
            int n = (int) (lengths[i] * perRow);
            ta.write(i, rows(value, piece, (int) at, n));
            at += n;
        }
    }

    /** A new tensor of {@code shape} holding {@code n} elements of {@code value} from {@code from}. */
    private static Tensor rows(Tensor value, Shape shape, int from, int n) {
        Object a = Tensor.newArray(value.dtype(), n);
        System.arraycopy(value.array(), from, a, 0, n);
        return Tensor.wrap(value.dtype(), shape, a);
    }
}
