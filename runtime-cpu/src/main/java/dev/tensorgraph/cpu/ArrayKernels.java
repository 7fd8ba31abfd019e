package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.ConcatShapes;
import dev.tensorgraph.kernel.args.SplitSizes;
import java.util.Arrays;

/**
 * CPU kernels of the array ops: Transpose, ConcatV2, Pack, Unpack, Split, SplitV, Tile, Pad, PadV2.
 * Copies go through {@link StridedCopy}, so every dtype (bool and string included) is supported.
 * OneHot, Unique, Where and SparseToDense live in {@link ArrayValueKernels}.
 */
public final class ArrayKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "Transpose", op -> ctx -> ctx.setOutput(0, transpose(ctx, ctx.input(0),
                ArrayData.longs(ctx.input(1)))));
        r.register(CPU, "ConcatV2", op -> ctx -> {
            int n = ctx.numInputs() - 1;
            Tensor[] parts = new Tensor[n];
            for (int i = 0; i < n; i++) {
                parts[i] = ctx.input(i);
            }
            ctx.setOutput(0, concat(ctx, parts, ArrayData.scalarLong(ctx.input(n), "axis"), false));
        });
        r.register(CPU, "Pack", op -> {
            long axis = op.attrLong("axis");
            return ctx -> {
                Tensor[] parts = new Tensor[ctx.numInputs()];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = ctx.input(i);
                }
                ctx.setOutput(0, concat(ctx, parts, axis, true));
            };
        });
        r.register(CPU, "Unpack", op -> {
            int num = op.attrInt("num");
            long axis = op.attrLong("axis");
            return ctx -> {
                Tensor x = ctx.input(0);
                int rank = x.shape().rank();
                int a = normAxis(axis, rank);
                if (x.shape().size(a) != num) {
                    throw new InvalidArgumentException("Input shape axis " + a + " must equal " + num + ", got shape "
                            + x.shape());
                }
                long[] sizes = new long[num];
                Arrays.fill(sizes, 1);
                split(ctx, x, a, sizes, true);
            };
        });
        r.register(CPU, "Split", op -> {
            int num = op.attrInt("num_split");
            return ctx -> {
                Tensor x = ctx.input(1);
                int a = normAxis(ArrayData.scalarLong(ctx.input(0), "split_dim"), x.shape().rank());
                split(ctx, x, a, SplitSizes.even(x.shape().size(a), num, a), false);
            };
        });
        r.register(CPU, "SplitV", op -> {
            int num = op.attrInt("num_split");
            return ctx -> {
                Tensor x = ctx.input(0);
                int a = normAxis(ArrayData.scalarLong(ctx.input(2), "split_dim"), x.shape().rank());
                long[] sizes = SplitSizes.resolve(ArrayData.longs(ctx.input(1)), num, x.shape().size(a), x.shape());
                split(ctx, x, a, sizes, false);
            };
        });
        r.register(CPU, "Tile", op -> ArrayKernels::tile);
        r.register(CPU, "Pad", op -> ctx -> pad(ctx, null));
        r.register(CPU, "PadV2", op -> ctx -> pad(ctx, ctx.input(2)));
    }

    static int normAxis(long axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new InvalidArgumentException("axis " + axis + " is out of range for a tensor of rank " + rank
                    + " (expected in [" + -rank + ", " + rank + "))");
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** N-D transpose; a 2-D float/double transpose runs in cache blocks. */
    static Tensor transpose(KernelContext ctx, Tensor x, long[] perm) {
        long[] dims = x.shape().dims();
        int rank = dims.length;
        if (perm.length != rank) {
            throw new InvalidArgumentException("transpose expects a vector of size " + rank + ". But input(1) is a vector of size "
                    + perm.length);
        }
        boolean[] seen = new boolean[rank];
        boolean identity = true;
        for (int i = 0; i < rank; i++) {
            if (perm[i] < 0 || perm[i] >= rank || seen[(int) perm[i]]) {
                throw new InvalidArgumentException(perm[i] + " is out of range or duplicated in perm " + Arrays.toString(perm));
            }
            seen[(int) perm[i]] = true;
            identity &= perm[i] == i;
        }
        if (identity) {
            return x;
        }
        int[] xs = ArrayData.strides(dims);
        long[] od = new long[rank];
        int[] src = new int[rank];
        int[] size = new int[rank];
        for (int i = 0; i < rank; i++) {
            od[i] = dims[(int) perm[i]];
            size[i] = (int) od[i];
            src[i] = xs[(int) perm[i]];
        }
        Tensor out = ctx.allocate(x.dtype(), Shape.of(od));
        if (rank == 2 && x.array() instanceof float[] a) {
            NnLayout.transpose2d(a, (float[]) out.array(), (int) dims[0], (int) dims[1]);
        } else if (rank == 2 && x.array() instanceof double[] a) {
            NnLayout.transpose2d(a, (double[]) out.array(), (int) dims[0], (int) dims[1]);
        } else {
            StridedCopy.copy(x.array(), 0, src, out.array(), 0, ArrayData.strides(od), size);
        }
        return out;
    }

    /** Concatenates along {@code axis}; {@code stack} inserts a new axis of size 1 in each part first. */
    static Tensor concat(KernelContext ctx, Tensor[] parts, long axisArg, boolean stack) {
        long[] first = parts[0].shape().dims();
        int rank = first.length + (stack ? 1 : 0);
        int axis = normAxis(axisArg, rank);
        Shape[] shapes = new Shape[parts.length];
        DType[] dtypes = new DType[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shapes[i] = parts[i].shape();
            dtypes[i] = parts[i].dtype();
        }
        ConcatShapes joined = ConcatShapes.of("", "ConcatOp : ", shapes, dtypes, axis, stack);
        long[][] dims = joined.parts();
        long[] od = joined.outShape().dims();
        long total = od[axis];
        int outer = ArrayData.prod(od, 0, axis);
        int inner = ArrayData.prod(od, axis + 1, rank);
        Tensor out = ctx.allocate(parts[0].dtype(), Shape.of(od));
        Object dst = out.array();
        int rowLen = (int) total * inner;
        int col = 0;
        for (int i = 0; i < parts.length; i++) {
            int len = (int) dims[i][axis] * inner;
            Object src = parts[i].array();
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * len, dst, o * rowLen + col, len);
            }
            col += len;
        }
        return out;
    }

    /** Splits along {@code axis} into parts of {@code sizes}; {@code unstack} drops the axis of each part. */
    static void split(KernelContext ctx, Tensor x, int axis, long[] sizes, boolean unstack) {
        long[] dims = x.shape().dims();
        int outer = ArrayData.prod(dims, 0, axis);
        int inner = ArrayData.prod(dims, axis + 1, dims.length);
        int rowLen = (int) dims[axis] * inner;
        int col = 0;
        Object src = x.array();
        for (int i = 0; i < sizes.length; i++) {
            long[] pd = dims.clone();
            pd[axis] = sizes[i];
            Shape ps = Shape.of(pd);
            if (unstack) {
                long[] u = new long[dims.length - 1];
                System.arraycopy(dims, 0, u, 0, axis);
                System.arraycopy(dims, axis + 1, u, axis, dims.length - axis - 1);
                ps = Shape.of(u);
            }
            if (sizes.length == 1) {
                ctx.setOutput(0, x.reshaped(ps));
                return;
            }
            Tensor out = ctx.allocate(x.dtype(), ps);
            int len = (int) sizes[i] * inner;
            Object dst = out.array();
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * rowLen + col, dst, o * len, len);
            }
            col += len;
            ctx.setOutput(i, out);
        }
    }

    /** Tile as a strided copy over [m0, d0, m1, d1, ...] with zero source strides on the multiples. */
    private static void tile(KernelContext ctx) {
        Tensor x = ctx.input(0);
        long[] mult = ArrayData.longs(ctx.input(1));
        long[] dims = x.shape().dims();
        if (mult.length != dims.length) {
            throw new InvalidArgumentException("Expected multiples argument to be a vector of length " + dims.length
                    + " but got length " + mult.length);
        }
        int rank = dims.length;
        long[] od = new long[rank];
        int[] xs = ArrayData.strides(dims);
        int[] size = new int[2 * rank];
        int[] src = new int[2 * rank];
        for (int i = 0; i < rank; i++) {
            if (mult[i] < 0) {
                throw new InvalidArgumentException("Expected multiples[" + i + "] >= 0, but got " + mult[i]);
            }
            od[i] = dims[i] * mult[i];
            size[2 * i] = (int) mult[i];
            size[2 * i + 1] = (int) dims[i];
            src[2 * i + 1] = xs[i];
        }
        Tensor out = ctx.allocate(x.dtype(), Shape.of(od));
        StridedCopy.copy(x.array(), 0, src, out.array(), 0, ArrayData.strides(Shape.ofInts(size).dims()), size);
        ctx.setOutput(0, out);
    }

    private static void pad(KernelContext ctx, Tensor constant) {
        Tensor x = ctx.input(0);
        Tensor p = ctx.input(1);
        long[] dims = x.shape().dims();
        int rank = dims.length;
        if (p.shape().rank() != 2 || p.shape().size(0) != rank || p.shape().size(1) != 2) {
            throw new InvalidArgumentException("paddings must be a matrix of shape [" + rank + ", 2], got "
                    + p.shape() + " for input shape " + x.shape());
        }
        long[] pv = ArrayData.longs(p);
        long[] od = new long[rank];
        int[] size = new int[rank];
        for (int i = 0; i < rank; i++) {
            if (pv[2 * i] < 0 || pv[2 * i + 1] < 0) {
                throw new InvalidArgumentException("Paddings must be non-negative: " + pv[2 * i] + " " + pv[2 * i + 1]);
            }
            od[i] = dims[i] + pv[2 * i] + pv[2 * i + 1];
            size[i] = (int) dims[i];
        }
        Tensor out;
        if (constant == null || isZero(constant)) {
            out = ctx.allocateZeroed(x.dtype(), Shape.of(od));
        } else {
            if (constant.dtype() != x.dtype() || constant.numElements() != 1) {
                throw new InvalidArgumentException("constant_values must be a scalar of " + x.dtype());
            }
            out = ArrayData.filled(ctx, Shape.of(od), constant);
        }
        int[] os = ArrayData.strides(od);
        int off = 0;
        for (int i = 0; i < rank; i++) {
            off += (int) pv[2 * i] * os[i];
        }
        StridedCopy.copy(x.array(), 0, ArrayData.strides(dims), out.array(), off, os, size);
        ctx.setOutput(0, out);
    }

    private static boolean isZero(Tensor c) {
        return c.dtype() != DType.STRING && c.numElements() == 1 && c.toDoubles()[0] == 0
                && !(c.array() instanceof float[] f && 1 / f[0] < 0) && !(c.array() instanceof double[] d && 1 / d[0] < 0);
    }
}
