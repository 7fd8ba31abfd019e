package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.ops.indexing.SelectOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.math.ComparisonOps;

/**
 * Comparisons (bool results, with broadcasting), logical ops, {@code where} and {@code cast}; part of the
 * math facade ({@link MathApi}). The {@code double} overloads compare against a constant of x's dtype.
 *
 * <pre>{@code
 * Output positive = tf.greater(x, 0.0);
 * Output absX = tf.where(positive, x, tf.negative(x));
 * }</pre>
 *
 * Definitions: {@link ComparisonOps}, {@link SelectOps}, {@link CastOps}.
 */
public interface ComparisonApi extends TfBase {
    /** {@code tf.equal}: x == y elementwise (bool). */
    default Output equal(Output x, Output y) {
        return equal(x, y, null);
    }

    default Output equal(Output x, Output y, String name) {
        return ComparisonOps.equal(graph(), x, y, name);
    }

    /** As {@link #equal(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output equal(Output x, double y) {
        return equal(x, y, null);
    }

    default Output equal(Output x, double y, String name) {
        return ComparisonOps.equal(graph(), x, y, name);
    }

    /** {@code tf.not_equal}: x != y elementwise (bool). */
    default Output notEqual(Output x, Output y) {
        return notEqual(x, y, null);
    }

    default Output notEqual(Output x, Output y, String name) {
        return ComparisonOps.notEqual(graph(), x, y, name);
    }

    /** As {@link #notEqual(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output notEqual(Output x, double y) {
        return notEqual(x, y, null);
    }

    default Output notEqual(Output x, double y, String name) {
        return ComparisonOps.notEqual(graph(), x, y, name);
    }

    /** {@code tf.less}: x < y elementwise (bool). */
    default Output less(Output x, Output y) {
        return less(x, y, null);
    }

    default Output less(Output x, Output y, String name) {
        return ComparisonOps.less(graph(), x, y, name);
    }

    /** As {@link #less(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output less(Output x, double y) {
        return less(x, y, null);
    }

    default Output less(Output x, double y, String name) {
        return ComparisonOps.less(graph(), x, y, name);
    }

    /** {@code tf.less_equal}: x <= y elementwise (bool). */
    default Output lessEqual(Output x, Output y) {
        return lessEqual(x, y, null);
    }

    default Output lessEqual(Output x, Output y, String name) {
        return ComparisonOps.lessEqual(graph(), x, y, name);
    }

    /** As {@link #lessEqual(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output lessEqual(Output x, double y) {
        return lessEqual(x, y, null);
    }

    default Output lessEqual(Output x, double y, String name) {
        return ComparisonOps.lessEqual(graph(), x, y, name);
    }

    /** {@code tf.greater}: x > y elementwise (bool). */
    default Output greater(Output x, Output y) {
        return greater(x, y, null);
    }

    default Output greater(Output x, Output y, String name) {
        return ComparisonOps.greater(graph(), x, y, name);
    }

    /** As {@link #greater(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output greater(Output x, double y) {
        return greater(x, y, null);
    }

    default Output greater(Output x, double y, String name) {
        return ComparisonOps.greater(graph(), x, y, name);
    }

    /** {@code tf.greater_equal}: x >= y elementwise (bool). */
    default Output greaterEqual(Output x, Output y) {
        return greaterEqual(x, y, null);
    }

    default Output greaterEqual(Output x, Output y, String name) {
        return ComparisonOps.greaterEqual(graph(), x, y, name);
    }

    /** As {@link #greaterEqual(Output, Output)} with {@code y} a constant of x's dtype. */
    default Output greaterEqual(Output x, double y) {
        return greaterEqual(x, y, null);
    }

    default Output greaterEqual(Output x, double y, String name) {
        return ComparisonOps.greaterEqual(graph(), x, y, name);
    }

    /** {@code tf.logical_and} of two bool tensors. */
    default Output logicalAnd(Output x, Output y) {
        return logicalAnd(x, y, null);
    }

    default Output logicalAnd(Output x, Output y, String name) {
        return ComparisonOps.logicalAnd(graph(), x, y, name);
    }

    /** {@code tf.logical_or} of two bool tensors. */
    default Output logicalOr(Output x, Output y) {
        return logicalOr(x, y, null);
    }

    default Output logicalOr(Output x, Output y, String name) {
        return ComparisonOps.logicalOr(graph(), x, y, name);
    }

    /** {@code tf.logical_not} of a bool tensor. */
    default Output logicalNot(Output x) {
        return logicalNot(x, null);
    }

    default Output logicalNot(Output x, String name) {
        return ComparisonOps.logicalNot(graph(), x, name);
    }

    /** {@code tf.where(condition, x, y)}: x where condition holds, else y (op Select). */
    default Output where(Output condition, Output x, Output y) {
        return where(condition, x, y, null);
    }

    default Output where(Output condition, Output x, Output y, String name) {
        return SelectOps.select(graph(), condition, x, y, name);
    }

    /** {@code tf.where_v2(condition, x, y)}: as {@link #where(Output, Output, Output)} with broadcasting of all three. */
    default Output whereV2(Output condition, Output x, Output y) {
        return whereV2(condition, x, y, null);
    }

    default Output whereV2(Output condition, Output x, Output y, String name) {
        return SelectOps.selectV2(graph(), condition, x, y, name);
    }

    /**
     * {@code tf.cast(x, dtype)}: converts elementwise (floats to integers truncate toward zero, numbers to
     * bool test != 0); x itself when it already has that dtype.
     */
    default Output cast(Output x, DType dtype) {
        return cast(x, dtype, null);
    }

    default Output cast(Output x, DType dtype, String name) {
        return CastOps.cast(graph(), x, dtype, name);
    }
}
