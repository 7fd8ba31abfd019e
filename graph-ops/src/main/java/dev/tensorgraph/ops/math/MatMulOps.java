package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.ArrayList;
import java.util.List;

/**
 * Matrix products as TensorFlow declares them: {@code MatMul(a, b; transpose_a, transpose_b, T)} on
 * matrices and {@code BatchMatMulV2(x, y; adj_x, adj_y, T)} on stacks of matrices whose batch dimensions
 * broadcast, and {@code tf.matmul}, which picks one of them by rank. Gradients follow TensorFlow's
 * {@code _MatMulGrad} and {@code _BatchMatMulV2}: one product per input for each transpose case, and for
 * BatchMatMulV2 a sum over the batch dimensions an input was broadcast along.
 */
public final class MatMulOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("MatMul").input("a").input("b")
                .attr("transpose_a", AttrType.BOOL, false).attr("transpose_b", AttrType.BOOL, false)
                // Hints newer TensorFlow versions record on gradient MatMuls; they do not change the result.
                .attr("grad_a", AttrType.BOOL, false).attr("grad_b", AttrType.BOOL, false)
                .attr("T", AttrType.TYPE)
                .shape(MatMulOps::matMulShape)
                .gradient(MatMulOps::matMulGrad).build());
        r.register(OpDef.builder("BatchMatMulV2").input("x").input("y")
                .attr("T", AttrType.TYPE)
                .attr("adj_x", AttrType.BOOL, false).attr("adj_y", AttrType.BOOL, false)
                .shape(MatMulOps::batchMatMulShape)
                .gradient(MatMulOps::batchMatMulGrad).build());
    }

    private static void checkType(ShapeContext c) {
        DType t = ShapeFns.sameDtype(c, 0, 1);
        if (!t.isFloating() && t != DType.INT32 && t != DType.INT64) {
            throw c.fail("T must be float32, float64, bfloat16, float16, int32 or int64, got " + t);
        }
    }

    /** Fails as TensorFlow does: "Dimensions must be equal, but are K1 and K2 for 'name' (op: 'MatMul') ...". */
    private static void checkInner(ShapeContext c, long k1, long k2, Shape a, Shape b) {
        if (k1 >= 0 && k2 >= 0 && k1 != k2) {
            throw c.fail("Dimensions must be equal, but are " + k1 + " and " + k2 + " for '" + c.opName()
                    + "' (op: '" + c.opType() + "') with input shapes: " + a + ", " + b + ".");
        }
    }

    /** MatMul's output shape and its checks on inputs 0 and 1; also {@code _FusedMatMul}'s. */
    static void matMulShape(ShapeContext c) {
        c.setOutput(0, c.inputDtype(0), productShape(c));
    }

    /** Checks a MatMul's operands against its transposes and returns the product's shape. */
    static Shape productShape(ShapeContext c) {
        checkType(c);
        Shape a = c.inputShape(0);
        Shape b = c.inputShape(1);
        for (int i = 0; i < 2; i++) {
            Shape s = c.inputShape(i);
            if (s.hasKnownRank() && s.rank() != 2) {
                throw c.fail("Shape must be rank 2 but is rank " + s.rank() + " for '" + c.opName()
                        + "' (op: '" + c.opType() + "') with input shapes: " + a + ", " + b + ".");
            }
        }
        boolean ta = c.attrBool("transpose_a");
        boolean tb = c.attrBool("transpose_b");
        long m = a.hasKnownRank() ? a.size(ta ? 1 : 0) : -1;
        long ka = a.hasKnownRank() ? a.size(ta ? 0 : 1) : -1;
        long kb = b.hasKnownRank() ? b.size(tb ? 1 : 0) : -1;
        long n = b.hasKnownRank() ? b.size(tb ? 0 : 1) : -1;
        checkInner(c, ka, kb, a, b);
        return Shape.of(m, n);
    }

    private static void batchMatMulShape(ShapeContext c) {
        checkType(c);
        Shape x = c.inputShape(0);
        Shape y = c.inputShape(1);
        for (int i = 0; i < 2; i++) {
            Shape s = c.inputShape(i);
            if (s.hasKnownRank() && s.rank() < 2) {
                throw c.fail("Shape must be at least rank 2 but is rank " + s.rank() + " for '" + c.opName()
                        + "' (op: 'BatchMatMulV2') with input shapes: " + x + ", " + y + ".");
            }
        }
        if (!x.hasKnownRank() || !y.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(0), Shape.unknown());
            return;
        }
        boolean adjX = c.attrBool("adj_x");
        boolean adjY = c.attrBool("adj_y");
        int rx = x.rank();
        int ry = y.rank();
        long m = x.size(adjX ? rx - 1 : rx - 2);
        long kx = x.size(adjX ? rx - 2 : rx - 1);
        long ky = y.size(adjY ? ry - 1 : ry - 2);
        long n = y.size(adjY ? ry - 2 : ry - 1);
        checkInner(c, kx, ky, x, y);
        Shape batch = ShapeFns.broadcast(c, x.subShape(0, rx - 2), y.subShape(0, ry - 2));
        c.setOutput(0, c.inputDtype(0), batch.concatenate(Shape.of(m, n)));
    }

    /** {@code MatMul(a, b)} of two matrices, each optionally transposed. */
    public static Output matMul(Graph g, Output a, Output b, boolean transposeA, boolean transposeB, String name) {
        return g.opBuilder("MatMul", name).addInput(a).addInput(b).setAttr("transpose_a", transposeA)
                .setAttr("transpose_b", transposeB).build().output(0);
    }

    /** {@code BatchMatMulV2(x, y)}: products of stacks of matrices with broadcast batch dimensions. */
    public static Output batchMatMulV2(Graph g, Output x, Output y, boolean adjX, boolean adjY, String name) {
        return g.opBuilder("BatchMatMulV2", name).addInput(x).addInput(y).setAttr("adj_x", adjX).setAttr("adj_y", adjY)
                .build().output(0);
    }

    /**
     * {@code tf.matmul(a, b, transpose_a, transpose_b)}: a MatMul for matrices, a BatchMatMulV2 (transposes as
     * adjoints) when an input has rank above 2 or unknown rank, as TensorFlow 1.15; named MatMul by default.
     */
    public static Output matmul(Graph g, Output a, Output b, boolean transposeA, boolean transposeB, String name) {
        try (var s = g.nameScope(name == null ? "MatMul" : name)) {
            if (isMatrix(a.shape()) && isMatrix(b.shape())) {
                return matMul(g, a, b, transposeA, transposeB, s.name());
            }
            return batchMatMulV2(g, a, b, transposeA, transposeB, s.name());
        }
    }

    private static boolean isMatrix(Shape s) {
        return s.hasKnownRank() && s.rank() <= 2;
    }

    private static Output matMul(Graph g, Output a, Output b, boolean ta, boolean tb) {
        return matMul(g, a, b, ta, tb, null);
    }

    private static Output bmm(Graph g, Output x, Output y, boolean adjX, boolean adjY) {
        return batchMatMulV2(g, x, y, adjX, adjY, null);
    }

    private static List<Output> matMulGrad(Operation op, List<Output> dys) {
        Graph g = op.graph();
        boolean ta = op.attrBool("transpose_a");
        boolean tb = op.attrBool("transpose_b");
        Output a = op.input(0);
        Output b = op.input(1);
        Output dy = dys.get(0);
        if (!ta && !tb) {
            return List.of(matMul(g, dy, b, false, true), matMul(g, a, dy, true, false));
        } else if (!ta) {
            return List.of(matMul(g, dy, b, false, false), matMul(g, dy, a, true, false));
        } else if (!tb) {
            return List.of(matMul(g, b, dy, false, true), matMul(g, a, dy, false, false));
        }
        return List.of(matMul(g, b, dy, true, true), matMul(g, dy, a, true, true));
    }

    private static List<Output> batchMatMulGrad(Operation op, List<Output> dys) {
        Graph g = op.graph();
        boolean adjX = op.attrBool("adj_x");
        boolean adjY = op.attrBool("adj_y");
        Output x = op.input(0);
        Output y = op.input(1);
        Output dy = dys.get(0);
        Output gx;
        Output gy;
        if (!adjX && !adjY) {
            gx = bmm(g, dy, y, false, true);
            gy = bmm(g, x, dy, true, false);
        } else if (!adjX) {
            gx = bmm(g, dy, y, false, false);
            gy = bmm(g, dy, x, true, false);
        } else if (!adjY) {
            gx = bmm(g, y, dy, false, true);
            gy = bmm(g, x, dy, false, false);
        } else {
            gx = bmm(g, y, dy, true, true);
            gy = bmm(g, dy, x, true, true);
        }
        return reduceBatch(g, x, y, gx, gy);
    }

    /**
     * Sums each gradient over the batch axes its input was broadcast along, then reshapes it to the input's
     * shape. Decided while building when the static shapes settle it; otherwise BroadcastGradientArgs on the
     * batch parts of the run-time shapes, as TensorFlow does.
     */
    private static List<Output> reduceBatch(Graph g, Output x, Output y, Output gx, Output gy) {
        Shape sx = x.shape();
        Shape sy = y.shape();
        if (sx.hasKnownRank() && sy.hasKnownRank() && sx.subShape(0, sx.rank() - 2).equals(sy.subShape(0, sy.rank() - 2))
                && sx.subShape(0, sx.rank() - 2).isFullyDefined()) {
            return List.of(gx, gy);
        }
        if (sx.hasKnownRank() && sy.hasKnownRank()) {
            int bx = sx.rank() - 2;
            int by = sy.rank() - 2;
            int b = Math.max(bx, by);
            List<Integer> rx = new ArrayList<>();
            List<Integer> ry = new ArrayList<>();
            boolean decided = true;
            for (int i = 0; i < b; i++) {
                long dx = i - (b - bx) >= 0 ? sx.size(i - (b - bx)) : 0;   // 0: axis missing
                long dy = i - (b - by) >= 0 ? sy.size(i - (b - by)) : 0;
                if (dx == -1 && dy == -1) {
                    decided = false;
                    break;
                }
                if (dx == 0 || dx == 1) {
                    rx.add(i);
                }
                if (dy == 0 || dy == 1) {
                    ry.add(i);
                }
            }
            if (decided) {
                return List.of(sumTo(g, gx, rx, x), sumTo(g, gy, ry, y));
            }
        }
        Output shx = ShapeOps.shapeOf(g, x, null);
        Output shy = ShapeOps.shapeOf(g, y, null);
        BroadcastGradientArgs bga = ArithmeticOps.broadcastGradientArgs(g, batchPart(g, shx, x), batchPart(g, shy, y),
                null);
        Output gxr = ReductionOps.sum(g, gx, bga.r0(), false, null);
        Output gyr = ReductionOps.sum(g, gy, bga.r1(), false, null);
        return List.of(ShapeOps.reshape(g, gxr, shx, null), ShapeOps.reshape(g, gyr, shy, null));
    }

    /** The batch dimensions of a shape vector: everything but the last two. */
    private static Output batchPart(Graph g, Output shape, Output x) {
        if (x.shape().hasKnownRank()) {
            return SliceOps.slice(g, shape, ConstantOps.intVector(g, new int[] {0}, null),
                    ConstantOps.intVector(g, new int[] {x.shape().rank() - 2}, null), null);
        }
        return SliceOps.stridedSlice(g, shape, ConstantOps.intVector(g, new int[] {0}, null),
                ConstantOps.intVector(g, new int[] {-2}, null), ConstantOps.intVector(g, new int[] {1}, null), null, null);
    }

    private static Output sumTo(Graph g, Output grad, List<Integer> axes, Output x) {
        if (axes.isEmpty()) {
            return grad;
        }
        int[] a = new int[axes.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = axes.get(i);
        }
        Output s = ReductionOps.sum(g, grad, ConstantOps.intVector(g, a, null), false, null);
        return ShapeOps.reshape(g, s, ShapeOps.shapeOf(g, x, null), null);
    }
}
