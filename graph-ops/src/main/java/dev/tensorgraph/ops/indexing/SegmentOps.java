package dev.tensorgraph.ops.indexing;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.array.StridedSliceOptions;
import dev.tensorgraph.ops.array.TransposeOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code UnsortedSegmentSum(data, segment_ids, num_segments)}: sums the slices of data that share a segment id;
 * its gradient gathers dy by the ids.
 */
public final class SegmentOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("UnsortedSegmentSum").input("data").input("segment_ids").input("num_segments")
                .attr("T", AttrType.TYPE).attr("Tindices", AttrType.TYPE)
                .attr("Tnumsegments", AttrType.TYPE, DType.INT32)
                .shape(SegmentOps::segmentShape)
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output grad = GatherOps.gatherV2(g, dy.get(0), op.input(1), ConstantOps.scalar(g, DType.INT32, 0, "Const"),
                            0, null);
                    return Arrays.asList(grad, null, null);
                }).build());
    }

    /** {@code UnsortedSegmentSum(data, segment_ids, num_segments)}. */
    public static Output unsortedSegmentSum(Graph g, Output data, Output segmentIds, Output numSegments, String name) {
        return g.opBuilder("UnsortedSegmentSum", name).addInput(data).addInput(segmentIds).addInput(numSegments)
                .setAttr("Tindices", segmentIds.dtype()).setAttr("Tnumsegments", numSegments.dtype()).build().output(0);
    }

    private static void segmentShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tindices", 1);
        ShapeArgs.typeFrom(c, "Tnumsegments", 2);
        Shape data = c.inputShape(0);
        Shape ids = c.inputShape(1);
        Tensor n = c.constantValue(2);
        long num = n == null ? -1 : ShapeArgs.longs(n)[0];
        if (!data.hasKnownRank() || !ids.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(0), Shape.unknown());
            return;
        }
        if (ids.rank() > data.rank() || !data.subShape(0, ids.rank()).isCompatibleWith(ids)) {
            throw c.fail("data.shape = " + data + " does not start with segment_ids.shape = " + ids);
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(num).concatenate(data.subShape(ids.rank(), data.rank())));
    }
}
