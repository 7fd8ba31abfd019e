package dev.tensorgraph.ops.slim;

import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.layers.Regularizer;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Reuse;
import dev.tensorgraph.ops.state.VariableScopes;
import java.util.List;

/**
 * TF-Slim ({@code tf.contrib.slim}, {@code tf.contrib.layers}) over one graph: layers with TensorFlow 1.x's
 * signatures, defaults and exact names, so that checkpoints of the slim model zoo restore by name, and
 * {@code arg_scope} for the defaults of a block of layers.
 *
 * <pre>{@code
 * TfSlim slim = tf.slim;
 * try (var sc = slim.argScope(List.of(SlimLayer.CONV2D, SlimLayer.FULLY_CONNECTED), SlimArgs.create()
 *         .weightsRegularizer(slim.l2Regularizer(0.0005))
 *         .normalizerFn(slim::batchNorm).normalizerParams(SlimArgs.create().isTraining(isTraining)))) {
 *     Output net = slim.repeat(images, 2, SlimLayer.CONV2D, SlimArgs.of(64, 3, 3).scope("conv1")); // conv1/conv1_1, conv1/conv1_2
 *     net = slim.maxPool2d(net, 2);                                                           // MaxPool2D/MaxPool
 *     net = slim.flatten(net);                                                                // Flatten/flatten/Reshape
 *     logits = slim.fullyConnected(net, 10, SlimArgs.create().activationFn(null).normalizerFn(null).scope("logits"));
 * }
 * }</pre>
 *
 * Layers with variables open a variable scope ({@code scope}, else their default made unique: {@code Conv},
 * {@code Conv_1}; {@code fully_connected}; {@code BatchNorm}; {@code Dropout}) and the others a name scope
 * ({@code MaxPool2D}, {@code AvgPool2D}, {@code Flatten}). Variables are model variables: {@code weights},
 * {@code biases} (none when the layer has a normalizer), {@code BatchNorm/beta}, {@code BatchNorm/gamma},
 * {@code BatchNorm/moving_mean}, {@code BatchNorm/moving_variance}. Arguments are {@link SlimArgs}; a layer takes
 * each from its own call, else the innermost {@link ArgScope} listing it, else TF-Slim's default.
 */
public final class TfSlim {
    private final Graph g;
    private final SlimLayers layers;
    private final SlimBatchNorm batchNorm;

    /** TF-Slim over {@code g}; its arg scopes are kept in the graph, so every instance over one graph shares them. */
    public TfSlim(Graph g) {
        if (g == null) {
            throw new InvalidArgumentException("TfSlim needs a graph, got null");
        }
        this.g = g;
        this.layers = new SlimLayers(g);
        this.batchNorm = new SlimBatchNorm(g, layers);
    }

    // ---- arg scopes ----

    /**
     * {@code slim.arg_scope(layers, **args)}: until closed, the listed layers take {@code args} as defaults, merged
     * over those of enclosing scopes (the inner value wins); a call's own arguments win over both. Every
     * argument must be one each listed layer takes.
     */
    public ArgScope argScope(List<SlimLayer> layers, SlimArgs args) {
        return ArgScopes.of(g).open(layers, args);
    }

    /** {@code slim.arg_scope(saved)}: makes exactly the defaults of a saved scope current until closed. */
    public ArgScope argScope(ArgScope saved) {
        return ArgScopes.of(g).reopen(saved);
    }

    /** {@code slim.current_arg_scope()}: the defaults in force, as a scope that can be opened again later. */
    public ArgScope currentArgScope() {
        return ArgScopes.of(g).snapshot();
    }

    // ---- layers ----

    /**
     * {@code slim.conv2d(inputs, num_outputs, kernel_size)}: stride 1, padding SAME, relu, xavier weights, zero
     * biases; ops {@code Conv/Conv2D}, {@code Conv/BiasAdd}, {@code Conv/Relu}.
     */
    public Output conv2d(Output inputs, int numOutputs, int[] kernelSize) {
        return conv2d(inputs, numOutputs, kernelSize, null);
    }

    /**
     * The general form: {@code stride}, {@code padding}, {@code dataFormat}, {@code rate} (atrous, built as
     * {@code tf.nn.convolution} builds it: SpaceToBatchND, Conv2D, BatchToSpaceND), {@code activationFn}, {@code normalizerFn}/{@code normalizerParams}, initializers, regularizers,
     * {@code reuse}, collections, {@code trainable}, {@code scope}.
     */
    public Output conv2d(Output inputs, int numOutputs, int[] kernelSize, SlimArgs args) {
        return layer(SlimLayer.CONV2D, inputs, orEmpty(args).copy().numOutputs(numOutputs).kernelSize(kernelSize));
    }

    /** With a square kernel. */
    public Output conv2d(Output inputs, int numOutputs, int kernelSize) {
        return conv2d(inputs, numOutputs, new int[] {kernelSize}, null);
    }

    public Output conv2d(Output inputs, int numOutputs, int kernelSize, SlimArgs args) {
        return conv2d(inputs, numOutputs, new int[] {kernelSize}, args);
    }

    /**
     * {@code slim.fully_connected(inputs, num_outputs)}: relu, xavier weights, zero biases; ops
     * {@code fully_connected/MatMul}, {@code fully_connected/BiasAdd}, {@code fully_connected/Relu}. Inputs of rank
     * above 2 are multiplied over their last axis.
     */
    public Output fullyConnected(Output inputs, int numOutputs) {
        return fullyConnected(inputs, numOutputs, null);
    }

    public Output fullyConnected(Output inputs, int numOutputs, SlimArgs args) {
        return layer(SlimLayer.FULLY_CONNECTED, inputs, orEmpty(args).copy().numOutputs(numOutputs));
    }

    /** {@code slim.max_pool2d(inputs, kernel_size)}: stride 2, padding VALID; op {@code MaxPool2D/MaxPool}. */
    public Output maxPool2d(Output inputs, int[] kernelSize) {
        return maxPool2d(inputs, kernelSize, null);
    }

    public Output maxPool2d(Output inputs, int[] kernelSize, SlimArgs args) {
        return layer(SlimLayer.MAX_POOL2D, inputs, orEmpty(args).copy().kernelSize(kernelSize));
    }

    public Output maxPool2d(Output inputs, int kernelSize) {
        return maxPool2d(inputs, new int[] {kernelSize}, null);
    }

    public Output maxPool2d(Output inputs, int kernelSize, SlimArgs args) {
        return maxPool2d(inputs, new int[] {kernelSize}, args);
    }

    /** {@code slim.avg_pool2d(inputs, kernel_size)}: stride 2, padding VALID; op {@code AvgPool2D/AvgPool}. */
    public Output avgPool2d(Output inputs, int[] kernelSize) {
        return avgPool2d(inputs, kernelSize, null);
    }

    public Output avgPool2d(Output inputs, int[] kernelSize, SlimArgs args) {
        return layer(SlimLayer.AVG_POOL2D, inputs, orEmpty(args).copy().kernelSize(kernelSize));
    }

    public Output avgPool2d(Output inputs, int kernelSize) {
        return avgPool2d(inputs, new int[] {kernelSize}, null);
    }

    public Output avgPool2d(Output inputs, int kernelSize, SlimArgs args) {
        return avgPool2d(inputs, new int[] {kernelSize}, args);
    }

    /**
     * {@code slim.batch_norm(inputs)}: decay 0.999, center (beta) but no scale (gamma), epsilon 0.001, training
     * (batch statistics, updates into UPDATE_OPS); see {@code SlimBatchNorm} in the sources for the forms.
     */
    public Output batchNorm(Output inputs) {
        return batchNorm(inputs, null);
    }

    /** The general form, also the shape of a {@code normalizerFn}: {@code slim::batchNorm}. */
    public Output batchNorm(Output inputs, SlimArgs args) {
        return layer(SlimLayer.BATCH_NORM, inputs, args);
    }

    /**
     * {@code slim.dropout(inputs)}: keep_prob 0.5 and is_training true, so elements are dropped; ops under
     * {@code Dropout/dropout/}, or {@code Dropout/Identity} when not training.
     */
    public Output dropout(Output inputs) {
        return dropout(inputs, null);
    }

    public Output dropout(Output inputs, double keepProb) {
        return dropout(inputs, SlimArgs.create().keepProb(keepProb));
    }

    public Output dropout(Output inputs, double keepProb, SlimArgs args) {
        return dropout(inputs, orEmpty(args).copy().keepProb(keepProb));
    }

    public Output dropout(Output inputs, SlimArgs args) {
        return layer(SlimLayer.DROPOUT, inputs, args);
    }

    /** {@code slim.flatten(inputs)}: {@code [batch, ...]} to {@code [batch, k]}; op {@code Flatten/flatten/Reshape}. */
    public Output flatten(Output inputs) {
        return flatten(inputs, null);
    }

    public Output flatten(Output inputs, SlimArgs args) {
        return layer(SlimLayer.FLATTEN, inputs, args);
    }

    /**
     * Calls {@code layer} with every argument in {@code args}, the positional ones included ({@code numOutputs},
     * {@code kernelSize}): what {@code repeat} and {@code stack} do.
     */
    public Output layer(SlimLayer layer, Output inputs, SlimArgs args) {
        if (layer == null) {
            throw new InvalidArgumentException("slim: no layer given");
        }
        if (inputs == null) {
            throw new InvalidArgumentException("slim: " + layer.pythonName() + " needs inputs, got null");
        }
        if (inputs.graph() != g) {
            throw new InvalidArgumentException("slim: " + layer.pythonName() + " inputs '" + inputs.name()
                    + "' belong to another graph");
        }
        SlimArgs a = orEmpty(args).checkTakenBy(layer, "slim").over(ArgScopes.of(g).defaults(layer));
        return switch (layer) {
            case CONV2D -> layers.conv2d(inputs, a);
            case FULLY_CONNECTED -> layers.fullyConnected(inputs, a);
            case MAX_POOL2D -> layers.pool(true, inputs, a);
            case AVG_POOL2D -> layers.pool(false, inputs, a);
            case BATCH_NORM -> batchNorm.batchNorm(inputs, a);
            case DROPOUT -> layers.dropout(inputs, a);
            case FLATTEN -> layers.flatten(inputs, a);
        };
    }

    // ---- repeat and stack ----

    /**
     * {@code slim.repeat(inputs, repetitions, layer, **args)}: {@code layer} applied {@code repetitions} times with
     * the same arguments, in the variable scope {@code scope} (default {@code Repeat}), the i-th call with the scope
     * {@code <scope>_<i>} (i from 1), where {@code <scope>} is {@code args}' scope or else the layer's Python name:
     * {@code repeat(x, 3, CONV2D, SlimArgs.of(64, 3, 3).scope("conv1"))} makes {@code conv1/conv1_1/weights},
     * {@code conv1/conv1_2/weights}, {@code conv1/conv1_3/weights}.
     */
    public Output repeat(Output inputs, int repetitions, SlimLayer layer, SlimArgs args) {
        return repeat(inputs, repetitions, layer == null ? null : layer.pythonName(),
                (x, a) -> layer(layer, x, a), args);
    }

    /** As above with any layer function; without a scope its calls are named {@code repeat_1}, {@code repeat_2}, ... */
    public Output repeat(Output inputs, int repetitions, LayerFunction layer, SlimArgs args) {
        return repeat(inputs, repetitions, "repeat", layer, args);
    }

    private Output repeat(Output inputs, int repetitions, String name, LayerFunction layer, SlimArgs args) {
        if (layer == null || repetitions < 0) {
            throw new InvalidArgumentException("repeat needs a layer and repetitions >= 0, got " + name + " and "
                    + repetitions);
        }
        SlimArgs shared = orEmpty(args).copy();
        String scope = shared.get(Kwarg.SCOPE, null);
        try (var sc = VariableScopes.variableScope(g, scope, "Repeat", Reuse.INHERIT)) {
            String base = scope != null ? scope : name;
            Output out = inputs;
            for (int i = 0; i < repetitions; i++) {
                out = layer.apply(out, shared.copy().scope(base + "_" + (i + 1)));
            }
            return out;
        }
    }

    /**
     * {@code slim.stack(inputs, layer, stack_args, **args)}: {@code layer} applied once per entry of
     * {@code stackArgs} (its positional arguments, e.g. {@code SlimArgs.of(32, 3, 3)}, over the shared
     * {@code args}), in the variable scope {@code scope} (default {@code Stack}), the i-th call with the scope
     * {@code <scope>_<i>}: {@code stack(x, FULLY_CONNECTED, List.of(SlimArgs.of(32), SlimArgs.of(64)),
     * SlimArgs.create().scope("fc"))} makes {@code fc/fc_1} and {@code fc/fc_2}.
     */
    public Output stack(Output inputs, SlimLayer layer, List<SlimArgs> stackArgs, SlimArgs args) {
        return stack(inputs, layer == null ? null : layer.pythonName(), (x, a) -> layer(layer, x, a), stackArgs, args);
    }

    /** As above with any layer function; without a scope its calls are named {@code stack_1}, {@code stack_2}, ... */
    public Output stack(Output inputs, LayerFunction layer, List<SlimArgs> stackArgs, SlimArgs args) {
        return stack(inputs, "stack", layer, stackArgs, args);
    }

    private Output stack(Output inputs, String name, LayerFunction layer, List<SlimArgs> stackArgs, SlimArgs args) {
        if (layer == null || stackArgs == null) {
            throw new InvalidArgumentException("stack needs a layer and a list of per-layer arguments, got " + name
                    + " and " + stackArgs);
        }
        SlimArgs shared = orEmpty(args).copy();
        String scope = shared.get(Kwarg.SCOPE, null);
        try (var sc = VariableScopes.variableScope(g, scope, "Stack", Reuse.INHERIT)) {
            String base = scope != null ? scope : name;
            Output out = inputs;
            for (int i = 0; i < stackArgs.size(); i++) {
                SlimArgs own = orEmpty(stackArgs.get(i));
                out = layer.apply(out, own.over(shared).scope(base + "_" + (i + 1)));
            }
            return out;
        }
    }

    // ---- regularizers, initializers, variables ----

    /** {@code slim.l2_regularizer(scale)}: {@code scale * sum(w^2) / 2}, op {@code l2_regularizer}. */
    public Regularizer l2Regularizer(double scale) {
        return Regularizer.l2Regularizer(scale);
    }

    /** {@code slim.l1_regularizer(scale)}: {@code scale * sum(|w|)}, op {@code l1_regularizer}. */
    public Regularizer l1Regularizer(double scale) {
        return Regularizer.l1Regularizer(scale);
    }

    /** {@code slim.l1_l2_regularizer(scale_l1, scale_l2)}. */
    public Regularizer l1L2Regularizer(double scaleL1, double scaleL2) {
        return Regularizer.l1L2Regularizer(scaleL1, scaleL2);
    }

    /** {@code slim.sum_regularizer(regularizers)}. */
    public Regularizer sumRegularizer(List<Regularizer> regularizers) {
        return Regularizer.sumRegularizer(regularizers, null);
    }

    /** {@code slim.xavier_initializer()}: TF-Slim's default for weights. */
    public Initializer xavierInitializer() {
        return SlimInitializers.xavierInitializer();
    }

    public Initializer xavierInitializer(boolean uniform, Long seed) {
        return SlimInitializers.xavierInitializer(uniform, seed);
    }

    /** {@code slim.variance_scaling_initializer()}: factor 2, FAN_IN, truncated normal. */
    public Initializer varianceScalingInitializer() {
        return SlimInitializers.varianceScalingInitializer();
    }

    public Initializer varianceScalingInitializer(double factor, String mode, boolean uniform, Long seed) {
        return SlimInitializers.varianceScalingInitializer(factor, mode, uniform, seed);
    }

    /** {@code slim.get_model_variables()}: every variable slim layers made, in creation order. */
    public List<Variable> modelVariables() {
        return g.collection(GraphKeys.MODEL_VARIABLES, Variable.class);
    }

    private static SlimArgs orEmpty(SlimArgs args) {
        return args == null ? SlimArgs.create() : args;
    }
}
