package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;
import java.util.List;

/** Every NVRTC source of the cuDNN-side and fused NN kernels, for tests that compile them ahead of a GPU run. */
public final class DnnSourceCatalog {
    private DnnSourceCatalog() {}

    public static List<CudaSource> all() {
        return List.of(DnnSources.LAYOUT, PoolSources.POOL, PoolEightWideSources.POOL_EIGHT_WIDE, BatchNormSources.BATCH_NORM, FusedBiasSources.FUSED_BIAS,
                FusedBiasSources.FUSED_BIAS_HALF, ConvEpilogueSources.CONV_EPILOGUE);
    }
}
