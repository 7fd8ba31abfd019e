package dev.tensorgraph.ops.indexing;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
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
 * The sorted segment reductions {@code SegmentSum}, {@code SegmentMean}, {@code SegmentMax}, {@code SegmentMin}
 * and {@code SegmentProd} ({@code tf.math.segment_*}): segment_ids is a non-decreasing vector over the first
 * dimension of data, the output has {@code segment_ids[-1] + 1} rows, and a segment no id names gets 0 (1 for
 * the product). Gradients as TensorFlow's {@code math_grad.py}: each row of data gets its segment's gradient.
 */
public final class SortedSegmentOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(sorted("SegmentSum", ShapeFns.NUMERIC, (op, dy) ->
                Arrays.asList(gatherRows(op.graph(), dy.get(0), op.input(1)), null)));
        r.register(sorted("SegmentMean", ShapeFns.NUMERIC, SortedSegmentOps::meanGrad));
        r.register(sorted("SegmentMax", ShapeFns.SIGNED, SortedSegmentOps::minOrMaxGrad));
        r.register(sorted("SegmentMin", ShapeFns.SIGNED, SortedSegmentOps::minOrMaxGrad));
        r.register(sorted("SegmentProd", ShapeFns.NUMERIC, SortedSegmentOps::prodGrad));
    }

    private static OpDef sorted(String type, Set<DType> types, GradientFunction grad) {
        return OpDef.builder(type).input("data").input("segment_ids")
                .attr("T", AttrType.TYPE).attr("Tindices", AttrType.TYPE)
                .shape(c -> {
                    ShapeFns.requireType(c, c.inputDtype(0), types);
                    sortedShape(c);
                })
                .gradient(grad).build();
    }

    // ---- constructors ----

    /** {@code SegmentSum(data, segment_ids)}: {@code tf.math.segment_sum}. */
    public static Output segmentSum(Graph g, Output data, Output segmentIds, String name) {
        return build(g, "SegmentSum", data, segmentIds, name);
    }

    /** {@code SegmentMean(data, segment_ids)}: {@code tf.math.segment_mean} (integer division for integers). */
    public static Output segmentMean(Graph g, Output data, Output segmentIds, String name) {
        return build(g, "SegmentMean", data, segmentIds, name);
    }

    /** {@code SegmentMax(data, segment_ids)}: {@code tf.math.segment_max}. */
    public static Output segmentMax(Graph g, Output data, Output segmentIds, String name) {
        return build(g, "SegmentMax", data, segmentIds, name);
    }

    /** {@code SegmentMin(data, segment_ids)}: {@code tf.math.segment_min}. */
    public static Output segmentMin(Graph g, Output data, Output segmentIds, String name) {
        return build(g, "SegmentMin", data, segmentIds, name);
    }

    /** {@code SegmentProd(data, segment_ids)}: {@code tf.math.segment_prod}. */
    public static Output segmentProd(Graph g, Output data, Output segmentIds, String name) {
        return build(g, "SegmentProd", data, segmentIds, name);
    }

    private static Output build(Graph g, String type, Output data, Output segmentIds, String name) {
        return g.opBuilder(type, name).addInput(data).addInput(segmentIds).setAttr("Tindices", segmentIds.dtype())
                .build().output(0);
    }

    private static void sortedShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tindices", 1);
        ShapeArgs.indexType(c, "Tindices");
        Shape data = c.inputShape(0);
        Shape ids = c.inputShape(1);
        if (ids.hasKnownRank() && ids.rank() != 1) {
            throw c.fail("segment_ids should be a vector, got shape " + ids);
        }
        if (!data.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(0), Shape.unknown());
            return;
        }
        if (data.rank() < 1) {
            throw c.fail("data must be at least rank 1, got shape " + data);
        }
        if (ids.hasKnownRank() && !Shape.of(data.size(0)).isCompatibleWith(ids)) {
            throw c.fail("segment_ids should be the same size as dimension 0 of data: shapes " + ids + " and " + data);
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(-1).concatenate(data.subShape(1, data.rank())));
    }

    // ---- gradients ----

    private static Output gatherRows(Graph g, Output params, Output ids) {
        return GatherOps.gatherV2(g, params, ids, ConstantOps.scalar(g, DType.INT32, 0, "Const"), 0, null);
    }

    /** Each row gets its segment's gradient divided by the segment's size. */
    private static List<Output> meanGrad(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output grad = dy.get(0);
        Output ids = op.input(1);
        Output dataRank = ShapeOps.rank(g, op.input(0), null);
        Output idsShape = ShapeOps.shape(g, ids, DType.INT32, null);
        Output remaining = ConstantOps.fill(g, ShapeOps.expandDims(g, ArithmeticOps.sub(g, dataRank, 1, null), 0, null),
                ConstantOps.scalar(g, DType.INT32, 1, "Const"), null);
        Output onesShape = ConcatOps.concatV2(g, List.of(idsShape, remaining), ConstantOps.scalar(g, DType.INT32, 0,
                "Const"), null);
        Output ones = ConstantOps.fill(g, onesShape, ConstantOps.scalar(g, grad.dtype(), 1, "Const"), null);
        Output scaled = ArithmeticOps.realDiv(g, grad, segmentSum(g, ones, ids, null), null);
        return Arrays.asList(gatherRows(g, scaled, ids), null);
    }

    /** The gradient goes to the elements equal to their segment's result, split evenly among ties. */
    private static List<Output> minOrMaxGrad(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output data = op.input(0);
        Output ids = op.input(1);
        Output isSelected = ComparisonOps.equal(g, data, gatherRows(g, op.output(0), ids), null);
        Output numSelected = segmentSum(g, CastOps.cast(g, isSelected, dy.get(0).dtype(), null), ids, null);
        Output weighted = ArithmeticOps.realDiv(g, dy.get(0), numSelected, null);
        Output zeros = ConstantOps.zerosLike(g, data, null);
        return Arrays.asList(SelectOps.selectV2(g, isSelected, gatherRows(g, weighted, ids), zeros, null), null);
    }

    /** As the unsorted product's gradient: no division by a zero element. */
    private static List<Output> prodGrad(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output data = op.input(0);
        Output ids = op.input(1);
        Output grad = dy.get(0);
        Output isZero = ComparisonOps.equal(g, data, ConstantOps.scalar(g, data.dtype(), 0, "Const"), null);
        Output numZeros = segmentSum(g, CastOps.cast(g, isZero, DType.INT32, null), ids, null);
        grad = SelectOps.selectV2(g, ComparisonOps.greater(g, numZeros, ConstantOps.scalar(g, DType.INT32, 1, "Const"),
                null), ConstantOps.zerosLike(g, grad, null), grad, null);
        Output nonZeroData = SelectOps.selectV2(g, isZero, ConstantOps.onesLike(g, data, null), data, null);
        Output nonZeroProd = segmentProd(g, nonZeroData, ids, null);
        Output prodDividedByEl = ArithmeticOps.realDiv(g, gatherRows(g, op.output(0), ids), nonZeroData, null);
        Output partial = SelectOps.selectV2(g, isZero, gatherRows(g, nonZeroProd, ids), prodDividedByEl, null);
        return Arrays.asList(ArithmeticOps.mul(g, gatherRows(g, grad, ids), partial, null), null);
    }
}
