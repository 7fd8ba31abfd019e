package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.Npy;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference files TensorFlow wrote ({@code tf-interop/python/data_cases.py}) in test resources
 * {@code tf-data/}, and the Example values their records hold.
 */
final class TfData {
    static final int RECORDS = 5;

    private TfData() {}

    static Path file(String name) {
        try {
            return Path.of(TfData.class.getResource("/tf-data/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing test resource tf-data/" + name, e);
        }
    }

    static Tensor npy(String name) {
        return Npy.read(file(name));
    }

    /** The features of record i, as data_cases.py's example_values(i) makes them. */
    static Map<String, Tensor> exampleValues(int i) {
        List<byte[]> tags = new ArrayList<>();
        for (int j = 0; j < i % 3; j++) {
            tags.add(("t" + j).getBytes());
        }
        long[] ids = new long[i];
        for (int j = 0; j < i; j++) {
            ids[j] = j;
        }
        return Map.of(
                "label", Tensor.of((long) i),
                "weights", Tensor.of(new float[] {i * 0.5f, i + 0.25f, -(float) i}),
                "name", Tensor.ofString("item-" + i),
                "tags", Tensor.wrap(dev.tensorgraph.DType.STRING, dev.tensorgraph.Shape.of(tags.size()),
                        tags.toArray(new byte[0][])),
                "ids", Tensor.of(ids));
    }
}
