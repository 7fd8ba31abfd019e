package dev.tensorgraph.data;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link Dataset#fromTensorSlices}: element i holds row i (along the first dimension) of every component. */
final class SliceStream implements ItemStream {
    private final Map<String, Tensor> components;
    private final long count;
    private long next;

    SliceStream(Map<String, Tensor> components) {
        this.components = components;
        this.count = rows(components);
    }

    /** The common first-dimension size of the components; an error names the one that differs. */
    static long rows(Map<String, Tensor> components) {
        if (components.isEmpty()) {
            throw new InvalidArgumentException("fromTensorSlices needs at least one component");
        }
        long rows = -1;
        String firstKey = null;
        for (Map.Entry<String, Tensor> e : components.entrySet()) {
            Shape s = e.getValue().shape();
            if (s.rank() == 0) {
                throw new InvalidArgumentException("fromTensorSlices: component '" + e.getKey()
                        + "' is a scalar; it needs a first dimension to slice");
            }
            if (rows < 0) {
                rows = s.size(0);
                firstKey = e.getKey();
            } else if (s.size(0) != rows) {
                throw new InvalidArgumentException("fromTensorSlices: component '" + e.getKey() + "' has " + s.size(0)
                        + " rows but '" + firstKey + "' has " + rows);
            }
        }
        return rows;
    }

    @Override
    public Item next() {
        if (next >= count) {
            return null;
        }
        // Sliced when consumed (a batch copies the row straight from the components): a shuffle buffer of the
        // whole data set then holds no copies of its rows.
        return Item.slice(components, (int) next++);
    }

    static Map<String, Tensor> slice(Map<String, Tensor> components, int i) {
        Map<String, Tensor> element = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : components.entrySet()) {
            element.put(e.getKey(), row(e.getValue(), i));
        }
        return element;
    }

    static Tensor row(Tensor t, int i) {
        Shape rowShape = t.shape().subShape(1, t.shape().rank());
        int n = (int) rowShape.numElements();
        Object out = Tensor.newArray(t.dtype(), n);
        System.arraycopy(t.array(), i * n, out, 0, n);
        return Tensor.wrap(t.dtype(), rowShape, out);
    }

    @Override
    public void close() {
        next = count;
    }
}
