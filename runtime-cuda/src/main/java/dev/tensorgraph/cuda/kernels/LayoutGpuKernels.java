package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.ConcatShapes;
import dev.tensorgraph.op.StridedSliceSpec;
import java.util.Arrays;

/**
 * GPU kernels of the array-layout ops, registered by {@link NnGpuKernels}: Transpose, ConcatV2, Pack,
 * Unpack, Slice, StridedSlice, Tile, GatherV2/Gather and OneHot, for every dtype but string (kernels go
 * by element width). Axes, perms, begin/size, multiples and depth are host-memory inputs. A gather index
 * out of range gives zeros (TensorFlow's GPU behaviour; the CPU kernel fails, which a GPU kernel cannot do
 * without waiting for the device).
 */
final class LayoutGpuKernels {
    private static final String GPU = KernelRegistry.GPU;

    private LayoutGpuKernels() {}

    static void register(KernelRegistry r) {
        LayoutSplitKernels.register(r);
        r.register(GPU, "Transpose", movingWords(host(op -> {
            movable(op, op.input(0).dtype());
            return LayoutGpuKernels::transpose;
        }, 1)));
        r.register(GPU, "ConcatV2", movingWords(new KernelFactory() {
            @Override
            public Kernel create(Operation op) {
                movable(op, op.attrType("T"));
                return LayoutGpuKernels::concatV2;
            }

            @Override
            public boolean inputOnHost(Operation op, int i) {
                return i == op.numInputs() - 1;
            }
        }));
        r.register(GPU, "Pack", movingWords(op -> {
            movable(op, op.attrType("T"));
            long axis = op.attrLong("axis");
            return ctx -> pack(ctx, axis);
        }));
        r.register(GPU, "Unpack", movingWords(op -> {
            movable(op, op.attrType("T"));
            int num = op.attrInt("num");
            long axis = op.attrLong("axis");
            return ctx -> unpack(ctx, num, axis);
        }));
        r.register(GPU, "Slice", movingWords(host(op -> {
            movable(op, op.input(0).dtype());
            return LayoutGpuKernels::slice;
        }, 1, 2)));
        r.register(GPU, "StridedSlice", movingWords(host(op -> {
            movable(op, op.input(0).dtype());
            long[] masks = {op.attrLong("begin_mask"), op.attrLong("end_mask"), op.attrLong("ellipsis_mask"),
                op.attrLong("new_axis_mask"), op.attrLong("shrink_axis_mask")};
            return ctx -> stridedSlice(ctx, masks);
        }, 1, 2, 3)));
        r.register(GPU, "Tile", movingWords(host(op -> {
            movable(op, op.input(0).dtype());
            return LayoutGpuKernels::tile;
        }, 1)));
        r.register(GPU, "GatherV2", movingWords(host(op -> {
            movable(op, op.input(0).dtype());
            String index = indexTag(op, op.input(1).dtype());
            long batchDims = op.attrLong("batch_dims");
            return ctx -> LayoutIndexing.gather(ctx, index,
                    LayoutHostArgs.scalar(ctx, ctx.input(2), "axis"), batchDims);
        }, 2)));
        r.register(GPU, "Gather", movingWords(op -> {
            movable(op, op.input(0).dtype());
            String index = indexTag(op, op.input(1).dtype());
            return ctx -> LayoutIndexing.gather(ctx, index, 0, 0);
        }));
        r.register(GPU, "OneHot", host(op -> {
            movable(op, op.attrType("T"));
            String index = indexTag(op, op.input(0).dtype());
            long axis = op.attrLong("axis");
            return ctx -> LayoutIndexing.oneHot(ctx, index, axis);
        }, 1));
    }

    /**
     * {@code f}, declared to take bfloat16 and float16 values itself: the layout kernels move words of the element
     * size and never look at the values, so widening them to float32 (a cast of each tensor up and back) would
     * only cost time.
     */
    static KernelFactory movingWords(KernelFactory f) {
        return KernelFactory.adapting(f, f, true);
    }

    private static KernelFactory host(KernelFactory f, int... hostInputs) {
        return KernelFactory.withHostMemory(f, hostInputs, new int[0]);
    }

    /** Accepts the dtypes whose elements the layout kernels move: all but string. */
    private static void movable(Operation op, DType t) {
        if (t == DType.STRING || t.byteSize() <= 0) {
            throw LayoutHostArgs.noKernel(op, t);
        }
    }

    private static String indexTag(Operation op, DType t) {
        if (t == DType.INT32) {
            return "i32";
        }
        if (t == DType.INT64) {
            return "i64";
        }
        throw LayoutHostArgs.noKernel(op, t);
    }

    private static void transpose(KernelContext ctx) {
        DeviceTensor x = ctx.deviceInput(0);
        long[] perm = LayoutHostArgs.longs(ctx, ctx.input(1), "perm");
        long[] dims = x.shape().dims();
        int rank = dims.length;
        if (perm.length != rank) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": transpose expects a vector of size "
                    + rank + ". But input(1) is a vector of size " + perm.length);
        }
        boolean[] seen = new boolean[rank];
        boolean identity = true;
        int[] p = new int[rank];
        long[] outDims = new long[rank];
        for (int i = 0; i < rank; i++) {
            if (perm[i] < 0 || perm[i] >= rank || seen[(int) perm[i]]) {
                throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": " + perm[i]
                        + " is out of range or duplicated in perm " + Arrays.toString(perm));
            }
            seen[(int) perm[i]] = true;
            identity &= perm[i] == i;
            p[i] = (int) perm[i];
            outDims[i] = dims[p[i]];
        }
        if (identity) {
            ctx.setOutput(0, x);
            return;
        }
        DeviceTensor out = ctx.allocateOnDevice(x.dtype(), Shape.of(outDims));
        if (out.numElements() > 0) {
            LayoutCopies.transpose(CudaDevice.of(ctx), LayoutHostArgs.describe(ctx), x, p, out);
        }
        ctx.setOutput(0, out);
    }

    private static void concatV2(KernelContext ctx) {
        int n = ctx.numInputs() - 1;
        DeviceTensor[] parts = new DeviceTensor[n];
        for (int i = 0; i < n; i++) {
            parts[i] = ctx.deviceInput(i);
        }
        ctx.setOutput(0, concat(ctx, parts, LayoutHostArgs.scalar(ctx, ctx.input(n), "axis"), false));
    }

    private static void pack(KernelContext ctx, long axis) {
        DeviceTensor[] parts = new DeviceTensor[ctx.numInputs()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = ctx.deviceInput(i);
        }
        ctx.setOutput(0, concat(ctx, parts, axis, true));
    }

    /** Joins the parts along {@code axisArg}; {@code stack} gives each part a new axis of size 1 there first. */
    private static DeviceTensor concat(KernelContext ctx, DeviceTensor[] parts, long axisArg, boolean stack) {
        String what = LayoutHostArgs.describe(ctx);
        long[] first = parts[0].shape().dims();
        int rank = first.length + (stack ? 1 : 0);
        int axis = LayoutHostArgs.normalizeAxis(ctx, axisArg, rank);
        Shape[] shapes = new Shape[parts.length];
        DType[] dtypes = new DType[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shapes[i] = parts[i].shape();
            dtypes[i] = parts[i].dtype();
        }
        ConcatShapes joined = ConcatShapes.of(what + ": ", what + ": ", shapes, dtypes, axis, stack);
        long[][] dims = joined.parts();
        long[] od = joined.outShape().dims();
        long total = od[axis];
        if (parts.length == 1) {
            return parts[0].withShape(Shape.of(od));
        }
        long outer = product(od, 0, axis);
        long inner = product(od, axis + 1, rank);
        DeviceTensor out = ctx.allocateOnDevice(parts[0].dtype(), Shape.of(od));
        CudaDevice dev = CudaDevice.of(ctx);
        long rowLength = total * inner;
        long column = 0;
        for (int i = 0; i < parts.length; i++) {
            long length = dims[i][axis] * inner;
            LayoutCopies.copyRows(dev, parts[i], out, outer, length, length, 0, rowLength, column);
            column += length;
        }
        return out;
    }

    private static void unpack(KernelContext ctx, int num, long axisArg) {
        DeviceTensor x = ctx.deviceInput(0);
        long[] dims = x.shape().dims();
        int axis = LayoutHostArgs.normalizeAxis(ctx, axisArg, dims.length);
        if (dims[axis] != num) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": Input shape axis " + axis
                    + " must equal " + num + ", got shape " + x.shape());
        }
        long[] partDims = new long[dims.length - 1];
        System.arraycopy(dims, 0, partDims, 0, axis);
        System.arraycopy(dims, axis + 1, partDims, axis, dims.length - axis - 1);
        Shape partShape = Shape.of(partDims);
        if (num == 1) {
            ctx.setOutput(0, x.withShape(partShape));
            return;
        }
        long outer = product(dims, 0, axis);
        long inner = product(dims, axis + 1, dims.length);
        CudaDevice dev = CudaDevice.of(ctx);
        for (int i = 0; i < num; i++) {
            DeviceTensor out = ctx.allocateOnDevice(x.dtype(), partShape);
            LayoutCopies.copyRows(dev, x, out, outer, inner, num * inner, i * inner, inner, 0);
            ctx.setOutput(i, out);
        }
    }

    private static void slice(KernelContext ctx) {
        DeviceTensor x = ctx.deviceInput(0);
        long[] dims = x.shape().dims();
        long[] begin = LayoutHostArgs.longs(ctx, ctx.input(1), "begin");
        long[] size = LayoutHostArgs.longs(ctx, ctx.input(2), "size");
        if (begin.length != dims.length || size.length != dims.length) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": Expected begin and size arguments to be "
                    + "1-D tensors of size " + dims.length + ", but got shapes " + ctx.input(1).shape() + " and "
                    + ctx.input(2).shape() + " instead.");
        }
        long[] strides = LayoutHostArgs.strides(dims);
        long[] out = new long[dims.length];
        long offset = 0;
        for (int i = 0; i < dims.length; i++) {
            long s = size[i] == -1 ? dims[i] - begin[i] : size[i];
            if (begin[i] < 0 || s < 0 || begin[i] + s > dims[i]) {
                throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": Expected size[" + i + "] in [0, "
                        + (dims[i] - begin[i]) + "], but got " + size[i] + " (begin " + Arrays.toString(begin)
                        + ", input shape " + x.shape() + ")");
            }
            out[i] = s;
            offset += begin[i] * strides[i];
        }
        Shape os = Shape.of(out);
        if (os.equals(x.shape())) {
            ctx.setOutput(0, x);
            return;
        }
        DeviceTensor o = ctx.allocateOnDevice(x.dtype(), os);
        LayoutCopies.stridedCopy(CudaDevice.of(ctx), LayoutHostArgs.describe(ctx), x, offset, out, strides, o);
        ctx.setOutput(0, o);
    }

    private static void stridedSlice(KernelContext ctx, long[] m) {
        DeviceTensor x = ctx.deviceInput(0);
        long[] dims = x.shape().dims();
        StridedSliceSpec s;
        try {
            s = StridedSliceSpec.of(dims, LayoutHostArgs.longs(ctx, ctx.input(1), "begin"),
                    LayoutHostArgs.longs(ctx, ctx.input(2), "end"), LayoutHostArgs.longs(ctx, ctx.input(3), "strides"),
                    m[0], m[1], m[2], m[3], m[4]);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": " + e.getMessage() + " (input shape "
                    + x.shape() + ")");
        }
        long[] xs = LayoutHostArgs.strides(dims);
        long[] srcStrides = new long[dims.length];
        long offset = 0;
        boolean whole = true;
        for (int i = 0; i < dims.length; i++) {
            srcStrides[i] = s.stride()[i] * xs[i];
            offset += s.begin()[i] * xs[i];
            whole &= s.begin()[i] == 0 && s.stride()[i] == 1 && s.size()[i] == dims[i];
        }
        Shape finalShape = Shape.of(s.finalShape());
        if (whole) {
            ctx.setOutput(0, x.withShape(finalShape));
            return;
        }
        DeviceTensor o = ctx.allocateOnDevice(x.dtype(), finalShape);
        LayoutCopies.stridedCopy(CudaDevice.of(ctx), LayoutHostArgs.describe(ctx), x, offset, s.size(), srcStrides, o);
        ctx.setOutput(0, o);
    }

    private static void tile(KernelContext ctx) {
        DeviceTensor x = ctx.deviceInput(0);
        long[] multiples = LayoutHostArgs.longs(ctx, ctx.input(1), "multiples");
        long[] dims = x.shape().dims();
        if (multiples.length != dims.length) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": Expected multiples argument to be a "
                    + "vector of length " + dims.length + " but got length " + multiples.length);
        }
        long[] od = new long[dims.length];
        boolean same = true;
        for (int i = 0; i < dims.length; i++) {
            if (multiples[i] < 0) {
                throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": Expected multiples[" + i
                        + "] >= 0, but got " + multiples[i]);
            }
            od[i] = dims[i] * multiples[i];
            same &= multiples[i] == 1;
        }
        if (same) {
            ctx.setOutput(0, x);
            return;
        }
        DeviceTensor out = ctx.allocateOnDevice(x.dtype(), Shape.of(od));
        LayoutCopies.tile(CudaDevice.of(ctx), LayoutHostArgs.describe(ctx), x, dims, od, out);
        ctx.setOutput(0, out);
    }

    static long product(long[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }
}
