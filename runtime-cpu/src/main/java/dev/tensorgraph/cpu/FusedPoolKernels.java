package dev.tensorgraph.cpu;

import dev.tensorgraph.kernel.FusionPattern;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * Fused CPU kernels of pooling: a max-pool's gradient and the ReluGrad of the Relu it pooled, whose features
 * are the pool's input, in one pass that also zeroes the cells whose input is not positive, instead of writing
 * the pool's gradient and reading it back with the activation. The same bits as the two ops run apart. (A
 * library of its own: one that registers fusions is loaded at start, the pooling kernels only when used.)
 */
public final class FusedPoolKernels implements KernelLibrary {
    private static final FusionPattern MAX_GRAD_RELU_GRAD = FusionPattern.of("MaxPoolGrad", "ReluGrad")
            .readingProducerInputs();

    @Override
    public void register(KernelRegistry r) {
        r.registerFused(KernelRegistry.CPU, MAX_GRAD_RELU_GRAD, PoolKernels::maxGradThenReluGrad);
    }
}
