package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.cuda.CudaSource;
import dev.tensorgraph.kernel.FusedKernelFactory;
import dev.tensorgraph.kernel.FusionPattern;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * Fused GPU kernels: BiasAdd then Relu or Relu6 (NHWC or NCHW; float32, bfloat16, float16), ReluGrad with the
 * BiasAddGrad of its result (NHWC, float32), and the float32 BiasAddGrad of a 16-bit gradient cast to float32
 * (NHWC), the form mixed precision gives each layer's bias gradient. Each saves a pass over an activation-sized tensor, which for AlexNet's convolutions is a
 * few hundred megabytes a step.
 */
final class FusedBiasGpuKernels {
    private static final String GPU = KernelRegistry.GPU;
    /** Enough blocks for the part kernel to keep every SM of an H100 or H200 busy. */
    private static final long TARGET_BLOCKS = 2048;
    private static final long MAX_GRID_Y = 65535;

    private FusedBiasGpuKernels() {}

    static void register(KernelRegistry r) {
        r.registerFused(GPU, FusionPattern.of("BiasAdd", "Relu"), FusedKernelFactory.withHalfPrecision((biasAdd, relu) -> {
            DType t = biasAdd.attrType("T");
            if (t != relu.attrType("T") || (t != DType.FLOAT32 && !t.isHalfPrecision())) {
                throw new UnimplementedException("fused BiasAdd and Relu take float32, bfloat16 or float16 only");
            }
            boolean nchw = "NCHW".equals(biasAdd.attrString("data_format"));
            return ctx -> biasRelu(ctx, nchw, t);
        }));
        r.registerFused(GPU, FusionPattern.of("BiasAdd", "Relu6"), FusedKernelFactory.withHalfPrecision((biasAdd, relu6) -> {
            DType t = biasAdd.attrType("T");
            if (t != relu6.attrType("T") || (t != DType.FLOAT32 && !t.isHalfPrecision())) {
                throw new UnimplementedException("fused BiasAdd and Relu6 take float32, bfloat16 or float16 only");
            }
            boolean nchw = "NCHW".equals(biasAdd.attrString("data_format"));
            return ctx -> {
                DeviceTensor value = ctx.deviceInput(0);
                DeviceTensor out = ctx.allocateOnDevice(t, value.shape());
                BiasActivation.apply(ctx, value, ctx.deviceInput(1), null, out, nchw, ConvEpilogueSources.RELU6);
                ctx.setOutput(0, out);
            };
        }));
        r.registerFused(GPU, FusionPattern.of("Cast", "BiasAddGrad"), FusedKernelFactory.withHalfPrecision((cast, biasGrad) -> {
            DType from = cast.attrType("SrcT");
            if (!from.isHalfPrecision() || cast.attrType("DstT") != DType.FLOAT32
                    || "NCHW".equals(biasGrad.attrString("data_format"))) {
                throw new UnimplementedException("fused Cast and BiasAddGrad take a 16-bit NHWC gradient cast to float32 only");
            }
            return ctx -> widenedBiasGrad(ctx, biasGrad, from);
        }));
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

    private static void biasRelu(KernelContext ctx, boolean nchw, DType t) {
        DeviceTensor value = ctx.deviceInput(0);
        DeviceTensor bias = ctx.deviceInput(1);
        long[] layout = NnGpuKernels.checkedBiasLayout(ctx, value, bias, nchw);
        DeviceTensor out = ctx.allocateOnDevice(t, value.shape());
        long n = out.numElements();
        if (n > 0 && t.isHalfPrecision()) {
            CudaDevice dev = CudaDevice.of(ctx);
            long channels = layout[1];
            String sfx = HalfFloatCodecs.suffix(t);
            if (layout[2] == 1 && channels % 8 == 0 && n / 8 < Integer.MAX_VALUE
                    && value.address() % 16 == 0 && bias.address() % 16 == 0 && out.address() % 16 == 0) {
                dev.launch1d(dev.function(FusedBiasSources.FUSED_BIAS_HALF, "bias_relu_v8_" + sfx), n / 8, value, bias,
                        out, (int) (n / 8), (int) (channels / 8));
            } else {
                dev.launch1d(dev.function(FusedBiasSources.FUSED_BIAS_HALF, "bias_relu_" + sfx), n, value, bias, out, n,
                        channels, layout[2]);
            }
        } else if (n > 0) {
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
        DeviceTensor dx = ctx.allocateOnDevice(DType.FLOAT32, g.shape());
        DeviceTensor db = columnSums(ctx, g, FusedBiasSources.FUSED_BIAS, "relu_grad_bias_part_f32",
                (partial, rows, channels, rowsPerChunk) -> new Object[] {g, y, dx, partial, rows, channels, rowsPerChunk});
        ctx.setOutput(0, dx);
        ctx.setOutput(1, db);
    }

    /** Cast (16-bit to float32) then BiasAddGrad: the float32 per-channel sums of the 16-bit NHWC gradient. */
    private static void widenedBiasGrad(KernelContext ctx, Operation biasGrad, DType from) {
        DeviceTensor g = ctx.deviceInput(0);
        if (g.shape().rank() < 2) {
            throw new InvalidArgumentException("'" + biasGrad.name() + "' (BiasAddGrad): value must be at least 2-D, got "
                    + "shape " + g.shape());
        }
        DeviceTensor db = columnSums(ctx, g, FusedBiasSources.FUSED_BIAS_HALF, "bias_grad_part_" + HalfFloatCodecs.suffix(from),
                (partial, rows, channels, rowsPerChunk) -> new Object[] {g, partial, rows, channels, rowsPerChunk});
        ctx.setOutput(0, db);
    }

    /** The arguments of a column-sum part kernel writing {@code partial}. */
    private interface PartArguments {
        Object[] of(DeviceBuffer partial, long rows, long channels, long rowsPerChunk);
    }

    /**
     * The float32 sums over the rows of {@code g} seen as [rows, channels]: the part kernel {@code part} (blocks of
     * 32 columns by {@link FusedBiasSources#PART_ROWS} threads) sums chunks of rows, in parallel, and a fold adds
     * the chunks in a fixed order.
     */
    private static DeviceTensor columnSums(KernelContext ctx, DeviceTensor g, CudaSource source, String part,
                                           PartArguments args) {
        long channels = g.shape().size(g.shape().rank() - 1);
        long rows = channels == 0 ? 0 : g.numElements() / channels;
        CudaDevice dev = CudaDevice.of(ctx);
        DeviceTensor db = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(channels));
        if (rows == 0) {
            if (channels > 0) {
                dev.zero(db);
            }
            return db;
        }
        long columnTiles = (channels + 31) / 32;
        long chunks = Math.min(Math.min((rows + 63) / 64, Math.max(1, TARGET_BLOCKS / columnTiles)), MAX_GRID_Y);
        long rowsPerChunk = (rows + chunks - 1) / chunks;
        chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        DeviceBuffer partial = chunks == 1 ? null : dev.scratch(chunks * channels * 4);
        dev.launch(dev.function(source, part), (int) columnTiles, (int) chunks, 1, 32, FusedBiasSources.PART_ROWS, 1, 0,
                args.of(partial == null ? db.buffer() : partial, rows, channels, rowsPerChunk));
        if (partial != null) {
            int grid = (int) Math.min(channels, 1 << 16);
            dev.launch(dev.function(FusedBiasSources.FUSED_BIAS, "bias_grad_fold_f32"), grid, 1, 1,
                    FusedBiasSources.FOLD_THREADS, 1, 1, 0, partial, db, chunks, channels);
            dev.release(partial);
        }
        return db;
    }
}
