package dev.tensorgraph.ops;

import dev.tensorgraph.Output;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.ClipOps;
import dev.tensorgraph.ops.math.CumulativeOptions;
import dev.tensorgraph.ops.math.EinsumOps;
import dev.tensorgraph.ops.math.ScanOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.nn.ActivationOps;
import java.util.List;

/**
 * Elementwise math: arithmetic with NumPy broadcasting, unary functions and {@code addN}; comparisons, logical
 * ops, {@code where} and {@code cast} are in {@link ComparisonApi}. Each method builds the op TensorFlow 1.x's
 * Python function builds, with the same default name; the {@code double} overloads turn the Java number into a
 * constant of x's dtype named {@code y} inside the op's name scope, as Python's conversion does.
 *
 * <pre>{@code
 * Output y = tf.add(tf.multiply(x, 2.0), b);      // Mul, Add
 * Output m = tf.where(tf.greater(x, 0.0), x, tf.negative(x));
 * }</pre>
 *
 * Definitions: {@link ArithmeticOps}, {@link UnaryOps}.
 */
public interface MathApi extends ComparisonApi {
    /** {@code tf.add}: x + y with broadcasting (op type Add). */
    default Output add(Output x, Output y) {
        return add(x, y, null);
    }

    default Output add(Output x, Output y, String name) {
        return ArithmeticOps.add(graph(), x, y, name);
    }

    /** As {@link #add(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output add(Output x, double y) {
        return add(x, y, null);
    }

    default Output add(Output x, double y, String name) {
        return ArithmeticOps.add(graph(), x, y, name);
    }

    /** {@code tf.subtract}: x - y with broadcasting. */
    default Output subtract(Output x, Output y) {
        return subtract(x, y, null);
    }

    default Output subtract(Output x, Output y, String name) {
        return ArithmeticOps.sub(graph(), x, y, name);
    }

    /** As {@link #subtract(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output subtract(Output x, double y) {
        return subtract(x, y, null);
    }

    default Output subtract(Output x, double y, String name) {
        return ArithmeticOps.sub(graph(), x, y, name);
    }

    /** {@code tf.multiply}: x * y with broadcasting. */
    default Output multiply(Output x, Output y) {
        return multiply(x, y, null);
    }

    default Output multiply(Output x, Output y, String name) {
        return ArithmeticOps.mul(graph(), x, y, name);
    }

    /** As {@link #multiply(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output multiply(Output x, double y) {
        return multiply(x, y, null);
    }

    default Output multiply(Output x, double y, String name) {
        return ArithmeticOps.mul(graph(), x, y, name);
    }

    /** {@code tf.realdiv}: x / y; integers truncate toward zero. */
    default Output realdiv(Output x, Output y) {
        return realdiv(x, y, null);
    }

    default Output realdiv(Output x, Output y, String name) {
        return ArithmeticOps.realDiv(graph(), x, y, name);
    }

    /** As {@link #realdiv(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output realdiv(Output x, double y) {
        return realdiv(x, y, null);
    }

    default Output realdiv(Output x, double y, String name) {
        return ArithmeticOps.realDiv(graph(), x, y, name);
    }

    /** {@code tf.floordiv}: floor(x / y), Python's {@code //} (op FloorDiv named floordiv). */
    default Output floordiv(Output x, Output y) {
        return floordiv(x, y, null);
    }

    default Output floordiv(Output x, Output y, String name) {
        return ArithmeticOps.floorDiv(graph(), x, y, name == null ? "floordiv" : name);
    }

    /** As {@link #floordiv(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output floordiv(Output x, double y) {
        return floordiv(x, y, null);
    }

    default Output floordiv(Output x, double y, String name) {
        return ArithmeticOps.floorDiv(graph(), x, y, name == null ? "floordiv" : name);
    }

    /** {@code tf.floormod}: x mod y with the sign of y, Python's {@code %}. */
    default Output floormod(Output x, Output y) {
        return floormod(x, y, null);
    }

    default Output floormod(Output x, Output y, String name) {
        return ArithmeticOps.floorMod(graph(), x, y, name);
    }

    /** As {@link #floormod(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output floormod(Output x, double y) {
        return floormod(x, y, null);
    }

    default Output floormod(Output x, double y, String name) {
        return ArithmeticOps.floorMod(graph(), x, y, name);
    }

    /** {@code tf.mod}: as {@link #floormod(Output, Output)}. */
    default Output mod(Output x, Output y) {
        return mod(x, y, null);
    }

    default Output mod(Output x, Output y, String name) {
        return ArithmeticOps.floorMod(graph(), x, y, name);
    }

    /** As {@link #mod(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output mod(Output x, double y) {
        return mod(x, y, null);
    }

    default Output mod(Output x, double y, String name) {
        return ArithmeticOps.floorMod(graph(), x, y, name);
    }

    /** {@code tf.pow}: x to the power y; integers to negative powers fail at run time. */
    default Output pow(Output x, Output y) {
        return pow(x, y, null);
    }

    default Output pow(Output x, Output y, String name) {
        return ArithmeticOps.pow(graph(), x, y, name);
    }

    /** As {@link #pow(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output pow(Output x, double y) {
        return pow(x, y, null);
    }

    default Output pow(Output x, double y, String name) {
        return ArithmeticOps.pow(graph(), x, y, name);
    }

    /** {@code tf.maximum}: the larger of x and y, with broadcasting. */
    default Output maximum(Output x, Output y) {
        return maximum(x, y, null);
    }

    default Output maximum(Output x, Output y, String name) {
        return ArithmeticOps.maximum(graph(), x, y, name);
    }

    /** As {@link #maximum(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output maximum(Output x, double y) {
        return maximum(x, y, null);
    }

    default Output maximum(Output x, double y, String name) {
        return ArithmeticOps.maximum(graph(), x, y, name);
    }

    /** {@code tf.minimum}: the smaller of x and y, with broadcasting. */
    default Output minimum(Output x, Output y) {
        return minimum(x, y, null);
    }

    default Output minimum(Output x, Output y, String name) {
        return ArithmeticOps.minimum(graph(), x, y, name);
    }

    /** As {@link #minimum(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output minimum(Output x, double y) {
        return minimum(x, y, null);
    }

    default Output minimum(Output x, double y, String name) {
        return ArithmeticOps.minimum(graph(), x, y, name);
    }

    /** {@code tf.squared_difference}: (x - y)^2 with broadcasting. */
    default Output squaredDifference(Output x, Output y) {
        return squaredDifference(x, y, null);
    }

    default Output squaredDifference(Output x, Output y, String name) {
        return ArithmeticOps.squaredDifference(graph(), x, y, name);
    }

    /** As {@link #squaredDifference(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output squaredDifference(Output x, double y) {
        return squaredDifference(x, y, null);
    }

    default Output squaredDifference(Output x, double y, String name) {
        return ArithmeticOps.squaredDifference(graph(), x, y, name);
    }

    /** @deprecated use {@link #floordiv}. */
    @Deprecated
    default Output floorDiv(Output x, Output y) {
        return floordiv(x, y);
    }

    /** @deprecated use {@link #floordiv}. */
    @Deprecated
    default Output floorDiv(Output x, Output y, String name) {
        return floordiv(x, y, name);
    }

    /** @deprecated use {@link #floordiv}. */
    @Deprecated
    default Output floorDiv(Output x, double y) {
        return floordiv(x, y);
    }

    /** @deprecated use {@link #floordiv}. */
    @Deprecated
    default Output floorDiv(Output x, double y, String name) {
        return floordiv(x, y, name);
    }

    /** @deprecated use {@link #floormod}. */
    @Deprecated
    default Output floorMod(Output x, Output y) {
        return floormod(x, y);
    }

    /** @deprecated use {@link #floormod}. */
    @Deprecated
    default Output floorMod(Output x, Output y, String name) {
        return floormod(x, y, name);
    }

    /** @deprecated use {@link #floormod}. */
    @Deprecated
    default Output floorMod(Output x, double y) {
        return floormod(x, y);
    }

    /** @deprecated use {@link #floormod}. */
    @Deprecated
    default Output floorMod(Output x, double y, String name) {
        return floormod(x, y, name);
    }

    /**
     * {@code tf.raw_ops.AddV2}.
     *
     * @deprecated a raw op, not part of the facade: use {@code tf.add} or {@code ArithmeticOps.addV2}.
     */
    @Deprecated
    default Output addV2(Output x, Output y) {
        return ArithmeticOps.addV2(graph(), x, y, null);
    }

    /** @deprecated use {@code ArithmeticOps.addV2}. */
    @Deprecated
    default Output addV2(Output x, Output y, String name) {
        return ArithmeticOps.addV2(graph(), x, y, name);
    }

    /** @deprecated use {@code ArithmeticOps.addV2}. */
    @Deprecated
    default Output addV2(Output x, double y) {
        return ArithmeticOps.addV2(graph(), x, y, null);
    }

    /** @deprecated use {@code ArithmeticOps.addV2}. */
    @Deprecated
    default Output addV2(Output x, double y, String name) {
        return ArithmeticOps.addV2(graph(), x, y, name);
    }

    /** {@code tf.square}: x * x. */
    default Output square(Output x) {
        return square(x, null);
    }

    default Output square(Output x, String name) {
        return UnaryOps.square(graph(), x, name);
    }

    /** {@code tf.sqrt}: square root. */
    default Output sqrt(Output x) {
        return sqrt(x, null);
    }

    default Output sqrt(Output x, String name) {
        return UnaryOps.sqrt(graph(), x, name);
    }

    /** {@code tf.rsqrt}: 1 / sqrt(x). */
    default Output rsqrt(Output x) {
        return rsqrt(x, null);
    }

    default Output rsqrt(Output x, String name) {
        return UnaryOps.rsqrt(graph(), x, name);
    }

    /** {@code tf.exp}: e to the x. */
    default Output exp(Output x) {
        return exp(x, null);
    }

    default Output exp(Output x, String name) {
        return UnaryOps.exp(graph(), x, name);
    }

    /** {@code tf.log}: natural logarithm. */
    default Output log(Output x) {
        return log(x, null);
    }

    default Output log(Output x, String name) {
        return UnaryOps.log(graph(), x, name);
    }

    /** {@code tf.log1p}: log(1 + x), accurate for small x. */
    default Output log1p(Output x) {
        return log1p(x, null);
    }

    default Output log1p(Output x, String name) {
        return UnaryOps.log1p(graph(), x, name);
    }

    /** {@code tf.abs}: absolute value. */
    default Output abs(Output x) {
        return abs(x, null);
    }

    default Output abs(Output x, String name) {
        return UnaryOps.abs(graph(), x, name);
    }

    /** {@code tf.negative}: -x (op Neg). */
    default Output negative(Output x) {
        return negative(x, null);
    }

    default Output negative(Output x, String name) {
        return UnaryOps.neg(graph(), x, name);
    }

    /** {@code tf.sign}: -1, 0 or 1. */
    default Output sign(Output x) {
        return sign(x, null);
    }

    default Output sign(Output x, String name) {
        return UnaryOps.sign(graph(), x, name);
    }

    /** {@code tf.reciprocal}: 1 / x. */
    default Output reciprocal(Output x) {
        return reciprocal(x, null);
    }

    default Output reciprocal(Output x, String name) {
        return UnaryOps.reciprocal(graph(), x, name);
    }

    /** {@code tf.sigmoid}: 1 / (1 + exp(-x)). */
    default Output sigmoid(Output x) {
        return sigmoid(x, null);
    }

    default Output sigmoid(Output x, String name) {
        return UnaryOps.sigmoid(graph(), x, name);
    }

    /** {@code tf.tanh}: hyperbolic tangent. */
    default Output tanh(Output x) {
        return tanh(x, null);
    }

    default Output tanh(Output x, String name) {
        return UnaryOps.tanh(graph(), x, name);
    }

    /** {@code tf.erf} ({@code tf.math.erf}): the error function. */
    default Output erf(Output x) {
        return erf(x, null);
    }

    default Output erf(Output x, String name) {
        return UnaryOps.erf(graph(), x, name);
    }

    /** {@code tf.erfc} ({@code tf.math.erfc}): the complementary error function 1 - erf(x). */
    default Output erfc(Output x) {
        return erfc(x, null);
    }

    default Output erfc(Output x, String name) {
        return UnaryOps.erfc(graph(), x, name);
    }

    /** {@code tf.floor}: largest integer not above x. */
    default Output floor(Output x) {
        return floor(x, null);
    }

    default Output floor(Output x, String name) {
        return UnaryOps.floor(graph(), x, name);
    }

    /** {@code tf.ceil}: smallest integer not below x. */
    default Output ceil(Output x) {
        return ceil(x, null);
    }

    default Output ceil(Output x, String name) {
        return UnaryOps.ceil(graph(), x, name);
    }

    /** {@code tf.round}: rounds half to even (banker's rounding); integers are returned unchanged. */
    default Output round(Output x) {
        return round(x, null);
    }

    default Output round(Output x, String name) {
        return UnaryOps.round(graph(), x, name);
    }

    /** {@code tf.nn.relu} at the top level: max(x, 0). */
    default Output relu(Output x) {
        return relu(x, null);
    }

    default Output relu(Output x, String name) {
        return ActivationOps.relu(graph(), x, name);
    }

    /**
     * {@code tf.divide} (and {@code x / y}): true division, op RealDiv named {@code truediv}; integer inputs are first
     * cast to floating point (int32 and int64 to float64, uint8 to float32) as Python 3 does.
     */
    default Output divide(Output x, Output y) {
        return truediv(x, y, null);
    }

    default Output divide(Output x, Output y, String name) {
        return truediv(x, y, name);
    }

    default Output divide(Output x, double y) {
        return truediv(x, y, null);
    }

    default Output divide(Output x, double y, String name) {
        return truediv(x, y, name);
    }

    /** {@code tf.truediv}: as {@link #divide(Output, Output)}. */
    default Output truediv(Output x, Output y) {
        return truediv(x, y, null);
    }

    default Output truediv(Output x, Output y, String name) {
        return ArithmeticOps.truediv(graph(), x, y, name);
    }

    default Output truediv(Output x, double y) {
        return truediv(x, y, null);
    }

    default Output truediv(Output x, double y, String name) {
        return ArithmeticOps.truediv(graph(), x, y, name);
    }

    /** {@code tf.div} (TensorFlow 1's Python-2 division): RealDiv for floats, FloorDiv for integers, named div. */
    default Output div(Output x, Output y) {
        return div(x, y, null);
    }

    default Output div(Output x, Output y, String name) {
        return ArithmeticOps.div(graph(), x, y, name);
    }

    /** {@code tf.add_n}: the sum of same-shaped tensors; a single input is returned as it is. */
    default Output addN(List<Output> inputs) {
        return addN(inputs, null);
    }

    default Output addN(List<Output> inputs, String name) {
        return ArithmeticOps.addN(graph(), inputs, name);
    }

    // ---- cumulative sums and products, clipping, einsum (issue #16) ----

    /** {@code tf.cumsum(x, axis)}: running sums along axis; op {@code Cumsum}. */
    default Output cumsum(Output x, int axis) {
        return cumsum(x, axis, CumulativeOptions.create(), null);
    }

    /** {@code tf.cumsum(x, axis, exclusive=, reverse=)}. */
    default Output cumsum(Output x, int axis, CumulativeOptions options) {
        return cumsum(x, axis, options, null);
    }

    default Output cumsum(Output x, int axis, CumulativeOptions options, String name) {
        return ScanOps.cumsum(graph(), x, axis, options, name);
    }

    /** {@code tf.cumprod(x, axis)}: running products along axis; op {@code Cumprod}. */
    default Output cumprod(Output x, int axis) {
        return cumprod(x, axis, CumulativeOptions.create(), null);
    }

    /** {@code tf.cumprod(x, axis, exclusive=, reverse=)}. */
    default Output cumprod(Output x, int axis, CumulativeOptions options) {
        return cumprod(x, axis, options, null);
    }

    default Output cumprod(Output x, int axis, CumulativeOptions options, String name) {
        return ScanOps.cumprod(graph(), x, axis, options, name);
    }

    /** {@code tf.clip_by_value(t, min, max)}: Minimum then Maximum in scope {@code clip_by_value}, as TensorFlow. */
    default Output clipByValue(Output t, double clipValueMin, double clipValueMax) {
        return clipByValue(t, clipValueMin, clipValueMax, null);
    }

    default Output clipByValue(Output t, double clipValueMin, double clipValueMax, String name) {
        return ClipOps.clipByValue(graph(), t, clipValueMin, clipValueMax, name);
    }

    default Output clipByValue(Output t, Output clipValueMin, Output clipValueMax, String name) {
        return ClipOps.clipByValue(graph(), t, clipValueMin, clipValueMax, name);
    }

    /**
     * {@code tf.einsum(equation, *inputs)}, e.g. {@code tf.einsum("bij,bjk->bik", a, b)}: one Einsum op for one or
     * two operands (more are contracted pairwise), in scope {@code einsum}.
     */
    default Output einsum(String equation, Output... inputs) {
        return einsum(equation, List.of(inputs), null);
    }

    default Output einsum(String equation, List<Output> inputs, String name) {
        return EinsumOps.einsum(graph(), equation, inputs, name);
    }

    // ---- TensorFlow 0.x names that older code still uses ----

    /** @deprecated TensorFlow 0.12's {@code tf.sub}: use {@link #subtract(Output, Output)}. */
    @Deprecated
    default Output sub(Output x, Output y) {
        return subtract(x, y, null);
    }

    /** @deprecated TensorFlow 0.12's {@code tf.sub}: use {@link #subtract(Output, Output, String)}. */
    @Deprecated
    default Output sub(Output x, Output y, String name) {
        return subtract(x, y, name);
    }

    /** @deprecated TensorFlow 0.12's {@code tf.mul}: use {@link #multiply(Output, Output)}. */
    @Deprecated
    default Output mul(Output x, Output y) {
        return multiply(x, y, null);
    }

    /** @deprecated TensorFlow 0.12's {@code tf.mul}: use {@link #multiply(Output, Output, String)}. */
    @Deprecated
    default Output mul(Output x, Output y, String name) {
        return multiply(x, y, name);
    }
}
