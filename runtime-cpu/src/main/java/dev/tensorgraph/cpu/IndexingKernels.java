package dev.tensorgraph.cpu;

import dev.tensorgraph.op.StridedSliceSpec;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Arrays;

/** CPU kernels of the indexing ops: Slice, StridedSlice, StridedSliceGrad, GatherV2, Gather. */
public final class IndexingKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "Slice", op -> IndexingKernels::slice);
        r.register(CPU, "StridedSlice", op -> {
            long[] m = masks(op);
            return ctx -> stridedSlice(ctx, m);
        });
        r.register(CPU, "StridedSliceGrad", op -> {
            long[] m = masks(op);
            return ctx -> stridedSliceGrad(ctx, m);
        });
        r.register(CPU, "GatherV2", op -> {
            long batchDims = op.attrLong("batch_dims");
            return ctx -> GatherKernel.gather(ctx, ArrayData.scalarLong(ctx.input(2), "axis"), batchDims);
        });
        r.register(CPU, "Gather", op -> ctx -> GatherKernel.gather(ctx, 0, 0));
    }

    private static long[] masks(dev.tensorgraph.Operation op) {
        return new long[] {op.attrLong("begin_mask"), op.attrLong("end_mask"), op.attrLong("ellipsis_mask"),
            op.attrLong("new_axis_mask"), op.attrLong("shrink_axis_mask")};
    }

    private static void slice(KernelContext ctx) {
        Tensor x = ctx.input(0);
        long[] dims = x.shape().dims();
        long[] begin = ArrayData.longs(ctx.input(1));
        long[] size = ArrayData.longs(ctx.input(2));
        if (begin.length != dims.length || size.length != dims.length) {
            throw new InvalidArgumentException("Expected begin and size arguments to be 1-D tensors of size "
                    + dims.length + ", but got shapes " + ctx.input(1).shape() + " and " + ctx.input(2).shape()
                    + " instead.");
        }
        int[] strides = ArrayData.strides(dims);
        int[] out = new int[dims.length];
        int off = 0;
        for (int i = 0; i < dims.length; i++) {
            long s = size[i] == -1 ? dims[i] - begin[i] : size[i];
            if (begin[i] < 0 || s < 0 || begin[i] + s > dims[i]) {
                throw new InvalidArgumentException("Expected size[" + i + "] in [0, " + (dims[i] - begin[i])
                        + "], but got " + size[i] + " (begin " + Arrays.toString(begin) + ", input shape " + x.shape() + ")");
            }
            out[i] = (int) s;
            off += (int) begin[i] * strides[i];
        }
        Shape os = Shape.ofInts(out);
        if (os.equals(x.shape())) {
            ctx.setOutput(0, x);
            return;
        }
        Tensor o = ctx.allocate(x.dtype(), os);
        StridedCopy.copy(x.array(), off, strides, o.array(), 0, ArrayData.strides(os.dims()), out);
        ctx.setOutput(0, o);
    }

    private static StridedSliceSpec spec(long[] dims, KernelContext ctx, long[] m) {
        try {
            return StridedSliceSpec.of(dims, ArrayData.longs(ctx.input(1)), ArrayData.longs(ctx.input(2)),
                    ArrayData.longs(ctx.input(3)), m[0], m[1], m[2], m[3], m[4]);
        } catch (dev.tensorgraph.errors.InvalidArgumentException e) {
            throw new InvalidArgumentException(e.getMessage() + " (input shape " + Shape.of(dims) + ")");
        }
    }

    private static void stridedSlice(KernelContext ctx, long[] m) {
        Tensor x = ctx.input(0);
        long[] dims = x.shape().dims();
        StridedSliceSpec s = spec(dims, ctx, m);
        int[] xs = ArrayData.strides(dims);
        int[] srcStrides = new int[dims.length];
        int[] size = new int[dims.length];
        int off = 0;
        for (int i = 0; i < dims.length; i++) {
            size[i] = (int) s.size()[i];
            srcStrides[i] = (int) (s.stride()[i] * xs[i]);
            off += (int) (s.begin()[i] * xs[i]);
        }
        Tensor o = ctx.allocate(x.dtype(), Shape.of(s.finalShape()));
        StridedCopy.copy(x.array(), off, srcStrides, o.array(), 0, ArrayData.strides(Shape.ofInts(size).dims()), size);
        ctx.setOutput(0, o);
    }

    private static void stridedSliceGrad(KernelContext ctx, long[] m) {
        Shape shape = ArrayData.shape(ctx.input(0), "shape");
        Tensor dy = ctx.input(4);
        long[] dims = shape.dims();
        StridedSliceSpec s = spec(dims, ctx, m);
        if (!Arrays.equals(s.finalShape(), dy.shape().dims())) {
            throw new InvalidArgumentException("shape of dy was " + dy.shape() + " instead of "
                    + Shape.of(s.finalShape()));
        }
        int[] xs = ArrayData.strides(dims);
        int[] dstStrides = new int[dims.length];
        int[] size = new int[dims.length];
        int off = 0;
        for (int i = 0; i < dims.length; i++) {
            size[i] = (int) s.size()[i];
            dstStrides[i] = (int) (s.stride()[i] * xs[i]);
            off += (int) (s.begin()[i] * xs[i]);
        }
        Tensor o = ctx.allocateZeroed(dy.dtype(), shape);
        StridedCopy.copy(dy.array(), 0, ArrayData.strides(Shape.ofInts(size).dims()), o.array(), off, dstStrides, size);
        ctx.setOutput(0, o);
    }
}
