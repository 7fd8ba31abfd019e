package dev.tensorgraph.ops.array;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code Pad}, {@code PadV2} (CONSTANT mode with zeros or a given value) and {@code Tile}, with {@code tf.pad}
 * and {@code tf.tile}; the pad gradient slices the padding off, the tile gradient sums the copies.
 */
public final class PadOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Tile").input("input").input("multiples")
                .attr("T", AttrType.TYPE).attr("Tmultiples", AttrType.TYPE, DType.INT32)
                .shape(PadOps::tileShape)
                .gradient((op, dy) -> Arrays.asList(tileGrad(op, dy.get(0)), null)).build());
        r.register(OpDef.builder("Pad").input("input").input("paddings")
                .attr("T", AttrType.TYPE).attr("Tpaddings", AttrType.TYPE, DType.INT32)
                .shape(PadOps::padShape)
                .gradient((op, dy) -> Arrays.asList(padGrad(op, dy.get(0)), null)).build());
        r.register(OpDef.builder("PadV2").input("input").input("paddings").input("constant_values")
                .attr("T", AttrType.TYPE).attr("Tpaddings", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    if (c.inputShape(2).rank() > 0) {
                        throw c.fail("constant_values must be a scalar, got shape " + c.inputShape(2));
                    }
                    padShape(c);
                })
                .gradient((op, dy) -> {
                    List<Output> g = new ArrayList<>();
                    g.add(padGrad(op, dy.get(0)));
                    g.add(null);
                    g.add(null);
                    return g;
                }).build());
    }

    // ---- constructors ----

    /** {@code Pad(x, paddings)}: zeros around x; {@code paddings} is [rank, 2] of (before, after). */
    public static Output pad(Graph g, Output x, Output paddings, String name) {
        return g.opBuilder("Pad", name).addInput(x).addInput(paddings).setAttr("Tpaddings", paddings.dtype())
                .build().output(0);
    }

    /** {@code PadV2(x, paddings, constant_values)}. */
    public static Output padV2(Graph g, Output x, Output paddings, Output constantValues, String name) {
        return g.opBuilder("PadV2", name).addInput(x).addInput(paddings).setAttr("Tpaddings", paddings.dtype())
                .addInput(constantValues).build().output(0);
    }

    /**
     * {@code tf.pad(x, paddings, constant_values=v)} in CONSTANT mode ({@code paddings[i] = {before, after}}): a
     * Pad when {@code constantValue} is 0, else a PadV2; the paddings a constant {@code <op>/paddings}.
     */
    public static Output pad(Graph g, Output x, int[][] paddings, double constantValue, String name) {
        boolean zero = constantValue == 0;
        try (var s = g.nameScope(name == null ? (zero ? "Pad" : "PadV2") : name)) {
            Output p = ConstantOps.constant(g, Tensor.of(paddings), "paddings");
            if (zero) {
                return pad(g, x, p, s.name());
            }
            return padV2(g, x, p, ConstantOps.scalar(g, x.dtype(), constantValue, "constant_values"), s.name());
        }
    }

    /** {@code Tile(x, multiples)}. */
    public static Output tile(Graph g, Output x, Output multiples, String name) {
        return g.opBuilder("Tile", name).addInput(x).addInput(multiples).setAttr("Tmultiples", multiples.dtype())
                .build().output(0);
    }

    /** {@code tf.tile(x, multiples)} with the multiples a constant {@code Tile/multiples}. */
    public static Output tile(Graph g, Output x, int[] multiples, String name) {
        try (var s = g.nameScope(name == null ? "Tile" : name)) {
            return tile(g, x, ConstantOps.intVector(g, multiples, "multiples"), s.name());
        }
    }

    // ---- shape functions ----

    private static void tileShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tmultiples", 1);
        Shape in = c.inputShape(0);
        Tensor m = c.constantValue(1);
        if (m == null) {
            c.setOutput(0, c.inputDtype(0), in.hasKnownRank() ? Shape.unknownOfRank(in.rank()) : Shape.unknown());
            return;
        }
        long[] mult = ShapeArgs.longs(m);
        if (in.hasKnownRank() && mult.length != in.rank()) {
            throw c.fail("Expected multiples argument to be a vector of length " + in.rank() + " but got length "
                    + mult.length + "; input shape " + in);
        }
        long[] out = new long[mult.length];
        for (int i = 0; i < out.length; i++) {
            if (mult[i] < 0) {
                throw c.fail("Expected multiples[" + i + "] >= 0, but got " + mult[i]);
            }
            long d = in.hasKnownRank() ? in.size(i) : -1;
            out[i] = d < 0 ? -1 : d * mult[i];
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(out));
    }

    private static void padShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tpaddings", 1);
        Shape in = c.inputShape(0);
        Shape ps = c.inputShape(1);
        if (ps.hasKnownRank() && (ps.rank() != 2 || (ps.size(1) >= 0 && ps.size(1) != 2))) {
            throw c.fail("paddings must be a matrix with 2 columns, got shape " + ps);
        }
        if (in.hasKnownRank() && ps.hasKnownRank() && ps.size(0) >= 0 && ps.size(0) != in.rank()) {
            throw c.fail("The first dimension of paddings must be the rank of inputs " + ps + " " + in);
        }
        Tensor p = c.constantValue(1);
        int rank = in.hasKnownRank() ? in.rank() : ps.hasKnownRank() && ps.size(0) >= 0 ? (int) ps.size(0) : -1;
        if (p == null || rank < 0) {
            c.setOutput(0, c.inputDtype(0), rank < 0 ? Shape.unknown() : Shape.unknownOfRank(rank));
            return;
        }
        long[] pv = ShapeArgs.longs(p);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            if (pv[2 * i] < 0 || pv[2 * i + 1] < 0) {
                throw c.fail("paddings must be non-negative: " + pv[2 * i] + " " + pv[2 * i + 1]);
            }
            long d = in.hasKnownRank() ? in.size(i) : -1;
            out[i] = d < 0 ? -1 : d + pv[2 * i] + pv[2 * i + 1];
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(out));
    }

    // ---- gradients ----

    /** Tile gradient: reshape dy to [m0, d0, m1, d1, ...] and sum the multiple axes. */
    private static Output tileGrad(Operation op, Output dy) {
        Graph g = op.graph();
        Output x = op.input(0);
        Output mult = op.input(1);
        DType it = mult.dtype();
        Output shape = ShapeOps.shape(g, x, it, null);
        Output pairs = ConcatOps.pack(g, List.of(mult, shape), 1L, null);
        Output split = ShapeOps.reshape(g, pairs, ConstantOps.intVector(g, new int[] {-1}, "Const"), null);
        Output axes;
        if (x.shape().hasKnownRank()) {
            int[] a = new int[x.shape().rank()];
            for (int i = 0; i < a.length; i++) {
                a[i] = 2 * i;
            }
            axes = ConstantOps.intVector(g, a, "Const");
        } else {
            Output size = ShapeOps.size(g, split, DType.INT32, null);
            axes = ConstantOps.range(g, ConstantOps.scalar(g, DType.INT32, 0, "Const"), size,
                    ConstantOps.scalar(g, DType.INT32, 2, "Const"), null);
        }
        Output reshaped = ShapeOps.reshape(g, dy, split, null);
        Output sum = ReductionOps.sum(g, reshaped, axes, false, null);
        return ShapeOps.reshapeTo(g, sum, x);
    }

    /** Pad gradient: the slice of dy at paddings[:, 0] of x's shape. */
    private static Output padGrad(Operation op, Output dy) {
        Graph g = op.graph();
        Output x = op.input(0);
        Output paddings = op.input(1);
        DType it = paddings.dtype();
        Output before = SliceOps.slice(g, paddings,
                ConstantOps.constant(g, it == DType.INT64 ? Tensor.of(new long[] {0, 0}) : Tensor.of(new int[] {0, 0}), "Const"),
                ConstantOps.constant(g, it == DType.INT64 ? Tensor.of(new long[] {-1, 1}) : Tensor.of(new int[] {-1, 1}), "Const"),
                null);
        Output begin = ShapeOps.reshape(g, before, ConstantOps.intVector(g, new int[] {-1}, "Const"), null);
        return SliceOps.slice(g, dy, begin, ShapeOps.shape(g, x, it, null), null);
    }
}
