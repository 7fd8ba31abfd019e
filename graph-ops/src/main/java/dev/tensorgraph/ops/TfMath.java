package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.ops.indexing.SegmentOps;
import dev.tensorgraph.ops.indexing.SortedSegmentOps;
import dev.tensorgraph.ops.math.BincountOps;
import dev.tensorgraph.ops.math.CumulativeOptions;
import java.util.List;

/**
 * The {@code tf.math} namespace: the same elementwise ops as the top-level facade under their
 * {@code tf.math.*} names ({@code tf.math.add}, {@code tf.math.floordiv}, {@code tf.math.log1p},
 * {@code tf.math.squaredDifference}, {@code tf.math.cumsum}, ...), each building exactly what the top-level method
 * builds; and what TensorFlow keeps in {@code tf.math} only: the segment reductions
 * ({@code tf.math.unsortedSegmentSum}, {@code tf.math.segmentMean}, ...) and {@code tf.math.bincount}.
 *
 * <pre>{@code
 * Output r = tf.math.floormod(a, b);
 * }</pre>
 */
public final class TfMath {
    private final Tf tf;

    TfMath(Tf tf) {
        this.tf = tf;
    }

    Tf tf() {
        return tf;
    }

    public Output add(Output x, Output y) {
        return tf.add(x, y);
    }

    public Output add(Output x, Output y, String name) {
        return tf.add(x, y, name);
    }

    public Output add(Output x, double y) {
        return tf.add(x, y);
    }

    public Output subtract(Output x, Output y) {
        return tf.subtract(x, y);
    }

    public Output subtract(Output x, Output y, String name) {
        return tf.subtract(x, y, name);
    }

    public Output subtract(Output x, double y) {
        return tf.subtract(x, y);
    }

    public Output multiply(Output x, Output y) {
        return tf.multiply(x, y);
    }

    public Output multiply(Output x, Output y, String name) {
        return tf.multiply(x, y, name);
    }

    public Output multiply(Output x, double y) {
        return tf.multiply(x, y);
    }

    public Output divide(Output x, Output y) {
        return tf.divide(x, y);
    }

    public Output divide(Output x, Output y, String name) {
        return tf.divide(x, y, name);
    }

    public Output divide(Output x, double y) {
        return tf.divide(x, y);
    }

    public Output truediv(Output x, Output y) {
        return tf.truediv(x, y);
    }

    public Output truediv(Output x, Output y, String name) {
        return tf.truediv(x, y, name);
    }

    public Output truediv(Output x, double y) {
        return tf.truediv(x, y);
    }

    public Output realdiv(Output x, Output y) {
        return tf.realdiv(x, y);
    }

    public Output realdiv(Output x, Output y, String name) {
        return tf.realdiv(x, y, name);
    }

    public Output realdiv(Output x, double y) {
        return tf.realdiv(x, y);
    }

    public Output floordiv(Output x, Output y) {
        return tf.floordiv(x, y);
    }

    public Output floordiv(Output x, Output y, String name) {
        return tf.floordiv(x, y, name);
    }

    public Output floordiv(Output x, double y) {
        return tf.floordiv(x, y);
    }

    public Output floormod(Output x, Output y) {
        return tf.floormod(x, y);
    }

    public Output floormod(Output x, Output y, String name) {
        return tf.floormod(x, y, name);
    }

    public Output floormod(Output x, double y) {
        return tf.floormod(x, y);
    }

    public Output mod(Output x, Output y) {
        return tf.mod(x, y);
    }

    public Output mod(Output x, Output y, String name) {
        return tf.mod(x, y, name);
    }

    public Output mod(Output x, double y) {
        return tf.mod(x, y);
    }

    public Output pow(Output x, Output y) {
        return tf.pow(x, y);
    }

    public Output pow(Output x, Output y, String name) {
        return tf.pow(x, y, name);
    }

    public Output pow(Output x, double y) {
        return tf.pow(x, y);
    }

    public Output maximum(Output x, Output y) {
        return tf.maximum(x, y);
    }

    public Output maximum(Output x, Output y, String name) {
        return tf.maximum(x, y, name);
    }

    public Output maximum(Output x, double y) {
        return tf.maximum(x, y);
    }

    public Output minimum(Output x, Output y) {
        return tf.minimum(x, y);
    }

    public Output minimum(Output x, Output y, String name) {
        return tf.minimum(x, y, name);
    }

    public Output minimum(Output x, double y) {
        return tf.minimum(x, y);
    }

    public Output squaredDifference(Output x, Output y) {
        return tf.squaredDifference(x, y);
    }

    public Output squaredDifference(Output x, Output y, String name) {
        return tf.squaredDifference(x, y, name);
    }

    public Output squaredDifference(Output x, double y) {
        return tf.squaredDifference(x, y);
    }

    public Output equal(Output x, Output y) {
        return tf.equal(x, y);
    }

    public Output equal(Output x, Output y, String name) {
        return tf.equal(x, y, name);
    }

    public Output equal(Output x, double y) {
        return tf.equal(x, y);
    }

    public Output notEqual(Output x, Output y) {
        return tf.notEqual(x, y);
    }

    public Output notEqual(Output x, Output y, String name) {
        return tf.notEqual(x, y, name);
    }

    public Output notEqual(Output x, double y) {
        return tf.notEqual(x, y);
    }

    public Output less(Output x, Output y) {
        return tf.less(x, y);
    }

    public Output less(Output x, Output y, String name) {
        return tf.less(x, y, name);
    }

    public Output less(Output x, double y) {
        return tf.less(x, y);
    }

    public Output lessEqual(Output x, Output y) {
        return tf.lessEqual(x, y);
    }

    public Output lessEqual(Output x, Output y, String name) {
        return tf.lessEqual(x, y, name);
    }

    public Output lessEqual(Output x, double y) {
        return tf.lessEqual(x, y);
    }

    public Output greater(Output x, Output y) {
        return tf.greater(x, y);
    }

    public Output greater(Output x, Output y, String name) {
        return tf.greater(x, y, name);
    }

    public Output greater(Output x, double y) {
        return tf.greater(x, y);
    }

    public Output greaterEqual(Output x, Output y) {
        return tf.greaterEqual(x, y);
    }

    public Output greaterEqual(Output x, Output y, String name) {
        return tf.greaterEqual(x, y, name);
    }

    public Output greaterEqual(Output x, double y) {
        return tf.greaterEqual(x, y);
    }

    public Output logicalAnd(Output x, Output y) {
        return tf.logicalAnd(x, y);
    }

    public Output logicalAnd(Output x, Output y, String name) {
        return tf.logicalAnd(x, y, name);
    }

    public Output logicalOr(Output x, Output y) {
        return tf.logicalOr(x, y);
    }

    public Output logicalOr(Output x, Output y, String name) {
        return tf.logicalOr(x, y, name);
    }

    public Output square(Output x) {
        return tf.square(x);
    }

    public Output square(Output x, String name) {
        return tf.square(x, name);
    }

    public Output sqrt(Output x) {
        return tf.sqrt(x);
    }

    public Output sqrt(Output x, String name) {
        return tf.sqrt(x, name);
    }

    public Output rsqrt(Output x) {
        return tf.rsqrt(x);
    }

    public Output rsqrt(Output x, String name) {
        return tf.rsqrt(x, name);
    }

    public Output exp(Output x) {
        return tf.exp(x);
    }

    public Output exp(Output x, String name) {
        return tf.exp(x, name);
    }

    public Output log(Output x) {
        return tf.log(x);
    }

    public Output log(Output x, String name) {
        return tf.log(x, name);
    }

    public Output log1p(Output x) {
        return tf.log1p(x);
    }

    public Output log1p(Output x, String name) {
        return tf.log1p(x, name);
    }

    public Output abs(Output x) {
        return tf.abs(x);
    }

    public Output abs(Output x, String name) {
        return tf.abs(x, name);
    }

    public Output negative(Output x) {
        return tf.negative(x);
    }

    public Output negative(Output x, String name) {
        return tf.negative(x, name);
    }

    public Output sign(Output x) {
        return tf.sign(x);
    }

    public Output sign(Output x, String name) {
        return tf.sign(x, name);
    }

    public Output reciprocal(Output x) {
        return tf.reciprocal(x);
    }

    public Output reciprocal(Output x, String name) {
        return tf.reciprocal(x, name);
    }

    public Output sigmoid(Output x) {
        return tf.sigmoid(x);
    }

    public Output sigmoid(Output x, String name) {
        return tf.sigmoid(x, name);
    }

    public Output tanh(Output x) {
        return tf.tanh(x);
    }

    public Output tanh(Output x, String name) {
        return tf.tanh(x, name);
    }

    /** {@code tf.math.erf}: the error function. */
    public Output erf(Output x) {
        return tf.erf(x);
    }

    public Output erf(Output x, String name) {
        return tf.erf(x, name);
    }

    /** {@code tf.math.erfc}: the complementary error function. */
    public Output erfc(Output x) {
        return tf.erfc(x);
    }

    public Output erfc(Output x, String name) {
        return tf.erfc(x, name);
    }

    public Output round(Output x) {
        return tf.round(x);
    }

    public Output round(Output x, String name) {
        return tf.round(x, name);
    }

    public Output floor(Output x) {
        return tf.floor(x);
    }

    public Output floor(Output x, String name) {
        return tf.floor(x, name);
    }

    public Output ceil(Output x) {
        return tf.ceil(x);
    }

    public Output ceil(Output x, String name) {
        return tf.ceil(x, name);
    }

    public Output logicalNot(Output x) {
        return tf.logicalNot(x);
    }

    public Output logicalNot(Output x, String name) {
        return tf.logicalNot(x, name);
    }

    /** {@code tf.math.argmax(x, axis)}: int64 indices. */
    public Output argmax(Output x, int axis) {
        return tf.argmax(x, axis);
    }

    public Output argmax(Output x, int axis, dev.tensorgraph.DType outputType, String name) {
        return tf.argmax(x, axis, outputType, name);
    }

    /** {@code tf.math.argmin(x, axis)}: int64 indices. */
    public Output argmin(Output x, int axis) {
        return tf.argmin(x, axis);
    }

    public Output argmin(Output x, int axis, dev.tensorgraph.DType outputType, String name) {
        return tf.argmin(x, axis, outputType, name);
    }

    public Output addN(List<Output> inputs) {
        return tf.addN(inputs);
    }

    public Output addN(List<Output> inputs, String name) {
        return tf.addN(inputs, name);
    }

    // ---- segment reductions, cumulative ops, bincount (issue #16) ----

    /** {@code tf.math.unsorted_segment_sum(data, segment_ids, num_segments)}; a negative id drops its slice. */
    public Output unsortedSegmentSum(Output data, Output segmentIds, long numSegments) {
        return SegmentOps.unsortedSegmentSum(tf.graph(), data, segmentIds, numSegments, null);
    }

    public Output unsortedSegmentSum(Output data, Output segmentIds, Output numSegments, String name) {
        return SegmentOps.unsortedSegmentSum(tf.graph(), data, segmentIds, numSegments, name);
    }

    /** {@code tf.math.unsorted_segment_max}: an empty segment holds the dtype's lowest finite value. */
    public Output unsortedSegmentMax(Output data, Output segmentIds, long numSegments) {
        return SegmentOps.unsortedSegmentMax(tf.graph(), data, segmentIds, numSegments, null);
    }

    public Output unsortedSegmentMax(Output data, Output segmentIds, Output numSegments, String name) {
        return SegmentOps.unsortedSegmentMax(tf.graph(), data, segmentIds, numSegments, name);
    }

    /** {@code tf.math.unsorted_segment_min}: an empty segment holds the dtype's highest finite value. */
    public Output unsortedSegmentMin(Output data, Output segmentIds, long numSegments) {
        return SegmentOps.unsortedSegmentMin(tf.graph(), data, segmentIds, numSegments, null);
    }

    public Output unsortedSegmentMin(Output data, Output segmentIds, Output numSegments, String name) {
        return SegmentOps.unsortedSegmentMin(tf.graph(), data, segmentIds, numSegments, name);
    }

    /** {@code tf.math.unsorted_segment_prod}: an empty segment holds 1. */
    public Output unsortedSegmentProd(Output data, Output segmentIds, long numSegments) {
        return SegmentOps.unsortedSegmentProd(tf.graph(), data, segmentIds, numSegments, null);
    }

    public Output unsortedSegmentProd(Output data, Output segmentIds, Output numSegments, String name) {
        return SegmentOps.unsortedSegmentProd(tf.graph(), data, segmentIds, numSegments, name);
    }

    /** {@code tf.math.segment_sum(data, segment_ids)}: ids sorted; a segment no id names holds 0. */
    public Output segmentSum(Output data, Output segmentIds) {
        return segmentSum(data, segmentIds, null);
    }

    public Output segmentSum(Output data, Output segmentIds, String name) {
        return SortedSegmentOps.segmentSum(tf.graph(), data, segmentIds, name);
    }

    /** {@code tf.math.segment_mean(data, segment_ids)}. */
    public Output segmentMean(Output data, Output segmentIds) {
        return segmentMean(data, segmentIds, null);
    }

    public Output segmentMean(Output data, Output segmentIds, String name) {
        return SortedSegmentOps.segmentMean(tf.graph(), data, segmentIds, name);
    }

    /** {@code tf.math.segment_max(data, segment_ids)}: a segment no id names holds 0. */
    public Output segmentMax(Output data, Output segmentIds) {
        return segmentMax(data, segmentIds, null);
    }

    public Output segmentMax(Output data, Output segmentIds, String name) {
        return SortedSegmentOps.segmentMax(tf.graph(), data, segmentIds, name);
    }

    /** {@code tf.math.segment_min(data, segment_ids)}: a segment no id names holds 0. */
    public Output segmentMin(Output data, Output segmentIds) {
        return segmentMin(data, segmentIds, null);
    }

    public Output segmentMin(Output data, Output segmentIds, String name) {
        return SortedSegmentOps.segmentMin(tf.graph(), data, segmentIds, name);
    }

    /** {@code tf.math.segment_prod(data, segment_ids)}: a segment no id names holds 1. */
    public Output segmentProd(Output data, Output segmentIds) {
        return segmentProd(data, segmentIds, null);
    }

    public Output segmentProd(Output data, Output segmentIds, String name) {
        return SortedSegmentOps.segmentProd(tf.graph(), data, segmentIds, name);
    }

    /** {@code tf.math.cumsum(x, axis)}: as {@code tf.cumsum}. */
    public Output cumsum(Output x, int axis) {
        return tf.cumsum(x, axis);
    }

    public Output cumsum(Output x, int axis, CumulativeOptions options, String name) {
        return tf.cumsum(x, axis, options, name);
    }

    /** {@code tf.math.cumprod(x, axis)}: as {@code tf.cumprod}. */
    public Output cumprod(Output x, int axis) {
        return tf.cumprod(x, axis);
    }

    public Output cumprod(Output x, int axis, CumulativeOptions options, String name) {
        return tf.cumprod(x, axis, options, name);
    }

    /** {@code tf.math.bincount(arr)}: how often each value 0..max(arr) occurs, int32; op DenseBincount. */
    public Output bincount(Output arr) {
        return bincount(arr, null, null, null, DType.INT32, null);
    }

    /**
     * {@code tf.math.bincount(arr, weights, minlength, maxlength, dtype)}: weights (null: counts of dtype) summed
     * per value, the length raised to minlength and capped at maxlength where they are not null.
     */
    public Output bincount(Output arr, Output weights, Long minlength, Long maxlength, DType dtype, String name) {
        return BincountOps.bincount(tf.graph(), arr, weights, minlength, maxlength, dtype, false, name);
    }
}
