package dev.tensorgraph.spark;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.io.Serializable;

/** A tensor's dtype, shape and values in a form Java serialization carries (tensors themselves stay local). */
record TensorData(DType dtype, long[] dims, Object values) implements Serializable {
    static TensorData of(Tensor t) {
        return new TensorData(t.dtype(), t.shape().dims(), t.array());
    }

    /** A tensor over these values; the caller gives the values up (they are not copied). */
    Tensor tensor() {
        return Tensor.wrap(dtype, Shape.of(dims), values);
    }
}
