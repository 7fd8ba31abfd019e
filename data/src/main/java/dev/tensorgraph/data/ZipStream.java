package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link Dataset#zip}: element i of each input, merged into one element; ends with the shortest input. */
final class ZipStream implements ItemStream {
    private final List<ItemStream> inputs;

    ZipStream(List<ItemStream> inputs) {
        this.inputs = inputs;
    }

    @Override
    public Item next() {
        Map<String, Tensor> merged = new LinkedHashMap<>();
        StringBuilder origin = new StringBuilder();
        for (ItemStream in : inputs) {
            Item item = in.next();
            if (item == null) {
                return null;
            }
            for (Map.Entry<String, Tensor> e : item.element().entrySet()) {
                if (merged.putIfAbsent(e.getKey(), e.getValue()) != null) {
                    throw new InvalidArgumentException("zip: component '" + e.getKey() + "' is in more than one of "
                            + "the zipped data sets (" + origin + " and " + item.origin() + "); rename it with map");
                }
            }
            origin.append(origin.length() == 0 ? "" : " + ").append(item.origin());
        }
        return new Item(merged, origin.toString());
    }

    @Override
    public void close() {
        for (ItemStream in : inputs) {
            in.close();
        }
    }
}
