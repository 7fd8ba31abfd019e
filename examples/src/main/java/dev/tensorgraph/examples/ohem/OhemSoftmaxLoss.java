package dev.tensorgraph.examples.ohem;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.Tf;
import java.util.Arrays;

/**
 * A custom op defined entirely in user code: online hard example mining (OHEM) for sparse softmax
 * cross-entropy. It is registered through the same public API the built-in ops use
 * ({@link OpRegistry#register} for the definition, shape function and gradient, {@link KernelRegistry#register}
 * for the CPU kernel and the GPU kernel, {@link OhemGpuKernel}, CUDA C compiled at run time); the project itself
 * knows nothing about it.
 *
 * <p>Op {@value #OP_TYPE}: inputs {@code logits [batch, classes]} (float32 or float64) and
 * {@code labels [batch]} (int32 or int64, attr {@code Tlabels}, default int32); attr {@code k >= 1}. Each
 * example's cross-entropy {@code -log softmax(logits)[label]} is computed, the {@code k' = min(k, batch)}
 * examples with the largest loss are kept (ties go to the lower index) and:
 * <ul>
 *   <li>output 0, {@code loss} (scalar): the mean loss over those {@code k'} hardest examples
 *       (0 for an empty batch);</li>
 *   <li>output 1, {@code backprop [batch, classes]}: {@code (softmax(logits) - onehot(labels)) * mask / k'}, the
 *       derivative of {@code loss} with respect to the logits; rows of examples not selected are zero.</li>
 * </ul>
 * The gradient of the logits is {@code dLoss * backprop} and the labels get none. The selection is treated as
 * a constant (as every OHEM implementation does); {@code backprop} itself is not differentiated further.
 *
 * <pre>{@code
 * OhemSoftmaxLoss.register();
 * Output loss = OhemSoftmaxLoss.ohemSparseSoftmaxCrossEntropy(tf, labels, logits, 32, null);
 * Operation train = new AdamOptimizer(1e-3).minimize(loss);
 * }</pre>
 */
public final class OhemSoftmaxLoss {
    public static final String OP_TYPE = "OhemSparseSoftmaxCrossEntropy";

    private OhemSoftmaxLoss() {}

    /** Registers the op and its CPU and GPU kernels; calling it again (from any thread) does nothing. */
    public static synchronized void register() {
        OpRegistry ops = OpRegistry.global();
        if (!ops.contains(OP_TYPE)) {
            ops.register(definition());
        }
        KernelRegistry kernels = KernelRegistry.global();
        if (kernels.find(KernelRegistry.CPU, OP_TYPE) == null) {
            kernels.register(KernelRegistry.CPU, OP_TYPE, OhemSoftmaxLoss::kernel);
        }
        if (kernels.find(KernelRegistry.GPU, OP_TYPE) == null) {
            kernels.register(KernelRegistry.GPU, OP_TYPE, OhemGpuKernel::create);
        }
    }

    /**
     * Adds the op (registering it first if needed) and returns the mean loss of the {@code k} hardest
     * examples. Arguments in the order of {@code tf.nn.sparse_softmax_cross_entropy_with_logits}.
     */
    public static Output ohemSparseSoftmaxCrossEntropy(Tf tf, Output labels, Output logits, int k, String name) {
        return op(tf, labels, logits, k, name).output(0);
    }

    /** As {@link #ohemSparseSoftmaxCrossEntropy}, returning the op so both outputs can be fetched. */
    public static Operation op(Tf tf, Output labels, Output logits, int k, String name) {
        register();
        return tf.graph().opBuilder(OP_TYPE, name).addInput(logits).addInput(labels).setAttr("Tlabels", labels.dtype())
                .setAttr("k", (long) k).build();
    }

    private static OpDef definition() {
        return OpDef.builder(OP_TYPE).input("logits").input("labels")
                .attr("T", AttrType.TYPE).attr("Tlabels", AttrType.TYPE, DType.INT32).attr("k", AttrType.INT)
                .shape(OhemSoftmaxLoss::inferShape)
                .gradient((op, dy) -> {
                    Tf tf = Tf.of(op.graph());
                    // loss is a scalar: d logits = dLoss * (softmax - onehot) * mask / k'
                    return Arrays.asList(tf.multiply(dy.get(0), op.output(1)), null);
                })
                .build();
    }

    private static void inferShape(ShapeContext c) {
        DType t = c.inputDtype(0);
        if (t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw c.fail("logits must be float32 or float64, got " + t);
        }
        DType lt = c.inputDtype(1);
        if (lt != DType.INT32 && lt != DType.INT64) {
            throw c.fail("labels must be int32 or int64, got " + lt);
        }
        if (lt != c.attrType("Tlabels")) {
            throw c.fail("labels are " + lt + " but Tlabels is " + c.attrType("Tlabels"));
        }
        if (c.attrLong("k") < 1) {
            throw c.fail("k must be at least 1, got " + c.attrLong("k"));
        }
        Shape f = c.inputShape(0);
        Shape l = c.inputShape(1);
        if ((f.hasKnownRank() && f.rank() != 2) || (l.hasKnownRank() && l.rank() != 1)) {
            throw c.fail("logits must be 2-D and labels 1-D, got logits shape " + f + " and labels shape " + l);
        }
        long batch = f.hasKnownRank() ? f.size(0) : -1;
        long lb = l.hasKnownRank() ? l.size(0) : -1;
        if (batch >= 0 && lb >= 0 && batch != lb) {
            throw c.fail("logits and labels must have the same first dimension, got logits shape " + f
                    + " and labels shape " + l);
        }
        c.setOutput(0, t, Shape.scalar());
        c.setOutput(1, t, Shape.of(batch >= 0 ? batch : lb, f.hasKnownRank() ? f.size(1) : -1));
    }

    private static Kernel kernel(Operation op) {
        DType t = op.attrType("T");
        DType lt = op.attrType("Tlabels");
        if ((t != DType.FLOAT32 && t != DType.FLOAT64) || (lt != DType.INT32 && lt != DType.INT64)) {
            throw new UnimplementedException(OP_TYPE + " has no CPU kernel for T=" + t + ", Tlabels=" + lt);
        }
        long k = op.attrLong("k");
        return ctx -> {
            Tensor logitsT = ctx.input(0);
            Tensor labelsT = ctx.input(1);
            Shape s = logitsT.shape();
            if (s.rank() != 2 || labelsT.shape().rank() != 1 || labelsT.shape().size(0) != s.size(0)) {
                throw new InvalidArgumentException("logits must be [batch, classes] and labels [batch], got logits shape "
                        + s + " and labels shape " + labelsT.shape());
            }
            int batch = (int) s.size(0);
            int classes = (int) s.size(1);
            double[] x = t == DType.FLOAT64 ? (double[]) logitsT.array() : widen((float[]) logitsT.array());
            int[] labels = labels(labelsT, classes);
            double[] logSumExp = new double[batch];
            double[] loss = new double[batch];
            for (int i = 0; i < batch; i++) {
                int row = i * classes;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < classes; j++) {
                    max = Math.max(max, x[row + j]);
                }
                double sum = 0;
                for (int j = 0; j < classes; j++) {
                    sum += Math.exp(x[row + j] - max);
                }
                logSumExp[i] = max + Math.log(sum);
                loss[i] = logSumExp[i] - x[row + labels[i]];
            }
            int kept = (int) Math.min(k, batch);
            boolean[] mask = hardest(loss, kept);
            double total = 0;
            for (int i = 0; i < batch; i++) {
                if (mask[i]) {
                    total += loss[i];
                }
            }
            double scale = kept == 0 ? 0 : 1.0 / kept;
            Tensor lossOut = ctx.allocate(t, Shape.scalar());
            Tensor backprop = ctx.allocate(t, s);
            if (t == DType.FLOAT64) {
                ((double[]) lossOut.array())[0] = total * scale;
                double[] b = (double[]) backprop.array();
                for (int i = 0; i < batch; i++) {
                    int row = i * classes;
                    for (int j = 0; j < classes; j++) {
                        b[row + j] = mask[i] ? backpropValue(x[row + j], logSumExp[i], j == labels[i], scale) : 0;
                    }
                }
            } else {
                ((float[]) lossOut.array())[0] = (float) (total * scale);
                float[] b = (float[]) backprop.array();
                for (int i = 0; i < batch; i++) {
                    int row = i * classes;
                    for (int j = 0; j < classes; j++) {
                        b[row + j] = mask[i] ? (float) backpropValue(x[row + j], logSumExp[i], j == labels[i], scale) : 0f;
                    }
                }
            }
            ctx.setOutput(0, lossOut);
            ctx.setOutput(1, backprop);
        };
    }

    private static double backpropValue(double logit, double logSumExp, boolean isLabel, double scale) {
        return (Math.exp(logit - logSumExp) - (isLabel ? 1 : 0)) * scale;
    }

    /**
     * Marks the {@code kept} largest losses: everything above the kept-th largest value, then values equal
     * to it in index order until {@code kept} are marked. {@link Double#compare} orders NaN above all, so a
     * NaN loss is always kept and shows up in the output.
     */
    static boolean[] hardest(double[] loss, int kept) {
        boolean[] mask = new boolean[loss.length];
        if (kept == 0) {
            return mask;
        }
        double[] sorted = loss.clone();
        Arrays.sort(sorted);
        double threshold = sorted[loss.length - kept];
        int marked = 0;
        for (int i = 0; i < loss.length; i++) {
            if (Double.compare(loss[i], threshold) > 0) {
                mask[i] = true;
                marked++;
            }
        }
        for (int i = 0; i < loss.length && marked < kept; i++) {
            if (Double.compare(loss[i], threshold) == 0) {
                mask[i] = true;
                marked++;
            }
        }
        return mask;
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static int[] labels(Tensor t, int classes) {
        int n = t.numElements();
        int[] r = new int[n];
        if (t.dtype() == DType.INT64) {
            long[] a = (long[]) t.array();
            for (int i = 0; i < n; i++) {
                r[i] = checkLabel(a[i], i, classes);
            }
        } else {
            int[] a = (int[]) t.array();
            for (int i = 0; i < n; i++) {
                r[i] = checkLabel(a[i], i, classes);
            }
        }
        return r;
    }

    private static int checkLabel(long v, int i, int classes) {
        if (v < 0 || v >= classes) {
            throw new InvalidArgumentException("labels[" + i + "] = " + v + " is not in [0, " + classes + ")");
        }
        return (int) v;
    }
}
