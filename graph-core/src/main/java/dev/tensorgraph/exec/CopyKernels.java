package dev.tensorgraph.exec;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.kernel.Kernel;

/** The kernels of the copy steps the planner inserts between host and device memory. */
final class CopyKernels {
    static final Kernel UPLOAD = ctx -> {
        Tensor src = ctx.input(0);
        DeviceTensor dst = ctx.allocateOnDevice(src.dtype(), src.shape());
        ctx.device().upload(src, dst);
        ctx.setOutput(0, dst);
    };

    static final Kernel DOWNLOAD = ctx -> ctx.setOutput(0, ctx.device().download(ctx.deviceInput(0)));

    private CopyKernels() {}
}
