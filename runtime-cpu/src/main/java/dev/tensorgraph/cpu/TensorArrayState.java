package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of one tensor array for one run, behind a {@code TensorArrayV3} handle, with TensorFlow's
 * rules: an index is written once (a gradient array adds later writes to it instead), read any number of
 * times unless {@code clear_after_read} frees it at the first read, never written after a read; a gradient
 * array starts with the forward array's written shapes, so an index no gradient reached reads as zeros.
 */
final class TensorArrayState {
    private static final class Entry {
        Tensor value;
        Shape shape;
        boolean written;
        boolean read;
        boolean cleared;
        boolean ownsSum;
    }

    final String name;
    final DType dtype;
    private Shape elementShape;
    private boolean dynamicSize;
    private final boolean aggregates;
    private final boolean isGrad;
    private final boolean clearAfterRead;
    private int markedSize;
    private boolean closed;
    private boolean gradientsDisallowed;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, TensorArrayState> gradients = new HashMap<>();

    TensorArrayState(String name, DType dtype, int size, Shape elementShape, boolean dynamicSize, boolean aggregates,
                     boolean isGrad, int markedSize, boolean clearAfterRead) {
        this.name = name;
        this.dtype = dtype;
        this.elementShape = elementShape;
        this.dynamicSize = dynamicSize;
        this.aggregates = aggregates;
        this.isGrad = isGrad;
        this.markedSize = markedSize;
        this.clearAfterRead = clearAfterRead;
        for (int i = 0; i < size; i++) {
            entries.add(new Entry());
        }
    }

    private InvalidArgumentException error(String message) {
        return new InvalidArgumentException("TensorArray " + name + ": " + message);
    }

    private void checkOpen() {
        if (closed) {
            throw new InvalidArgumentException("TensorArray " + name + " has already been closed.");
        }
    }

    synchronized int size() {
        checkOpen();
        return entries.size();
    }

    /** The size gather-all and concat use: a gradient array's is its forward array's split size. */
    synchronized int concatSize() {
        checkOpen();
        return isGrad && markedSize >= 0 ? markedSize : entries.size();
    }

    synchronized void markSize(int size) {
        checkOpen();
        if (!isGrad) {
            markedSize = size;
        }
    }

    synchronized boolean dynamicSize() {
        return dynamicSize;
    }

    synchronized Shape elementShape() {
        return elementShape;
    }

    /** Narrows the element shape to {@code candidate}; an error when they contradict each other. */
    synchronized void mergeElementShape(Shape candidate) {
        if (!elementShape.isCompatibleWith(candidate)) {
            throw error("element shape " + candidate + " is incompatible with the array's element shape "
                    + elementShape);
        }
        elementShape = elementShape.mergeWith(candidate);
    }

    synchronized void close() {
        entries.clear();
        closed = true;
    }

    /** Writes {@code value} at {@code index} (adding it to what is there, in a gradient array). */
    synchronized void write(int index, Tensor value) {
        checkOpen();
        if (index < 0 || (!dynamicSize && index >= entries.size())) {
            throw error("Tried to write to index " + index + " but array is not resizeable and size is: "
                    + entries.size());
        }
        while (index >= entries.size()) {
            entries.add(new Entry());
        }
        Entry e = entries.get(index);
        if (value.dtype() != dtype) {
            throw error("Could not write to TensorArray index " + index + " because the value dtype is "
                    + value.dtype() + " but TensorArray dtype is " + dtype + ".");
        }
        if (!elementShape.isCompatibleWith(value.shape())) {
            throw error("Could not write to TensorArray index " + index + " because the value shape is "
                    + value.shape() + " which is incompatible with the TensorArray's element shape: " + elementShape
                    + ".");
        }
        if (e.read) {
            throw error("Could not write to TensorArray index " + index + " because it has already been read.");
        }
        if (e.written && !aggregates) {
            throw error("Could not write to TensorArray index " + index + " because it has already been written to.");
        }
        if (!e.written) {
            e.value = value;
            e.shape = value.shape();
            e.written = true;
            return;
        }
        if (!value.shape().equals(e.shape)) {
            throw error("Could not aggregate to TensorArray index " + index + " because the existing shape is "
                    + e.shape + " but the new input shape is " + value.shape() + ".");
        }
        if (e.value == null || e.value.numElements() == 0) {
            e.value = value;
            return;
        }
        if (e.ownsSum) {
            addInto(e.value, value);
        } else {
            Tensor sum = e.value.copy();
            addInto(sum, value);
            e.value = sum;
            e.ownsSum = true;
        }
        gradientsDisallowed = true;
    }

    /**
     * The value at {@code index}. An index never written reads as zeros where its shape is known (the shape the
     * forward array wrote there, for a gradient array; else the element shape when fully defined), as in
     * TensorFlow; a gradient array may be read past its size so.
     */
    synchronized Tensor read(int index) {
        checkOpen();
        if (index < 0 || (!isGrad && index >= entries.size())) {
            throw new InvalidArgumentException("Tried to read from index " + index + " but array size is: "
                    + entries.size());
        }
        boolean inRange = index < entries.size();
        if ((isGrad && (!inRange || !entries.get(index).written)) || (!isGrad && !entries.get(index).written)) {
            Shape shape;
            if (isGrad && inRange && entries.get(index).shape != null && entries.get(index).shape.rank() > 0) {
                shape = entries.get(index).shape;
            } else if (!elementShape.isFullyDefined()) {
                throw error("Could not read from TensorArray index " + index
                        + ".  Furthermore, the element shape is not fully defined: " + elementShape
                        + ".  It is possible you are working with a resizeable TensorArray and stop_gradients is not "
                        + "allowing the gradients to be written.  If you set the full element_shape property on the "
                        + "forward TensorArray, the proper all-zeros tensor will be returned instead of incurring this "
                        + "error.");
            } else {
                shape = elementShape;
            }
            while (entries.size() <= index) {
                Entry filler = new Entry();
                filler.shape = shape;
                filler.written = true;
                entries.add(filler);
            }
            entries.get(index).shape = shape;
            entries.get(index).written = true;
        }
        Entry e = entries.get(index);
        if (e.cleared) {
            throw error("Could not read index " + index + " twice because it was cleared after a previous read "
                    + "(perhaps try setting clear_after_read = false?).");
        }
        if (e.value == null) {
            e.value = Tensor.zeros(dtype, e.shape);
        }
        Tensor v = e.value;
        if (clearAfterRead) {
            e.value = null;
            e.cleared = true;
        }
        e.read = true;
        return v;
    }

    /**
     * The gradient array of this array for the gradient computation {@code source}, made on first use with
     * this array's size and written shapes; this array can no longer grow.
     */
    synchronized TensorArrayState gradient(String source) {
        checkOpen();
        dynamicSize = false;
        if (gradientsDisallowed) {
            throw error("Unable to create a gradients TensorArray. Perhaps you used the multiple_writes_aggregate "
                    + "flag on a previous write? Gradient calculation is impossible when multiple writes are "
                    + "performed to the same index.");
        }
        return gradients.computeIfAbsent(source, s -> {
            TensorArrayState g = new TensorArrayState(name + "@" + s, dtype, entries.size(), elementShape, false, true,
                    true, markedSize, true);
            for (int i = 0; i < entries.size(); i++) {
                Entry from = entries.get(i);
                if (from.written) {
                    Entry to = g.entries.get(i);
                    to.shape = from.shape;
                    to.written = true;
                }
            }
            return g;
        });
    }

    private static void addInto(Tensor sum, Tensor value) {
        Object a = sum.array();
        Object b = value.array();
        int n = sum.numElements();
        switch (sum.dtype()) {
            case FLOAT32 -> { float[] x = (float[]) a; float[] y = (float[]) b; for (int i = 0; i < n; i++) x[i] += y[i]; }
            case FLOAT64 -> { double[] x = (double[]) a; double[] y = (double[]) b; for (int i = 0; i < n; i++) x[i] += y[i]; }
            case INT32 -> { int[] x = (int[]) a; int[] y = (int[]) b; for (int i = 0; i < n; i++) x[i] += y[i]; }
            case INT64 -> { long[] x = (long[]) a; long[] y = (long[]) b; for (int i = 0; i < n; i++) x[i] += y[i]; }
            default -> throw new UnimplementedException("adding " + sum.dtype() + " values in a gradient TensorArray");
        }
    }
}
