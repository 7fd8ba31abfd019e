package dev.tensorgraph.data;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * How {@link Examples#parseExample} reads one feature of a {@code tf.train.Example}, as {@code tf.io.FixedLenFeature}
 * and {@code tf.io.VarLenFeature} say it: a dtype of float32 (the feature's {@code float_list}), int64
 * ({@code int64_list}) or string ({@code bytes_list}).
 */
public sealed interface FeatureSpec permits FeatureSpec.FixedLen, FeatureSpec.VarLen {
    DType dtype();

    /**
     * Exactly {@code shape.numElements()} values, given that shape; {@code defaultValue} (of that dtype and shape,
     * or a scalar repeated to it) stands in when the feature is missing, which is an error without one.
     */
    record FixedLen(Shape shape, DType dtype, Tensor defaultValue) implements FeatureSpec {
        public FixedLen {
            checkDtype(dtype);
            if (!shape.isFullyDefined()) {
                throw new InvalidArgumentException("FixedLenFeature needs a fully defined shape, got " + shape);
            }
            if (defaultValue != null && (defaultValue.dtype() != dtype
                    || (defaultValue.numElements() != 1 && !defaultValue.shape().equals(shape)))) {
                throw new InvalidArgumentException("FixedLenFeature: the default value (" + defaultValue.dtype() + " "
                        + defaultValue.shape() + ") must be a " + dtype + " of shape " + shape + " or a scalar");
            }
        }
    }

    /** Any number of values, as a 1-D tensor (empty when the feature is missing). */
    record VarLen(DType dtype) implements FeatureSpec {
        public VarLen {
            checkDtype(dtype);
        }
    }

    static FixedLen fixedLen(Shape shape, DType dtype) {
        return new FixedLen(shape, dtype, null);
    }

    static FixedLen fixedLen(Shape shape, DType dtype, Tensor defaultValue) {
        return new FixedLen(shape, dtype, defaultValue);
    }

    static VarLen varLen(DType dtype) {
        return new VarLen(dtype);
    }

    private static void checkDtype(DType dtype) {
        if (dtype != DType.FLOAT32 && dtype != DType.INT64 && dtype != DType.STRING) {
            throw new InvalidArgumentException("an Example feature is float32, int64 or string, not " + dtype);
        }
    }
}
