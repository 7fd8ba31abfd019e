package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
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
import dev.tensorgraph.ops.indexing.ScatterNdOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import java.util.List;

/**
 * {@code TopKV2(input, k)}: the k largest entries of each row of the last dimension and their positions
 * ({@code tf.nn.top_k}; descending, the lower position first among equal values, NaN above every number), and
 * {@code InTopKV2(predictions, targets, k)} / {@code InTopK} (attribute k): whether each target class is among the
 * k highest predictions of its row, ties with the k-th counting as in and any non-finite prediction in the row
 * giving false ({@code tf.nn.in_top_k}). The top-k gradient scatters dy back to the chosen positions.
 */
public final class TopKOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("TopKV2").input("input").input("k")
                .attr("sorted", AttrType.BOOL, true).attr("T", AttrType.TYPE)
                .attr("Tk", AttrType.TYPE, DType.INT32).attr("index_type", AttrType.TYPE, DType.INT32)
                .shape(TopKOps::topKShape)
                .gradient((op, dy) -> Arrays.asList(topKGrad(op, dy.get(0)), null)).build());
        r.register(OpDef.builder("InTopKV2").input("predictions").input("targets").input("k")
                .attr("T", AttrType.TYPE, DType.INT32)
                .shape(c -> inTopKShape(c, true))
                .notDifferentiable().build());
        r.register(OpDef.builder("InTopK").input("predictions").input("targets")
                .attr("k", AttrType.INT).attr("T", AttrType.TYPE, DType.INT32)
                .shape(c -> inTopKShape(c, false))
                .notDifferentiable().build());
    }

    // ---- constructors ----

    /** {@code TopKV2(input, k)} with {@code sorted} and int32 or int64 indices. */
    public static TopK topKV2(Graph g, Output input, Output k, boolean sorted, DType indexType, String name) {
        Operation op = g.opBuilder("TopKV2", name).addInput(input).addInput(k).setAttr("sorted", sorted)
                .setAttr("Tk", k.dtype()).setAttr("index_type", indexType).build();
        return new TopK(op.output(0), op.output(1));
    }

    /** {@code tf.nn.top_k(input, k, sorted)}: k a constant {@code TopKV2/k}, int32 indices. */
    public static TopK topK(Graph g, Output input, int k, boolean sorted, String name) {
        try (var s = g.nameScope(name == null ? "TopKV2" : name)) {
            return topKV2(g, input, ConstantOps.constant(g, Tensor.of(k), "k"), sorted, DType.INT32, s.name());
        }
    }

    /** {@code InTopKV2(predictions, targets, k)}: k of the targets' dtype. */
    public static Output inTopKV2(Graph g, Output predictions, Output targets, Output k, String name) {
        return g.opBuilder("InTopKV2", name).addInput(predictions).addInput(targets).addInput(k)
                .setAttr("T", targets.dtype()).build().output(0);
    }

    /** {@code InTopK(predictions, targets)} with k an attribute (the op of older graphs). */
    public static Output inTopK(Graph g, Output predictions, Output targets, long k, String name) {
        return g.opBuilder("InTopK", name).addInput(predictions).addInput(targets).setAttr("k", k)
                .setAttr("T", targets.dtype()).build().output(0);
    }

    /** {@code tf.nn.in_top_k(predictions, targets, k)}: scope {@code in_top_k}, op {@code InTopKV2} inside it. */
    public static Output inTopK(Graph g, Output predictions, Output targets, int k, String name) {
        try (var s = g.nameScope(name == null ? "in_top_k" : name)) {
            try (var op = g.nameScope("InTopKV2")) {
                Output kConst = ConstantOps.scalar(g, targets.dtype(), k, "k");
                return inTopKV2(g, predictions, targets, kConst, op.name());
            }
        }
    }

    // ---- shape functions ----

    private static void topKShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tk", 1);
        ShapeArgs.indexType(c, "Tk");
        DType indexType = ShapeArgs.indexType(c, "index_type");
        ShapeFns.requireType(c, c.inputDtype(0), ShapeFns.NUMERIC);
        Shape in = c.inputShape(0);
        if (c.inputShape(1).rank() > 0) {
            throw c.fail("k must be a scalar, got shape " + c.inputShape(1));
        }
        Tensor kValue = c.constantValue(1);
        long k = kValue == null ? -1 : ShapeArgs.longs(kValue)[0];
        if (kValue != null && k < 0) {
            throw c.fail("Need k >= 0, got " + k);
        }
        if (!in.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(0), Shape.unknown());
            c.setOutput(1, indexType, Shape.unknown());
            return;
        }
        if (in.rank() < 1) {
            throw c.fail("input must be >= 1-D, got shape " + in);
        }
        long last = in.size(in.rank() - 1);
        if (k >= 0 && last >= 0 && last < k) {
            throw c.fail("input must have last dimension >= k = " + k + " but is " + last);
        }
        Shape out = in.withDim(in.rank() - 1, k);
        c.setOutput(0, c.inputDtype(0), out);
        c.setOutput(1, indexType, out);
    }

    private static void inTopKShape(ShapeContext c, boolean kInput) {
        ShapeArgs.typeFrom(c, "T", 1);
        ShapeArgs.indexType(c, "T");
        if (c.inputDtype(0) != DType.FLOAT32) {
            throw c.fail("predictions must be float32, got " + c.inputDtype(0));
        }
        Shape p = c.inputShape(0);
        Shape t = c.inputShape(1);
        if (p.hasKnownRank() && p.rank() != 2) {
            throw c.fail("predictions must be 2-dimensional, got shape " + p);
        }
        if (t.hasKnownRank() && t.rank() != 1) {
            throw c.fail("targets must be 1-dimensional, got shape " + t);
        }
        if (kInput) {
            if (c.inputDtype(2) != c.inputDtype(1)) {
                throw c.fail("k must have the dtype of targets (" + c.inputDtype(1) + "), got " + c.inputDtype(2));
            }
            if (c.inputShape(2).rank() > 0) {
                throw c.fail("k must be a scalar, got shape " + c.inputShape(2));
            }
        }
        long batch = p.hasKnownRank() ? p.size(0) : -1;
        long n = t.hasKnownRank() ? t.size(0) : -1;
        if (batch >= 0 && n >= 0 && batch != n) {
            throw c.fail("First dimension of predictions " + batch + " must match length of targets " + n);
        }
        c.setOutput(0, DType.BOOL, Shape.of(batch >= 0 ? batch : n));
    }

    // ---- gradient ----

    /**
     * Scatters dy into zeros of the input's shape at the chosen positions: flat position
     * {@code row * n + indices[row, j]} of the input viewed as [rows, n].
     */
    private static Output topKGrad(Operation op, Output dy) {
        Graph g = op.graph();
        Output input = op.input(0);
        Output indices = op.output(1);
        DType it = indices.dtype();
        Output inShape = ShapeOps.shape(g, input, it, null);
        Output indShape = ShapeOps.shape(g, indices, it, null);
        Output n = lastOf(g, inShape);
        Output k = lastOf(g, indShape);
        Output rowsByK = ConcatOps.pack(g, List.of(ConstantOps.scalar(g, it, -1, "Const"), k), 0, null);
        Output ind2d = ShapeOps.reshape(g, indices, rowsByK, null);
        Output rows = SliceOps.stridedSlice(g, ShapeOps.shape(g, ind2d, it, null), new int[] {0}, new int[] {1},
                new int[] {1}, StridedSliceOptions.create().shrinkAxisMask(1), null);
        Output offsets = ConstantOps.range(g, ConstantOps.scalar(g, it, 0, "Const"), ArithmeticOps.mul(g, rows, n, null),
                n, null);
        Output flat = ShapeOps.reshape(g, ArithmeticOps.addV2(g, ind2d, ShapeOps.expandDims(g, offsets, -1, null), null),
                new int[] {-1}, null);
        Output total = ShapeOps.reshape(g, ReductionOps.prod(g, inShape, new int[] {0}, false, null), new int[] {1}, null);
        Output scattered = ScatterNdOps.scatterNd(g, ShapeOps.expandDims(g, flat, -1, null),
                ShapeOps.reshape(g, dy, new int[] {-1}, null), total, null);
        return ShapeOps.reshape(g, scattered, inShape, null);
    }

    /** The last entry of a shape vector, as a scalar. */
    private static Output lastOf(Graph g, Output shape) {
        return SliceOps.stridedSlice(g, shape, new int[] {-1}, new int[] {0}, new int[] {1},
                StridedSliceOptions.create().shrinkAxisMask(1), null);
    }
}
