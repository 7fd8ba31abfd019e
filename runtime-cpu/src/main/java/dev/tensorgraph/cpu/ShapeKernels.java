package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.ReshapeShapes;
import java.util.Arrays;

/**
 * CPU kernels of the shape family: Shape, ShapeN, Rank, Size, Reshape, ExpandDims, Squeeze, Fill, ZerosLike,
 * OnesLike, BroadcastTo, Range, InvertPermutation. Reshape-like kernels return a view of their input.
 */
public final class ShapeKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "ConcatOffset", op -> ShapeKernels::concatOffset);
        r.register(CPU, "Shape", op -> {
            DType t = op.attrType("out_type");
            return ctx -> ctx.setOutput(0, shapeTensor(ctx.input(0).shape(), t));
        });
        r.register(CPU, "ShapeN", op -> {
            DType t = op.attrType("out_type");
            return ctx -> {
                for (int i = 0; i < ctx.numInputs(); i++) {
                    ctx.setOutput(i, shapeTensor(ctx.input(i).shape(), t));
                }
            };
        });
        r.register(CPU, "Rank", op -> ctx -> ctx.setOutput(0, Tensor.of(ctx.input(0).shape().rank())));
        r.register(CPU, "Size", op -> {
            DType t = op.attrType("out_type");
            return ctx -> {
                int n = ctx.input(0).numElements();
                ctx.setOutput(0, t == DType.INT64 ? Tensor.of((long) n) : Tensor.of(n));
            };
        });
        r.register(CPU, "ZerosLike", op -> ctx -> {
            Tensor x = ctx.input(0);
            if (x.dtype() == DType.VARIANT) {
                ctx.setOutput(0, TensorListKernels.zerosLike(x, "ZerosLike '" + op.name() + "'"));
                return;
            }
            if (x.dtype() == DType.FLOAT32) {
                // Large zeros (a cond gradient's zeros of a whole activation) are filled on both threads.
                Tensor out = ctx.allocate(x.dtype(), x.shape());
                float[] f = (float[]) out.array();
                int lines = (f.length + 15) / 16;
                Parallel.forRange(lines, ctx.intraOpThreads(), f.length,
                        (l0, l1) -> java.util.Arrays.fill(f, l0 * 16, Math.min(f.length, l1 * 16), 0f));
                ctx.setOutput(0, out);
                return;
            }
            ctx.setOutput(0, ctx.allocateZeroed(x.dtype(), x.shape()));
        });
        r.register(CPU, "OnesLike", op -> ctx -> {
            Tensor x = ctx.input(0);
            Tensor out = ctx.allocate(x.dtype(), x.shape());
            ArrayData.fillNumber(out.array(), 1);
            ctx.setOutput(0, out);
        });
        r.register(CPU, "Fill", op -> ctx -> {
            Shape s = ArrayData.shape(ctx.input(0), "dims");
            Tensor v = ctx.input(1);
            if (v.numElements() != 1 || v.shape().rank() != 0) {
                throw new InvalidArgumentException("value must be a scalar, got shape " + v.shape());
            }
            ctx.setOutput(0, ArrayData.filled(ctx, s, v));
        });
        r.register(CPU, "Reshape", op -> ctx -> {
            Tensor x = ctx.input(0);
            ctx.setOutput(0, x.reshaped(ReshapeShapes.reshape(x.shape(), ArrayData.longs(ctx.input(1)))));
        });
        r.register(CPU, "ExpandDims", op -> ctx -> {
            Tensor x = ctx.input(0);
            ctx.setOutput(0, x.reshaped(ReshapeShapes.expandDims(x.shape(), ArrayData.scalarLong(ctx.input(1), "dim"))));
        });
        r.register(CPU, "Squeeze", op -> {
            long[] axes = op.attrLongs("squeeze_dims");
            return ctx -> {
                Tensor x = ctx.input(0);
                ctx.setOutput(0, x.reshaped(ReshapeShapes.squeeze(x.shape(), axes)));
            };
        });
        r.register(CPU, "BroadcastTo", op -> ctx -> broadcastTo(ctx));
        r.register(CPU, "Range", op -> ctx -> range(ctx));
        r.register(CPU, "InvertPermutation", op -> ctx -> {
            Tensor x = ctx.input(0);
            long[] p = ArrayData.longs(x);
            long[] inv = new long[p.length];
            boolean[] seen = new boolean[p.length];
            for (int i = 0; i < p.length; i++) {
                if (p[i] < 0 || p[i] >= p.length || seen[(int) p[i]]) {
                    throw new InvalidArgumentException(p[i] + " is not between 0 and " + p.length
                            + " or is duplicated in permutation " + Arrays.toString(p));
                }
                seen[(int) p[i]] = true;
                inv[(int) p[i]] = i;
            }
            ctx.setOutput(0, x.dtype() == DType.INT64 ? Tensor.of(DType.INT64, x.shape(), inv)
                    : Tensor.of(DType.INT32, x.shape(), toInts(inv)));
        });
    }

    static Tensor shapeTensor(Shape s, DType t) {
        long[] d = s.dims();
        return t == DType.INT64 ? Tensor.of(DType.INT64, Shape.of(d.length), d)
                : Tensor.of(DType.INT32, Shape.of(d.length), toInts(d));
    }

    static int[] toInts(long[] d) {
        int[] r = new int[d.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.toIntExact(d[i]);
        }
        return r;
    }

    private static void broadcastTo(KernelContext ctx) {
        Tensor x = ctx.input(0);
        Shape target = ArrayData.shape(ctx.input(1), "shape");
        long[] xd = x.shape().dims();
        long[] td = target.dims();
        if (xd.length > td.length) {
            throw new InvalidArgumentException("Unable to broadcast tensor of shape " + x.shape() + " to tensor of shape "
                    + target);
        }
        int lead = td.length - xd.length;
        int[] xs = ArrayData.strides(xd);
        int[] srcStrides = new int[td.length];
        int[] dims = new int[td.length];
        for (int i = 0; i < td.length; i++) {
            dims[i] = (int) td[i];
            if (i >= lead) {
                long d = xd[i - lead];
                if (d != td[i] && d != 1) {
                    throw new InvalidArgumentException("Unable to broadcast tensor of shape " + x.shape()
                            + " to tensor of shape " + target);
                }
                srcStrides[i] = d == 1 ? 0 : xs[i - lead];
            }
        }
        Tensor out = ctx.allocate(x.dtype(), target);
        StridedCopy.copy(x.array(), 0, srcStrides, out.array(), 0, ArrayData.strides(td), dims);
        ctx.setOutput(0, out);
    }

    private static void range(KernelContext ctx) {
        Tensor s = ctx.input(0);
        DType t = s.dtype();
        double start = s.toDoubles()[0];
        double limit = ctx.input(1).toDoubles()[0];
        double delta = ctx.input(2).toDoubles()[0];
        if (delta == 0) {
            throw new InvalidArgumentException("Requires delta != 0: " + delta);
        }
        if (delta > 0 ? start > limit : start < limit) {
            throw new InvalidArgumentException("Requires start " + (delta > 0 ? "<=" : ">=") + " limit when delta "
                    + (delta > 0 ? ">" : "<") + " 0: " + start + "/" + limit);
        }
        long n = t.isInteger() ? (long) ((Math.abs(limit - start) + Math.abs(delta) - 1) / Math.abs(delta))
                : (long) Math.ceil(Math.abs((limit - start) / delta));
        Tensor out = ctx.allocate(t, Shape.of(n));
        Object o = out.array();
        int m = (int) n;
        if (o instanceof float[] a) {
            float fs = (float) start;
            float fd = (float) delta;
            for (int i = 0; i < m; i++) {
                a[i] = fs + i * fd;
            }
        } else if (o instanceof double[] a) {
            for (int i = 0; i < m; i++) {
                a[i] = start + i * delta;
            }
        } else if (o instanceof int[] a) {
            int is = (int) start;
            int id = (int) delta;
            for (int i = 0; i < m; i++) {
                a[i] = is + i * id;
            }
        } else if (o instanceof long[] a) {
            long ls = (long) start;
            long ld = (long) delta;
            for (int i = 0; i < m; i++) {
                a[i] = ls + i * ld;
            }
        } else {
            throw new InvalidArgumentException("Range does not support dtype " + t);
        }
        ctx.setOutput(0, out);
    }

    /** For each shape, where its piece starts in the concatenation along {@code concat_dim}: 0 elsewhere. */
    private static void concatOffset(dev.tensorgraph.kernel.KernelContext ctx) {
        int n = ctx.numInputs() - 1;
        Tensor dimT = ctx.input(0);
        if (dimT.dtype() != DType.INT32 || dimT.numElements() != 1) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("Concat dim tensor should be a scalar integer, "
                    + "but got shape " + dimT.shape());
        }
        Tensor first = ctx.input(1);
        int rank = first.numElements();
        int dim = ((int[]) dimT.array())[0];
        int axis = dim < 0 ? dim + rank : dim;
        if (axis < 0 || axis >= rank) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("Concat dim is out of range: " + dim + " vs. "
                    + rank);
        }
        long[] base = toLongs(first);
        long offset = 0;
        for (int i = 0; i < n; i++) {
            Tensor s = ctx.input(1 + i);
            long[] dims = toLongs(s);
            if (dims.length != rank) {
                throw new dev.tensorgraph.errors.InvalidArgumentException("input " + i + " should contain " + rank
                        + " elements, but got " + dims.length);
            }
            for (int k = 0; k < rank; k++) {
                if (k != axis && dims[k] != base[k]) {
                    throw new dev.tensorgraph.errors.InvalidArgumentException("All dimensions except " + axis
                            + " must match. Input " + i + " has shape " + java.util.Arrays.toString(dims)
                            + " and doesn't match input 0 with shape " + java.util.Arrays.toString(base) + ".");
                }
            }
            Tensor out = ctx.allocateZeroed(s.dtype(), s.shape());
            if (s.dtype() == DType.INT32) {
                ((int[]) out.array())[axis] = (int) offset;
            } else {
                ((long[]) out.array())[axis] = offset;
            }
            ctx.setOutput(i, out);
            offset += dims[axis];
        }
    }

    private static long[] toLongs(Tensor t) {
        double[] d = t.toDoubles();
        long[] l = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            l[i] = (long) d[i];
        }
        return l;
    }
}
