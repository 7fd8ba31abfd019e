package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The value a TensorList op's {@link DType#VARIANT} scalar holds: elements of one dtype, each a tensor or not yet
 * set ({@code null}, read as zeros of the element shape), and the element shape every element must be
 * compatible with (partially known). A value never changes: every op that changes a list makes a new value,
 * so a list fed to several ops (a loop's carried list and the gradient's saved copy) stays what it was.
 */
final class TensorListValue {
    final DType dtype;
    final Shape elementShape;
    /** -1 when unbounded (only {@code EmptyTensorList} bounds a list). */
    final int maxElements;
    private final List<Tensor> items;

    TensorListValue(DType dtype, Shape elementShape, int maxElements, List<Tensor> items) {
        this.dtype = dtype;
        this.elementShape = elementShape;
        this.maxElements = maxElements;
        this.items = Collections.unmodifiableList(items);
    }

    static TensorListValue of(Tensor handle, String what) {
        if (handle.dtype() == DType.VARIANT && handle.numElements() == 1
                && ((Object[]) handle.array())[0] instanceof TensorListValue list) {
            return list;
        }
        throw new InvalidArgumentException(what + " needs a tensor list, got a " + handle.dtype() + " tensor of shape "
                + handle.shape() + (handle.dtype() == DType.VARIANT ? " that holds no list" : ""));
    }

    Tensor asTensor() {
        return Tensor.ofObject(DType.VARIANT, this);
    }

    int size() {
        return items.size();
    }

    /** Element {@code i}, or {@code null} when it was never set. */
    Tensor item(int i) {
        return items.get(i);
    }

    /** A copy of the elements to change and wrap with {@link #withItems}. */
    List<Tensor> itemsCopy() {
        return new ArrayList<>(items);
    }

    TensorListValue withItems(List<Tensor> newItems) {
        return new TensorListValue(dtype, elementShape, maxElements, newItems);
    }

    /** A list of {@code n} unset elements. */
    static TensorListValue reserved(DType dtype, Shape elementShape, int n) {
        return new TensorListValue(dtype, elementShape, -1, new ArrayList<>(Collections.nCopies(n, null)));
    }

    void checkDtype(DType requested, String what) {
        if (requested != dtype) {
            throw new InvalidArgumentException(what + ": the list's element_dtype is " + dtype + " but the op asked for "
                    + requested);
        }
    }

    /** {@code value} may become an element: its dtype and shape agree with the list's. */
    void checkElement(Tensor value, String what) {
        checkDtype(value.dtype(), what);
        if (!elementShape.isCompatibleWith(value.shape())) {
            throw new InvalidArgumentException(what + ": the element's shape " + value.shape()
                    + " is not compatible with the list's element shape " + elementShape);
        }
    }

    int index(Tensor index, String what) {
        int i = ResourceHandles.scalarInt(index, what + " index");
        if (i < 0 || i >= items.size()) {
            throw new InvalidArgumentException(what + ": index " + i + " is out of range for a list of " + items.size()
                    + " elements");
        }
        return i;
    }

    /**
     * The shape an element has when it is read: the list's element shape merged with the op's
     * ({@code requested}) and with the shape of a set element; an unset element needs it fully known.
     */
    Shape readShape(Shape requested, String what) {
        if (!elementShape.isCompatibleWith(requested)) {
            throw new InvalidArgumentException(what + ": the requested element shape " + requested
                    + " is not compatible with the list's element shape " + elementShape);
        }
        Shape s = elementShape.mergeWith(requested);
        for (Tensor t : items) {
            if (t != null && s.isCompatibleWith(t.shape())) {
                return s.mergeWith(t.shape());
            }
        }
        return s;
    }

    /** Element {@code i} as read: an unset element is zeros of {@code shape}, which must then be fully known. */
    Tensor read(int i, Shape shape, String what) {
        Tensor t = items.get(i);
        if (t != null) {
            return t;
        }
        if (!shape.isFullyDefined()) {
            throw new InvalidArgumentException(what + ": element " + i + " was never set and the element shape "
                    + shape + " is not fully defined, so its zeros have no shape");
        }
        return Tensor.zeros(dtype, shape);
    }

    /** The zeros of this list's shape: the same length, each set element replaced by zeros, unset ones kept. */
    TensorListValue zerosLike() {
        List<Tensor> z = new ArrayList<>(items.size());
        for (Tensor t : items) {
            z.add(t == null ? null : Tensor.zeros(t.dtype(), t.shape()));
        }
        return withItems(z);
    }

    /** {@code a + b} for two elements of one shape (float32, float64, int32 or int64). */
    static Tensor add(Tensor a, Tensor b, String what) {
        if (!a.shape().equals(b.shape()) || a.dtype() != b.dtype()) {
            throw new InvalidArgumentException(what + ": cannot add list elements of shapes " + a.shape() + " and "
                    + b.shape());
        }
        Tensor out = Tensor.zeros(a.dtype(), a.shape());
        int n = a.numElements();
        switch (a.dtype()) {
            case FLOAT32 -> {
                float[] x = (float[]) a.array(), y = (float[]) b.array(), o = (float[]) out.array();
                for (int i = 0; i < n; i++) {
                    o[i] = x[i] + y[i];
                }
            }
            case FLOAT64 -> {
                double[] x = (double[]) a.array(), y = (double[]) b.array(), o = (double[]) out.array();
                for (int i = 0; i < n; i++) {
                    o[i] = x[i] + y[i];
                }
            }
            case INT32 -> {
                int[] x = (int[]) a.array(), y = (int[]) b.array(), o = (int[]) out.array();
                for (int i = 0; i < n; i++) {
                    o[i] = x[i] + y[i];
                }
            }
            case INT64 -> {
                long[] x = (long[]) a.array(), y = (long[]) b.array(), o = (long[]) out.array();
                for (int i = 0; i < n; i++) {
                    o[i] = x[i] + y[i];
                }
            }
            default -> throw new InvalidArgumentException(what + ": cannot add list elements of dtype " + a.dtype());
        }
        return out;
    }
}
