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
 * {@code GatherV2(params, indices, axis)} and the older {@code Gather} (axis 0), with {@code tf.gather} and
 * {@code tf.boolean_mask}; the gradient scatters dy back with {@code UnsortedSegmentSum} (a dense gradient).
 */
public final class GatherOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("GatherV2").input("params").input("indices").input("axis")
                .attr("batch_dims", AttrType.INT, 0L).attr("Tparams", AttrType.TYPE).attr("Tindices", AttrType.TYPE)
                .attr("Taxis", AttrType.TYPE)
                .shape(c -> gatherShape(c, c.constantValue(2), c.attrLong("batch_dims")))
                .gradient((op, dy) -> Arrays.asList(gatherGrad(op, dy.get(0), constantAxis(op)), null, null)).build());
        r.register(OpDef.builder("Gather").input("params").input("indices")
                .attr("validate_indices", AttrType.BOOL, true).attr("Tparams", AttrType.TYPE)
                .attr("Tindices", AttrType.TYPE)
                .shape(c -> gatherShape(c, Tensor.of(0), 0))
                .gradient((op, dy) -> Arrays.asList(gatherGrad(op, dy.get(0), 0), null)).build());
    }

    // ---- constructors ----

    /** {@code GatherV2(params, indices, axis)} with {@code batch_dims}. */
    public static Output gatherV2(Graph g, Output params, Output indices, Output axis, int batchDims, String name) {
        return g.opBuilder("GatherV2", name).addInput(params).addInput(indices).addInput(axis)
                .setAttr("batch_dims", (long) batchDims).setAttr("Tparams", params.dtype())
                .setAttr("Tindices", indices.dtype()).setAttr("Taxis", axis.dtype()).build().output(0);
    }

    /** {@code tf.gather(params, indices, axis, batch_dims)}: a GatherV2 with the axis a constant {@code GatherV2/axis}. */
    public static Output gather(Graph g, Output params, Output indices, int axis, int batchDims, String name) {
        try (var s = g.nameScope(name == null ? "GatherV2" : name)) {
            return gatherV2(g, params, indices, ConstantOps.scalar(g, DType.INT32, axis, "axis"), batchDims, s.name());
        }
    }

    /** {@code Gather(params, indices)}: rows of params (the op TensorFlow 1 graphs may hold). */
    public static Output gatherOp(Graph g, Output params, Output indices, String name) {
        return g.opBuilder("Gather", name).addInput(params).addInput(indices).setAttr("Tparams", params.dtype())
                .setAttr("Tindices", indices.dtype()).build().output(0);
    }

    /**
     * {@code tf.boolean_mask(tensor, mask)}: the entries of {@code tensor} where the k-D {@code mask} is true,
     * flattened over the first k dimensions (reshape, where, squeeze, gather as TensorFlow builds it).
     */
    public static Output booleanMask(Graph g, Output tensor, Output mask, String name) {
        Shape ms = mask.shape();
        if (!ms.hasKnownRank()) {
            throw new InvalidArgumentException("Number of mask dimensions must be specified, even if some dimensions are None");
        }
        int k = ms.rank();
        if (k == 0) {
            throw new InvalidArgumentException("mask cannot be scalar.");
        }
        Shape ts = tensor.shape();
        if (ts.hasKnownRank() && !ts.subShape(0, k).isCompatibleWith(ms)) {
            throw new InvalidArgumentException("Shapes " + ts + " and " + ms + " are incompatible for boolean_mask");
        }
        try (var s = g.nameScope(name == null ? "boolean_mask" : name)) {
            Output target;
            if (ts.isFullyDefined()) {
                long lead = ts.subShape(0, k).numElements();
                long[] rest = ts.subShape(k, ts.rank()).dims();
                long[] d = new long[1 + rest.length];
                d[0] = lead;
                System.arraycopy(rest, 0, d, 1, rest.length);
                target = ConstantOps.constant(g, Tensor.of(DType.INT32, Shape.of(d.length), ShapeArgs.toInts(d)), "concat");
            } else {
                Output shp = ShapeOps.shape(g, tensor, DType.INT32, null);
                Output leadShape = SliceOps.stridedSlice(g, shp, new int[] {0}, new int[] {k}, new int[] {1}, null, null);
                Output lead = ReductionOps.prod(g, leadShape, ConstantOps.intVector(g, new int[] {0}, "Prod/reduction_indices"),
                        false, null);
                Output restShape = SliceOps.stridedSlice(g, shp, new int[] {k}, new int[] {0}, new int[] {1},
                        StridedSliceOptions.create().endMask(1), null);
                target = ConcatOps.concat(g, List.of(ShapeOps.reshape(g, lead, new int[] {1}, null), restShape), 0, null);
            }
            Output flat = ShapeOps.reshape(g, tensor, target, null);
            Output flatMask = ShapeOps.reshape(g, mask, new int[] {-1}, null);
            Output idx = ShapeOps.squeeze(g, SelectOps.where(g, flatMask, null), new int[] {1}, null);
            return gather(g, flat, idx, 0, 0, null);
        }
    }

    // ---- shape functions ----

    private static void gatherShape(ShapeContext c, Tensor axisValue, long batchDims) {
        ShapeArgs.typeFrom(c, "Tparams", 0);
        ShapeArgs.typeFrom(c, "Tindices", 1);
        if (c.numInputs() > 2) {
            ShapeArgs.typeFrom(c, "Taxis", 2);
        }
        Shape p = c.inputShape(0);
        Shape idx = c.inputShape(1);
        DType t = c.inputDtype(0);
        if (!p.hasKnownRank() || !idx.hasKnownRank() || axisValue == null) {
            c.setOutput(0, t, Shape.unknown());
            return;
        }
        int axis = ShapeFns.axis(c, ShapeArgs.longs(axisValue)[0], p.rank());
        int bd = (int) (batchDims < 0 ? batchDims + idx.rank() : batchDims);
        if (bd < 0 || bd > idx.rank()) {
            throw c.fail("batch_dims " + batchDims + " is out of range for indices of shape " + idx);
        }
        if (bd > axis) {
            throw c.fail("batch_dims (" + bd + ") must be less than or equal to axis (" + axis + ")");
        }
        for (int i = 0; i < bd; i++) {
            if (p.size(i) >= 0 && idx.size(i) >= 0 && p.size(i) != idx.size(i)) {
                throw c.fail("params.shape[" + i + "]: " + p.size(i) + " should be equal to indices.shape[" + i + "]: "
                        + idx.size(i) + "; shapes " + p + " and " + idx);
            }
        }
        Shape out = p.subShape(0, axis).concatenate(idx.subShape(bd, idx.rank())).concatenate(p.subShape(axis + 1, p.rank()));
        c.setOutput(0, t, out);
    }

    // ---- gradients ----

    private static int constantAxis(Operation op) {
        Tensor a = ConstantOps.constantValue(op.input(2));
        if (a == null) {
            throw new UnimplementedException("the gradient of GatherV2 '" + op.name() + "' needs a constant axis");
        }
        long ax = ShapeArgs.longs(a)[0];
        int rank = op.input(0).shape().rank();
        if (ax < 0) {
            if (rank < 0) {
                throw new UnimplementedException("the gradient of GatherV2 '" + op.name()
                        + "' needs a known params rank for a negative axis");
            }
            ax += rank;
        }
        if (op.attrLong("batch_dims") != 0) {
            throw new UnimplementedException("the gradient of GatherV2 '" + op.name() + "' with batch_dims != 0");
        }
        return (int) ax;
    }

    /**
     * The dense gradient of a gather along {@code axis}: move the axis of dy's gathered block to the front,
     * scatter-add rows with UnsortedSegmentSum, and move it back.
     */
    private static Output gatherGrad(Operation op, Output dy, int axis) {
        Graph g = op.graph();
        Output params = op.input(0);
        Output indices = op.input(1);
        Output pshape = ShapeOps.shape(g, params, DType.INT32, null);
        Output size = ShapeOps.size(g, indices, DType.INT32, null);
        Output sizeVec = ShapeOps.reshape(g, size, ConstantOps.intVector(g, new int[] {1}, "Const"), null);
        Output outer = slice1d(g, pshape, 0, axis);
        Output inner = slice1d(g, pshape, axis + 1, -1);
        Output numSeg = ShapeOps.reshape(g, slice1d(g, pshape, axis, 1), ConstantOps.intVector(g, new int[0], "Const"), null);
        Output valuesShape = ConcatOps.concatV2(g, List.of(outer, sizeVec, inner),
                ConstantOps.scalar(g, DType.INT32, 0, "Const"), null);
        Output values = ShapeOps.reshape(g, dy, valuesShape, null);
        Output flatIdx = ShapeOps.reshape(g, indices, ConstantOps.intVector(g, new int[] {-1}, "Const"), null);
        int rank = params.shape().rank();
        if (axis != 0 && rank < 0) {
            throw new UnimplementedException("the gradient of a gather along axis " + axis + " needs a known params rank");
        }
        int[] perm = new int[Math.max(rank, 1)];
        int[] inv = new int[perm.length];
        if (axis != 0) {
            perm[0] = axis;
            for (int i = 0; i < axis; i++) {
                perm[i + 1] = i;
            }
            for (int i = axis + 1; i < rank; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < rank; i++) {
                inv[perm[i]] = i;
            }
            values = TransposeOps.transpose(g, values, ConstantOps.intVector(g, perm, "Const"), null);
        }
        Output sum = SegmentOps.unsortedSegmentSum(g, values, flatIdx, numSeg, null);
        if (axis != 0) {
            sum = TransposeOps.transpose(g, sum, ConstantOps.intVector(g, inv, "Const"), null);
        }
        return sum;
    }

    /** {@code v[from : from + len]} of an int32 vector ({@code len} -1: to the end). */
    private static Output slice1d(Graph g, Output v, int from, int len) {
        return SliceOps.slice(g, v, ConstantOps.intVector(g, new int[] {from}, "Const"),
                ConstantOps.intVector(g, new int[] {len}, "Const"), null);
    }
}
