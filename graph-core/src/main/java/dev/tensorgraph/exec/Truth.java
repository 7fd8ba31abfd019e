package dev.tensorgraph.exec;

import dev.tensorgraph.Tensor;

/**
 * The truth of a tensor where a functional op wants a condition, as TensorFlow reads one: a scalar is true
 * when it is true or non-zero (a string when non-empty); any other tensor when it has elements.
 */
final class Truth {
    private Truth() {}

    static boolean of(Tensor t) {
        if (t.shape().rank() != 0) {
            return t.numElements() > 0;
        }
        Object a = t.array();
        return switch (t.dtype()) {
            case BOOL -> ((boolean[]) a)[0];
            case FLOAT32 -> ((float[]) a)[0] != 0f;
            case FLOAT64 -> ((double[]) a)[0] != 0d;
            case INT32 -> ((int[]) a)[0] != 0;
            case INT64 -> ((long[]) a)[0] != 0L;
            case UINT8 -> ((byte[]) a)[0] != 0;
            case BFLOAT16, HALF -> (((short[]) a)[0] & 0x7fff) != 0;  // either zero is false
            case STRING -> ((byte[][]) a)[0].length > 0;
            case RESOURCE, VARIANT -> ((Object[]) a)[0] != null;
        };
    }
}
