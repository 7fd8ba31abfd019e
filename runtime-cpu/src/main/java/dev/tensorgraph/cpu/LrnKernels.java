package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of LRN and LRNGrad over the last dimension (float32, and float64 beyond TensorFlow), computed in
 * double. With {@code N_d = bias + alpha * sum of x_k^2 for |k - d| <= r}: {@code y_d = x_d * N_d^-beta}, and
 * the gradient sends {@code dy_d * (N_d^-beta [k == d] - 2 alpha beta x_k y_d / N_d)} to every {@code x_k} in
 * the window of {@code d}, as TensorFlow's kernel does (so it reads the forward output too).
 */
public final class LrnKernels implements KernelLibrary {
    private record Params(int radius, double bias, double alpha, double beta) {
        static Params of(Operation op) {
            DType t = op.attrType("T");
            if (t != DType.FLOAT32 && t != DType.FLOAT64) {
                throw new UnimplementedException(op.type() + " has no CPU kernel for " + t);
            }
            int r = op.attrInt("depth_radius");
            if (r < 0) {
                throw new InvalidArgumentException("depth_radius must be non-negative, got " + r);
            }
            return new Params(r, op.attrFloat("bias"), op.attrFloat("alpha"), op.attrFloat("beta"));
        }
    }

    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "LRN", op -> {
            Params p = Params.of(op);
            return ctx -> forward(ctx, p);
        });
        r.register(KernelRegistry.CPU, "LRNGrad", op -> {
            Params p = Params.of(op);
            return ctx -> backward(ctx, p);
        });
    }

    private static void checkRank(Tensor t, String what) {
        if (t.shape().rank() != 4) {
            throw new InvalidArgumentException(what + " must be 4-dimensional, got shape " + t.shape());
        }
    }

    /** N = bias + alpha * (sum of squares over the window) for each depth of the row at {@code base}. */
    private static void norms(double[] x, int base, int depth, Params p, double[] norm) {
        for (int d = 0; d < depth; d++) {
            double s = 0;
            for (int k = Math.max(0, d - p.radius()); k <= Math.min(depth - 1, d + p.radius()); k++) {
                s += x[base + k] * x[base + k];
            }
            norm[d] = p.bias() + p.alpha() * s;
        }
    }

    private static void forward(KernelContext ctx, Params p) {
        Tensor in = ctx.input(0);
        checkRank(in, "input");
        int depth = (int) in.shape().size(3);
        double[] x = in.toDoubles();
        double[] y = new double[x.length];
        double[] norm = new double[depth];
        for (int base = 0; base < x.length; base += depth) {
            norms(x, base, depth, p, norm);
            for (int d = 0; d < depth; d++) {
                y[base + d] = x[base + d] * Math.pow(norm[d], -p.beta());
            }
        }
        ctx.setOutput(0, store(ctx, in, y));
    }

    private static void backward(KernelContext ctx, Params p) {
        Tensor grads = ctx.input(0);
        Tensor image = ctx.input(1);
        Tensor output = ctx.input(2);
        checkRank(grads, "input_grads");
        if (!grads.shape().equals(image.shape()) || !grads.shape().equals(output.shape())) {
            throw new InvalidArgumentException("input_grads, input_image and output_image must have the same shape, got "
                    + grads.shape() + ", " + image.shape() + " and " + output.shape());
        }
        int depth = (int) grads.shape().size(3);
        double[] dy = grads.toDoubles();
        double[] x = image.toDoubles();
        double[] y = output.toDoubles();
        double[] dx = new double[x.length];
        double[] norm = new double[depth];
        for (int base = 0; base < x.length; base += depth) {
            norms(x, base, depth, p, norm);
            for (int d = 0; d < depth; d++) {
                double g = dy[base + d];
                double scale = -2 * p.alpha() * p.beta() * y[base + d] / norm[d];
                for (int k = Math.max(0, d - p.radius()); k <= Math.min(depth - 1, d + p.radius()); k++) {
                    double v = scale * x[base + k];
                    if (k == d) {
                        v += Math.pow(norm[d], -p.beta());
                    }
                    dx[base + k] += g * v;
                }
            }
        }
        ctx.setOutput(0, store(ctx, grads, dx));
    }

    private static Tensor store(KernelContext ctx, Tensor like, double[] v) {
        Tensor out = ctx.allocate(like.dtype(), like.shape());
        if (out.array() instanceof float[] f) {
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
        } else {
            System.arraycopy(v, 0, (double[]) out.array(), 0, v.length);
        }
        return out;
    }
}
