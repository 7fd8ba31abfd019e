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
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code Transpose(x, perm)} and {@code InvertPermutation}, with {@code tf.transpose} (a reversed order by
 * default); the gradient transposes back by the inverse permutation.
 */
public final class TransposeOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Transpose").input("x").input("perm")
                .attr("T", AttrType.TYPE).attr("Tperm", AttrType.TYPE, DType.INT32)
                .shape(TransposeOps::transposeShape)
                .gradient((op, dy) -> Arrays.asList(transposeGrad(op, dy.get(0)), null)).build());
        r.register(OpDef.builder("InvertPermutation").input("x").attr("T", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    if (c.inputShape(0).rank() > 1) {
                        throw c.fail("x must be a vector, got shape " + c.inputShape(0));
                    }
                    c.setOutput(0, c.inputDtype(0), c.inputShape(0).hasKnownRank() ? c.inputShape(0) : Shape.of(-1));
                })
                .notDifferentiable().build());
    }

    /** {@code Transpose(x, perm)}. */
    public static Output transpose(Graph g, Output x, Output perm, String name) {
        return g.opBuilder("Transpose", name).addInput(x).addInput(perm).setAttr("Tperm", perm.dtype()).build().output(0);
    }

    /**
     * {@code tf.transpose(x, perm)} in the scope {@code transpose} with the permutation a constant {@code perm}
     * (null: the dimensions reversed, computed in the graph when the rank is unknown).
     */
    public static Output transpose(Graph g, Output x, int[] perm, String name) {
        try (var s = g.nameScope(name == null ? "transpose" : name)) {
            Output p;
            if (perm != null) {
                p = ConstantOps.intVector(g, perm, "perm");
            } else if (x.shape().hasKnownRank()) {
                int[] rev = new int[x.shape().rank()];
                for (int i = 0; i < rev.length; i++) {
                    rev[i] = rev.length - 1 - i;
                }
                p = ConstantOps.intVector(g, rev, "perm");
            } else {
                Output rank = ShapeOps.rank(g, x, null);
                Output rm1 = dev.tensorgraph.ops.math.ArithmeticOps.sub(g, rank,
                        ConstantOps.scalar(g, DType.INT32, 1, "sub/y"), null);
                Output range = ConstantOps.range(g, ConstantOps.scalar(g, DType.INT32, 0, "Range/start"), rank,
                        ConstantOps.scalar(g, DType.INT32, 1, "Range/delta"), null);
                p = dev.tensorgraph.ops.math.ArithmeticOps.sub(g, rm1, range, null);
            }
            return transpose(g, x, p, s.name());
        }
    }

    /** {@code InvertPermutation(x)}. */
    public static Output invertPermutation(Graph g, Output x, String name) {
        return g.opBuilder("InvertPermutation", name).addInput(x).build().output(0);
    }

    private static void transposeShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tperm", 1);
        Shape in = c.inputShape(0);
        Tensor p = c.constantValue(1);
        if (p == null) {
            long n = c.inputShape(1).hasKnownRank() && c.inputShape(1).rank() == 1 ? c.inputShape(1).size(0) : -1;
            int rank = in.hasKnownRank() ? in.rank() : (int) n;
            c.setOutput(0, c.inputDtype(0), rank >= 0 ? Shape.unknownOfRank(rank) : Shape.unknown());
            return;
        }
        long[] perm = ShapeArgs.longs(p);
        if (in.hasKnownRank() && perm.length != in.rank()) {
            throw c.fail("transpose expects a vector of size " + in.rank() + ", but got perm of size " + perm.length
                    + "; input shape " + in);
        }
        boolean[] seen = new boolean[perm.length];
        long[] out = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] < 0 || perm[i] >= perm.length || seen[(int) perm[i]]) {
                throw c.fail(perm[i] + " is out of range or repeated in perm " + java.util.Arrays.toString(perm));
            }
            seen[(int) perm[i]] = true;
            out[i] = in.hasKnownRank() ? in.size((int) perm[i]) : -1;
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(out));
    }

    private static Output transposeGrad(Operation op, Output dy) {
        Graph g = op.graph();
        Tensor p = ConstantOps.constantValue(op.input(1));
        Output inv;
        if (p != null) {
            long[] perm = ShapeArgs.longs(p);
            long[] invPerm = new long[perm.length];
            for (int i = 0; i < perm.length; i++) {
                invPerm[(int) perm[i]] = i;
            }
            Tensor t = op.input(1).dtype() == DType.INT64 ? Tensor.of(DType.INT64, Shape.of(perm.length), invPerm)
                    : Tensor.of(DType.INT32, Shape.of(perm.length), ShapeArgs.toInts(invPerm));
            inv = ConstantOps.constant(g, t, "Const");
        } else {
            inv = invertPermutation(g, op.input(1), null);
        }
        return transpose(g, dy, inv, null);
    }
}
