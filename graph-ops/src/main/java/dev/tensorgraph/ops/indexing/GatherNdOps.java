package dev.tensorgraph.ops.indexing;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.array.StridedSliceOptions;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.Arrays;

/**
 * {@code GatherNd(params, indices)}: the slices of params addressed by the index tuples in the last dimension of
 * indices ({@code tf.gather_nd}). The output has shape {@code indices.shape[:-1] + params.shape[K:]} for tuples of
 * length K. Its gradient scatters dy back: {@code ScatterNd} in general, and, as TensorFlow does for [n, 1]
 * indices (rows), the sparse row gradient made dense with {@code UnsortedSegmentSum}.
 */
public final class GatherNdOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("GatherNd").input("params").input("indices")
                .attr("Tparams", AttrType.TYPE).attr("Tindices", AttrType.TYPE)
                .attr("bad_indices_policy", AttrType.STRING, "")
                .shape(GatherNdOps::gatherNdShape)
                .gradient((op, dy) -> Arrays.asList(gatherNdGrad(op, dy.get(0)), null)).build());
    }

    /** {@code GatherNd(params, indices)} with int32 or int64 indices. */
    public static Output gatherNd(Graph g, Output params, Output indices, String name) {
        return gatherNd(g, params, indices, "", name);
    }

    /**
     * With {@code bad_indices_policy}: "" (or "DEFAULT", "ERROR") fails on an index out of range, "IGNORE" gives
     * zeros for it.
     */
    public static Output gatherNd(Graph g, Output params, Output indices, String badIndicesPolicy, String name) {
        return g.opBuilder("GatherNd", name).addInput(params).addInput(indices).setAttr("Tparams", params.dtype())
                .setAttr("Tindices", indices.dtype()).setAttr("bad_indices_policy", badIndicesPolicy).build().output(0);
    }

    private static void gatherNdShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tparams", 0);
        ShapeArgs.typeFrom(c, "Tindices", 1);
        ShapeArgs.indexType(c, "Tindices");
        NdIndexing.checkPolicy(c);
        Shape params = c.inputShape(0);
        Shape indices = c.inputShape(1);
        DType t = c.inputDtype(0);
        if (indices.hasKnownRank() && indices.rank() < 1) {
            throw c.fail("indices must be at least a vector, got shape " + indices);
        }
        if (!indices.hasKnownRank() || indices.size(indices.rank() - 1) < 0 || !params.hasKnownRank()) {
            c.setOutput(0, t, Shape.unknown());
            return;
        }
        long k = indices.size(indices.rank() - 1);
        if (k > params.rank()) {
            throw c.fail("indices.shape[-1] must be <= params.rank, but saw indices shape: " + indices
                    + " and params shape: " + params);
        }
        c.setOutput(0, t, indices.subShape(0, indices.rank() - 1).concatenate(params.subShape((int) k, params.rank())));
    }

    private static Output gatherNdGrad(Operation op, Output dy) {
        Graph g = op.graph();
        Output params = op.input(0);
        Output indices = op.input(1);
        Shape is = indices.shape();
        Output paramsShape = NdIndexing.shapeAs(g, params, indices.dtype());
        if (is.hasKnownRank() && is.rank() == 2 && is.size(1) == 1) {
            // Rows of params: TensorFlow's sparse gradient, made dense by summing rows per index.
            Output rows = ShapeOps.squeeze(g, indices, new int[] {-1}, null);
            Output numRows = SliceOps.stridedSlice(g, paramsShape, new int[] {0}, new int[] {1}, new int[] {1},
                    StridedSliceOptions.create().shrinkAxisMask(1), null);
            return SegmentOps.unsortedSegmentSum(g, dy, rows, numRows, null);
        }
        return ScatterNdOps.scatterNd(g, indices, dy, paramsShape, op.attrString("bad_indices_policy"), null);
    }
}
