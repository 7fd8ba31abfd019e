package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One element on its way through a pipeline, with a description of where it came from ({@code origin}: a file,
 * a record of a file, an index) that error messages name. A source whose elements are cheap to describe but
 * costly to make (a slice of a large tensor) may defer both until a consumer asks: a shuffle buffer of the whole
 * data set then holds markers, not copies, and only the elements it hands out are made. An item is consumed
 * by one thread at a time (pipelines hand items over through queues).
 */
final class Item {
    private Map<String, Tensor> element;
    private Supplier<Map<String, Tensor>> makeElement;
    private String origin;
    private Supplier<String> describeOrigin;
    /** For a row of {@code fromTensorSlices}: the sliced components and the row, so a batch copies it directly. */
    private Map<String, Tensor> sliceSource;
    private int sliceRow;

    Item(Map<String, Tensor> element, String origin) {
        this.element = element;
        this.origin = origin;
    }

    private Item(Supplier<Map<String, Tensor>> makeElement, Supplier<String> describeOrigin) {
        this.makeElement = makeElement;
        this.describeOrigin = describeOrigin;
    }

    /** An item whose element and origin are made on first use, once. */
    static Item deferred(Supplier<Map<String, Tensor>> makeElement, Supplier<String> describeOrigin) {
        return new Item(makeElement, describeOrigin);
    }

    /** Row {@code row} of {@code components}, sliced when first asked for. */
    static Item slice(Map<String, Tensor> components, int row) {
        Item item = new Item(() -> SliceStream.slice(components, row), () -> "element " + row);
        item.sliceSource = components;
        item.sliceRow = row;
        return item;
    }

    /** The components this item is a row of, or null where it is not a plain slice. */
    Map<String, Tensor> sliceSource() {
        return sliceSource;
    }

    int sliceRow() {
        return sliceRow;
    }

    Map<String, Tensor> element() {
        if (makeElement != null) {
            element = makeElement.get();
            makeElement = null;
        }
        return element;
    }

    String origin() {
        if (describeOrigin != null) {
            origin = describeOrigin.get();
            describeOrigin = null;
        }
        return origin;
    }
}
