package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.args.GatherAxes;

/** GatherV2/Gather and OneHot on the GPU: the index values stay in device memory, shapes come from the host. */
final class LayoutIndexing {
    private LayoutIndexing() {}

    /**
     * {@code out[b, o, i, k] = params[b, o, indices[b, i], k]}: b over the batch dimensions, o over the others
     * before the axis, i over the indices of one batch entry, k over the dimensions after the axis.
     */
    static void gather(KernelContext ctx, String indexTag, long axisArg, long batchDimsArg) {
        String what = LayoutHostArgs.describe(ctx);
        DeviceTensor params = ctx.deviceInput(0);
        DeviceTensor indices = ctx.deviceInput(1);
        long[] p = params.shape().dims();
        long[] id = indices.shape().dims();
        GatherAxes g = GatherAxes.of(what + ": ", params.shape(), indices.shape(), axisArg, batchDimsArg);
        int axis = g.axis();
        int batchDims = g.batchDims();
        long outerPerBatch = LayoutGpuKernels.product(p, batchDims, axis);
        long inner = LayoutGpuKernels.product(p, axis + 1, p.length);
        long perBatch = LayoutGpuKernels.product(id, batchDims, id.length);
        DeviceTensor out = ctx.allocateOnDevice(params.dtype(), g.outShape());
        long n = out.numElements();
        if (n > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            String name = "gather_w" + params.dtype().byteSize() + "_" + indexTag;
            dev.launch1d(dev.function(LayoutSources.LAYOUT, name), n, params, indices, out, n, p[axis], perBatch, inner,
                    outerPerBatch);
        }
        ctx.setOutput(0, out);
    }

    /** {@code out[p, j, s] = indices[p, s] == j ? on : off}, j over {@code depth} inserted at {@code axisAttr}. */
    static void oneHot(KernelContext ctx, String indexTag, long axisAttr) {
        String what = LayoutHostArgs.describe(ctx);
        DeviceTensor indices = ctx.deviceInput(0);
        long depth = LayoutHostArgs.scalar(ctx, ctx.input(1), "depth");
        DeviceTensor on = ctx.deviceInput(2);
        DeviceTensor off = ctx.deviceInput(3);
        if (depth < 0) {
            throw new InvalidArgumentException(what + ": depth must be non-negative, got: " + depth);
        }
        if (on.numElements() != 1 || off.numElements() != 1) {
            throw new InvalidArgumentException(what + ": on_value and off_value must be scalars, got shapes "
                    + on.shape() + " and " + off.shape());
        }
        long[] id = indices.shape().dims();
        int axis = axisAttr == -1 ? id.length : (int) axisAttr;
        if (axis < 0 || axis > id.length) {
            throw new InvalidArgumentException(what + ": Expected axis to be -1 or between [0, " + id.length
                    + "), but received: " + axisAttr);
        }
        long[] od = new long[id.length + 1];
        System.arraycopy(id, 0, od, 0, axis);
        od[axis] = depth;
        System.arraycopy(id, axis, od, axis + 1, id.length - axis);
        long suffix = LayoutGpuKernels.product(id, axis, id.length);
        DeviceTensor out = ctx.allocateOnDevice(on.dtype(), Shape.of(od));
        long n = out.numElements();
        if (n > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            String name = "one_hot_w" + on.dtype().byteSize() + "_" + indexTag;
            dev.launch1d(dev.function(LayoutSources.LAYOUT, name), n, indices, on, off, out, n, depth, suffix);
        }
        ctx.setOutput(0, out);
    }
}
