package dev.tensorgraph.ops.layers;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.ops.ControlFlowApi;
import dev.tensorgraph.ops.Initializer;
import dev.tensorgraph.ops.LayerNames;
import dev.tensorgraph.ops.Literals;
import dev.tensorgraph.ops.Reuse;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Locale;
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
    private final Tf tf;
    private final ControlFlowApi cf;

    public TfLayers(Tf tf) {
        this.tf = tf;
        Graph g = tf.graph();
        this.cf = () -> g;
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
            Output out = tf.op("MatMul", null).addInput(x).addInput(kernel.value()).setAttr("transpose_a", false)
                    .setAttr("transpose_b", false).build().output(0);
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
            var conv = tf.op("Conv2D", null).addInput(inputs).addInput(kernel.value())
                    .setAttr("strides", new long[] {1, o.strides[0], o.strides[1], 1}).setAttr("padding", padding)
                    .setAttr("data_format", "NHWC")
                    .setAttr("dilations", new long[] {1, o.dilationRate[0], o.dilationRate[1], 1});
            if (o.explicitPaddings != null) {
                conv.setAttr("explicit_paddings", o.explicitPaddings.clone());
            }
            Output out = conv.build().output(0);
            if (bias != null) {
                out = biasAdd(out, bias.value());
            }
            return o.activation == null ? out : o.activation.apply(out);
        }
    }

    // ---- pooling and flatten ----

    /** {@code tf.layers.max_pooling2d(inputs, pool_size, strides)} with "valid" padding: {@code max_pooling2d/MaxPool}. */
    public Output maxPooling2d(Output inputs, int[] poolSize, int[] strides) {
        return pool("MaxPool", "max_pooling2d", inputs, poolSize, strides, "valid", null);
    }

    public Output maxPooling2d(Output inputs, int[] poolSize, int[] strides, String padding) {
        return pool("MaxPool", "max_pooling2d", inputs, poolSize, strides, padding, null);
    }

    public Output maxPooling2d(Output inputs, int[] poolSize, int[] strides, String padding, String name) {
        return pool("MaxPool", "max_pooling2d", inputs, poolSize, strides, padding, name);
    }

    /** {@code tf.layers.average_pooling2d}: {@code average_pooling2d/AvgPool}. */
    public Output averagePooling2d(Output inputs, int[] poolSize, int[] strides) {
        return pool("AvgPool", "average_pooling2d", inputs, poolSize, strides, "valid", null);
    }

    public Output averagePooling2d(Output inputs, int[] poolSize, int[] strides, String padding) {
        return pool("AvgPool", "average_pooling2d", inputs, poolSize, strides, padding, null);
    }

    public Output averagePooling2d(Output inputs, int[] poolSize, int[] strides, String padding, String name) {
        return pool("AvgPool", "average_pooling2d", inputs, poolSize, strides, padding, name);
    }

    private Output pool(String type, String base, Output inputs, int[] poolSize, int[] strides, String padding,
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
            return tf.op(type, null).addInput(inputs).setAttr("ksize", new long[] {1, p[0], p[1], 1})
                    .setAttr("strides", new long[] {1, st[0], st[1], 1}).setAttr("padding", pad)
                    .setAttr("data_format", "NHWC").build().output(0);
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
            Output shape = tf.op("Shape", null).addInput(inputs).setAttr("out_type", DType.INT32).build().output(0);
            Output batch = tf.op("StridedSlice", null).addInput(shape).addInput(tf.intVector(new int[] {0}, "Const"))
                    .addInput(tf.intVector(new int[] {1}, "Const")).addInput(tf.intVector(new int[] {1}, "Const"))
                    .setAttr("Index", DType.INT32).setAttr("begin_mask", 0L).setAttr("end_mask", 0L)
                    .setAttr("ellipsis_mask", 0L).setAttr("new_axis_mask", 0L).setAttr("shrink_axis_mask", 1L)
                    .build().output(0);
            Output target = tf.op("Pack", "Reshape/shape").addInputList(List.of(batch, tf.scalar(DType.INT32, -1, "Const")))
                    .setAttr("axis", 0L).build().output(0);
            return tf.op("Reshape", null).addInput(inputs).addInput(target).setAttr("Tshape", DType.INT32)
                    .build().output(0);
        }
    }

    // ---- dropout ----

    /** {@code tf.layers.dropout(inputs)}: rate 0.5, training false, so the identity. */
    public Output dropout(Output inputs) {
        return dropout(inputs, 0.5, Boolean.FALSE, null, null, null);
    }

    public Output dropout(Output inputs, double rate, boolean training) {
        return dropout(inputs, rate, training, null, null, null);
    }

    /** With a bool scalar {@code training} chosen at run time ({@code tf.cond}). */
    public Output dropout(Output inputs, double rate, Output training) {
        return dropout(inputs, rate, training, null, null, null);
    }

    /**
     * {@code tf.layers.dropout(inputs, rate, noise_shape, seed, training, name)}: in training, each element
     * (or each slice per {@code noiseShape}) is kept with probability {@code 1 - rate} and scaled by
     * {@code 1 / (1 - rate)}; otherwise the identity. {@code training} is a Boolean or a bool scalar Output.
     */
    public Output dropout(Output inputs, double rate, Object training, int[] noiseShape, Long seed, String name) {
        if (rate < 0 || rate >= 1) {
            throw new InvalidArgumentException("dropout rate must be a scalar tensor or a float in the range [0, 1), got "
                    + rate);
        }
        try (var scope = layerScope(name, "dropout", Reuse.INHERIT)) {
            return cf.smartCond(training, () -> dropoutOp(inputs, rate, noiseShape, seed),
                    () -> tf.identity(inputs));
        }
    }

    private Output dropoutOp(Output x, double rate, int[] noiseShape, Long seed) {
        Graph g = tf.graph();
        try (var s = g.nameScope("dropout")) {
            DType dt = x.dtype();
            Output shape = noiseShape != null ? tf.intVector(noiseShape, "noise_shape")
                    : tf.op("Shape", null).addInput(x).setAttr("out_type", DType.INT32).build().output(0);
            long[] seeds = seeds(seed);
            Output rnd;
            try (var ru = g.nameScope("random_uniform")) {
                rnd = tf.op("RandomUniform", null).addInput(shape).setAttr("dtype", dt).setAttr("seed", seeds[0])
                        .setAttr("seed2", seeds[1]).build().output(0);
            }
            Output keep = tf.op("GreaterEqual", null).addInput(rnd).addInput(tf.scalar(dt, rate, "rate"))
                    .build().output(0);
            Output scaled = tf.op("Mul", "mul").addInput(x).addInput(tf.scalar(dt, 1.0 / (1.0 - rate), "scale"))
                    .build().output(0);
            Output mask = tf.op("Cast", null).addInput(keep).setAttr("SrcT", DType.BOOL).setAttr("DstT", dt)
                    .setAttr("Truncate", false).build().output(0);
            return tf.op("Mul", "mul").addInput(scaled).addInput(mask).build().output(0);
        }
    }

    /** TensorFlow's {@code random_seed.get_seed}: (graph seed, op seed) from the graph-level and op-level seeds. */
    private long[] seeds(Long opSeed) {
        Graph g = tf.graph();
        Long graphSeed = g.seed();
        if (graphSeed == null && opSeed == null) {
            return new long[] {0, 0};
        }
        if (graphSeed == null) {
            return new long[] {87654321L, opSeed};
        }
        return new long[] {graphSeed, opSeed != null ? opSeed : g.numOperations()};
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
     * composed path ({@code moments}) uses the biased batch variance.
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
        Boolean trainingValue = ControlFlowApi.staticValue(o.training);
        boolean canFuse = rank == 4 && axis == 3 && dt == DType.FLOAT32;
        boolean fused = o.fused == null ? canFuse : o.fused;
        if (fused && !canFuse) {
            throw new InvalidArgumentException("fused batch norm needs a 4-D float32 input normalised over axis 3 "
                    + "(NHWC), got " + dt + s + " with axis " + o.axis);
        }
        Shape param = Shape.of(c);
        List<String> globalOnly = List.of(GraphKeys.GLOBAL_VARIABLES);
        try (var scope = layerScope(o.name, "batch_normalization", o.reuse)) {
            Variable gamma = o.scale ? tf.getVariable("gamma", param, dt, o.gammaInitializer, o.trainable, null) : null;
            Variable beta = o.center ? tf.getVariable("beta", param, dt, o.betaInitializer, o.trainable, null) : null;
            Variable movingMean = tf.getVariable("moving_mean", param, dt, o.movingMeanInitializer, false, globalOnly);
            Variable movingVar = tf.getVariable("moving_variance", param, dt, o.movingVarianceInitializer, false,
                    globalOnly);
            Output mean;
            Output variance;
            Output out;
            if (fused) {
                Output g = gamma != null ? gamma.value() : tf.constant(1, dt, param, "Const");
                Output b = beta != null ? beta.value() : tf.constant(0, dt, param, "Const");
                List<Output> r = cf.smartCondList(o.training,
                        () -> fusedBatchNorm(inputs, g, b, null, null, o.epsilon, true),
                        () -> fusedBatchNorm(inputs, g, b, movingMean.value(), movingVar.value(), o.epsilon, false));
                out = r.get(0);
                mean = r.get(1);
                variance = r.get(2);
            } else {
                if (Boolean.FALSE.equals(trainingValue)) {
                    mean = movingMean.value();
                    variance = movingVar.value();
                } else {
                    int[] axes = new int[rank - 1];
                    for (int i = 0, j = 0; i < rank; i++) {
                        if (i != axis) {
                            axes[j++] = i;
                        }
                    }
                    Output[] mv = moments(inputs, axes);
                    if (trainingValue == null) {
                        Output training = (Output) o.training;
                        mean = cf.cond(training, () -> mv[0], movingMean::value);
                        variance = cf.cond(training, () -> mv[1], movingVar::value);
                    } else {
                        mean = mv[0];
                        variance = mv[1];
                    }
                }
                out = batchNormFormula(inputs, broadcast(mean, rank, axis, c), broadcast(variance, rank, axis, c),
                        beta == null ? null : broadcast(beta.value(), rank, axis, c),
                        gamma == null ? null : broadcast(gamma.value(), rank, axis, c), o.epsilon);
            }
            if (!Boolean.FALSE.equals(trainingValue)) {
                Output momentum = null;
                if (trainingValue == null) {
                    momentum = cf.cond((Output) o.training, () -> tf.scalar(dt, o.momentum, "Const"),
                            () -> tf.scalar(dt, 1.0, "Const"));
                }
                Graph g = tf.graph();
                g.addToCollection(GraphKeys.UPDATE_OPS, assignMovingAverage(movingMean, mean, o.momentum, momentum));
                g.addToCollection(GraphKeys.UPDATE_OPS, assignMovingAverage(movingVar, variance, o.momentum, momentum));
            }
            return out;
        }
    }

    /** {@code [y, batch_mean, batch_variance]} of one {@code FusedBatchNormV3}. */
    private List<Output> fusedBatchNorm(Output x, Output scale, Output offset, Output mean, Output variance,
                                        double epsilon, boolean training) {
        Tensor empty = Tensor.of(DType.FLOAT32, Shape.of(0), new float[0]);
        Output m = mean != null ? mean : tf.constOp(empty, "Const");
        Output v = variance != null ? variance : tf.constOp(empty, "Const");
        var op = tf.op("FusedBatchNormV3", null).addInput(x).addInput(scale).addInput(offset).addInput(m).addInput(v)
                .setAttr("T", x.dtype()).setAttr("U", DType.FLOAT32)
                .setAttr("epsilon", (float) Math.max(epsilon, 1.001e-5)).setAttr("data_format", "NHWC")
                .setAttr("is_training", training).build();
        return List.of(op.output(0), op.output(1), op.output(2));
    }

    /** {@code tf.nn.moments(x, axes)}: mean and biased variance, squeezed ({@code moments/mean}, ...). */
    private Output[] moments(Output x, int[] axes) {
        Graph g = tf.graph();
        try (var s = g.nameScope("moments")) {
            Output mean = tf.op("Mean", "mean").addInput(x).addInput(tf.intVector(axes, "mean/reduction_indices"))
                    .setAttr("keep_dims", true).setAttr("Tidx", DType.INT32).build().output(0);
            Output sg = tf.op("StopGradient", null).addInput(mean).build().output(0);
            Output sq = tf.op("SquaredDifference", null).addInput(x).addInput(sg).build().output(0);
            Output var = tf.op("Mean", "variance").addInput(sq)
                    .addInput(tf.intVector(axes, "variance/reduction_indices"))
                    .setAttr("keep_dims", true).setAttr("Tidx", DType.INT32).build().output(0);
            long[] sq0 = new long[axes.length];
            for (int i = 0; i < axes.length; i++) {
                sq0[i] = axes[i];
            }
            Output m = tf.op("Squeeze", null).addInput(mean).setAttr("squeeze_dims", sq0).build().output(0);
            Output v = tf.op("Squeeze", null).addInput(var).setAttr("squeeze_dims", sq0).build().output(0);
            return new Output[] {m, v};
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

    /** {@code tf.nn.batch_normalization}: {@code x * inv + (offset - mean * inv)}, {@code inv = scale / sqrt(var + eps)}. */
    private Output batchNormFormula(Output x, Output mean, Output variance, Output offset, Output scale,
                                    double epsilon) {
        Graph g = tf.graph();
        DType dt = x.dtype();
        try (var s = g.nameScope("batchnorm")) {
            Output inv = tf.op("Rsqrt", null).addInput(tf.op("AddV2", "add").addInput(variance)
                    .addInput(tf.scalar(dt, epsilon, "add/y")).build().output(0)).build().output(0);
            if (scale != null) {
                inv = binary("Mul", "mul", inv, scale);
            }
            Output xs = binary("Mul", "mul", x, inv);
            Output mi = binary("Mul", "mul", mean, inv);
            Output shift = offset != null ? binary("Sub", "sub", offset, mi)
                    : tf.op("Neg", null).addInput(mi).build().output(0);
            return binary("AddV2", "add", xs, shift);
        }
    }

    /**
     * TensorFlow's {@code _assign_moving_average} with zero_debias off, as one {@code AssignSub} named by the
     * {@code AssignMovingAvg} scope: {@code variable -= (variable - value) * (1 - momentum)}.
     */
    private Output assignMovingAverage(Variable variable, Output value, double momentum, Output momentumTensor) {
        Graph g = tf.graph();
        DType dt = variable.dtype();
        try (var s = g.nameScope("AssignMovingAvg")) {
            Output decay = momentumTensor == null ? tf.scalar(dt, 1.0 - momentum, "decay")
                    : binary("Sub", "sub", tf.scalar(dt, 1.0, "sub/x"), momentumTensor);
            Output v = value;
            if (v.dtype() != dt) {
                v = tf.op("Cast", null).addInput(v).setAttr("SrcT", v.dtype()).setAttr("DstT", dt)
                        .setAttr("Truncate", false).build().output(0);
            }
            Output delta = binary("Mul", "mul", binary("Sub", "sub", variable.value(), v), decay);
            return tf.op("AssignSub", s.name()).addInput(variable).addInput(delta).setAttr("use_locking", false)
                    .build().output(0);
        }
    }

    // ---- shared helpers ----

    /** Opens the layer's variable scope (and with it its name scope): a unique default name or the given one. */
    private Graph.Scope layerScope(String name, String base, Reuse reuse) {
        String scopeName = name != null ? name : LayerNames.uniqueDefaultName(tf.graph(), base);
        return tf.variableScope(scopeName, reuse == null ? Reuse.INHERIT : reuse);
    }

    /**
     * A layer weight by {@code get_variable}; a new one's regularizer loss is built under
     * {@code <weight>/Regularizer} and added to REGULARIZATION_LOSSES.
     */
    private Variable weight(String name, Shape shape, DType dt, Initializer init, Regularizer reg, boolean trainable) {
        Graph g = tf.graph();
        int before = g.numOperations();
        Variable v = tf.getVariable(name, shape, dt, init, trainable, null);
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
        return tf.op("BiasAdd", null).addInput(x).addInput(bias).setAttr("data_format", "NHWC").build().output(0);
    }

    private Output reshape(Output x, long[] shape) {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(shape[i]);
        }
        return tf.op("Reshape", null).addInput(x).addInput(tf.intVector(s, "Reshape/shape"))
                .setAttr("Tshape", DType.INT32).build().output(0);
    }

    private Output binary(String type, String name, Output a, Output b) {
        return tf.op(type, name).addInput(a).addInput(b).build().output(0);
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
