package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * GPU kernels of the convolutional-network ops: Conv2D and its backprops on cuDNN ({@link ConvGpuKernels}),
 * max and average pooling with gradients ({@link PoolGpuKernels}), fused batch normalization on cuDNN
 * ({@link BatchNormGpuKernels}), and a convolution fused with its bias and activation ({@link FusedConvGpuKernels}).
 */
public final class DnnGpuKernels implements DeviceKernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        ConvGpuKernels.register(r);
        PoolGpuKernels.register(r);
        BatchNormGpuKernels.register(r);
        FusedConvGpuKernels.register(r);
    }
}
