package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.SplitSizes;

/**
 * GPU Split and SplitV (the gradient of ConcatV2): each output is one column block of the input seen as
 * [outer, axis * inner], copied with one strided-rows launch. Split sizes and the axis are host-memory
 * inputs, as in TensorFlow.
 */
final class LayoutSplitKernels {
    private LayoutSplitKernels() {}

    static void register(KernelRegistry r) {
        r.register(KernelRegistry.GPU, "Split", LayoutGpuKernels.movingWords(KernelFactory.withHostMemory(op -> {
            checkMovable(op, 1);
            int num = op.attrInt("num_split");
            return ctx -> {
                DeviceTensor x = ctx.deviceInput(1);
                int axis = LayoutHostArgs.normalizeAxis(ctx, LayoutHostArgs.longs(ctx, ctx.input(0), "split_dim")[0],
                        x.shape().rank());
                split(ctx, x, axis, SplitSizes.even(x.shape().size(axis), num, axis));
            };
        }, new int[] {0}, new int[0])));
        r.register(KernelRegistry.GPU, "SplitV", LayoutGpuKernels.movingWords(KernelFactory.withHostMemory(op -> {
            checkMovable(op, 0);
            int num = op.attrInt("num_split");
            return ctx -> {
                DeviceTensor x = ctx.deviceInput(0);
                int axis = LayoutHostArgs.normalizeAxis(ctx, LayoutHostArgs.longs(ctx, ctx.input(2), "split_dim")[0],
                        x.shape().rank());
                split(ctx, x, axis, SplitSizes.resolve(LayoutHostArgs.longs(ctx, ctx.input(1), "size_splits"), num,
                        x.shape().size(axis), x.shape()));
            };
        }, new int[] {1, 2}, new int[0])));
    }

    private static void checkMovable(Operation op, int dataInput) {
        if (op.input(dataInput).dtype().byteSize() <= 0) {
            throw LayoutHostArgs.noKernel(op, op.input(dataInput).dtype());
        }
    }

    private static void split(KernelContext ctx, DeviceTensor x, int axis, long[] sizes) {
        long[] dims = x.shape().dims();
        long outer = LayoutGpuKernels.product(dims, 0, axis);
        long inner = LayoutGpuKernels.product(dims, axis + 1, dims.length);
        long row = dims[axis] * inner;
        CudaDevice dev = CudaDevice.of(ctx);
        long column = 0;
        for (int i = 0; i < sizes.length; i++) {
            long[] partDims = dims.clone();
            partDims[axis] = sizes[i];
            DeviceTensor out = ctx.allocateOnDevice(x.dtype(), Shape.of(partDims));
            LayoutCopies.copyRows(dev, x, out, outer, sizes[i] * inner, row, column, sizes[i] * inner, 0);
            ctx.setOutput(i, out);
            column += sizes[i] * inner;
        }
    }
}
