package dev.tensorgraph.data;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stacks elements into a batch along a new first dimension, component by component. Plain batching asks every
 * element for the same shape; padded batching pads each component to the largest shape in the batch (or to a
 * given shape) with zeros or a given scalar.
 */
final class Batching {
    private Batching() {}

    /** The padded-batch settings: shapes to pad to (-1 dimensions: the batch's largest) and padding values. */
    record Padding(Map<String, Shape> shapes, Map<String, Tensor> values) {}

    static Item stack(List<Item> items, Padding padding) {
        Map<String, Tensor> source = items.get(0).sliceSource();
        if (padding == null && source != null && items.stream().allMatch(i -> i.sliceSource() == source)) {
            return stackRows(items, source);
        }
        Map<String, Tensor> first = items.get(0).element();
        Map<String, Tensor> out = new LinkedHashMap<>();
        String origin = origin(items);
        for (Map.Entry<String, Tensor> component : first.entrySet()) {
            String key = component.getKey();
            Tensor head = component.getValue();
            long[] target = head.shape().dims();
            for (Item item : items) {
                Tensor t = item.element().get(key);
                if (t == null) {
                    throw new InvalidArgumentException("batch: " + item.origin() + " has no component '" + key
                            + "' but " + items.get(0).origin() + " has");
                }
                if (t.dtype() != head.dtype()) {
                    throw new InvalidArgumentException("batch: component '" + key + "' is " + t.dtype() + " in "
                            + item.origin() + " but " + head.dtype() + " in " + items.get(0).origin());
                }
                target = padding == null ? sameShape(key, head, items.get(0), t, item) : largest(key, target, t, item);
            }
            if (padding != null) {
                target = paddedTarget(key, target, padding.shapes().get(key));
            }
            out.put(key, padding == null ? concat(items, key, head) : pad(items, key, head.dtype(), target,
                    padding.values().get(key)));
        }
        for (Item item : items) {
            if (item.element().size() != first.size()) {
                throw new InvalidArgumentException("batch: " + item.origin() + " has components "
                        + item.element().keySet() + " but " + items.get(0).origin() + " has " + first.keySet());
            }
        }
        return new Item(out, origin);
    }

    /**
     * Rows of one {@code fromTensorSlices} source, copied straight from its components: the rows share shapes and
     * dtypes, so there is nothing to check, and no element of its own is made for each.
     */
    private static Item stackRows(List<Item> items, Map<String, Tensor> source) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> component : source.entrySet()) {
            Tensor t = component.getValue();
            Shape rowShape = t.shape().subShape(1, t.shape().rank());
            int each = (int) rowShape.numElements();
            Object rows = Tensor.newArray(t.dtype(), checkedTotal(component.getKey(), items.size(), each));
            for (int i = 0; i < items.size(); i++) {
                System.arraycopy(t.array(), items.get(i).sliceRow() * each, rows, i * each, each);
            }
            out.put(component.getKey(), Tensor.wrap(t.dtype(), Shape.of(items.size()).concatenate(rowShape), rows));
        }
        return new Item(out, origin(items));
    }

    private static String origin(List<Item> items) {
        return items.size() == 1 ? items.get(0).origin()
                : items.get(0).origin() + " .. " + items.get(items.size() - 1).origin();
    }

    private static int checkedTotal(String key, int count, int each) {
        long total = (long) each * count;
        if (total > Integer.MAX_VALUE - 8) {
            throw new InvalidArgumentException("batch: component '" + key + "' of " + count
                    + " elements holds " + total + " values, more than one Java array can");
        }
        return (int) total;
    }

    private static long[] sameShape(String key, Tensor head, Item headItem, Tensor t, Item item) {
        if (!t.shape().equals(head.shape())) {
            throw new InvalidArgumentException("batch: component '" + key + "' has shape " + t.shape() + " in "
                    + item.origin() + " but " + head.shape() + " in " + headItem.origin()
                    + "; elements of one batch need equal shapes (paddedBatch pads them)");
        }
        return head.shape().dims();
    }

    private static long[] largest(String key, long[] sofar, Tensor t, Item item) {
        long[] d = t.shape().dims();
        if (d.length != sofar.length) {
            throw new InvalidArgumentException("paddedBatch: component '" + key + "' has rank " + d.length + " in "
                    + item.origin() + " but rank " + sofar.length + " elsewhere in the batch");
        }
        long[] m = sofar.clone();
        for (int i = 0; i < d.length; i++) {
            m[i] = Math.max(m[i], d[i]);
        }
        return m;
    }

    private static long[] paddedTarget(String key, long[] largest, Shape wanted) {
        if (wanted == null) {
            return largest;
        }
        if (wanted.rank() != largest.length) {
            throw new InvalidArgumentException("paddedBatch: padded shape " + wanted + " of component '" + key
                    + "' has rank " + wanted.rank() + " but the elements have rank " + largest.length);
        }
        long[] t = largest.clone();
        for (int i = 0; i < t.length; i++) {
            long w = wanted.size(i);
            if (w >= 0) {
                if (w < largest[i]) {
                    throw new InvalidArgumentException("paddedBatch: component '" + key + "' has size " + largest[i]
                            + " in dimension " + i + ", larger than its padded shape " + wanted);
                }
                t[i] = w;
            }
        }
        return t;
    }

    private static Tensor concat(List<Item> items, String key, Tensor head) {
        int each = head.numElements();
        Object out = Tensor.newArray(head.dtype(), checkedTotal(key, items.size(), each));
        for (int i = 0; i < items.size(); i++) {
            System.arraycopy(items.get(i).element().get(key).array(), 0, out, i * each, each);
        }
        return Tensor.wrap(head.dtype(), Shape.of(items.size()).concatenate(head.shape()), out);
    }

    private static Tensor pad(List<Item> items, String key, DType dtype, long[] target, Tensor value) {
        Shape elementShape = Shape.of(target);
        long each = elementShape.numElements();
        if (each * items.size() > Integer.MAX_VALUE - 8) {
            throw new InvalidArgumentException("paddedBatch: component '" + key + "' padded to " + elementShape
                    + " is too large for one Java array");
        }
        Object out = Tensor.newArray(dtype, (int) (each * items.size()));
        if (value != null) {
            if (value.dtype() != dtype || value.numElements() != 1) {
                throw new InvalidArgumentException("paddedBatch: the padding value of component '" + key
                        + "' must be a " + dtype + " scalar, got " + value.dtype() + " " + value.shape());
            }
            Object v = value.array();
            for (int i = 0; i < each * items.size(); i++) {
                System.arraycopy(v, 0, out, i, 1);
            }
        }
        for (int i = 0; i < items.size(); i++) {
            Tensor t = items.get(i).element().get(key);
            copyInto(t.array(), t.shape().dims(), out, i * (int) each, target);
        }
        return Tensor.wrap(dtype, Shape.of(items.size()).concatenate(elementShape), out);
    }

    /** Copies a row-major block of shape {@code dims} into the top-left corner of one of shape {@code target}. */
    private static void copyInto(Object src, long[] dims, Object dst, int dstOffset, long[] target) {
        int rank = dims.length;
        if (rank == 0) {
            System.arraycopy(src, 0, dst, dstOffset, 1);
            return;
        }
        int rows = 1;
        for (int i = 0; i < rank - 1; i++) {
            rows *= (int) dims[i];
        }
        int row = (int) dims[rank - 1];
        int[] index = new int[rank - 1];
        for (int r = 0; r < rows; r++) {
            int at = 0;
            for (int i = 0; i < rank - 1; i++) {
                at = at * (int) target[i] + index[i];
            }
            System.arraycopy(src, r * row, dst, dstOffset + at * (int) target[rank - 1], row);
            for (int i = rank - 2; i >= 0; i--) {
                if (++index[i] < dims[i]) {
                    break;
                }
                index[i] = 0;
            }
        }
    }
}
