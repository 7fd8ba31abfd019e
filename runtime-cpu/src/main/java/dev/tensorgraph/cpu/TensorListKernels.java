package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * CPU kernels of the TensorList ops (values: {@link TensorListValue}). Elements enter a list without a copy
 * and are retained, so the run's buffer pool never reuses a tensor a list still holds; reads hand them out
 * as they are. Errors say which op failed and why, as TensorFlow's kernels check.
 */
public final class TensorListKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "EmptyTensorList", op -> {
            DType dtype = op.attrType("element_dtype");
            return ctx -> {
                int max = ResourceHandles.scalarInt(ctx.input(1), what(op) + " max_num_elements");
                Shape shape = elementShape(ctx.input(0), op);
                ctx.setOutput(0, new TensorListValue(dtype, shape, max, new ArrayList<>()).asTensor());
            };
        });
        r.register(CPU, "TensorListReserve", op -> {
            DType dtype = op.attrType("element_dtype");
            return ctx -> {
                int n = ResourceHandles.scalarInt(ctx.input(1), what(op) + " num_elements");
                if (n < 0) {
                    throw new InvalidArgumentException(what(op) + ": num_elements must be >= 0, got " + n);
                }
                ctx.setOutput(0, TensorListValue.reserved(dtype, elementShape(ctx.input(0), op), n).asTensor());
            };
        });
        r.register(CPU, "TensorListFromTensor", op -> ctx -> {
            Tensor t = ctx.input(0);
            if (t.shape().rank() < 1) {
                throw new InvalidArgumentException(what(op) + ": the tensor must have at least one dimension, got a "
                        + "scalar");
            }
            Shape rows = t.shape().subShape(1, t.shape().rank());
            Shape declared = elementShape(ctx.input(1), op);
            if (!declared.isCompatibleWith(rows)) {
                throw new InvalidArgumentException(what(op) + ": element_shape " + declared
                        + " is not compatible with the tensor's rows of shape " + rows);
            }
            ctx.setOutput(0, new TensorListValue(t.dtype(), declared, -1, rowsOf(t)).asTensor());
        });
        r.register(CPU, "TensorListStack", op -> {
            DType dtype = op.attrType("element_dtype");
            long numElements = op.attrLong("num_elements");
            return ctx -> {
                TensorListValue list = list(ctx, op);
                list.checkDtype(dtype, what(op));
                if (numElements != -1 && numElements != list.size()) {
                    throw new InvalidArgumentException(what(op) + ": the list has " + list.size()
                            + " elements but num_elements is " + numElements);
                }
                Shape shape = list.readShape(elementShape(ctx.input(1), op), what(op));
                ctx.setOutput(0, stack(ctx, list, all(list.size()), shape, what(op)));
            };
        });
        r.register(CPU, "TensorListGather", op -> {
            DType dtype = op.attrType("element_dtype");
            return ctx -> {
                TensorListValue list = list(ctx, op);
                list.checkDtype(dtype, what(op));
                int[] indices = indices(ctx.input(1), list, op);
                Shape shape = list.readShape(elementShape(ctx.input(2), op), what(op));
                ctx.setOutput(0, stack(ctx, list, indices, shape, what(op)));
            };
        });
        r.register(CPU, "TensorListGetItem", op -> {
            DType dtype = op.attrType("element_dtype");
            return ctx -> {
                TensorListValue list = list(ctx, op);
                list.checkDtype(dtype, what(op));
                int i = list.index(ctx.input(1), what(op));
                Shape shape = list.readShape(elementShape(ctx.input(2), op), what(op));
                ctx.setOutput(0, list.read(i, shape, what(op)));
            };
        });
        r.register(CPU, "TensorListSetItem", op -> {
            boolean resize = op.attrBool("resize_if_index_out_of_bounds");
            return ctx -> {
                TensorListValue list = list(ctx, op);
                Tensor item = ctx.input(2);
                list.checkElement(item, what(op));
                List<Tensor> items = list.itemsCopy();
                int i = ResourceHandles.scalarInt(ctx.input(1), what(op) + " index");
                if (resize && i >= items.size()) {
                    items.addAll(Collections.nCopies(i + 1 - items.size(), null));
                } else {
                    i = list.index(ctx.input(1), what(op));
                }
                ctx.retain(item);
                items.set(i, item);
                ctx.setOutput(0, list.withItems(items).asTensor());
            };
        });
        r.register(CPU, "TensorListPushBack", op -> ctx -> {
            TensorListValue list = list(ctx, op);
            Tensor item = ctx.input(1);
            list.checkElement(item, what(op));
            if (list.maxElements >= 0 && list.size() >= list.maxElements) {
                throw new InvalidArgumentException(what(op) + ": the list already has its max_num_elements ("
                        + list.maxElements + ")");
            }
            List<Tensor> items = list.itemsCopy();
            ctx.retain(item);
            items.add(item);
            ctx.setOutput(0, list.withItems(items).asTensor());
        });
        r.register(CPU, "TensorListPopBack", op -> {
            DType dtype = op.attrType("element_dtype");
            return ctx -> {
                TensorListValue list = list(ctx, op);
                list.checkDtype(dtype, what(op));
                if (list.size() == 0) {
                    throw new InvalidArgumentException(what(op) + ": trying to pop from an empty list");
                }
                Shape shape = list.readShape(elementShape(ctx.input(1), op), what(op));
                Tensor last = list.read(list.size() - 1, shape, what(op));
                List<Tensor> items = list.itemsCopy();
                items.remove(items.size() - 1);
                ctx.setOutput(0, list.withItems(items).asTensor());
                ctx.setOutput(1, last);
            };
        });
        r.register(CPU, "TensorListLength", op -> ctx -> ctx.setOutput(0, Tensor.of(list(ctx, op).size())));
        r.register(CPU, "TensorListElementShape", op -> {
            DType shapeType = op.attrType("shape_type");
            return ctx -> ctx.setOutput(0, shapeTensor(list(ctx, op).elementShape, shapeType));
        });
        r.register(CPU, "TensorListResize", op -> ctx -> {
            TensorListValue list = list(ctx, op);
            int n = ResourceHandles.scalarInt(ctx.input(1), what(op) + " size");
            if (n < 0) {
                throw new InvalidArgumentException(what(op) + ": size must be >= 0, got " + n);
            }
            List<Tensor> items = list.itemsCopy();
            if (n < items.size()) {
                items.subList(n, items.size()).clear();
            } else {
                items.addAll(Collections.nCopies(n - items.size(), null));
            }
            ctx.setOutput(0, list.withItems(items).asTensor());
        });
        r.register(CPU, "TensorListScatter", op -> ctx -> ctx.setOutput(0, scatter(ctx, op, -1)));
        r.register(CPU, "TensorListScatterV2", op -> ctx -> ctx.setOutput(0, scatter(ctx, op,
                ResourceHandles.scalarInt(ctx.input(3), what(op) + " num_elements"))));
        r.register(CPU, "TensorListScatterIntoExistingList", op -> ctx -> {
            TensorListValue list = list(ctx, op);
            Tensor t = ctx.input(1);
            list.checkDtype(t.dtype(), what(op));
            List<Tensor> rows = rowsOf(t);
            int[] indices = rowIndices(ctx.input(2), rows.size(), op);
            List<Tensor> items = list.itemsCopy();
            for (int k = 0; k < indices.length; k++) {
                if (indices[k] >= items.size()) {
                    items.addAll(Collections.nCopies(indices[k] + 1 - items.size(), null));
                }
                list.checkElement(rows.get(k), what(op));
                items.set(indices[k], rows.get(k));
            }
            ctx.setOutput(0, list.withItems(items).asTensor());
        });
        r.register(CPU, "TensorListSplit", op -> ctx -> {
            Tensor t = ctx.input(0);
            Shape declared = elementShape(ctx.input(1), op);
            ctx.setOutput(0, new TensorListValue(t.dtype(), declared, -1, split(t, ctx.input(2), declared, op))
                    .asTensor());
        });
        r.register(CPU, "TensorListConcatV2", op -> {
            DType dtype = op.attrType("element_dtype");
            return ctx -> concat(ctx, op, dtype, elementShape(ctx.input(1), op), ctx.input(2));
        });
        r.register(CPU, "TensorListConcat", op -> {
            DType dtype = op.attrType("element_dtype");
            Shape shape = op.attrShape("element_shape");
            return ctx -> concat(ctx, op, dtype, shape, null);
        });
    }

    /** {@code ZerosLike} of a list: the same elements as zeros (TensorFlow's zeros of a variant). */
    static Tensor zerosLike(Tensor list, String what) {
        return TensorListValue.of(list, what).zerosLike().asTensor();
    }

    /**
     * {@code AddN} of lists: lists of one length added element by element; an element set in one list only is
     * taken as it is (the other side counts as zeros).
     */
    static void addN(KernelContext ctx, Operation op) {
        TensorListValue sum = TensorListValue.of(ctx.input(0), what(op));
        for (int j = 1; j < ctx.numInputs(); j++) {
            TensorListValue next = TensorListValue.of(ctx.input(j), what(op));
            if (next.size() != sum.size() || next.dtype != sum.dtype) {
                throw new InvalidArgumentException(what(op) + ": cannot add a list of " + sum.size() + " " + sum.dtype
                        + " elements and one of " + next.size() + " " + next.dtype + " elements");
            }
            List<Tensor> items = sum.itemsCopy();
            for (int i = 0; i < items.size(); i++) {
                Tensor a = items.get(i);
                Tensor b = next.item(i);
                items.set(i, a == null ? b : b == null ? a : TensorListValue.add(a, b, what(op)));
            }
            sum = sum.withItems(items);
        }
        ctx.setOutput(0, sum.asTensor());
    }

    private static String what(Operation op) {
        return op.type() + " '" + op.name() + "'";
    }

    private static TensorListValue list(KernelContext ctx, Operation op) {
        return TensorListValue.of(ctx.input(0), what(op));
    }

    /** The shape an {@code element_shape} tensor describes: a scalar -1 is an unknown rank, -1 an unknown size. */
    static Shape elementShape(Tensor t, Operation op) {
        if (t.dtype() != DType.INT32 && t.dtype() != DType.INT64) {
            throw new InvalidArgumentException(what(op) + ": element_shape must be int32 or int64, got " + t.dtype());
        }
        long[] v = ArrayData.longs(t);
        if (t.shape().rank() == 0) {
            if (v[0] != -1) {
                throw new InvalidArgumentException(what(op) + ": a scalar element_shape must be -1 (unknown rank), got "
                        + v[0]);
            }
            return Shape.unknown();
        }
        if (t.shape().rank() != 1) {
            throw new InvalidArgumentException(what(op) + ": element_shape must be a scalar or a vector, got shape "
                    + t.shape());
        }
        for (int k = 0; k < v.length; k++) {
            if (v[k] < -1) {
                throw new InvalidArgumentException(what(op) + ": element_shape has size " + v[k] + " in dimension " + k);
            }
        }
        return Shape.of(v);
    }

    private static Tensor shapeTensor(Shape s, DType type) {
        if (!s.hasKnownRank()) {
            return type == DType.INT64 ? Tensor.of(-1L) : Tensor.of(-1);
        }
        long[] d = s.dims();
        Tensor out = Tensor.zeros(type, Shape.of(d.length));
        for (int k = 0; k < d.length; k++) {
            if (type == DType.INT64) {
                ((long[]) out.array())[k] = d[k];
            } else {
                ((int[]) out.array())[k] = (int) d[k];
            }
        }
        return out;
    }

    private static int[] all(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private static int[] indices(Tensor t, TensorListValue list, Operation op) {
        if (t.dtype() != DType.INT32 || t.shape().rank() != 1) {
            throw new InvalidArgumentException(what(op) + ": indices must be an int32 vector, got " + t.dtype()
                    + " of shape " + t.shape());
        }
        int[] idx = (int[]) t.array();
        for (int i : idx) {
            if (i < 0 || i >= list.size()) {
                throw new InvalidArgumentException(what(op) + ": index " + i + " is out of range for a list of "
                        + list.size() + " elements");
            }
        }
        return idx;
    }

    /** The rows of {@code t} along dimension 0, each a tensor of its own. */
    private static List<Tensor> rowsOf(Tensor t) {
        Shape row = t.shape().subShape(1, t.shape().rank());
        int n = (int) t.shape().size(0);
        int size = (int) row.numElements();
        List<Tensor> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Tensor r = Tensor.zeros(t.dtype(), row);
            System.arraycopy(t.array(), i * size, r.array(), 0, size);
            rows.add(r);
        }
        return rows;
    }

    private static Tensor stack(KernelContext ctx, TensorListValue list, int[] indices, Shape shape, String what) {
        if (indices.length == 0) {
            if (!shape.isFullyDefined()) {
                throw new InvalidArgumentException(what + ": the list is empty and its element shape " + shape
                        + " is not fully defined");
            }
            return Tensor.zeros(list.dtype, Shape.of(0).concatenate(shape));
        }
        Tensor first = list.read(indices[0], shape, what);
        Shape rowShape = first.shape();
        Tensor out = ctx.allocate(list.dtype, Shape.of(indices.length).concatenate(rowShape));
        int n = first.numElements();
        for (int k = 0; k < indices.length; k++) {
            Tensor v = list.read(indices[k], rowShape, what);
            if (!v.shape().equals(rowShape)) {
                throw new InvalidArgumentException(what + ": elements have different shapes: " + rowShape + " and "
                        + v.shape() + " (element " + indices[k] + ")");
            }
            System.arraycopy(v.array(), 0, out.array(), k * n, n);
        }
        return out;
    }

    private static int[] rowIndices(Tensor t, int rows, Operation op) {
        if (t.dtype() != DType.INT32 || t.shape().rank() != 1) {
            throw new InvalidArgumentException(what(op) + ": indices must be an int32 vector, got " + t.dtype()
                    + " of shape " + t.shape());
        }
        int[] idx = (int[]) t.array();
        if (idx.length != rows) {
            throw new InvalidArgumentException(what(op) + ": " + idx.length + " indices for a tensor of " + rows
                    + " rows");
        }
        for (int i : idx) {
            if (i < 0) {
                throw new InvalidArgumentException(what(op) + ": negative index " + i);
            }
        }
        return idx;
    }

    private static Tensor scatter(KernelContext ctx, Operation op, int numElements) {
        Tensor t = ctx.input(0);
        if (t.shape().rank() < 1) {
            throw new InvalidArgumentException(what(op) + ": the tensor must have at least one dimension");
        }
        Shape declared = elementShape(ctx.input(2), op);
        List<Tensor> rows = rowsOf(t);
        int[] indices = rowIndices(ctx.input(1), rows.size(), op);
        int n = numElements;
        for (int i : indices) {
            n = Math.max(n, i + 1);
        }
        TensorListValue list = TensorListValue.reserved(t.dtype(), declared, Math.max(n, 0));
        List<Tensor> items = list.itemsCopy();
        for (int k = 0; k < indices.length; k++) {
            list.checkElement(rows.get(k), what(op));
            items.set(indices[k], rows.get(k));
        }
        return list.withItems(items).asTensor();
    }

    private static List<Tensor> split(Tensor t, Tensor lengthsTensor, Shape declared, Operation op) {
        if (t.shape().rank() < 1) {
            throw new InvalidArgumentException(what(op) + ": the tensor must have at least one dimension");
        }
        long[] lengths = ArrayData.longs(lengthsTensor);
        Shape rest = t.shape().subShape(1, t.shape().rank());
        long total = 0;
        for (long l : lengths) {
            if (l < 0) {
                throw new InvalidArgumentException(what(op) + ": negative length " + l);
            }
            total += l;
        }
        if (total != t.shape().size(0)) {
            throw new InvalidArgumentException(what(op) + ": the lengths add up to " + total + " but the tensor has "
                    + t.shape().size(0) + " rows");
        }
        int rowSize = (int) rest.numElements();
        List<Tensor> items = new ArrayList<>(lengths.length);
        int at = 0;
        for (long l : lengths) {
            Shape s = Shape.of(l).concatenate(rest);
            if (!declared.isCompatibleWith(s)) {
                throw new InvalidArgumentException(what(op) + ": element_shape " + declared
                        + " is not compatible with a piece of shape " + s);
            }
            Tensor piece = Tensor.zeros(t.dtype(), s);
            System.arraycopy(t.array(), at, piece.array(), 0, (int) l * rowSize);
            at += (int) l * rowSize;
            items.add(piece);
        }
        return items;
    }

    /** Concatenates the elements along dimension 0; an unset element has {@code leadingDims}' rows of zeros. */
    private static void concat(KernelContext ctx, Operation op, DType dtype, Shape declared, Tensor leadingDims) {
        TensorListValue list = list(ctx, op);
        list.checkDtype(dtype, what(op));
        long[] leading = leadingDims == null ? new long[0] : ArrayData.longs(leadingDims);
        Shape shape = list.readShape(declared, what(op));
        List<Tensor> pieces = new ArrayList<>();
        long rows = 0;
        Shape rest = shape.hasKnownRank() && shape.rank() >= 1 ? shape.subShape(1, shape.rank()) : Shape.unknown();
        for (int i = 0; i < list.size(); i++) {
            Tensor v = list.item(i);
            if (v == null) {
                if (i >= leading.length) {
                    throw new InvalidArgumentException(what(op) + ": element " + i
                            + " was never set and no leading_dims give its rows");
                }
                v = list.read(i, rest.hasKnownRank() ? Shape.of(leading[i]).concatenate(rest) : Shape.unknown(),
                        what(op));
            }
            if (v.shape().rank() < 1) {
                throw new InvalidArgumentException(what(op) + ": concat needs elements of rank 1 or more, element " + i
                        + " is a scalar");
            }
            Shape r = v.shape().subShape(1, v.shape().rank());
            if (!rest.isCompatibleWith(r)) {
                throw new InvalidArgumentException(what(op) + ": element " + i + " has shape " + v.shape()
                        + ", incompatible with the others (" + rest + " after dimension 0)");
            }
            rest = rest.mergeWith(r);
            rows += v.shape().size(0);
            pieces.add(v);
        }
        if (!rest.isFullyDefined()) {
            throw new InvalidArgumentException(what(op) + ": the list is empty and its element shape " + shape
                    + " is not fully defined");
        }
        Tensor out = ctx.allocate(dtype, Shape.of(rows).concatenate(rest));
        long[] lengths = new long[pieces.size()];
        int at = 0;
        for (int i = 0; i < pieces.size(); i++) {
            Tensor v = pieces.get(i);
            System.arraycopy(v.array(), 0, out.array(), at, v.numElements());
            at += v.numElements();
            lengths[i] = v.shape().size(0);
        }
        ctx.setOutput(0, out);
        ctx.setOutput(1, Tensor.of(DType.INT64, Shape.of(lengths.length), lengths));
    }
}
