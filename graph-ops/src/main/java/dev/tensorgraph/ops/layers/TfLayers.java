package dev.tensorgraph.ops.layers;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
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
import dev.tensorgraph.ops.math.MatMulOps;
import dev.tensorgraph.ops.nn.ActivationOps;
import dev.tensorgraph.ops.nn.BatchNormOps;
import dev.tensorgraph.ops.nn.ConvAttrs;
import dev.tensorgraph.ops.nn.ConvOps;
import dev.tensorgraph.ops.nn.DropoutOps;
import dev.tensorgraph.ops.nn.FusedBatchNorm;
import dev.tensorgraph.ops.nn.Moments;
import dev.tensorgraph.ops.nn.PoolOps;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Reuse;
import dev.tensorgraph.ops.state.VariableScopes;
import dev.tensorgraph.ops.support.GraphBound;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The {@code tf.layers} namespace of TensorFlow 1.x: functional layers that create their variables with
 * {@code get_variable} under the layer's variable scope and their ops under its name scope.
 *
 * <pre>{@code
 * Output h = tf.layers.dense(x, 128, Activations.relu());       // dense/kernel, dense/bias, dense/MatMul, dense/Relu
 * Output y = tf.layers.dense(h, 10);                             // dense_1/kernel ...
 * Output b = tf.layers.batchNormalization(h, BatchNormOptions.create().training(isTraining));
 * try (var deps = tf.controlDependencies(g.collection(GraphKeys.UPDATE_OPS))) { train = ... }
 * }</pre>
 *
 * A layer created without a name gets its type's snake-case name made unique per enclosing variable scope
 * ({@code dense}, {@code dense_1}, ...); a named layer uses the name as is, so creating it twice needs
 * {@code reuse}. Data format is NHWC (channels_last) throughout.
 */
public final class TfLayers {
    private final Graph g;

    /** The layers of {@code g}. */
    public TfLayers(Graph g) {
        this.g = g;
    }

    /** @deprecated use {@link #TfLayers(Graph)}. */
    @Deprecated
    public TfLayers(GraphBound tf) {
        this(tf.graph());
    }

    // ---- dense ----

    /** {@code tf.layers.dense(inputs, units)}: {@code inputs @ kernel + bias}, no activation. */
    public Output dense(Output inputs, int units) {
        return dense(inputs, units, DenseOptions.create());
    }

    public Output dense(Output inputs, int units, UnaryOperator<Output> activation) {
        return dense(inputs, units, DenseOptions.create().activation(activation));
    }

    public Output dense(Output inputs, int units, UnaryOperator<Output> activation, boolean useBias) {
        return dense(inputs, units, DenseOptions.create().activation(activation).useBias(useBias));
    }

    public Output dense(Output inputs, int units, UnaryOperator<Output> activation, boolean useBias, String name) {
        return dense(inputs, units, DenseOptions.create().activation(activation).useBias(useBias).name(name));
    }

    /**
     * The general form. Inputs of rank above 2 are multiplied over their last axis (TensorFlow uses
     * {@code tensordot}; this reshapes to 2-D and back, so only the first dimension may be unknown).
     */
    public Output dense(Output inputs, int units, DenseOptions o) {
        if (units <= 0) {
            throw new InvalidArgumentException("dense: units must be positive, got " + units);
        }
        Shape s = inputs.shape();
        if (!s.hasKnownRank() || s.rank() < 2 || s.size(s.rank() - 1) < 0) {
            throw new InvalidArgumentException("The last dimension of the inputs to `Dense` should be defined. Found "
                    + "shape " + s + " for '" + inputs.name() + "'");
        }
        int rank = s.rank();
        long in = s.size(rank - 1);
        DType dt = inputs.dtype();
        try (var scope = layerScope(o.name, "dense", o.reuse)) {
            Variable kernel = weight("kernel", Shape.of(in, units), dt, o.kernelInitializer, o.kernelRegularizer,
                    o.trainable);
            Variable bias = o.useBias ? weight("bias", Shape.of(units), dt, o.biasInitializer, o.biasRegularizer,
                    o.trainable) : null;
            Output x = inputs;
            if (rank > 2) {
                x = reshape(x, new long[] {-1, in});
            }
            Output out = MatMulOps.matMul(g, x, kernel.value(), false, false, null);
            if (rank > 2) {
                for (int i = 1; i < rank - 1; i++) {
                    if (s.size(i) < 0) {
                        throw new UnimplementedException("dense on rank-" + rank + " inputs needs every dimension but "
                                + "the first known, got " + s);
                    }
                }
                long[] back = s.dims().clone();
                back[0] = -1;
                back[rank - 1] = units;
                out = reshape(out, back);
            }
            if (bias != null) {
                out = biasAdd(out, bias.value());
            }
            return o.activation == null ? out : o.activation.apply(out);
        }
    }

    // ---- conv2d ----

    /** {@code tf.layers.conv2d(inputs, filters, kernel_size)} with stride 1 and "valid" padding. */
    public Output conv2d(Output inputs, int filters, int[] kernelSize) {
        return conv2d(inputs, filters, kernelSize, Conv2dOptions.create());
    }

    /** @deprecated a long positional form: use {@link #conv2d(Output, int, int[], Conv2dOptions)}. */
    @Deprecated
    public Output conv2d(Output inputs, int filters, int[] kernelSize, int[] strides, String padding,
                         UnaryOperator<Output> activation, String name) {
        return conv2d(inputs, filters, kernelSize, Conv2dOptions.create().strides(strides).padding(padding)
                .activation(activation).name(name));
    }

    /**
     * 2-D convolution of NHWC {@code inputs} with a kernel {@code [kh, kw, in, filters]} ({@code Conv2D}), plus a
     * bias ({@code BiasAdd}) and the activation: {@code conv2d/Conv2D}, {@code conv2d/BiasAdd}.
     */
    public Output conv2d(Output inputs, int filters, int[] kernelSize, Conv2dOptions o) {
        int[] k = pair(kernelSize, "kernel_size");
        Shape s = inputs.shape();
        if (!s.hasKnownRank() || s.rank() != 4) {
            throw new InvalidArgumentException("Input 0 of layer conv2d is incompatible with the layer: expected ndim=4, "
                    + "found shape " + s + " for '" + inputs.name() + "'");
        }
        if (s.size(3) < 0) {
            throw new InvalidArgumentException("The channel dimension of the inputs should be defined. Found `None` in "
                    + s + " for '" + inputs.name() + "'");
        }
        if (filters <= 0) {
            throw new InvalidArgumentException("conv2d: filters must be positive, got " + filters);
        }
        String padding = o.explicitPaddings != null ? "EXPLICIT" : padding(o.padding);
        DType dt = inputs.dtype();
        try (var scope = layerScope(o.name, "conv2d", o.reuse)) {
            Variable kernel = weight("kernel", Shape.of(k[0], k[1], s.size(3), filters), dt, o.kernelInitializer,
                    o.kernelRegularizer, o.trainable);
            Variable bias = o.useBias ? weight("bias", Shape.of(filters), dt, o.biasInitializer, o.biasRegularizer,
                    o.trainable) : null;
            ConvAttrs attrs = ConvAttrs.create().strides(o.strides).dilations(o.dilationRate).padding(padding);
            if (o.explicitPaddings != null) {
                attrs.explicitPaddings(o.explicitPaddings);
            }
            Output out = ConvOps.conv2d(g, inputs, kernel.value(), attrs, null);
            if (bias != null) {
                out = biasAdd(out, bias.value());
            }
            return o.activation == null ? out : o.activation.apply(out);
        }
    }

    // ---- pooling and flatten ----

    /** {@code tf.layers.max_pooling2d(inputs, pool_size, strides)} with "valid" padding: {@code max_pooling2d/MaxPool}. */
    public Output maxPooling2d(Output inputs, int[] poolSize, int[] strides) {
        return pool(true, "max_pooling2d", inputs, poolSize, strides, "valid", null);
    }

    public Output maxPooling2d(Output inputs, int[] poolSize, int[] strides, String padding) {
        return pool(true, "max_pooling2d", inputs, poolSize, strides, padding, null);
    }

    public Output maxPooling2d(Output inputs, int[] poolSize, int[] strides, String padding, String name) {
        return pool(true, "max_pooling2d", inputs, poolSize, strides, padding, name);
    }

    /** {@code tf.layers.average_pooling2d}: {@code average_pooling2d/AvgPool}. */
    public Output averagePooling2d(Output inputs, int[] poolSize, int[] strides) {
        return pool(false, "average_pooling2d", inputs, poolSize, strides, "valid", null);
    }

    public Output averagePooling2d(Output inputs, int[] poolSize, int[] strides, String padding) {
        return pool(false, "average_pooling2d", inputs, poolSize, strides, padding, null);
    }

    public Output averagePooling2d(Output inputs, int[] poolSize, int[] strides, String padding, String name) {
        return pool(false, "average_pooling2d", inputs, poolSize, strides, padding, name);
    }

    private Output pool(boolean max, String base, Output inputs, int[] poolSize, int[] strides, String padding,
                        String name) {
        int[] p = pair(poolSize, "pool_size");
        int[] st = pair(strides, "strides");
        Shape s = inputs.shape();
        if (s.hasKnownRank() && s.rank() != 4) {
            throw new InvalidArgumentException("Input 0 of layer " + base + " is incompatible with the layer: "
                    + "expected ndim=4, found shape " + s + " for '" + inputs.name() + "'");
        }
        String pad = padding(padding);
        try (var scope = layerScope(name, base, Reuse.INHERIT)) {
            int[] ksize = {1, p[0], p[1], 1};
            int[] stride4 = {1, st[0], st[1], 1};
            return max ? PoolOps.maxPool(g, inputs, ksize, stride4, pad, null, "NHWC", null)
                    : PoolOps.avgPool(g, inputs, ksize, stride4, pad, "NHWC", null);
        }
    }

    /** {@code tf.layers.flatten(inputs)}: {@code [batch, ...] -> [batch, prod(...)]} ({@code flatten/Reshape}). */
    public Output flatten(Output inputs) {
        return flatten(inputs, null);
    }

    public Output flatten(Output inputs, String name) {
        Shape s = inputs.shape();
        if (!s.hasKnownRank() || s.rank() < 1) {
            throw new InvalidArgumentException("flatten needs inputs of known rank >= 1, got " + s + " for '"
                    + inputs.name() + "'");
        }
        try (var scope = layerScope(name, "flatten", Reuse.INHERIT)) {
            long prod = 1;
            boolean known = true;
            for (int i = 1; i < s.rank(); i++) {
                if (s.size(i) < 0) {
                    known = false;
                }
                prod *= Math.max(s.size(i), 1);
            }
            if (known) {
                return reshape(inputs, new long[] {-1, prod});
            }
            Output shape = ShapeOps.shape(g, inputs, DType.INT32, null);
            Output batch = SliceOps.stridedSlice(g, shape, ConstantOps.intVector(g, new int[] {0}, "Const"),
                    ConstantOps.intVector(g, new int[] {1}, "Const"), ConstantOps.intVector(g, new int[] {1}, "Const"),
                    StridedSliceOptions.create().shrinkAxisMask(1), null);
            Output target = ConcatOps.pack(g, List.of(batch, ConstantOps.scalar(g, DType.INT32, -1, "Const")), 0L,
                    "Reshape/shape");
            return ShapeOps.reshape(g, inputs, target, null);
        }
    }

    // ---- dropout ----

    /** {@code tf.layers.dropout(inputs)}: rate 0.5, training false, so the identity. */
    public Output dropout(Output inputs) {
        return dropout(inputs, DropoutOptions.create());
    }

    public Output dropout(Output inputs, double rate, boolean training) {
        return dropout(inputs, DropoutOptions.create().rate(rate).training(training));
    }

    /** With a bool scalar {@code training} chosen at run time ({@code tf.cond}). */
    public Output dropout(Output inputs, double rate, Output training) {
        return dropout(inputs, DropoutOptions.create().rate(rate).training(training));
    }

    /**
     * @deprecated an {@code Object} parameter: use {@link #dropout(Output, DropoutOptions)} with
     *     {@code DropoutOptions.create().rate(rate).training(training).noiseShape(..).seed(..).name(..)}.
     */
    @Deprecated
    public Output dropout(Output inputs, double rate, Object training, int[] noiseShape, Long seed, String name) {
        DropoutOptions o = DropoutOptions.create().rate(rate).noiseShape(noiseShape).seed(seed).name(name);
        if (training instanceof Output t) {
            o.training(t);
        } else if (training instanceof Boolean b) {
            o.training(b);
        } else {
            throw new InvalidArgumentException("training must be a Boolean or a bool Output, got "
                    + (training == null ? "null" : training.getClass().getSimpleName()));
        }
        return dropout(inputs, o);
    }

    /**
     * {@code tf.layers.dropout(inputs, rate, noise_shape, seed, training, name)}: in training, each element
     * (or each slice per the noise shape) is kept with probability {@code 1 - rate} and scaled by
     * {@code 1 / (1 - rate)}; otherwise the identity.
     */
    public Output dropout(Output inputs, DropoutOptions o) {
        double rate = o.rate;
        if (rate < 0 || rate >= 1) {
            throw new InvalidArgumentException("dropout rate must be a scalar tensor or a float in the range [0, 1), got "
                    + rate);
        }
        try (var scope = layerScope(o.name, "dropout", Reuse.INHERIT)) {
            Supplier<Output> dropped = () -> DropoutOps.dropoutV2(g, inputs, rate, o.noiseShape, o.seed, null);
            Supplier<Output> kept = () -> ControlOps.identity(g, inputs, null);
            if (o.trainingTensor != null) {
                return CondOps.smartCond(g, o.trainingTensor, dropped, kept);
            }
            return o.trainingValue ? dropped.get() : kept.get();
        }
    }

    // ---- batch normalization ----

    /** {@code tf.layers.batch_normalization(inputs)} in inference mode (moving statistics). */
    public Output batchNormalization(Output inputs) {
        return batchNormalization(inputs, BatchNormOptions.create());
    }

    public Output batchNormalization(Output inputs, boolean training) {
        return batchNormalization(inputs, BatchNormOptions.create().training(training));
    }

    public Output batchNormalization(Output inputs, Output training) {
        return batchNormalization(inputs, BatchNormOptions.create().training(training));
    }

    /**
     * Batch normalization over every axis but {@code axis}, with variables {@code gamma}, {@code beta} and the
     * non-trainable {@code moving_mean}, {@code moving_variance}. In training it normalises with the batch's
     * statistics and adds two updates to {@code UPDATE_OPS}, {@code <layer>/AssignMovingAvg} and
     * {@code <layer>/AssignMovingAvg_1}: {@code moving -= (moving - batch_stat) * (1 - momentum)}. They run only
     * when something depends on them, usually through {@code controlDependencies(UPDATE_OPS)} around the train
     * op. In inference it normalises with the moving statistics. A bool Output {@code training} builds conds.
     *
     * <p>As TensorFlow, the fused kernel ({@code FusedBatchNormV3}, used for 4-D float32 inputs normalised over the
     * last axis) feeds the moving variance the batch variance with Bessel's correction (n/(n-1)), while the
     * composed path ({@code tf.nn.moments} and {@code tf.nn.batch_normalization}) uses the biased batch variance.
     */
    public Output batchNormalization(Output inputs, BatchNormOptions o) {
        Shape s = inputs.shape();
        if (!s.hasKnownRank() || s.rank() < 1) {
            throw new InvalidArgumentException("batch_normalization needs inputs of known rank, got " + s + " for '"
                    + inputs.name() + "'");
        }
        int rank = s.rank();
        int axis = o.axis < 0 ? o.axis + rank : o.axis;
        if (axis < 0 || axis >= rank) {
            throw new InvalidArgumentException("Invalid axis: " + o.axis + " for inputs of rank " + rank);
        }
        long c = s.size(axis);
        if (c < 0) {
            throw new InvalidArgumentException("Input has undefined `axis` dimension. Input shape: " + s);
        }
        DType dt = inputs.dtype();
        Output trainingTensor = o.trainingTensor;
        Boolean trainingValue = trainingTensor == null ? Boolean.valueOf(o.trainingValue) : CondOps.staticValue(trainingTensor);
        boolean canFuse = rank == 4 && axis == 3 && dt == DType.FLOAT32;
        boolean fused = o.fused == null ? canFuse : o.fused;
        if (fused && !canFuse) {
            throw new InvalidArgumentException("fused batch norm needs a 4-D float32 input normalised over axis 3 "
                    + "(NHWC), got " + dt + s + " with axis " + o.axis);
        }
        Shape param = Shape.of(c);
        List<String> globalOnly = List.of(GraphKeys.GLOBAL_VARIABLES);
        try (var scope = layerScope(o.name, "batch_normalization", o.reuse)) {
            Variable gamma = o.scale ? getVariable("gamma", param, dt, o.gammaInitializer, o.trainable, null) : null;
            Variable beta = o.center ? getVariable("beta", param, dt, o.betaInitializer, o.trainable, null) : null;
            Variable movingMean = getVariable("moving_mean", param, dt, o.movingMeanInitializer, false, globalOnly);
            Variable movingVar = getVariable("moving_variance", param, dt, o.movingVarianceInitializer, false, globalOnly);
            Output mean;
            Output variance;
            Output out;
            if (fused) {
                Output gm = gamma != null ? gamma.value() : ConstantOps.constant(g, 1, dt, param, "Const");
                Output bt = beta != null ? beta.value() : ConstantOps.constant(g, 0, dt, param, "Const");
                FusedBatchNorm r = BatchNormModes.fused(g, inputs, gm, bt, movingMean, movingVar, o.epsilon, "NHWC",
                        trainingValue, trainingTensor);
                out = r.y();
                mean = r.batchMean();
                variance = r.batchVariance();
            } else {
                Moments m = BatchNormModes.moments(g, inputs, axis, movingMean, movingVar, trainingValue, trainingTensor);
                mean = m.mean();
                variance = m.variance();
                out = BatchNormOps.batchNormalization(g, inputs, broadcast(mean, rank, axis, c),
                        broadcast(variance, rank, axis, c), beta == null ? null : broadcast(beta.value(), rank, axis, c),
                        gamma == null ? null : broadcast(gamma.value(), rank, axis, c), o.epsilon, null);
            }
            if (!Boolean.FALSE.equals(trainingValue)) {
                Output momentum = trainingValue == null
                        ? MovingAverages.runTimeMomentum(g, dt, o.momentum, trainingTensor) : null;
                g.addToCollection(GraphKeys.UPDATE_OPS, MovingAverages.assign(g, movingMean, mean, o.momentum, momentum));
                g.addToCollection(GraphKeys.UPDATE_OPS, MovingAverages.assign(g, movingVar, variance, o.momentum, momentum));
            }
            return out;
        }
    }

    /** Reshapes a per-channel vector to broadcast against a rank-{@code rank} input when axis is not the last. */
    private Output broadcast(Output v, int rank, int axis, long c) {
        if (axis == rank - 1) {
            return v;
        }
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[axis] = c;
        return reshape(v, shape);
    }

    // ---- shared helpers ----

    /** Opens the layer's variable scope (and with it its name scope): a unique default name or the given one. */
    private Graph.Scope layerScope(String name, String base, Reuse reuse) {
        String scopeName = name != null ? name : VariableScopes.uniqueLayerName(g, base);
        return VariableScopes.variableScope(g, scopeName, reuse == null ? Reuse.INHERIT : reuse);
    }

    private Variable getVariable(String name, Shape shape, DType dt, Initializer init, boolean trainable,
                                 List<String> collections) {
        return VariableScopes.getVariable(g, name, shape, dt, init, trainable, collections);
    }

    /**
     * A layer weight by {@code get_variable}; a new one's regularizer loss is built under
     * {@code <weight>/Regularizer} and added to REGULARIZATION_LOSSES.
     */
    private Variable weight(String name, Shape shape, DType dt, Initializer init, Regularizer reg, boolean trainable) {
        int before = g.numOperations();
        Variable v = getVariable(name, shape, dt, init, trainable, null);
        boolean created = v.op().id() >= before;
        if (reg != null && created) {
            try (var s = g.nameScope(name + "/Regularizer")) {
                Output loss = reg.apply(v.value());
                if (loss != null) {
                    g.addToCollection(GraphKeys.REGULARIZATION_LOSSES, loss);
                }
            }
        }
        return v;
    }

    private Output biasAdd(Output x, Output bias) {
        return ActivationOps.biasAdd(g, x, bias, "NHWC", null);
    }

    private Output reshape(Output x, long[] shape) {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(shape[i]);
        }
        return ShapeOps.reshape(g, x, s, null);
    }

    private static String padding(String p) {
        String up = p == null ? "" : p.toUpperCase(Locale.ROOT);
        if (!up.equals("VALID") && !up.equals("SAME")) {
            throw new InvalidArgumentException("The `padding` argument must be one of \"valid\", \"same\". Received: " + p);
        }
        return up;
    }

    /** An int pair from one value (used for both) or two. */
    static int[] pair(int[] v, String what) {
        if (v == null || v.length == 0 || v.length > 2) {
            throw new InvalidArgumentException("The `" + what + "` argument must be a tuple of 2 integers. Received: "
                    + (v == null ? "null" : java.util.Arrays.toString(v)));
        }
        int[] r = v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
        if (r[0] <= 0 || r[1] <= 0) {
            throw new InvalidArgumentException("The `" + what + "` argument must be positive, got "
                    + java.util.Arrays.toString(v));
        }
        return r;
    }
}
