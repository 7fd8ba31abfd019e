package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.FusionPattern;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * Fused GPU kernels (float32): BiasAdd then Relu (NHWC or NCHW), and ReluGrad with the BiasAddGrad of its
 * result (NHWC). Each saves a pass over an activation-sized tensor, which for AlexNet's convolutions is a
 * few hundred megabytes a step.
 */
final class FusedBiasGpuKernels {
    private static final String GPU = KernelRegistry.GPU;
    /** Enough blocks for the part kernel to keep every SM of an H100 or H200 busy. */
    private static final long TARGET_BLOCKS = 2048;
    private static final long MAX_GRID_Y = 65535;

    private FusedBiasGpuKernels() {}

    static void register(KernelRegistry r) {
        r.registerFused(GPU, FusionPattern.of("BiasAdd", "Relu"), (biasAdd, relu) -> {
            float32(biasAdd, relu);
            boolean nchw = "NCHW".equals(biasAdd.attrString("data_format"));
            return ctx -> biasRelu(ctx, nchw);
        });
        r.registerFused(GPU, FusionPattern.of("ReluGrad", "BiasAddGrad").keepingProducerOutputs(), (reluGrad, biasGrad) -> {
            float32(reluGrad, biasGrad);
            if ("NCHW".equals(biasGrad.attrString("data_format"))) {
                throw new UnimplementedException("fused ReluGrad and BiasAddGrad take NHWC only");
            }
            return ctx -> reluBiasGrad(ctx, reluGrad, biasGrad);
        });
    }

    private static void float32(Operation a, Operation b) {
        if (a.attrType("T") != DType.FLOAT32 || b.attrType("T") != DType.FLOAT32) {
            throw new UnimplementedException("fused " + a.type() + " and " + b.type() + " take float32 only");
        }
    }

    private static void biasRelu(KernelContext ctx, boolean nchw) {
        DeviceTensor value = ctx.deviceInput(0);
        DeviceTensor bias = ctx.deviceInput(1);
        long[] layout = NnGpuKernels.checkedBiasLayout(ctx, value, bias, nchw);
        DeviceTensor out = ctx.allocateOnDevice(DType.FLOAT32, value.shape());
        long n = out.numElements();
        if (n > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            long channels = layout[1];
            if (layout[2] == 1 && channels % 4 == 0 && n / 4 < Integer.MAX_VALUE
                    && value.address() % 16 == 0 && bias.address() % 16 == 0 && out.address() % 16 == 0) {
                dev.launch1d(dev.function(FusedBiasSources.FUSED_BIAS, "bias_relu_v4_f32"), n / 4, value, bias, out,
                        (int) (n / 4), (int) (channels / 4));
            } else {
                dev.launch1d(dev.function(FusedBiasSources.FUSED_BIAS, "bias_relu_f32"), n, value, bias, out, n,
                        channels, layout[2]);
            }
        }
        ctx.setOutput(0, out);
    }

    private static void reluBiasGrad(KernelContext ctx, Operation reluGrad, Operation biasGrad) {
        DeviceTensor g = ctx.deviceInput(0);
        DeviceTensor y = ctx.deviceInput(1);
        if (!g.shape().equals(y.shape())) {
            throw new InvalidArgumentException("'" + reluGrad.name() + "' (ReluGrad): Incompatible shapes: " + g.shape()
                    + " vs. " + y.shape());
        }
        if (g.shape().rank() < 2) {
            throw new InvalidArgumentException("'" + biasGrad.name() + "' (BiasAddGrad): value must be at least 2-D, got "
                    + "shape " + g.shape());
        }
        long channels = g.shape().size(g.shape().rank() - 1);
        long rows = channels == 0 ? 0 : g.numElements() / channels;
        CudaDevice dev = CudaDevice.of(ctx);
        DeviceTensor dx = ctx.allocateOnDevice(DType.FLOAT32, g.shape());
        DeviceTensor db = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(channels));
        if (rows == 0) {
            if (channels > 0) {
                dev.zero(db);
            }
        } else {
            long columnTiles = (channels + 31) / 32;
            long chunks = Math.min(Math.min((rows + 63) / 64, Math.max(1, TARGET_BLOCKS / columnTiles)), MAX_GRID_Y);
            long rowsPerChunk = (rows + chunks - 1) / chunks;
            chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
            DeviceBuffer partial = chunks == 1 ? null : dev.scratch(chunks * channels * 4);
            dev.launch(dev.function(FusedBiasSources.FUSED_BIAS, "relu_grad_bias_part_f32"), (int) columnTiles,
                    (int) chunks, 1, 32, FusedBiasSources.PART_ROWS, 1, 0, g, y, dx, partial == null ? db : partial,
                    rows, channels, rowsPerChunk);
            if (partial != null) {
                int grid = (int) Math.min(channels, 1 << 16);
                dev.launch(dev.function(FusedBiasSources.FUSED_BIAS, "bias_grad_fold_f32"), grid, 1, 1,
                        FusedBiasSources.FOLD_THREADS, 1, 1, 0, partial, db, chunks, channels);
                dev.release(partial);
            }
        }
        ctx.setOutput(0, dx);
        ctx.setOutput(1, db);
    }
}
