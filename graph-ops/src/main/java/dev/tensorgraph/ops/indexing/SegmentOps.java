package dev.tensorgraph.ops.indexing;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.GradientFunction;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The unsorted segment reductions {@code UnsortedSegmentSum}, {@code UnsortedSegmentMax}, {@code UnsortedSegmentMin}
 * and {@code UnsortedSegmentProd} ({@code tf.math.unsorted_segment_*}): {@code out[s] = reduce of data[i] over
 * segment_ids[i] == s} for {@code num_segments} segments. segment_ids may have any shape that data starts with;
 * a negative id drops its slice; an empty segment gets the reduction's identity (0, the dtype's lowest or highest
 * finite value, 1). Gradients as TensorFlow's {@code math_grad.py}.
 */
public final class SegmentOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(unsorted("UnsortedSegmentSum", ShapeFns.NUMERIC, (op, dy) ->
                Arrays.asList(gatherDropNegatives(op.graph(), dy.get(0), op.input(1)).gathered(), null, null)));
        r.register(unsorted("UnsortedSegmentMax", ShapeFns.SIGNED, SegmentOps::minOrMaxGrad));
        r.register(unsorted("UnsortedSegmentMin", ShapeFns.SIGNED, SegmentOps::minOrMaxGrad));
        r.register(unsorted("UnsortedSegmentProd", ShapeFns.NUMERIC, SegmentOps::prodGrad));
    }

    private static OpDef unsorted(String type, Set<DType> types, GradientFunction grad) {
        return OpDef.builder(type).input("data").input("segment_ids").input("num_segments")
                .attr("T", AttrType.TYPE).attr("Tindices", AttrType.TYPE)
                .attr("Tnumsegments", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    ShapeFns.requireType(c, c.inputDtype(0), types);
                    unsortedShape(c);
                })
                .gradient(grad).build();
    }

    // ---- constructors ----

    /** {@code UnsortedSegmentSum(data, segment_ids, num_segments)}. */
    public static Output unsortedSegmentSum(Graph g, Output data, Output segmentIds, Output numSegments, String name) {
        return build(g, "UnsortedSegmentSum", data, segmentIds, numSegments, name);
    }

    /** {@code UnsortedSegmentMax(data, segment_ids, num_segments)}; an empty segment is the dtype's lowest value. */
    public static Output unsortedSegmentMax(Graph g, Output data, Output segmentIds, Output numSegments, String name) {
        return build(g, "UnsortedSegmentMax", data, segmentIds, numSegments, name);
    }

    /** {@code UnsortedSegmentMin(data, segment_ids, num_segments)}; an empty segment is the dtype's highest value. */
    public static Output unsortedSegmentMin(Graph g, Output data, Output segmentIds, Output numSegments, String name) {
        return build(g, "UnsortedSegmentMin", data, segmentIds, numSegments, name);
    }

    /** {@code UnsortedSegmentProd(data, segment_ids, num_segments)}; an empty segment is 1. */
    public static Output unsortedSegmentProd(Graph g, Output data, Output segmentIds, Output numSegments, String name) {
        return build(g, "UnsortedSegmentProd", data, segmentIds, numSegments, name);
    }

    /** {@code tf.math.unsorted_segment_sum(data, segment_ids, n)}: n a constant {@code <op>/num_segments}. */
    public static Output unsortedSegmentSum(Graph g, Output data, Output segmentIds, long numSegments, String name) {
        return withConstantCount(g, "UnsortedSegmentSum", data, segmentIds, numSegments, name);
    }

    /** {@code tf.math.unsorted_segment_max(data, segment_ids, n)}. */
    public static Output unsortedSegmentMax(Graph g, Output data, Output segmentIds, long numSegments, String name) {
        return withConstantCount(g, "UnsortedSegmentMax", data, segmentIds, numSegments, name);
    }

    /** {@code tf.math.unsorted_segment_min(data, segment_ids, n)}. */
    public static Output unsortedSegmentMin(Graph g, Output data, Output segmentIds, long numSegments, String name) {
        return withConstantCount(g, "UnsortedSegmentMin", data, segmentIds, numSegments, name);
    }

    /** {@code tf.math.unsorted_segment_prod(data, segment_ids, n)}. */
    public static Output unsortedSegmentProd(Graph g, Output data, Output segmentIds, long numSegments, String name) {
        return withConstantCount(g, "UnsortedSegmentProd", data, segmentIds, numSegments, name);
    }

    private static Output withConstantCount(Graph g, String type, Output data, Output segmentIds, long numSegments,
                                            String name) {
        try (var s = g.nameScope(name == null ? type : name)) {
            // As Python's conversion of an int: int32 when it fits.
            Tensor count = numSegments == (int) numSegments ? Tensor.of((int) numSegments) : Tensor.of(numSegments);
            Output n = ConstantOps.constant(g, count, "num_segments");
            return build(g, type, data, segmentIds, n, s.name());
        }
    }

    private static Output build(Graph g, String type, Output data, Output segmentIds, Output numSegments, String name) {
        return g.opBuilder(type, name).addInput(data).addInput(segmentIds).addInput(numSegments)
                .setAttr("Tindices", segmentIds.dtype()).setAttr("Tnumsegments", numSegments.dtype()).build().output(0);
    }

    private static void unsortedShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tindices", 1);
        ShapeArgs.typeFrom(c, "Tnumsegments", 2);
        ShapeArgs.indexType(c, "Tindices");
        ShapeArgs.indexType(c, "Tnumsegments");
        Shape data = c.inputShape(0);
        Shape ids = c.inputShape(1);
        if (c.inputShape(2).rank() > 0) {
            throw c.fail("num_segments should be a scalar, got shape " + c.inputShape(2));
        }
        Tensor n = c.constantValue(2);
        long num = n == null ? -1 : ShapeArgs.longs(n)[0];
        if (num < -1) {
            throw c.fail("num_segments must be non-negative, got " + num);
        }
        if (!data.hasKnownRank() || !ids.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(0), Shape.unknown());
            return;
        }
        if (ids.rank() > data.rank() || !data.subShape(0, ids.rank()).isCompatibleWith(ids)) {
            throw c.fail("data.shape = " + data + " does not start with segment_ids.shape = " + ids);
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(num).concatenate(data.subShape(ids.rank(), data.rank())));
    }

    // ---- gradients ----

    /** Rows of a gradient gathered by segment id, zero where the id is negative; with what it was computed from. */
    private record Gathered(Output gathered, Output clippedIds, Output isPositive) {}

    /**
     * {@code params[max(ids, 0)]} with the rows of negative ids zeroed (TensorFlow's {@code _GatherDropNegatives});
     * {@code isPositive} is reshaped to broadcast against the gathered rows.
     */
    private static Gathered gatherDropNegatives(Graph g, Output params, Output ids) {
        Output clipped = ArithmeticOps.maximum(g, ids, ConstantOps.zerosLike(g, ids, null), null);
        Output gathered = GatherOps.gatherV2(g, params, clipped, ConstantOps.scalar(g, DType.INT32, 0, "Const"), 0, null);
        Output isPositive = ComparisonOps.greaterEqual(g, ids, ConstantOps.scalar(g, ids.dtype(), 0, "Const"), null);
        Output idsShape = ShapeOps.shape(g, isPositive, DType.INT32, null);
        Output extra = ArithmeticOps.sub(g, ShapeOps.rank(g, gathered, null), ShapeOps.rank(g, isPositive, null), null);
        Output ones = ConstantOps.fill(g, ShapeOps.reshape(g, extra, new int[] {1}, null),
                ConstantOps.scalar(g, DType.INT32, 1, "Const"), null);
        Output broadcastable = ConcatOps.concatV2(g, List.of(idsShape, ones), ConstantOps.scalar(g, DType.INT32, 0, "Const"),
                null);
        isPositive = ShapeOps.reshape(g, isPositive, broadcastable, null);
        return new Gathered(dropWhereNot(g, isPositive, gathered), clipped, isPositive);
    }

    /** {@code where(keep, x, 0)}. */
    private static Output dropWhereNot(Graph g, Output keep, Output x) {
        return SelectOps.selectV2(g, keep, x, ConstantOps.zerosLike(g, x, null), null);
    }

    /** The gradient goes to the elements equal to their segment's result, split evenly among ties. */
    private static List<Output> minOrMaxGrad(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output data = op.input(0);
        Output ids = op.input(1);
        Gathered outputs = gatherDropNegatives(g, op.output(0), ids);
        Output isSelected = ComparisonOps.logicalAnd(g, ComparisonOps.equal(g, data, outputs.gathered(), null),
                outputs.isPositive(), null);
        Output numSelected = unsortedSegmentSum(g, CastOps.cast(g, isSelected, dy.get(0).dtype(), null), ids, op.input(2),
                null);
        Output weighted = ArithmeticOps.realDiv(g, dy.get(0), numSelected, null);
        Output gathered = GatherOps.gatherV2(g, weighted, outputs.clippedIds(), ConstantOps.scalar(g, DType.INT32, 0,
                "Const"), 0, null);
        gathered = dropWhereNot(g, outputs.isPositive(), gathered);
        return Arrays.asList(dropWhereNot(g, isSelected, gathered), null, null);
    }

    /**
     * Product gradient without dividing by zero: a segment with one zero passes the product of the others to that
     * element only, a segment with two or more zeros passes nothing (TensorFlow's three cases).
     */
    private static List<Output> prodGrad(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output data = op.input(0);
        Output ids = op.input(1);
        Output numSegments = op.input(2);
        Output grad = dy.get(0);
        Output isZero = ComparisonOps.equal(g, data, ConstantOps.scalar(g, data.dtype(), 0, "Const"), null);
        Output numZeros = unsortedSegmentSum(g, CastOps.cast(g, isZero, DType.INT32, null), ids, numSegments, null);
        grad = SelectOps.selectV2(g, ComparisonOps.greater(g, numZeros, ConstantOps.scalar(g, DType.INT32, 1, "Const"),
                null), ConstantOps.zerosLike(g, grad, null), grad, null);
        Output nonZeroData = SelectOps.selectV2(g, isZero, ConstantOps.onesLike(g, data, null), data, null);
        Output nonZeroProd = unsortedSegmentProd(g, nonZeroData, ids, numSegments, null);
        Output clipped = ArithmeticOps.maximum(g, ids, ConstantOps.zerosLike(g, ids, null), null);
        Output axis = ConstantOps.scalar(g, DType.INT32, 0, "Const");
        Output gatheredProd = GatherOps.gatherV2(g, op.output(0), clipped, axis, 0, null);
        Output gatheredNonZeroProd = GatherOps.gatherV2(g, nonZeroProd, clipped, axis, 0, null);
        Output prodDividedByEl = ArithmeticOps.realDiv(g, gatheredProd, data, null);
        Output partial = SelectOps.selectV2(g, isZero, gatheredNonZeroProd, prodDividedByEl, null);
        Output gatheredGrad = gatherDropNegatives(g, grad, ids).gathered();
        return Arrays.asList(ArithmeticOps.mul(g, gatheredGrad, partial, null), null, null);
    }
}
