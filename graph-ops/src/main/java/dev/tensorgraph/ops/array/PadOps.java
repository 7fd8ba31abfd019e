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
import java.util.Locale;

/**
 * {@code Pad}, {@code PadV2} (CONSTANT mode with zeros or a given value), {@code MirrorPad} (REFLECT and SYMMETRIC
 * modes) with its gradient {@code MirrorPadGrad}, and {@code Tile}, with {@code tf.pad} and {@code tf.tile}; the pad
 * gradient slices the padding off, the mirror pad gradient folds it back, the tile gradient sums the copies.
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
        r.register(OpDef.builder("MirrorPad").input("input").input("paddings")
                .attr("T", AttrType.TYPE).attr("Tpaddings", AttrType.TYPE, DType.INT32).attr("mode", AttrType.STRING)
                .shape(c -> {
                    padShape(c);
                    checkMirrorPaddings(c);
                })
                .gradient((op, dy) -> Arrays.asList(mirrorPadGrad(op.graph(), dy.get(0), op.input(1),
                        op.attrString("mode"), null), null)).build());
        r.register(OpDef.builder("MirrorPadGrad").input("input").input("paddings")
                .attr("T", AttrType.TYPE).attr("Tpaddings", AttrType.TYPE, DType.INT32).attr("mode", AttrType.STRING)
                .shape(PadOps::mirrorPadGradShape)
                .gradient((op, dy) -> Arrays.asList(mirrorPad(op.graph(), dy.get(0), op.input(1), op.attrString("mode"),
                        null), null)).build());
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

    /**
     * {@code MirrorPad(x, paddings, mode)}: x extended by its mirror image, REFLECT without repeating the edge
     * (padding at most size - 1), SYMMETRIC with it (at most size).
     */
    public static Output mirrorPad(Graph g, Output x, Output paddings, String mode, String name) {
        return g.opBuilder("MirrorPad", name).addInput(x).addInput(paddings).setAttr("Tpaddings", paddings.dtype())
                .setAttr("mode", mode).build().output(0);
    }

    /** {@code MirrorPadGrad(dy, paddings, mode)}: the padded gradient folded back onto the input's elements. */
    public static Output mirrorPadGrad(Graph g, Output dy, Output paddings, String mode, String name) {
        return g.opBuilder("MirrorPadGrad", name).addInput(dy).addInput(paddings).setAttr("Tpaddings", paddings.dtype())
                .setAttr("mode", mode).build().output(0);
    }

    /**
     * {@code tf.pad(x, paddings, mode, constant_values)}: mode CONSTANT builds what
     * {@link #pad(Graph, Output, int[][], double, String)} builds, REFLECT and SYMMETRIC (any case) a MirrorPad
     * with the paddings a constant {@code MirrorPad/paddings}.
     */
    public static Output pad(Graph g, Output x, int[][] paddings, String mode, double constantValue, String name) {
        String m = mode == null ? "" : mode.toUpperCase(Locale.ROOT);
        if (m.equals("CONSTANT")) {
            return pad(g, x, paddings, constantValue, name);
        }
        if (!m.equals("REFLECT") && !m.equals("SYMMETRIC")) {
            throw new InvalidArgumentException("Value of argument `mode` expected to be one of \"CONSTANT\", "
                    + "\"REFLECT\", or \"SYMMETRIC\". Received `mode` = " + mode);
        }
        try (var s = g.nameScope(name == null ? "MirrorPad" : name)) {
            return mirrorPad(g, x, ConstantOps.constant(g, Tensor.of(paddings), "paddings"), m, s.name());
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

    private static boolean isReflect(ShapeContext c) {
        Object mode = c.attr("mode");
        if (!"REFLECT".equals(mode) && !"SYMMETRIC".equals(mode)) {
            throw c.fail("mode must be REFLECT or SYMMETRIC, got '" + mode + "'");
        }
        return "REFLECT".equals(mode);
    }

    /** Each padding at most size - 1 (REFLECT) or size (SYMMETRIC), where both are known. */
    private static void checkMirrorPaddings(ShapeContext c) {
        boolean reflect = isReflect(c);
        Shape in = c.inputShape(0);
        Tensor p = c.constantValue(1);
        if (p == null || !in.hasKnownRank()) {
            return;
        }
        long[] pv = ShapeArgs.longs(p);
        for (int i = 0; i < in.rank(); i++) {
            long d = in.size(i);
            long limit = reflect ? d - 1 : d;
            if (d >= 0 && (pv[2 * i] > limit || pv[2 * i + 1] > limit)) {
                throw c.fail(reflect
                        ? "paddings must be less than the dimension size: " + pv[2 * i] + ", " + pv[2 * i + 1]
                                + " not less than " + d
                        : "paddings must be no greater than the dimension size: " + pv[2 * i] + ", " + pv[2 * i + 1]
                                + " greater than " + d);
            }
        }
    }

    /** The input of the MirrorPad whose output has dy's shape: each size less its two paddings. */
    private static void mirrorPadGradShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tpaddings", 1);
        boolean reflect = isReflect(c);
        Shape in = c.inputShape(0);
        Tensor p = c.constantValue(1);
        if (p == null || !in.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(0), in.hasKnownRank() ? Shape.unknownOfRank(in.rank()) : Shape.unknown());
            return;
        }
        long[] pv = ShapeArgs.longs(p);
        if (pv.length != 2 * in.rank()) {
            throw c.fail("paddings must be [" + in.rank() + ", 2] for an input of shape " + in + ", got "
                    + c.inputShape(1));
        }
        long[] out = new long[in.rank()];
        for (int i = 0; i < out.length; i++) {
            long d = in.size(i);
            long total = pv[2 * i] + pv[2 * i + 1];
            if (pv[2 * i] < 0 || pv[2 * i + 1] < 0) {
                throw c.fail("paddings must be non-negative: " + pv[2 * i] + " " + pv[2 * i + 1]);
            }
            if (d >= 0 && total >= d) {
                throw c.fail("Total paddings must be less than the input dimension size: " + total
                        + " was not less than " + d);
            }
            long size = d < 0 ? -1 : d - total;
            long limit = reflect ? size - 1 : size;
            if (size >= 0 && (pv[2 * i] > limit || pv[2 * i + 1] > limit)) {
                throw c.fail("paddings " + pv[2 * i] + ", " + pv[2 * i + 1] + " are too large for a " + c.attr("mode")
                        + " pad of size " + size);
            }
            out[i] = size;
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
