package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.ops.reduction.ReductionOps;

/**
 * Reductions ({@code tf.reduce_sum}, ...) and {@code tf.argmax}/{@code tf.argmin}; see {@link ReductionOps}.
 * Axes default to all axes; negative axes count from the end. Naming follows TensorFlow 1.x: without axes
 * the axis constant is a {@code Const} in the current scope ({@code tf.reduceProd(a, "prod_b")} adds
 * {@code Const} and {@code prod_b}); given axes become {@code <op>/reduction_indices}.
 *
 * <pre>{@code
 * Output total = tf.reduceSum(x);                          // all axes -> scalar
 * Output rows = tf.reduceMean(x, new int[] {1}, true);    // [n, 1]
 * Output label = tf.argmax(logits, 1);                     // int64
 * }</pre>
 */
public interface ReductionApi extends TfBase {
    // ---- reduceSum ----

    /** The sum over all axes. */
    default Output reduceSum(Output x) {
        return reduceSum(x, (int[]) null, false, null);
    }

    default Output reduceSum(Output x, String name) {
        return reduceSum(x, (int[]) null, false, name);
    }

    default Output reduceSum(Output x, int axis) {
        return ReductionOps.sum(graph(), x, axis, false, null);
    }

    default Output reduceSum(Output x, int[] axes) {
        return reduceSum(x, axes, false, null);
    }

    default Output reduceSum(Output x, int[] axes, boolean keepDims) {
        return reduceSum(x, axes, keepDims, null);
    }

    /** The sum over {@code axes} (null = all axes), keeping reduced axes as size 1 when {@code keepDims}. */
    default Output reduceSum(Output x, int[] axes, boolean keepDims, String name) {
        return ReductionOps.sum(graph(), x, axes, keepDims, name);
    }

    /** With the axes as a tensor (int32 or int64), which may be computed at run time. */
    default Output reduceSum(Output x, Output axes, boolean keepDims, String name) {
        return ReductionOps.sum(graph(), x, axes, keepDims, name);
    }

    // ---- reduceProd ----

    /** The product over all axes. */
    default Output reduceProd(Output x) {
        return reduceProd(x, (int[]) null, false, null);
    }

    default Output reduceProd(Output x, String name) {
        return reduceProd(x, (int[]) null, false, name);
    }

    default Output reduceProd(Output x, int axis) {
        return ReductionOps.prod(graph(), x, axis, false, null);
    }

    default Output reduceProd(Output x, int[] axes) {
        return reduceProd(x, axes, false, null);
    }

    default Output reduceProd(Output x, int[] axes, boolean keepDims) {
        return reduceProd(x, axes, keepDims, null);
    }

    /** The product over {@code axes} (null = all axes), keeping reduced axes as size 1 when {@code keepDims}. */
    default Output reduceProd(Output x, int[] axes, boolean keepDims, String name) {
        return ReductionOps.prod(graph(), x, axes, keepDims, name);
    }

    /** With the axes as a tensor (int32 or int64), which may be computed at run time. */
    default Output reduceProd(Output x, Output axes, boolean keepDims, String name) {
        return ReductionOps.prod(graph(), x, axes, keepDims, name);
    }

    // ---- reduceMean ----

    /** The mean (integer division for integer inputs) over all axes. */
    default Output reduceMean(Output x) {
        return reduceMean(x, (int[]) null, false, null);
    }

    default Output reduceMean(Output x, String name) {
        return reduceMean(x, (int[]) null, false, name);
    }

    default Output reduceMean(Output x, int axis) {
        return ReductionOps.mean(graph(), x, axis, false, null);
    }

    default Output reduceMean(Output x, int[] axes) {
        return reduceMean(x, axes, false, null);
    }

    default Output reduceMean(Output x, int[] axes, boolean keepDims) {
        return reduceMean(x, axes, keepDims, null);
    }

    /** The mean (integer division for integer inputs) over {@code axes} (null = all axes), keeping reduced axes as size 1 when {@code keepDims}. */
    default Output reduceMean(Output x, int[] axes, boolean keepDims, String name) {
        return ReductionOps.mean(graph(), x, axes, keepDims, name);
    }

    /** With the axes as a tensor (int32 or int64), which may be computed at run time. */
    default Output reduceMean(Output x, Output axes, boolean keepDims, String name) {
        return ReductionOps.mean(graph(), x, axes, keepDims, name);
    }

    // ---- reduceMax ----

    /** The maximum (lowest value of the dtype over an empty set) over all axes. */
    default Output reduceMax(Output x) {
        return reduceMax(x, (int[]) null, false, null);
    }

    default Output reduceMax(Output x, String name) {
        return reduceMax(x, (int[]) null, false, name);
    }

    default Output reduceMax(Output x, int axis) {
        return ReductionOps.max(graph(), x, axis, false, null);
    }

    default Output reduceMax(Output x, int[] axes) {
        return reduceMax(x, axes, false, null);
    }

    default Output reduceMax(Output x, int[] axes, boolean keepDims) {
        return reduceMax(x, axes, keepDims, null);
    }

    /** The maximum (lowest value of the dtype over an empty set) over {@code axes} (null = all axes), keeping reduced axes as size 1 when {@code keepDims}. */
    default Output reduceMax(Output x, int[] axes, boolean keepDims, String name) {
        return ReductionOps.max(graph(), x, axes, keepDims, name);
    }

    /** With the axes as a tensor (int32 or int64), which may be computed at run time. */
    default Output reduceMax(Output x, Output axes, boolean keepDims, String name) {
        return ReductionOps.max(graph(), x, axes, keepDims, name);
    }

    // ---- reduceMin ----

    /** The minimum (highest value of the dtype over an empty set) over all axes. */
    default Output reduceMin(Output x) {
        return reduceMin(x, (int[]) null, false, null);
    }

    default Output reduceMin(Output x, String name) {
        return reduceMin(x, (int[]) null, false, name);
    }

    default Output reduceMin(Output x, int axis) {
        return ReductionOps.min(graph(), x, axis, false, null);
    }

    default Output reduceMin(Output x, int[] axes) {
        return reduceMin(x, axes, false, null);
    }

    default Output reduceMin(Output x, int[] axes, boolean keepDims) {
        return reduceMin(x, axes, keepDims, null);
    }

    /** The minimum (highest value of the dtype over an empty set) over {@code axes} (null = all axes), keeping reduced axes as size 1 when {@code keepDims}. */
    default Output reduceMin(Output x, int[] axes, boolean keepDims, String name) {
        return ReductionOps.min(graph(), x, axes, keepDims, name);
    }

    /** With the axes as a tensor (int32 or int64), which may be computed at run time. */
    default Output reduceMin(Output x, Output axes, boolean keepDims, String name) {
        return ReductionOps.min(graph(), x, axes, keepDims, name);
    }

    // ---- reduceAny ----

    /** Logical or over all axes. */
    default Output reduceAny(Output x) {
        return reduceAny(x, (int[]) null, false, null);
    }

    default Output reduceAny(Output x, String name) {
        return reduceAny(x, (int[]) null, false, name);
    }

    default Output reduceAny(Output x, int axis) {
        return ReductionOps.any(graph(), x, axis, false, null);
    }

    default Output reduceAny(Output x, int[] axes) {
        return reduceAny(x, axes, false, null);
    }

    default Output reduceAny(Output x, int[] axes, boolean keepDims) {
        return reduceAny(x, axes, keepDims, null);
    }

    /** Logical or over {@code axes} (null = all axes), keeping reduced axes as size 1 when {@code keepDims}. */
    default Output reduceAny(Output x, int[] axes, boolean keepDims, String name) {
        return ReductionOps.any(graph(), x, axes, keepDims, name);
    }

    /** With the axes as a tensor (int32 or int64), which may be computed at run time. */
    default Output reduceAny(Output x, Output axes, boolean keepDims, String name) {
        return ReductionOps.any(graph(), x, axes, keepDims, name);
    }

    // ---- reduceAll ----

    /** Logical and over all axes. */
    default Output reduceAll(Output x) {
        return reduceAll(x, (int[]) null, false, null);
    }

    default Output reduceAll(Output x, String name) {
        return reduceAll(x, (int[]) null, false, name);
    }

    default Output reduceAll(Output x, int axis) {
        return ReductionOps.all(graph(), x, axis, false, null);
    }

    default Output reduceAll(Output x, int[] axes) {
        return reduceAll(x, axes, false, null);
    }

    default Output reduceAll(Output x, int[] axes, boolean keepDims) {
        return reduceAll(x, axes, keepDims, null);
    }

    /** Logical and over {@code axes} (null = all axes), keeping reduced axes as size 1 when {@code keepDims}. */
    default Output reduceAll(Output x, int[] axes, boolean keepDims, String name) {
        return ReductionOps.all(graph(), x, axes, keepDims, name);
    }

    /** With the axes as a tensor (int32 or int64), which may be computed at run time. */
    default Output reduceAll(Output x, Output axes, boolean keepDims, String name) {
        return ReductionOps.all(graph(), x, axes, keepDims, name);
    }

    // ---- argmax ----

    /** {@code tf.argmax(x, axis)}: the index of the largest element along {@code axis} (first on ties), as int64. */
    default Output argmax(Output x, int axis) {
        return argmax(x, axis, DType.INT64, null);
    }

    /** As {@link #argmax(Output, int)} with {@code outputType} int32 or int64. */
    default Output argmax(Output x, int axis, DType outputType) {
        return argmax(x, axis, outputType, null);
    }

    default Output argmax(Output x, int axis, DType outputType, String name) {
        return ReductionOps.argMax(graph(), x, axis, outputType, name);
    }

    /** @deprecated use {@link #argmax(Output, int)} (TensorFlow writes argmax as one word). */
    @Deprecated
    default Output argMax(Output x, int axis) {
        return argmax(x, axis);
    }

    /** @deprecated use {@link #argmax(Output, int, DType)}. */
    @Deprecated
    default Output argMax(Output x, int axis, DType outputType) {
        return argmax(x, axis, outputType);
    }

    /** @deprecated use {@link #argmax(Output, int, DType, String)}. */
    @Deprecated
    default Output argMax(Output x, int axis, DType outputType, String name) {
        return argmax(x, axis, outputType, name);
    }

    // ---- argmin ----

    /** {@code tf.argmin(x, axis)}: the index of the smallest element along {@code axis} (first on ties), as int64. */
    default Output argmin(Output x, int axis) {
        return argmin(x, axis, DType.INT64, null);
    }

    /** As {@link #argmin(Output, int)} with {@code outputType} int32 or int64. */
    default Output argmin(Output x, int axis, DType outputType) {
        return argmin(x, axis, outputType, null);
    }

    default Output argmin(Output x, int axis, DType outputType, String name) {
        return ReductionOps.argMin(graph(), x, axis, outputType, name);
    }

    /** @deprecated use {@link #argmin(Output, int)} (TensorFlow writes argmin as one word). */
    @Deprecated
    default Output argMin(Output x, int axis) {
        return argmin(x, axis);
    }

    /** @deprecated use {@link #argmin(Output, int, DType)}. */
    @Deprecated
    default Output argMin(Output x, int axis, DType outputType) {
        return argmin(x, axis, outputType);
    }

    /** @deprecated use {@link #argmin(Output, int, DType, String)}. */
    @Deprecated
    default Output argMin(Output x, int axis, DType outputType, String name) {
        return argmin(x, axis, outputType, name);
    }
}
