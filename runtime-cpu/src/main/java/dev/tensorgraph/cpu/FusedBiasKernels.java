package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.FusionPattern;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * Fused CPU kernels for float32 channels-last data: BiasAdd then Relu in one pass, and ReluGrad with the
 * BiasAddGrad of its result in one pass. Each gives the same bits as the two ops run apart: the same
 * operations in the same order, only without storing and re-reading the value between them.
 */
public final class FusedBiasKernels implements KernelLibrary {
    /** A layer's bias and its activation: one pass over every conv and dense output instead of two. */
    private static final FusionPattern BIAS_RELU = FusionPattern.of("BiasAdd", "Relu");
    /**
     * The activation's gradient and the bias gradient summed from it; the activation gradient is kept, as the
     * layer's weight and input gradients read it too.
     */
    private static final FusionPattern RELU_GRAD_BIAS_GRAD = FusionPattern.of("ReluGrad", "BiasAddGrad")
            .keepingProducerOutputs();

    @Override
    public void register(KernelRegistry r) {
        r.registerFused(KernelRegistry.CPU, BIAS_RELU, (biasAdd, relu) -> {
            requireChannelsLastFloat(biasAdd, relu);
            return ctx -> biasRelu(ctx);
        });
        r.registerFused(KernelRegistry.CPU, RELU_GRAD_BIAS_GRAD, (reluGrad, biasGrad) -> {
            requireChannelsLastFloat(biasGrad, reluGrad);
            return ctx -> reluBiasGrad(ctx, reluGrad, biasGrad);
        });
    }

    private static void requireChannelsLastFloat(Operation biasOp, Operation other) {
        if ("NCHW".equals(biasOp.attrString("data_format")) || biasOp.attrType("T") != DType.FLOAT32
                || other.attrType("T") != DType.FLOAT32) {
            throw new UnimplementedException("fused " + biasOp.type() + " and " + other.type()
                    + " on the CPU take float32 NHWC only");
        }
    }

    private static void biasRelu(KernelContext ctx) {
        Tensor v = ctx.input(0);
        Tensor b = ctx.input(1);
        int[] l = ActivationKernels.checkBias(v, b, false);
        Tensor out = ctx.allocate(DType.FLOAT32, v.shape());
        ActivationKernels.biasAddRows((float[]) v.array(), (float[]) b.array(), (float[]) out.array(), l[0], l[1],
                ctx.intraOpThreads(), true);
        ctx.setOutput(0, out);
    }

    private static void reluBiasGrad(KernelContext ctx, Operation reluGrad, Operation biasGrad) {
        Tensor g = ctx.input(0);
        Tensor y = ctx.input(1);
        if (!g.shape().equals(y.shape())) {
            throw new InvalidArgumentException(reluGrad.name() + " (ReluGrad): Incompatible shapes: " + g.shape()
                    + " vs. " + y.shape());
        }
        int[] l;
        try {
            l = ActivationKernels.biasLayout(g.shape(), false);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(biasGrad.name() + " (BiasAddGrad): " + e.getMessage());
        }
        int rows = l[0];
        int c = l[1];
        Tensor dx = ctx.allocate(DType.FLOAT32, g.shape());
        float[] ga = (float[]) g.array();
        float[] ya = (float[]) y.array();
        float[] da = (float[]) dx.array();
        double[] sums;
        if ((long) rows * c <= ChannelTiles.TILE_FLOATS) {
            reluGrad(ga, 0, ya, 0, da, 0, da.length);
            sums = ActivationKernels.biasGradRows(da, rows, c, ctx.intraOpThreads());
        } else {
            sums = reluBiasGradRows(ga, ya, da, rows, c, ctx.intraOpThreads());
        }
        Tensor db = ctx.allocate(DType.FLOAT32, Shape.of(c));
        float[] o = (float[]) db.array();
        for (int j = 0; j < c; j++) {
            o[j] = (float) sums[j];
        }
        ctx.setOutput(0, dx);
        ctx.setOutput(1, db);
    }

    /**
     * ReluGrad of {@code [rows, c]} into {@code dx} and its per-channel sums, summed as
     * {@link ActivationKernels#biasGradRows} sums, so they round exactly as that one's over dx: where the
     * channels fill whole vectors, one vector pass that sums each row as it writes it
     * ({@link ReluGradVectors#applyWithChannelSums}) or, where that is slower, a vector pass of ReluGrad and then
     * its vector sums; otherwise tile by tile, each tile's ReluGrad summed as it is made.
     */
    static double[] reluBiasGradRows(float[] g, float[] y, float[] dx, int rows, int c, int threads) {
        if (Gemm.vectorApiAvailable() && BatchNormVectors.applies(c)) {
            if (ReluGradVectors.sumsInOnePass(c)) {
                return ReluGradVectors.applyWithChannelSums(g, y, dx, rows, c, threads);
            }
            int n = rows * c;
            Parallel.forRange((n + 15) / 16, threads, n, (l0, l1) -> {
                int from = l0 * 16;
                ReluGradVectors.apply(g, from, y, from, dx, from, Math.min(n, l1 * 16) - from);
            });
            return BatchNormFloatPath.channelSums(dx, rows, c, null, threads);
        }
        int tileFloats = ChannelTiles.tileRows(c, rows) * c;
        return ChannelTiles.sums(rows, c, threads, () -> {
            float[] f = Gemm.vectorApiAvailable() ? null : new float[tileFloats];
            return (offset, s, len) -> {
                if (Gemm.vectorApiAvailable()) {
                    ReluGradVectors.apply(g, offset, y, offset, s, 0, len);
                } else {
                    System.arraycopy(g, offset, s, 0, len);
                    System.arraycopy(y, offset, f, 0, len);
                    reluGrad(s, 0, f, 0, s, 0, len);
                }
                System.arraycopy(s, 0, dx, offset, len);
            };
        });
    }

    /** ReluGrad of {@code n} elements: with the vector API where the JVM has it (same bits), else bit masks. */
    private static void reluGrad(float[] g, int go, float[] y, int yo, float[] out, int oo, int n) {
        if (Gemm.vectorApiAvailable()) {
            ReluGradVectors.apply(g, go, y, yo, out, oo, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            out[oo + i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[go + i]) & BinaryLoops.positiveMask(y[yo + i]));
        }
    }
}
