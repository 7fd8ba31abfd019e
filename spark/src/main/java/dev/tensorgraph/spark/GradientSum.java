package dev.tensorgraph.spark;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.io.Serializable;

/**
 * The sum over shards of (shard's rows) x (gradient of the shard's mean loss), per variable, and of the shard's
 * summed loss: divided by the rows of the global batch, these are the gradient and the loss of the global batch's
 * mean loss, whatever the shards' sizes. Sums are kept in double, so adding shards in any order changes the result
 * far less than the float gradients themselves carry. Spark's aggregation may add into the first argument.
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private double[][] gradients;
    private double loss;
    private long rows;

    /** Nothing yet: the zero of the aggregation. */
    GradientSum() {}

    /** One shard's gradients of its mean loss, weighted by its {@code rows}. */
    static GradientSum ofShard(java.util.List<Tensor> meanGradients, double meanLoss, long rows) {
        GradientSum s = new GradientSum();
        s.gradients = new double[meanGradients.size()][];
        for (int v = 0; v < s.gradients.length; v++) {
            double[] d = meanGradients.get(v).toDoubles();
            for (int i = 0; i < d.length; i++) {
                d[i] *= rows;
            }
            s.gradients[v] = d;
        }
        s.loss = meanLoss * rows;
        s.rows = rows;
        return s;
    }

    /** Adds {@code other} into this sum and returns it. */
    GradientSum add(GradientSum other) {
        if (other.gradients == null) {
            return this;
        }
        if (gradients == null) {
            gradients = other.gradients;
            loss = other.loss;
            rows = other.rows;
            return this;
        }
        for (int v = 0; v < gradients.length; v++) {
            double[] a = gradients[v];
            double[] b = other.gradients[v];
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        }
        loss += other.loss;
        rows += other.rows;
        return this;
    }

    long rows() {
        return rows;
    }

    /** The global batch's mean loss. */
    double meanLoss() {
        return loss / rows;
    }

    /** The gradient of the global batch's mean loss for variable {@code v}, as a tensor of {@code dtype}. */
    Tensor meanGradient(int v, DType dtype, Shape shape) {
        double[] sum = gradients[v];
        if (dtype == DType.FLOAT64) {
            double[] mean = new double[sum.length];
            for (int i = 0; i < sum.length; i++) {
                mean[i] = sum[i] / rows;
            }
            return Tensor.wrap(dtype, shape, mean);
        }
        float[] mean = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            mean[i] = (float) (sum[i] / rows);
        }
        return Tensor.wrap(DType.FLOAT32, shape, mean);
    }
}
