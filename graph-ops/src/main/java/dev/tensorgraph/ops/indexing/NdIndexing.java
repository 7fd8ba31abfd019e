package dev.tensorgraph.ops.indexing;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.Set;

/**
 * What GatherNd, ScatterNd and the TensorScatter ops share: the {@code bad_indices_policy} attribute and the
 * rule that updates have shape {@code indices.shape[:-1] + shape[K:]} for index tuples of length K.
 */
final class NdIndexing {
    private static final Set<String> POLICIES = Set.of("", "DEFAULT", "ERROR", "IGNORE");

    private NdIndexing() {}

    /** Fails unless {@code bad_indices_policy} is one TensorFlow knows. */
    static void checkPolicy(ShapeContext c) {
        Object p = c.attrs().get("bad_indices_policy");
        if (p != null && !POLICIES.contains(p)) {
            throw c.fail("bad_indices_policy must be one of \"\", DEFAULT, ERROR, IGNORE, got '" + p + "'");
        }
    }

    /**
     * Checks that {@code updates} is {@code indices.shape[:-1] + out.shape[K:]} as far as the shapes are known,
     * with TensorFlow's wording.
     */
    static void checkUpdates(ShapeContext c, Shape indices, Shape updates, Shape out) {
        if (indices.hasKnownRank() && indices.rank() < 1) {
            throw c.fail("Shape must be at least rank 1 but is rank 0 for indices, shape " + indices);
        }
        if (!indices.hasKnownRank() || !updates.hasKnownRank()) {
            return;
        }
        int outer = indices.rank() - 1;
        if (updates.rank() < outer) {
            throw c.fail("updates must have rank at least " + outer + " (the outer dimensions of indices, shape "
                    + indices + "), got shape " + updates);
        }
        Shape lead = indices.subShape(0, outer);
        if (!lead.isCompatibleWith(updates.subShape(0, outer))) {
            throw c.fail("Dimensions [0," + outer + ") of indices[shape=" + indices + "] = " + lead
                    + " must match dimensions [0," + outer + ") of updates[shape=" + updates + "] = "
                    + updates.subShape(0, outer));
        }
        long k = indices.size(outer);
        if (k < 0 || !out.hasKnownRank()) {
            return;
        }
        if (k > out.rank()) {
            throw c.fail("indices.shape[-1] must be <= the output rank, but saw indices shape: " + indices
                    + " and output shape: " + out);
        }
        Shape inner = out.subShape((int) k, out.rank());
        Shape updInner = updates.subShape(outer, updates.rank());
        if (!inner.isCompatibleWith(updInner)) {
            throw c.fail("Dimensions [" + k + "," + out.rank() + ") of input[shape=" + out + "] = " + inner
                    + " must match dimensions [" + outer + "," + updates.rank() + ") of updates[shape=" + updates
                    + "] = " + updInner);
        }
    }

    /** The shape of {@code x} as a vector of {@code t}: a constant when it is fully known, else a Shape op. */
    static Output shapeAs(Graph g, Output x, DType t) {
        Shape s = x.shape();
        if (s.isFullyDefined()) {
            long[] d = s.dims();
            Tensor v = t == DType.INT64 ? Tensor.of(DType.INT64, Shape.of(d.length), d)
                    : Tensor.of(DType.INT32, Shape.of(d.length), ShapeArgs.toInts(d));
            return ConstantOps.constant(g, v, "Const");
        }
        return ShapeOps.shape(g, x, t, null);
    }
}
