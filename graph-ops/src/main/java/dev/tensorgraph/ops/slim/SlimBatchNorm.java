package dev.tensorgraph.ops.slim;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.control.CondOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.layers.BatchNormModes;
import dev.tensorgraph.ops.layers.MovingAverages;
import dev.tensorgraph.ops.layers.Regularizer;
import dev.tensorgraph.ops.nn.BatchNormOps;
import dev.tensorgraph.ops.nn.FusedBatchNorm;
import dev.tensorgraph.ops.nn.Moments;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.ops.state.VariableScopes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * TF-Slim's {@code batch_norm}: a variable scope {@code BatchNorm} (inside the layer's scope when it is a
 * normalizer) holding {@code beta} (when {@code center}), {@code gamma} (when {@code scale}) and the
 * non-trainable {@code moving_mean} and {@code moving_variance}; in training it normalises with the batch's
 * statistics and builds the updates {@code BatchNorm/AssignMovingAvg} and {@code BatchNorm/AssignMovingAvg_1}.
 *
 * <p>TF-Slim chooses among three builds and this follows it: with the default {@code updates_collections}
 * (UPDATE_OPS) and a 4-D input, the core batch-normalization layer (variables gamma first; fused when it can
 * be); with a 2-D input or other update collections, TF-Slim's own fused form (beta first; a 2-D input is
 * reshaped to {@code [-1, 1, 1, C]} around the fused op); otherwise the composed form ({@code moments},
 * {@code batchnorm}), which ignores {@code param_regularizers} as TF-Slim's does. Null update collections
 * update in place: the output is an {@code Identity} that depends on both updates. The fused kernel's batch
 * variance, which feeds the moving variance, has Bessel's correction, the composed form's has not. A bool
 * tensor {@code is_training} selects the statistics with conds and updates with a momentum of 1 (no change)
 * outside training. Only float32 inputs take the fused kernel; others use the composed form.
 */
final class SlimBatchNorm {
    private final Graph g;
    private final SlimLayers layers;

    SlimBatchNorm(Graph g, SlimLayers layers) {
        this.g = g;
        this.layers = layers;
    }

    /** The parameters of one batch norm and which build it takes. */
    private record Plan(int rank, int axis, long channels, String dataFormat, boolean slimFused, boolean coreForm,
                        boolean fused) {}

    Output batchNorm(Output inputs, SlimArgs a) {
        Plan p = plan(inputs, a);
        List<String> updates = a.has(Kwarg.UPDATES_COLLECTIONS) ? a.get(Kwarg.UPDATES_COLLECTIONS, null)
                : List.of(GraphKeys.UPDATE_OPS);
        Object training = a.get(Kwarg.IS_TRAINING, Boolean.TRUE);
        Output trainingTensor = training instanceof Output t ? t : null;
        Boolean trainingValue = trainingTensor == null ? (Boolean) training : CondOps.staticValue(trainingTensor);
        double decay = a.get(Kwarg.DECAY, 0.999);
        try (var sc = layers.variableScope(a, "BatchNorm")) {
            Variable[] v = variables(a, p, inputs.dtype());
            Variable gamma = v[0];
            Variable beta = v[1];
            Variable movingMean = v[2];
            Variable movingVariance = v[3];
            Output x = p.slimFused() && p.rank() == 2 ? ShapeOps.reshape(g, inputs, "NCHW".equals(p.dataFormat())
                    ? new int[] {-1, (int) p.channels(), 1, 1} : new int[] {-1, 1, 1, (int) p.channels()}, null) : inputs;
            double epsilon = a.get(Kwarg.EPSILON, 0.001);
            Output[] r = p.fused() ? fused(x, p, gamma, beta, movingMean, movingVariance, epsilon, trainingValue,
                    trainingTensor) : composed(x, p, gamma, beta, movingMean, movingVariance, epsilon, trainingValue,
                    trainingTensor);
            Output out = r[0];
            if (!Boolean.FALSE.equals(trainingValue)) {
                Output momentum = trainingValue != null ? null
                        : MovingAverages.runTimeMomentum(g, movingMean.dtype(), decay, trainingTensor);
                Output updateMean = MovingAverages.assign(g, movingMean, r[1], decay, momentum);
                Output updateVariance = MovingAverages.assign(g, movingVariance, r[2], decay, momentum);
                if (updates == null) {
                    try (var deps = g.controlDependencies(List.of(updateMean, updateVariance))) {
                        out = ControlOps.identity(g, out, null);
                    }
                } else {
                    for (String key : updates) {
                        g.addToCollection(key, updateMean);
                        g.addToCollection(key, updateVariance);
                    }
                }
            }
            if (x != inputs) {
                out = reshapeBack(out, inputs);
            }
            UnaryOperator<Output> activation = a.get(Kwarg.ACTIVATION_FN, null);
            if (activation != null) {
                out = activation.apply(out);
            }
            return layers.collect(out, a);
        }
    }

    private Plan plan(Output inputs, SlimArgs a) {
        Shape s = inputs.shape();
        if (!s.hasKnownRank() || s.rank() < 2) {
            throw new InvalidArgumentException("batch_norm: inputs " + inputs.name() + " need a known rank of 2 or more,"
                    + " got shape " + s);
        }
        String df = SlimLayers.dataFormat(a.get(Kwarg.DATA_FORMAT, null), "batch_norm");
        int rank = s.rank();
        int axis = "NCHW".equals(df) ? 1 : rank - 1;
        long channels = s.size(axis);
        if (channels < 0) {
            throw new InvalidArgumentException("batch_norm: inputs " + inputs.name() + " have an undefined `C` dimension,"
                    + " shape " + s);
        }
        List<String> updates = a.has(Kwarg.UPDATES_COLLECTIONS) ? a.get(Kwarg.UPDATES_COLLECTIONS, null)
                : List.of(GraphKeys.UPDATE_OPS);
        boolean defaultUpdates = List.of(GraphKeys.UPDATE_OPS).equals(updates);
        Boolean fusedArg = a.get(Kwarg.FUSED, null);
        boolean fusable = (fusedArg == null || fusedArg) && inputs.dtype() == DType.FLOAT32;
        boolean slimFused = fusable && (rank == 2 || rank == 4) && (rank == 2 || !defaultUpdates);
        boolean coreForm = !slimFused && defaultUpdates;
        boolean fused = slimFused || (coreForm && fusable && rank == 4);
        return new Plan(rank, axis, channels, df, slimFused, coreForm, fused);
    }

    /** gamma, beta (null when not made), moving_mean, moving_variance, created in the build's order. */
    private Variable[] variables(SlimArgs a, Plan p, DType dt) {
        boolean trainable = a.get(Kwarg.TRAINABLE, true);
        Object collections = a.get(Kwarg.VARIABLES_COLLECTIONS, null);
        Map<String, Initializer> inits = a.get(Kwarg.PARAM_INITIALIZERS, Map.of());
        Map<String, Regularizer> regs = p.slimFused() || p.coreForm() ? a.get(Kwarg.PARAM_REGULARIZERS, Map.of())
                : Map.of();
        Shape param = Shape.of(p.channels());
        String scope = VariableScopes.currentVariableScope(g);
        java.util.function.Function<String, Variable> trainableParam = name -> SlimVariables.modelVariable(g,
                new SlimVariables.Spec(name, name, p.coreForm() ? name : scope + "/" + name + "/", param, dt,
                        inits.getOrDefault(name, name.equals("gamma") ? Initializers.ones() : Initializers.zeros()),
                        regs.get(name), trainable), collections);
        Variable gamma = null;
        Variable beta = null;
        boolean center = a.get(Kwarg.CENTER, true);
        boolean scale = a.get(Kwarg.SCALE, false);
        if (p.coreForm() && scale) {
            gamma = trainableParam.apply("gamma");
        }
        if (center) {
            beta = trainableParam.apply("beta");
        }
        if (!p.coreForm() && scale) {
            gamma = trainableParam.apply("gamma");
        }
        Variable mean = SlimVariables.modelVariable(g, new SlimVariables.Spec("moving_mean", "moving_mean",
                "moving_mean", param, dt, inits.getOrDefault("moving_mean", Initializers.zeros()), null, false),
                collections);
        Variable variance = SlimVariables.modelVariable(g, new SlimVariables.Spec("moving_variance",
                "moving_variance", "moving_variance", param, dt,
                inits.getOrDefault("moving_variance", Initializers.ones()), null, false), collections);
        return new Variable[] {gamma, beta, mean, variance};
    }

    /** FusedBatchNormV3 in training (batch statistics) or inference (moving ones): output, mean, variance. */
    private Output[] fused(Output x, Plan p, Variable gamma, Variable beta, Variable movingMean, Variable movingVariance,
                           double epsilon, Boolean trainingValue, Output trainingTensor) {
        Shape param = Shape.of(p.channels());
        Output scale = gamma != null ? gamma.value() : ConstantOps.constant(g, 1, x.dtype(), param, "Const");
        Output offset = beta != null ? beta.value() : ConstantOps.constant(g, 0, x.dtype(), param, "Const");
        FusedBatchNorm r = BatchNormModes.fused(g, x, scale, offset, movingMean, movingVariance, epsilon,
                p.dataFormat(), trainingValue, trainingTensor);
        return new Output[] {r.y(), r.batchMean(), r.batchVariance()};
    }

    /** {@code moments} and {@code batchnorm}: output, mean, variance. */
    private Output[] composed(Output x, Plan p, Variable gamma, Variable beta, Variable movingMean,
                              Variable movingVariance, double epsilon, Boolean trainingValue, Output trainingTensor) {
        Moments m = BatchNormModes.moments(g, x, p.axis(), movingMean, movingVariance, trainingValue, trainingTensor);
        Output mean = m.mean();
        Output variance = m.variance();
        Output out = BatchNormOps.batchNormalization(g, x, broadcast(mean, p), broadcast(variance, p),
                beta == null ? null : broadcast(beta.value(), p), gamma == null ? null : broadcast(gamma.value(), p),
                epsilon, null);
        return new Output[] {out, mean, variance};
    }

    /** A per-channel vector reshaped to broadcast against the input when the channels are not last. */
    private Output broadcast(Output v, Plan p) {
        if (p.axis() == p.rank() - 1) {
            return v;
        }
        int[] shape = new int[p.rank()];
        Arrays.fill(shape, 1);
        shape[p.axis()] = (int) p.channels();
        return ShapeOps.reshape(g, v, shape, null);
    }

    /** {@code out} in the input's shape: its static dimensions (-1 for one unknown) or its run-time shape. */
    private Output reshapeBack(Output out, Output inputs) {
        long[] dims = inputs.shape().dims();
        int unknown = 0;
        int[] target = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            unknown += dims[i] < 0 ? 1 : 0;
            target[i] = (int) Math.max(dims[i], -1);
        }
        return unknown > 1 ? ShapeOps.reshape(g, out, ShapeOps.shape(g, inputs, DType.INT32, null), null)
                : ShapeOps.reshape(g, out, target, null);
    }
}
