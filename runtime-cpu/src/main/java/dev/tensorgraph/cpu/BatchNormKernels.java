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
 * CPU kernels of FusedBatchNormV3 and FusedBatchNormGradV3 and their forerunners FusedBatchNorm/V2 with
 * FusedBatchNormGrad/V2 (x float32/float64, statistics of dtype U),
 * computed in NHWC with per-channel statistics accumulated in double.
 */
public final class BatchNormKernels implements KernelLibrary {
    private record Attrs(float epsilon, float factor, boolean nchw, boolean training) {
        static Attrs of(Operation op) {
            DType t = op.attrType("T");
            if (t != DType.FLOAT32 && t != DType.FLOAT64) {
                throw new UnimplementedException(op.type() + " has no CPU kernel for " + t);
            }
            return new Attrs(op.attrFloat("epsilon"), op.hasAttr("exponential_avg_factor") ? op.attrFloat("exponential_avg_factor") : 1f,
                    "NCHW".equals(op.attrString("data_format")), op.attrBool("is_training"));
        }
    }

    @Override
    public void register(KernelRegistry r) {
        // The older FusedBatchNorm and V2 compute the same, without reserve_space_3.
        for (String version : new String[] {"", "V2", "V3"}) {
            r.register(KernelRegistry.CPU, "FusedBatchNorm" + version, op -> {
                Attrs a = Attrs.of(op);
                return ctx -> forward(ctx, a);
            });
            r.register(KernelRegistry.CPU, "FusedBatchNormGrad" + version, op -> {
                Attrs a = Attrs.of(op);
                return ctx -> backward(ctx, a);
            });
        }
    }

    private static double[] doubles(Tensor t, int c, String what) {
        if (t.shape().rank() != 1 || t.numElements() != c) {
            throw new InvalidArgumentException(what + " must be a vector of " + c + " channels, got shape " + t.shape());
        }
        return t.toDoubles();
    }

    private static Tensor vector(KernelContext ctx, DType u, double[] v) {
        Tensor t = ctx.allocate(u, Shape.of(v.length));
        if (u == DType.FLOAT32) {
            float[] f = (float[]) t.array();
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
        } else {
            System.arraycopy(v, 0, (double[]) t.array(), 0, v.length);
        }
        return t;
    }

    /** {rows, channels, h, w} of a rank-4 x, rows = n * h * w. */
    private static int[] dims(Tensor x, boolean nchw) {
        if (x.shape().rank() != 4) {
            throw new InvalidArgumentException("x must be 4-dimensional, got shape " + x.shape());
        }
        int[] d = x.shape().intDims();
        return nchw ? new int[] {d[0], d[1], d[2], d[3]} : new int[] {d[0], d[3], d[1], d[2]};
    }

    private static double[] toDoubleNhwc(Tensor x, boolean nchw, int[] d) {
        Object a = NnLayout.nhwc(x.array(), nchw, d[0], d[1], d[2], d[3]);
        if (a instanceof double[] dd) {
            return dd;
        }
        float[] f = (float[]) a;
        double[] r = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = f[i];
        }
        return r;
    }

    /** Writes NHWC doubles into {@code out} in the op's layout. */
    private static void store(double[] v, Tensor out, boolean nchw, int[] d) {
        Object target = out.array();
        Object nhwc = nchw ? Tensor.newArray(out.dtype(), v.length) : target;
        if (nhwc instanceof float[] f) {
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
        } else {
            System.arraycopy(v, 0, (double[]) nhwc, 0, v.length);
        }
        if (nchw) {
            NnLayout.toNchw(nhwc, target, d[0], d[1], d[2], d[3]);
        }
    }

    private static void forward(KernelContext ctx, Attrs a) {
        Tensor x = ctx.input(0);
        int[] d = dims(x, a.nchw());
        int c = d[1];
        int m = d[0] * d[2] * d[3];
        DType u = ctx.input(1).dtype();
        double[] scale = doubles(ctx.input(1), c, "scale");
        double[] offset = doubles(ctx.input(2), c, "offset");
        // float32 NHWC (the usual case) has loops that stay in float; other layouts and types go through double.
        float[] xf = x.dtype() == DType.FLOAT32 && !a.nchw() && m > 0 ? (float[]) x.array() : null;
        double[] xs = xf == null ? toDoubleNhwc(x, a.nchw(), d) : null;
        int threads = ctx.intraOpThreads();
        double[] mean;
        double[] var;
        double[] outMean;
        double[] outVar;
        if (a.training()) {
            mean = xf != null ? BatchNormFloatPath.channelSums(xf, m, c, null, threads) : new double[c];
            if (xf == null) {
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < c; j++) {
                        mean[j] += xs[r * c + j];
                    }
                }
            }
            for (int j = 0; j < c; j++) {
                mean[j] /= Math.max(m, 1);
            }
            var = xf != null ? BatchNormFloatPath.channelSums(xf, m, c, mean, threads) : new double[c];
            if (xf == null) {
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < c; j++) {
                        double dv = xs[r * c + j] - mean[j];
                        var[j] += dv * dv;
                    }
                }
            }
            outMean = new double[c];
            outVar = new double[c];
            double f = a.factor();
            double[] oldMean = f != 1 ? doubles(ctx.input(3), c, "mean") : null;
            double[] oldVar = f != 1 ? doubles(ctx.input(4), c, "variance") : null;
            for (int j = 0; j < c; j++) {
                double unbiased = var[j] / Math.max(m - 1, 1);
                var[j] /= Math.max(m, 1);
                outMean[j] = f != 1 ? (1 - f) * oldMean[j] + f * mean[j] : mean[j];
                outVar[j] = f != 1 ? (1 - f) * oldVar[j] + f * unbiased : unbiased;
            }
        } else {
            mean = doubles(ctx.input(3), c, "mean");
            var = doubles(ctx.input(4), c, "variance");
            outMean = mean;
            outVar = var;
        }
        double[] mul = new double[c];
        double[] add = new double[c];
        for (int j = 0; j < c; j++) {
            mul[j] = scale[j] / Math.sqrt(var[j] + a.epsilon());
            add[j] = offset[j] - mean[j] * mul[j];
        }
        Tensor out = ctx.allocate(x.dtype(), x.shape());
        if (xf != null) {
            BatchNormFloatPath.normalize(xf, (float[]) out.array(), m, c, mean, mul, offset, threads);
        } else {
            double[] y = new double[xs.length];
            for (int r = 0; r < m; r++) {
                int b = r * c;
                for (int j = 0; j < c; j++) {
                    y[b + j] = xs[b + j] * mul[j] + add[j];
                }
            }
            store(y, out, a.nchw(), d);
        }
        ctx.setOutput(0, out);
        ctx.setOutput(1, vector(ctx, u, outMean));
        ctx.setOutput(2, vector(ctx, u, outVar));
        ctx.setOutput(3, vector(ctx, u, mean));
        ctx.setOutput(4, vector(ctx, u, var));
        if (ctx.op().numOutputs() > 5) {
            ctx.setOutput(5, vector(ctx, u, new double[0]));
        }
    }

    private static void backward(KernelContext ctx, Attrs a) {
        Tensor dyT = ctx.input(0);
        Tensor x = ctx.input(1);
        if (!dyT.shape().equals(x.shape())) {
            throw new InvalidArgumentException("y_backprop shape " + dyT.shape() + " does not match x shape " + x.shape());
        }
        int[] d = dims(x, a.nchw());
        int c = d[1];
        int m = d[0] * d[2] * d[3];
        DType u = ctx.input(3).dtype();
        double[] scale = doubles(ctx.input(2), c, "scale");
        double[] mean = doubles(ctx.input(3), c, "reserve_space_1");
        double[] var = doubles(ctx.input(4), c, "reserve_space_2");
        double[] inv = new double[c];
        for (int j = 0; j < c; j++) {
            inv[j] = 1.0 / Math.sqrt(var[j] + a.epsilon());
        }
        if (x.dtype() == DType.FLOAT32 && !a.nchw() && m > 0) {
            backwardFloat(ctx, a, (float[]) dyT.array(), (float[]) x.array(), m, c, u, scale, mean, inv);
            return;
        }
        double[] xs = toDoubleNhwc(x, a.nchw(), d);
        double[] dy = toDoubleNhwc(dyT, a.nchw(), d);
        double[] sumDy = new double[c];
        double[] sumDyXc = new double[c];
        for (int r = 0; r < m; r++) {
            int b = r * c;
            for (int j = 0; j < c; j++) {
                sumDy[j] += dy[b + j];
                sumDyXc[j] += dy[b + j] * (xs[b + j] - mean[j]);
            }
        }
        double[] dx = new double[xs.length];
        double[] dScale = new double[c];
        for (int j = 0; j < c; j++) {
            dScale[j] = sumDyXc[j] * inv[j];
        }
        if (a.training()) {
            for (int r = 0; r < m; r++) {
                int b = r * c;
                for (int j = 0; j < c; j++) {
                    double xhat = (xs[b + j] - mean[j]) * inv[j];
                    dx[b + j] = scale[j] * inv[j] * (dy[b + j] - sumDy[j] / m - xhat * dScale[j] / m);
                }
            }
        } else {
            for (int r = 0; r < m; r++) {
                int b = r * c;
                for (int j = 0; j < c; j++) {
                    dx[b + j] = dy[b + j] * scale[j] * inv[j];
                }
            }
        }
        Tensor out = ctx.allocate(x.dtype(), x.shape());
        store(dx, out, a.nchw(), d);
        ctx.setOutput(0, out);
        ctx.setOutput(1, vector(ctx, u, dScale));
        ctx.setOutput(2, vector(ctx, u, sumDy));
        ctx.setOutput(3, vector(ctx, u, new double[0]));
        ctx.setOutput(4, vector(ctx, u, new double[0]));
    }

    /** The float32 NHWC backward pass; dx has the same formula as the double loops above, regrouped per channel. */
    private static void backwardFloat(KernelContext ctx, Attrs a, float[] dy, float[] x, int m, int c, DType u,
                                      double[] scale, double[] mean, double[] inv) {
        int threads = ctx.intraOpThreads();
        double[][] sums = BatchNormFloatPath.gradSums(dy, x, m, c, mean, threads);
        double[] sumDy = sums[0];
        double[] dScale = new double[c];
        double[] k1 = new double[c];
        double[] k2 = a.training() ? new double[c] : null;
        double[] k3 = a.training() ? new double[c] : null;
        for (int j = 0; j < c; j++) {
            dScale[j] = sums[1][j] * inv[j];
            k1[j] = scale[j] * inv[j];
            if (a.training()) {
                // scale * inv * (dy - sumDy / m - (x - mean) * inv * dScale / m)
                k2[j] = -k1[j] * inv[j] * dScale[j] / m;
                k3[j] = -k1[j] * sumDy[j] / m;
            }
        }
        Tensor out = ctx.allocate(DType.FLOAT32, ctx.input(1).shape());
        BatchNormFloatPath.inputGradient(dy, x, (float[]) out.array(), m, c, mean, k1, k2, k3, threads);
        ctx.setOutput(0, out);
        ctx.setOutput(1, vector(ctx, u, dScale));
        ctx.setOutput(2, vector(ctx, u, sumDy));
        ctx.setOutput(3, vector(ctx, u, new double[0]));
        ctx.setOutput(4, vector(ctx, u, new double[0]));
    }
}
