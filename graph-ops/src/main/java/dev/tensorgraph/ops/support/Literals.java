package dev.tensorgraph.ops.support;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;

/** Tensors made from Java numbers, for constants the facade creates. */
public final class Literals {
    private Literals() {}

    /** A scalar of {@code dtype} holding {@code v} converted as TensorFlow casts it. */
    public static Tensor scalar(DType dtype, double v) {
        return filled(dtype, Shape.scalar(), v);
    }

    /** A tensor of {@code shape} with every element {@code v}. */
    public static Tensor filled(DType dtype, Shape shape, double v) {
        int n = Math.toIntExact(shape.numElements());
        Object a = switch (dtype) {
            case FLOAT32 -> { float[] x = new float[n]; java.util.Arrays.fill(x, (float) v); yield x; }
            case FLOAT64 -> { double[] x = new double[n]; java.util.Arrays.fill(x, v); yield x; }
            case INT32 -> { int[] x = new int[n]; java.util.Arrays.fill(x, (int) v); yield x; }
            case INT64 -> { long[] x = new long[n]; java.util.Arrays.fill(x, (long) v); yield x; }
            case BOOL -> { boolean[] x = new boolean[n]; java.util.Arrays.fill(x, v != 0); yield x; }
            case UINT8 -> { byte[] x = new byte[n]; java.util.Arrays.fill(x, (byte) (int) v); yield x; }
            // Through float32 first, as TensorFlow's 16-bit types convert from double.
            case BFLOAT16, HALF -> { short[] x = new short[n];
                java.util.Arrays.fill(x, dev.tensorgraph.HalfFloats.narrow(dtype, (float) v)); yield x; }
            case STRING, RESOURCE, VARIANT -> throw new dev.tensorgraph.errors.InvalidArgumentException(
                    "no numeric literal of dtype " + dtype);
        };
        return Tensor.wrap(dtype, shape, a);
    }
}
