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
 * CPU kernels of Softmax, LogSoftmax, the softmax cross-entropy losses and L2Loss (float32, float64). Every
 * row is shifted by its maximum before exponentiating, so large logits neither overflow nor lose the
 * answer; sums are accumulated in double.
 */
public final class SoftmaxKernels implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "Softmax", op -> {
            floatType(op);
            return ctx -> softmax(ctx, false);
        });
        r.register(KernelRegistry.CPU, "LogSoftmax", op -> {
            floatType(op);
            return ctx -> softmax(ctx, true);
        });
        r.register(KernelRegistry.CPU, "SoftmaxCrossEntropyWithLogits", op -> {
            floatType(op);
            return SoftmaxKernels::denseXent;
        });
        r.register(KernelRegistry.CPU, "SparseSoftmaxCrossEntropyWithLogits", op -> {
            floatType(op);
            return SoftmaxKernels::sparseXent;
        });
        r.register(KernelRegistry.CPU, "L2Loss", op -> {
            floatType(op);
            return SoftmaxKernels::l2Loss;
        });
    }

    private static void floatType(Operation op) {
        DType t = op.attrType("T");
        if (t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw new UnimplementedException(op.type() + " has no CPU kernel for " + t);
        }
    }

//# for float double
    /** The largest of {@code a[from, from + n)}, or -infinity for none. */
    private static ${T} rowMax(${T}[] a, int from, int n) {
        ${T} max = ${Boxed}.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, a[from + j]);
        }
        return max;
    }

//# end
    private static double get(Object a, int i) {
        return a instanceof float[] f ? f[i] : ((double[]) a)[i];
    }

    private static void softmax(KernelContext ctx, boolean log) {
        Tensor x = ctx.input(0);
        Shape s = x.shape();
        if (s.rank() < 1) {
            throw new InvalidArgumentException("logits must have at least one dimension, got shape " + s);
        }
        int d = (int) s.size(s.rank() - 1);
        int n = x.numElements();
        int rows = d == 0 ? 0 : n / d;
        Tensor out = ctx.allocate(x.dtype(), s);
//# for float double
        if (x.array() instanceof ${T}[] a) {
            ${T}[] o = (${T}[]) out.array();
            for (int r = 0; r < rows; r++) {
                int b = r * d;
                ${T} max = rowMax(a, b, d);
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    double e = Math.exp(a[b + j] - max);
                    sum += e;
//# if float
                    if (!log) {
                        o[b + j] = (float) e;
                    }
//# else
                    o[b + j] = e;
//# end
                }
//# if float
                if (log) {
                    double ls = Math.log(sum);
                    for (int j = 0; j < d; j++) {
                        o[b + j] = (float) (a[b + j] - max - ls);
                    }
                } else {
                    float inv = (float) (1.0 / sum);
                    for (int j = 0; j < d; j++) {
                        o[b + j] *= inv;
                    }
                }
//# else
                double ls = Math.log(sum);
                for (int j = 0; j < d; j++) {
                    o[b + j] = log ? a[b + j] - max - ls : o[b + j] / sum;
                }
//# end
            }
        }
//# end
        ctx.setOutput(0, out);
    }

    /** features [b, c], labels broadcastable to [b, c] -> loss [b], backprop = softmax - labels. */
    private static void denseXent(KernelContext ctx) {
        Tensor f = ctx.input(0);
        Tensor l = ctx.input(1);
        if (f.shape().rank() != 2 || l.shape().rank() != 2) {
            throw new InvalidArgumentException("logits and labels must be 2-D, got logits shape " + f.shape()
                    + " and labels shape " + l.shape());
        }
        int fb = (int) f.shape().size(0);
        int fc = (int) f.shape().size(1);
        int lb = (int) l.shape().size(0);
        int lc = (int) l.shape().size(1);
        int b = bcast(fb, lb, f, l);
        int c = bcast(fc, lc, f, l);
        Tensor loss = ctx.allocate(f.dtype(), Shape.of(b));
        Tensor back = ctx.allocate(f.dtype(), Shape.of(b, c));
        Object fa = f.array();
        Object la = l.array();
        double[] row = new double[c];
        double[] exps = new double[c];
        for (int r = 0; r < b; r++) {
            int fr = (fb == 1 ? 0 : r) * fc;
            int lr = (lb == 1 ? 0 : r) * lc;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                row[j] = get(fa, fr + (fc == 1 ? 0 : j));
                max = Math.max(max, row[j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                exps[j] = Math.exp(row[j] - max);
                sum += exps[j];
            }
            double logSum = Math.log(sum);
            double lossV = 0;
            for (int j = 0; j < c; j++) {
                double lab = get(la, lr + (lc == 1 ? 0 : j));
                if (lab != 0) {
                    lossV += lab * (logSum - (row[j] - max));
                }
                // the softmax as TensorFlow forms it, exp(shifted) / sum: one exponential per element, not two
                set(back.array(), r * c + j, exps[j] / sum - lab);
            }
            set(loss.array(), r, lossV);
        }
        ctx.setOutput(0, loss);
        ctx.setOutput(1, back);
    }

    private static int bcast(int a, int b, Tensor f, Tensor l) {
        if (a == b || b == 1) {
            return a;
        }
        if (a == 1) {
            return b;
        }
        throw new InvalidArgumentException("logits and labels must be broadcastable: logits_size=" + f.shape()
                + " labels_size=" + l.shape());
    }

    private static void set(Object a, int i, double v) {
        if (a instanceof float[] f) {
            f[i] = (float) v;
        } else {
            ((double[]) a)[i] = v;
        }
    }

    /** features [b, c], int labels [b] -> loss [b], backprop = softmax - onehot. */
    private static void sparseXent(KernelContext ctx) {
        Tensor f = ctx.input(0);
        Tensor l = ctx.input(1);
        if (f.shape().rank() != 2 || l.shape().rank() != 1 || l.shape().size(0) != f.shape().size(0)) {
            throw new InvalidArgumentException("logits must be 2-D and labels 1-D with the same batch size, got logits shape "
                    + f.shape() + " and labels shape " + l.shape());
        }
        int b = (int) f.shape().size(0);
        int c = (int) f.shape().size(1);
        long[] labels = new long[b];
        if (l.dtype() == DType.INT32) {
            int[] li = (int[]) l.array();
            for (int i = 0; i < b; i++) {
                labels[i] = li[i];
            }
        } else {
            System.arraycopy((long[]) l.array(), 0, labels, 0, b);
        }
        for (int i = 0; i < b; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new InvalidArgumentException("Received a label value of " + labels[i]
                        + " which is outside the valid range of [0, " + c + "); labels[" + i + "] = " + labels[i]);
            }
        }
        Tensor loss = ctx.allocate(f.dtype(), Shape.of(b));
        Tensor back = ctx.allocate(f.dtype(), Shape.of(b, c));
//# for float double
        if (f.array() instanceof ${T}[] a) {
            ${T}[] bp = (${T}[]) back.array();
            ${T}[] lo = (${T}[]) loss.array();
            for (int r = 0; r < b; r++) {
                int base = r * c;
                ${T} max = rowMax(a, base, c);
                double sum = 0;
                for (int j = 0; j < c; j++) {
//# if float
                    double e = Math.exp(a[base + j] - max);
                    bp[base + j] = (float) e;
                    sum += e;
//# else
                    sum += Math.exp(a[base + j] - max);
//# end
                }
                double logSum = Math.log(sum);
//# if float
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < c; j++) {
                    bp[base + j] *= inv;
                }
//# else
                for (int j = 0; j < c; j++) {
                    bp[base + j] = Math.exp(a[base + j] - max - logSum);
                }
//# end
                int lab = (int) labels[r];
                bp[base + lab] -= 1;
                lo[r] = (${T}) (logSum - (a[base + lab] - max));
            }
        }
//# end
        ctx.setOutput(0, loss);
        ctx.setOutput(1, back);
    }

    private static void l2Loss(KernelContext ctx) {
        Tensor x = ctx.input(0);
        int n = x.numElements();
        double s = 0;
//# for float double
        if (x.array() instanceof ${T}[] a) {
            for (int i = 0; i < n; i++) {
                s += (double) a[i] * a[i];
            }
        }
//# end
        Tensor out = ctx.allocate(x.dtype(), Shape.scalar());
        set(out.array(), 0, s / 2);
        ctx.setOutput(0, out);
    }
}
