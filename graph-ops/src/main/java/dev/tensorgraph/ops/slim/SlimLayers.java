package dev.tensorgraph.ops.slim;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.array.StridedSliceOptions;
import dev.tensorgraph.ops.control.CondOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.layers.Activations;
import dev.tensorgraph.ops.layers.Regularizer;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.MatMulOps;
import dev.tensorgraph.ops.nn.ActivationOps;
import dev.tensorgraph.ops.nn.ConvAttrs;
import dev.tensorgraph.ops.nn.ConvOps;
import dev.tensorgraph.ops.nn.DilatedConvOps;
import dev.tensorgraph.ops.nn.DropoutOps;
import dev.tensorgraph.ops.nn.PoolOps;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.ops.state.Reuse;
import dev.tensorgraph.ops.state.VariableScopes;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The bodies of TF-Slim's conv2d, fully_connected, pooling, flatten and dropout, each given its arguments
 * already merged (explicit over arg scope); defaults and names as TF-Slim's {@code layers.py} on the
 * TensorFlow 1.x layers it calls: a variable scope {@code Conv} or {@code fully_connected} holding
 * {@code weights} and {@code biases} with ops {@code Conv2D}/{@code MatMul}, {@code BiasAdd}, the normalizer's
 * scope and the activation; a name scope {@code MaxPool2D}, {@code AvgPool2D} or {@code Flatten} (holding
 * {@code flatten}); a variable scope {@code Dropout} holding {@code dropout}.
 */
final class SlimLayers {
    static final UnaryOperator<Output> RELU = Activations.relu();

    private final Graph g;

    SlimLayers(Graph g) {
        this.g = g;
    }

    // ---- conv2d and fully_connected ----

    Output conv2d(Output inputs, SlimArgs a) {
        String what = "conv2d";
        int numOutputs = numOutputs(a, what);
        int[] kernel = required(a, Kwarg.KERNEL_SIZE, what);
        int[] stride = a.get(Kwarg.STRIDE, new int[] {1, 1});
        int[] rate = a.get(Kwarg.RATE, new int[] {1, 1});
        String padding = padding(a.get(Kwarg.PADDING, "SAME"), what);
        String df = dataFormat(a.get(Kwarg.DATA_FORMAT, null), what);
        Shape s = inputs.shape();
        if (!s.hasKnownRank() || s.rank() != 4) {
            throw new InvalidArgumentException(what + " supports 4-D inputs (conv1d and conv3d are not built), got shape "
                    + s + " for '" + inputs.name() + "'");
        }
        long channels = s.size("NCHW".equals(df) ? 1 : 3);
        if (channels < 0) {
            throw new InvalidArgumentException("The channel dimension of the inputs should be defined. Found `None` in "
                    + s + " for '" + inputs.name() + "'");
        }
        if ((rate[0] > 1 || rate[1] > 1) && (stride[0] > 1 || stride[1] > 1)) {
            throw new InvalidArgumentException(what + ": rate " + java.util.Arrays.toString(rate) + " and stride "
                    + java.util.Arrays.toString(stride) + " cannot both be above 1 (atrous convolution has stride 1)");
        }
        try (var sc = variableScope(a, "Conv")) {
            Variable[] wb = weightsAndBiases(a, Shape.of(kernel[0], kernel[1], channels, numOutputs), numOutputs,
                    inputs.dtype());
            Output out = convolution(inputs, wb[0].value(), stride, rate, padding, df);
            if (wb[1] != null) {
                out = ActivationOps.biasAdd(g, out, wb[1].value(), df, null);
            }
            return finish(out, a);
        }
    }

    /**
     * {@code Conv2D}; with a rate above 1, as TensorFlow's {@code tf.nn.convolution} builds it (a Conv2D named
     * {@code Conv2D} between {@code Conv2D/SpaceToBatchND} and {@code Conv2D/BatchToSpaceND}) when the input's
     * spatial size is known, else one Conv2D with the {@code dilations} attribute (the same values).
     */
    private Output convolution(Output inputs, Output weights, int[] stride, int[] rate, String padding, String df) {
        Shape s = inputs.shape();
        int h = "NCHW".equals(df) ? 2 : 1;
        boolean atrous = rate[0] > 1 || rate[1] > 1;
        if (atrous && s.size(h) >= 0 && s.size(h + 1) >= 0) {
            return DilatedConvOps.convolution(g, inputs, weights, padding, stride, rate, df, "Conv2D");
        }
        ConvAttrs attrs = ConvAttrs.create().strides(stride).dilations(rate).padding(padding).dataFormat(df);
        return ConvOps.conv2d(g, inputs, weights, attrs, null);
    }

    Output fullyConnected(Output inputs, SlimArgs a) {
        String what = "fully_connected";
        int numOutputs = numOutputs(a, what);
        Shape s = inputs.shape();
        long in = s.hasKnownRank() && s.rank() >= 2 ? s.size(s.rank() - 1) : -1;
        if (in < 0) {
            throw new InvalidArgumentException(what + ": inputs '" + inputs.name() + "' need a rank of 2 or more and a "
                    + "known last dimension, got shape " + s);
        }
        int rank = s.rank();
        try (var sc = variableScope(a, "fully_connected")) {
            Variable[] wb = weightsAndBiases(a, Shape.of(in, numOutputs), numOutputs, inputs.dtype());
            Output x = rank > 2 ? ShapeOps.reshape(g, inputs, new int[] {-1, Math.toIntExact(in)}, null) : inputs;
            Output out = MatMulOps.matMul(g, x, wb[0].value(), false, false, null);
            if (rank > 2) {
                out = ShapeOps.reshape(g, out, leadingDimsThen(s, numOutputs, what), null);
            }
            if (wb[1] != null) {
                out = ActivationOps.biasAdd(g, out, wb[1].value(), "NHWC", null);
            }
            return finish(out, a);
        }
    }

    /** {@code [-1, d1, ..., d(r-2), last]} for an input of shape {@code s}: every dimension but the first known. */
    private static int[] leadingDimsThen(Shape s, int last, String what) {
        int[] back = new int[s.rank()];
        back[0] = -1;
        for (int i = 1; i < s.rank() - 1; i++) {
            if (s.size(i) < 0) {
                throw new UnimplementedException(what + " on rank-" + s.rank() + " inputs needs every dimension but the "
                        + "first known, got " + s);
            }
            back[i] = Math.toIntExact(s.size(i));
        }
        back[s.rank() - 1] = last;
        return back;
    }

    /**
     * The layer's {@code weights} and, unless it has a normalizer or no biases initializer, its {@code biases}; their
     * regularizer losses are named after the underlying layer's {@code kernel} and {@code bias}.
     */
    private Variable[] weightsAndBiases(SlimArgs a, Shape weightsShape, int numOutputs, DType dt) {
        boolean trainable = a.get(Kwarg.TRAINABLE, true);
        Object collections = a.get(Kwarg.VARIABLES_COLLECTIONS, null);
        Initializer wi = a.get(Kwarg.WEIGHTS_INITIALIZER, SlimInitializers.xavierInitializer());
        Variable weights = SlimVariables.modelVariable(g, new SlimVariables.Spec("weights", "weights", "kernel",
                weightsShape, dt, wi, a.<Regularizer>get(Kwarg.WEIGHTS_REGULARIZER, null), trainable), collections);
        Initializer bi = a.get(Kwarg.BIASES_INITIALIZER, Initializers.zeros());
        Variable biases = null;
        if (a.get(Kwarg.NORMALIZER_FN, null) == null && bi != null) {
            biases = SlimVariables.modelVariable(g, new SlimVariables.Spec("biases", "biases", "bias",
                    Shape.of(numOutputs), dt, bi, a.<Regularizer>get(Kwarg.BIASES_REGULARIZER, null), trainable),
                    collections);
        }
        return new Variable[] {weights, biases};
    }

    /** The normalizer (called with its params, in the layer's scope), then the activation, then the collections. */
    private Output finish(Output out, SlimArgs a) {
        LayerFunction normalizer = a.get(Kwarg.NORMALIZER_FN, null);
        if (normalizer != null) {
            SlimArgs params = a.get(Kwarg.NORMALIZER_PARAMS, null);
            out = normalizer.apply(out, params == null ? SlimArgs.create() : params.copy());
        }
        UnaryOperator<Output> activation = a.get(Kwarg.ACTIVATION_FN, RELU);
        if (activation != null) {
            out = activation.apply(out);
        }
        return collect(out, a);
    }

    // ---- pooling and flatten ----

    Output pool(boolean max, Output inputs, SlimArgs a) {
        String what = max ? "max_pool2d" : "avg_pool2d";
        int[] kernel = required(a, Kwarg.KERNEL_SIZE, what);
        int[] stride = a.get(Kwarg.STRIDE, new int[] {2, 2});
        String padding = padding(a.get(Kwarg.PADDING, "VALID"), what);
        String df = dataFormat(a.get(Kwarg.DATA_FORMAT, null), what);
        Shape s = inputs.shape();
        if (s.hasKnownRank() && s.rank() != 4) {
            throw new InvalidArgumentException(what + " needs a 4-D input, got shape " + s + " for '" + inputs.name()
                    + "'");
        }
        try (var sc = g.nameScope(nameScope(a, max ? "MaxPool2D" : "AvgPool2D"))) {
            int[] k = ConvAttrs.expand4(kernel, df, "kernel_size");
            int[] st = ConvAttrs.expand4(stride, df, "stride");
            Output out = max ? PoolOps.maxPool(g, inputs, k, st, padding, null, df, null)
                    : PoolOps.avgPool(g, inputs, k, st, padding, df, null);
            return collect(out, a);
        }
    }

    /**
     * {@code Flatten/flatten/Reshape}: {@code [batch, -1]} by a constant {@code [-1, n]} when the other dimensions
     * are known, {@code [batch, -1]} when the batch is, else from the run-time shape; a vector becomes a column.
     */
    Output flatten(Output inputs, SlimArgs a) {
        Shape s = inputs.shape();
        if (!s.hasKnownRank() || s.rank() < 1) {
            throw new InvalidArgumentException("flatten needs inputs of known rank >= 1, got " + s + " for '"
                    + inputs.name() + "'");
        }
        try (var outer = g.nameScope(nameScope(a, "Flatten"))) {
            VariableScopes.uniqueLayerName(g, "flatten");
            try (var inner = g.nameScope("flatten")) {
                Output out;
                if (s.rank() == 1) {
                    out = ShapeOps.expandDims(g, inputs, 1, null);
                } else {
                    out = ShapeOps.reshape(g, inputs, flatShape(inputs), null);
                }
                return collect(out, a);
            }
        }
    }

    private Output flatShape(Output inputs) {
        Shape s = inputs.shape();
        long n = 1;
        boolean known = true;
        for (int i = 1; i < s.rank(); i++) {
            known &= s.size(i) >= 0;
            n *= Math.max(s.size(i), 1);
        }
        if (known) {
            return ConstantOps.intVector(g, new int[] {-1, Math.toIntExact(n)}, "Const");
        }
        if (s.size(0) >= 0) {
            return ConstantOps.intVector(g, new int[] {Math.toIntExact(s.size(0)), -1}, "Const");
        }
        Output shape = ShapeOps.shape(g, inputs, DType.INT32, "Shape");
        Output batch;
        try (var ss = g.nameScope("strided_slice")) {
            batch = SliceOps.stridedSlice(g, shape,
                    ConstantOps.intVector(g, new int[] {0}, "stack"), ConstantOps.intVector(g, new int[] {1}, "stack_1"),
                    ConstantOps.intVector(g, new int[] {1}, "stack_2"), StridedSliceOptions.create().shrinkAxisMask(1),
                    ss.name());
        }
        return ConcatOps.pack(g, List.of(batch, ConstantOps.scalar(g, DType.INT32, -1, "Reshape/shape/1")), 0L,
                "Reshape/shape");
    }

    // ---- dropout ----

    /**
     * In training {@code Dropout/dropout/...}: elements kept with probability {@code keep_prob} and scaled by its
     * inverse; otherwise {@code Dropout/Identity}; a bool tensor {@code is_training} builds {@code Dropout/cond}.
     */
    Output dropout(Output inputs, SlimArgs a) {
        Object keepProb = a.get(Kwarg.KEEP_PROB, 0.5);
        Object training = a.get(Kwarg.IS_TRAINING, Boolean.TRUE);
        int[] noiseShape = a.get(Kwarg.NOISE_SHAPE, null);
        Long seed = a.get(Kwarg.SEED, null);
        if (keepProb instanceof Double p && !(p > 0 && p <= 1)) {
            throw new InvalidArgumentException("dropout: keep_prob must be in (0, 1], got " + p);
        }
        try (var sc = VariableScopes.variableScope(g, a.get(Kwarg.SCOPE, null), "Dropout", Reuse.INHERIT)) {
            if (keepProb instanceof Double p && p == 1.0) {
                return collect(ControlOps.identity(g, inputs, null), a);
            }
            java.util.function.Supplier<Output> dropped = () -> {
                if (keepProb instanceof Output kp) {
                    Output rate = ArithmeticOps.sub(g, ConstantOps.scalar(g, kp.dtype(), 1.0, "sub/x"), kp, "sub");
                    Output shape = noiseShape == null ? null : ConstantOps.intVector(g, noiseShape, "noise_shape");
                    return DropoutOps.dropoutV2(g, inputs, rate, shape, seed, null);
                }
                return DropoutOps.dropoutV2(g, inputs, 1.0 - (Double) keepProb, noiseShape, seed, null);
            };
            java.util.function.Supplier<Output> kept = () -> ControlOps.identity(g, inputs, null);
            Output out;
            if (training instanceof Output t) {
                out = CondOps.smartCond(g, t, dropped, kept);
            } else {
                out = (Boolean) training ? dropped.get() : kept.get();
            }
            return collect(out, a);
        }
    }

    // ---- shared ----

    /** The layer's variable scope: its {@code scope} argument or the unique default, with its {@code reuse}. */
    Graph.Scope variableScope(SlimArgs a, String defaultName) {
        return VariableScopes.variableScope(g, a.get(Kwarg.SCOPE, null), defaultName, a.get(Kwarg.REUSE, Reuse.INHERIT));
    }

    /** A name scope's name: the {@code scope} argument, or the default (made unique by the graph either way). */
    static String nameScope(SlimArgs a, String defaultName) {
        String scope = a.get(Kwarg.SCOPE, null);
        return scope == null || scope.isEmpty() ? defaultName : scope;
    }

    /** Adds {@code out} to the layer's {@code outputs_collections}. */
    Output collect(Output out, SlimArgs a) {
        List<String> keys = a.get(Kwarg.OUTPUTS_COLLECTIONS, null);
        if (keys != null) {
            for (String key : keys) {
                g.addToCollection(key, out);
            }
        }
        return out;
    }

    static int numOutputs(SlimArgs a, String what) {
        Integer n = required(a, Kwarg.NUM_OUTPUTS, what);
        if (n <= 0) {
            throw new InvalidArgumentException(what + ": num_outputs must be positive, got " + n);
        }
        return n;
    }

    static <T> T required(SlimArgs a, Kwarg k, String what) {
        T v = a.get(k, null);
        if (v == null) {
            throw new InvalidArgumentException(what + "() missing required argument '" + k.pythonName + "'");
        }
        return v;
    }

    static String padding(String p, String what) {
        String up = p == null ? "" : p.toUpperCase(Locale.ROOT);
        if (!up.equals("VALID") && !up.equals("SAME")) {
            throw new InvalidArgumentException(what + ": padding must be 'SAME' or 'VALID', got " + p);
        }
        return up;
    }

    static String dataFormat(String df, String what) {
        if (df == null || df.equals("NHWC")) {
            return "NHWC";
        }
        if (df.equals("NCHW")) {
            return df;
        }
        throw new InvalidArgumentException(what + ": data_format has to be either NCHW or NHWC, got " + df);
    }
}
