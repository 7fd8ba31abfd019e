package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of BiasAdd/BiasAddGrad and the nn activations Relu6, Elu, LeakyRelu, Softplus with their
 * fused backward ops (float32 and float64).
 */
public final class ActivationKernels implements KernelLibrary {
    private static final int RELU6 = 0;
    private static final int ELU = 1;
    private static final int LEAKY = 2;
    private static final int SOFTPLUS = 3;

    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "BiasAdd", op -> {
            floatType(op);
            boolean nchw = "NCHW".equals(op.attrString("data_format"));
            return ctx -> biasAdd(ctx, nchw);
        });
        r.register(KernelRegistry.CPU, "BiasAddGrad", op -> {
            floatType(op);
            boolean nchw = "NCHW".equals(op.attrString("data_format"));
            return ctx -> biasAddGrad(ctx, nchw);
        });
        String[] fwd = {"Relu6", "Elu", "LeakyRelu", "Softplus"};
        String[] bwd = {"Relu6Grad", "EluGrad", "LeakyReluGrad", "SoftplusGrad"};
        for (int k = 0; k < fwd.length; k++) {
            int kind = k;
            r.register(KernelRegistry.CPU, fwd[k], op -> {
                floatType(op);
                float alpha = kind == LEAKY ? op.attrFloat("alpha") : 0f;
                return ctx -> forward(ctx, kind, alpha);
            });
            r.register(KernelRegistry.CPU, bwd[k], op -> {
                floatType(op);
                float alpha = kind == LEAKY ? op.attrFloat("alpha") : 0f;
                return ctx -> backward(ctx, kind, alpha);
            });
        }
    }

    /** Refuses a T other than float32 and float64 (the types these kernels have). */
    static void floatType(Operation op) {
        DType t = op.attrType("T");
        if (t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw new UnimplementedException(op.type() + " has no CPU kernel for " + t);
        }
    }

    // ---- activations ----

    private static void forward(KernelContext ctx, int kind, float alpha) {
        Tensor x = ctx.input(0);
        Tensor out = ctx.allocate(x.dtype(), x.shape());
        int n = x.numElements();
        if (x.dtype() == DType.FLOAT32) {
            float[] a = (float[]) x.array();
            float[] o = (float[]) out.array();
            switch (kind) {
                case RELU6 -> {
                    for (int i = 0; i < n; i++) {
                        o[i] = Math.min(Math.max(a[i], 0f), 6f);
                    }
                }
                case ELU -> {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] < 0f ? (float) Math.expm1(a[i]) : a[i];
                    }
                }
                case LEAKY -> {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] > 0f ? a[i] : a[i] * alpha;
                    }
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        o[i] = (float) softplus(a[i]);
                    }
                }
            }
        } else {
            double[] a = (double[]) x.array();
            double[] o = (double[]) out.array();
            for (int i = 0; i < n; i++) {
                double v = a[i];
                o[i] = switch (kind) {
                    case RELU6 -> Math.min(Math.max(v, 0.0), 6.0);
                    case ELU -> v < 0 ? Math.expm1(v) : v;
                    case LEAKY -> v > 0 ? v : v * (double) alpha;
                    default -> softplus(v);
                };
            }
        }
        ctx.setOutput(0, out);
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    private static void backward(KernelContext ctx, int kind, float alpha) {
        Tensor g = ctx.input(0);
        Tensor f = ctx.input(1);
        if (!g.shape().equals(f.shape())) {
            throw new InvalidArgumentException("gradients shape " + g.shape() + " does not match the second input's shape "
                    + f.shape());
        }
        Tensor out = ctx.allocate(g.dtype(), g.shape());
        int n = g.numElements();
        if (g.dtype() == DType.FLOAT32) {
            float[] ga = (float[]) g.array();
            float[] fa = (float[]) f.array();
            float[] o = (float[]) out.array();
            switch (kind) {
                case RELU6 -> {
                    for (int i = 0; i < n; i++) {
                        o[i] = fa[i] > 0f && fa[i] < 6f ? ga[i] : 0f;
                    }
                }
                case ELU -> {
                    for (int i = 0; i < n; i++) {
                        o[i] = fa[i] < 0f ? ga[i] * (fa[i] + 1f) : ga[i];
                    }
                }
                case LEAKY -> {
                    for (int i = 0; i < n; i++) {
                        o[i] = fa[i] > 0f ? ga[i] : ga[i] * alpha;
                    }
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        o[i] = (float) (ga[i] / (1.0 + Math.exp(-fa[i])));
                    }
                }
            }
        } else {
            double[] ga = (double[]) g.array();
            double[] fa = (double[]) f.array();
            double[] o = (double[]) out.array();
            for (int i = 0; i < n; i++) {
                double v = fa[i];
                o[i] = switch (kind) {
                    case RELU6 -> v > 0 && v < 6 ? ga[i] : 0.0;
                    case ELU -> v < 0 ? ga[i] * (v + 1) : ga[i];
                    case LEAKY -> v > 0 ? ga[i] : ga[i] * (double) alpha;
                    default -> ga[i] / (1.0 + Math.exp(-v));
                };
            }
        }
        ctx.setOutput(0, out);
    }

    // ---- bias ----

    /** {outer, channels, inner}: value viewed as [outer, channels, inner]. */
    static int[] biasLayout(Shape s, boolean nchw) {
        int rank = s.rank();
        if (rank < 2) {
            throw new InvalidArgumentException("value must be at least 2-D, got shape " + s);
        }
        int cd = nchw && rank >= 3 ? rank - 3 : rank - 1;
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < cd; i++) {
            outer *= (int) s.size(i);
        }
        for (int i = cd + 1; i < rank; i++) {
            inner *= (int) s.size(i);
        }
        return new int[] {outer, (int) s.size(cd), inner};
    }

    /** BiasAdd's checks of its value and bias; the value's {outer, channels, inner}. */
    static int[] checkBias(Tensor v, Tensor b, boolean nchw) {
        int[] l = biasLayout(v.shape(), nchw);
        if (b.shape().rank() != 1 || b.shape().size(0) != l[1]) {
            throw new InvalidArgumentException("Must provide as many biases as the channel dimension of the input tensor: "
                    + b.shape() + " vs. " + v.shape());
        }
        return l;
    }

    private static void biasAdd(KernelContext ctx, boolean nchw) {
        Tensor v = ctx.input(0);
        Tensor b = ctx.input(1);
        int[] l = checkBias(v, b, nchw);
        Tensor out = ctx.allocate(v.dtype(), v.shape());
        int outer = l[0];
        int ch = l[1];
        int inner = l[2];
        if (v.dtype() == DType.FLOAT32) {
            float[] a = (float[]) v.array();
            float[] bb = (float[]) b.array();
            float[] o = (float[]) out.array();
            if (inner == 1) {
                biasAddRows(a, bb, o, outer, ch, ctx.intraOpThreads());
            } else {
                for (int r = 0; r < outer; r++) {
                    for (int c = 0; c < ch; c++) {
                        int base = (r * ch + c) * inner;
                        float bv = bb[c];
                        for (int i = 0; i < inner; i++) {
                            o[base + i] = a[base + i] + bv;
                        }
                    }
                }
            }
        } else {
            double[] a = (double[]) v.array();
            double[] bb = (double[]) b.array();
            double[] o = (double[]) out.array();
            for (int r = 0; r < outer; r++) {
                for (int c = 0; c < ch; c++) {
                    int base = (r * ch + c) * inner;
                    for (int i = 0; i < inner; i++) {
                        o[base + i] = a[base + i] + bb[c];
                    }
                }
            }
        }
        ctx.setOutput(0, out);
    }

    private static void biasAddGrad(KernelContext ctx, boolean nchw) {
        Tensor g = ctx.input(0);
        int[] l = biasLayout(g.shape(), nchw);
        int outer = l[0];
        int ch = l[1];
        int inner = l[2];
        Tensor out = ctx.allocate(g.dtype(), Shape.of(ch));
        if (g.dtype() == DType.FLOAT32) {
            float[] a = (float[]) g.array();
            // accumulate in double for accuracy over large batches
            double[] acc = new double[ch];
            if (inner == 1) {
                double[] sums = biasGradRows(a, outer, ch, ctx.intraOpThreads());
                for (int c = 0; c < ch; c++) {
                    acc[c] = sums[c];
                }
            } else {
                for (int r = 0; r < outer; r++) {
                    for (int c = 0; c < ch; c++) {
                        int base = (r * ch + c) * inner;
                        float s = 0f;
                        for (int i = 0; i < inner; i++) {
                            s += a[base + i];
                        }
                        acc[c] += s;
                    }
                }
            }
            float[] o = (float[]) out.array();
            for (int c = 0; c < ch; c++) {
                o[c] = (float) acc[c];
            }
        } else {
            double[] a = (double[]) g.array();
            double[] o = (double[]) out.array();
            java.util.Arrays.fill(o, 0.0);
            for (int r = 0; r < outer; r++) {
                for (int c = 0; c < ch; c++) {
                    int base = (r * ch + c) * inner;
                    double s = 0;
                    for (int i = 0; i < inner; i++) {
                        s += a[base + i];
                    }
                    o[c] += s;
                }
            }
        }
        ctx.setOutput(0, out);
    }

    /** BiasAdd over {@code [rows, c]} in tiles of whole rows (see {@link ChannelTiles}). */
    static void biasAddRows(float[] a, float[] bias, float[] o, int rows, int c, int threads) {
        biasAddRows(a, bias, o, rows, c, threads, false);
    }

    /** As above, followed by Relu when {@code relu} (BiasAdd and Relu fused: one pass instead of two). */
    static void biasAddRows(float[] a, float[] bias, float[] o, int rows, int c, int threads, boolean relu) {
        if ((long) rows * c <= ChannelTiles.TILE_FLOATS) {
            // Small (dense layers): setting up tiles would cost more than it saves.
            for (int r = 0; r < rows; r++) {
                int base = r * c;
                for (int j = 0; j < c; j++) {
                    float v = a[base + j] + bias[j];
                    o[base + j] = relu ? Math.max(v, 0) : v;
                }
            }
            return;
        }
        int tr = ChannelTiles.tileRows(c, rows);
        float[] biasTile = ChannelTiles.repeat(bias, tr);
        Parallel.forRange(rows, threads, (long) rows * c, (r0, r1) -> {
            float[] s = new float[tr * c];
            for (int r = r0; r < r1; r += tr) {
                int len = Math.min(tr, r1 - r) * c;
                System.arraycopy(a, r * c, s, 0, len);
                if (relu) {
                    for (int i = 0; i < len; i++) {
                        s[i] = Math.max(s[i] + biasTile[i], 0);
                    }
                } else {
                    for (int i = 0; i < len; i++) {
                        s[i] += biasTile[i];
                    }
                }
                System.arraycopy(s, 0, o, r * c, len);
            }
        });
    }

    /** Per-channel sums of {@code [rows, c]}, accumulated in float and folded into double. */
    static double[] biasGradRows(float[] a, int rows, int c, int threads) {
        if ((long) rows * c <= ChannelTiles.TILE_FLOATS) {
            double[] sums = new double[c];
            for (int r = 0; r < rows; r++) {
                int base = r * c;
                for (int j = 0; j < c; j++) {
                    sums[j] += a[base + j];
                }
            }
            return sums;
        }
        // Batch normalization's per-channel sums: vectors reading each element once where the channels fill
        // whole vectors (a convolution's bias), the tiles otherwise.
        return BatchNormFloatPath.channelSums(a, rows, c, null, threads);
    }
}
