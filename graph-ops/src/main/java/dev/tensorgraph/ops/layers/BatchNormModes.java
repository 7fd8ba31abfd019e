package dev.tensorgraph.ops.layers;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.control.CondOps;
import dev.tensorgraph.ops.nn.BatchNormOps;
import dev.tensorgraph.ops.nn.FusedBatchNorm;
import dev.tensorgraph.ops.nn.Moments;
import java.util.List;
import java.util.function.Supplier;

/**
 * The two modes of a batch-norm layer, shared by {@code tf.layers} and TF-Slim: in training the batch's
 * statistics, in inference the moving ones; known while building ({@code trainingValue}) or chosen at run time
 * by a bool tensor, which builds {@code cond}s as TensorFlow's {@code smart_cond} does.
 */
public final class BatchNormModes {
    private BatchNormModes() {}

    /**
     * {@code FusedBatchNormV3} in the chosen mode: y and the statistics it normalised with (in training the batch
     * variance has Bessel's correction, as TensorFlow's kernel gives it). {@code epsilon} is raised to cuDNN's
     * minimum 1.001e-5 as TensorFlow does.
     */
    public static FusedBatchNorm fused(Graph g, Output x, Output scale, Output offset, Variable movingMean,
                                       Variable movingVariance, double epsilon, String dataFormat,
                                       Boolean trainingValue, Output trainingTensor) {
        float eps = (float) Math.max(epsilon, 1.001e-5);
        Supplier<List<Output>> train = () -> outputs(BatchNormOps.fusedBatchNormV3(g, x, scale, offset, null, null,
                eps, 1.0f, dataFormat, true, null));
        Supplier<List<Output>> infer = () -> outputs(BatchNormOps.fusedBatchNormV3(g, x, scale, offset,
                movingMean.value(), movingVariance.value(), eps, 1.0f, dataFormat, false, null));
        List<Output> r = trainingValue != null ? (trainingValue ? train.get() : infer.get())
                : CondOps.condList(g, trainingTensor, train, infer, null);
        return new FusedBatchNorm(r.get(0), r.get(1), r.get(2));
    }

    /**
     * The statistics to normalise {@code x} with over every axis but {@code axis}: {@code tf.nn.moments} (biased
     * variance) in training, the moving variables' values in inference.
     */
    public static Moments moments(Graph g, Output x, int axis, Variable movingMean, Variable movingVariance,
                                  Boolean trainingValue, Output trainingTensor) {
        if (Boolean.FALSE.equals(trainingValue)) {
            return new Moments(movingMean.value(), movingVariance.value());
        }
        int rank = x.shape().rank();
        int[] axes = new int[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != axis) {
                axes[j++] = i;
            }
        }
        Moments m = BatchNormOps.moments(g, x, axes, false, null);
        if (trainingValue != null) {
            return m;
        }
        return new Moments(CondOps.cond(g, trainingTensor, m::mean, movingMean::value, null),
                CondOps.cond(g, trainingTensor, m::variance, movingVariance::value, null));
    }

    private static List<Output> outputs(FusedBatchNorm bn) {
        return List.of(bn.y(), bn.batchMean(), bn.batchVariance());
    }
}
