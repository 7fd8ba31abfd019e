package dev.tensorgraph.ops.slim;

import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.layers.Regularizer;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Reuse;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * Keyword arguments of TF-Slim's layers, set fluently: what a call passes explicitly, what an {@link ArgScope}
 * gives as defaults and what {@code normalizer_params} holds. Only what is set counts: an argument set to null
 * (no activation, no biases initializer, in-place batch-norm updates) is set, one never named is not. A layer
 * takes an argument from its own call first, then from the innermost arg scope that lists the layer, then its
 * TF-Slim default; an argument the layer does not take is an error that names both.
 *
 * <pre>{@code
 * SlimArgs.create().stride(2).padding("VALID").activationFn(null).scope("conv1")
 * }</pre>
 */
public final class SlimArgs {
    private final EnumMap<Kwarg, Object> values = new EnumMap<>(Kwarg.class);

    private SlimArgs() {}

    /** No arguments. */
    public static SlimArgs create() {
        return new SlimArgs();
    }

    /** The positional arguments of a {@code conv2d} call, e.g. for {@code stack}: {@code (numOutputs, [kh, kw])}. */
    public static SlimArgs of(int numOutputs, int... kernelSize) {
        SlimArgs a = create().numOutputs(numOutputs);
        return kernelSize.length == 0 ? a : a.kernelSize(kernelSize);
    }

    /** A copy, so that changing it leaves this one as it was. */
    public SlimArgs copy() {
        SlimArgs c = new SlimArgs();
        c.values.putAll(values);
        return c;
    }

    // ---- layer sizes and geometry ----

    /** {@code num_outputs}: filters of a convolution, units of a fully connected layer. */
    public SlimArgs numOutputs(int v) {
        return put(Kwarg.NUM_OUTPUTS, v);
    }

    /** {@code kernel_size}: one value for both dimensions or {@code {h, w}}. */
    public SlimArgs kernelSize(int... v) {
        return put(Kwarg.KERNEL_SIZE, pair(v, Kwarg.KERNEL_SIZE));
    }

    /** {@code stride}: one value for both dimensions or {@code {h, w}}. */
    public SlimArgs stride(int... v) {
        return put(Kwarg.STRIDE, pair(v, Kwarg.STRIDE));
    }

    /** {@code padding}: {@code "SAME"} or {@code "VALID"} (any case). */
    public SlimArgs padding(String v) {
        return put(Kwarg.PADDING, v);
    }

    /** {@code data_format}: {@code "NHWC"} (the default) or {@code "NCHW"}. */
    public SlimArgs dataFormat(String v) {
        return put(Kwarg.DATA_FORMAT, v);
    }

    /** {@code rate}: the dilation of an atrous convolution, one value or {@code {h, w}}. */
    public SlimArgs rate(int... v) {
        return put(Kwarg.RATE, pair(v, Kwarg.RATE));
    }

    // ---- functions ----

    /** {@code activation_fn}; null for none (a linear layer). */
    public SlimArgs activationFn(UnaryOperator<Output> v) {
        return put(Kwarg.ACTIVATION_FN, v);
    }

    /** {@code normalizer_fn}, e.g. {@code slim::batchNorm}; a layer with one makes no biases. Null for none. */
    public SlimArgs normalizerFn(LayerFunction v) {
        return put(Kwarg.NORMALIZER_FN, v);
    }

    /** {@code normalizer_params}: the arguments the normalizer is called with. */
    public SlimArgs normalizerParams(SlimArgs v) {
        return put(Kwarg.NORMALIZER_PARAMS, v == null ? null : v.copy());
    }

    // ---- variables ----

    public SlimArgs weightsInitializer(Initializer v) {
        return put(Kwarg.WEIGHTS_INITIALIZER, v);
    }

    public SlimArgs weightsRegularizer(Regularizer v) {
        return put(Kwarg.WEIGHTS_REGULARIZER, v);
    }

    /** {@code biases_initializer}; null for no biases. */
    public SlimArgs biasesInitializer(Initializer v) {
        return put(Kwarg.BIASES_INITIALIZER, v);
    }

    public SlimArgs biasesRegularizer(Regularizer v) {
        return put(Kwarg.BIASES_REGULARIZER, v);
    }

    /** {@code reuse}: {@link Reuse#TRUE} needs a {@code scope}. */
    public SlimArgs reuse(Reuse v) {
        return put(Kwarg.REUSE, v == null ? Reuse.INHERIT : v);
    }

    /** {@code reuse=True} or {@code reuse=None}. */
    public SlimArgs reuse(boolean v) {
        return reuse(v ? Reuse.TRUE : Reuse.INHERIT);
    }

    /** {@code variables_collections} as a list: every variable of the layer also joins these collections. */
    public SlimArgs variablesCollections(String... v) {
        return put(Kwarg.VARIABLES_COLLECTIONS, v == null ? null : names(Arrays.asList(v), Kwarg.VARIABLES_COLLECTIONS));
    }

    /**
     * {@code variables_collections} as a dict: per variable ({@code "weights"}, {@code "biases"}, {@code "beta"},
     * {@code "gamma"}, {@code "moving_mean"}, {@code "moving_variance"}) the collections it joins.
     */
    public SlimArgs variablesCollections(Map<String, List<String>> v) {
        return put(Kwarg.VARIABLES_COLLECTIONS, v == null ? null : copyOf(v));
    }

    /** {@code outputs_collections}: the layer's output joins these collections. */
    public SlimArgs outputsCollections(String... v) {
        return put(Kwarg.OUTPUTS_COLLECTIONS, v == null ? null : names(Arrays.asList(v), Kwarg.OUTPUTS_COLLECTIONS));
    }

    public SlimArgs trainable(boolean v) {
        return put(Kwarg.TRAINABLE, v);
    }

    /** {@code scope}: the layer's variable (or name) scope instead of its default ({@code Conv}, ...). */
    public SlimArgs scope(String v) {
        return put(Kwarg.SCOPE, v);
    }

    // ---- batch norm ----

    /** {@code decay} of the moving averages (batch norm's momentum). */
    public SlimArgs decay(double v) {
        return put(Kwarg.DECAY, v);
    }

    /** {@code center}: add {@code beta}. */
    public SlimArgs center(boolean v) {
        return put(Kwarg.CENTER, v);
    }

    /** {@code scale}: multiply by {@code gamma}. */
    public SlimArgs scale(boolean v) {
        return put(Kwarg.SCALE, v);
    }

    public SlimArgs epsilon(double v) {
        return put(Kwarg.EPSILON, v);
    }

    /** {@code param_initializers}: by {@code "beta"}, {@code "gamma"}, {@code "moving_mean"}, {@code "moving_variance"}. */
    public SlimArgs paramInitializers(Map<String, Initializer> v) {
        return put(Kwarg.PARAM_INITIALIZERS, v == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(v)));
    }

    /** {@code param_regularizers}: by {@code "beta"} and {@code "gamma"}. */
    public SlimArgs paramRegularizers(Map<String, Regularizer> v) {
        return put(Kwarg.PARAM_REGULARIZERS, v == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(v)));
    }

    /**
     * {@code updates_collections}: where batch norm puts its two moving-average updates ({@code UPDATE_OPS} by
     * default); null (or no collection) updates in place: the output then depends on both updates.
     */
    public SlimArgs updatesCollections(String... v) {
        boolean inPlace = v == null || v.length == 0 || (v.length == 1 && v[0] == null);
        return put(Kwarg.UPDATES_COLLECTIONS, inPlace ? null : names(Arrays.asList(v), Kwarg.UPDATES_COLLECTIONS));
    }

    /** {@code is_training} known while building. */
    public SlimArgs isTraining(boolean v) {
        return put(Kwarg.IS_TRAINING, v);
    }

    /** {@code is_training} chosen at run time by a bool scalar (a placeholder): builds conds. */
    public SlimArgs isTraining(Output v) {
        if (v == null) {
            throw new InvalidArgumentException("is_training must be a bool or a bool Output, got null");
        }
        return put(Kwarg.IS_TRAINING, v);
    }

    /** {@code fused}: null or true use the fused kernel where it can be used. */
    public SlimArgs fused(Boolean v) {
        return put(Kwarg.FUSED, v);
    }

    // ---- dropout ----

    /** {@code keep_prob}: the probability of keeping each element. */
    public SlimArgs keepProb(double v) {
        return put(Kwarg.KEEP_PROB, v);
    }

    /** {@code keep_prob} as a scalar tensor (a placeholder). */
    public SlimArgs keepProb(Output v) {
        if (v == null) {
            throw new InvalidArgumentException("keep_prob must be a number or a scalar Output, got null");
        }
        return put(Kwarg.KEEP_PROB, v);
    }

    public SlimArgs noiseShape(int... v) {
        return put(Kwarg.NOISE_SHAPE, v == null ? null : v.clone());
    }

    /** The op seed, or null to derive it from the graph seed. */
    public SlimArgs seed(Long v) {
        return put(Kwarg.SEED, v);
    }

    // ---- reading and merging ----

    boolean has(Kwarg k) {
        return values.containsKey(k);
    }

    /** The value set for {@code k} (maybe null), or {@code fallback} when none was set. */
    @SuppressWarnings("unchecked")
    <T> T get(Kwarg k, T fallback) {
        return values.containsKey(k) ? (T) values.get(k) : fallback;
    }

    /** These arguments over {@code defaults}: a new set holding every argument of either, this one's first. */
    SlimArgs over(SlimArgs defaults) {
        SlimArgs merged = defaults == null ? new SlimArgs() : defaults.copy();
        merged.values.putAll(values);
        return merged;
    }

    /** Fails, naming the layer and the argument, when {@code layer} does not take one of these arguments. */
    SlimArgs checkTakenBy(SlimLayer layer, String where) {
        for (Kwarg k : values.keySet()) {
            if (!layer.accepts(k)) {
                throw new InvalidArgumentException(where + ": " + layer.pythonName()
                        + "() got an unexpected keyword argument '" + k.pythonName + "'");
            }
        }
        return this;
    }

    /** The arguments set, by Python name. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "SlimArgs{", "}");
        values.forEach((k, v) -> j.add(k.pythonName + "=" + (v instanceof int[] a ? Arrays.toString(a) : v)));
        return j.toString();
    }

    private SlimArgs put(Kwarg k, Object v) {
        values.put(k, v);
        return this;
    }

    /** One value for both dimensions or two; positive. */
    private static int[] pair(int[] v, Kwarg k) {
        if (v == null || v.length == 0 || v.length > 2) {
            throw new InvalidArgumentException(k.pythonName + " must be one int or two, got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        int[] r = v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
        if (r[0] <= 0 || r[1] <= 0) {
            throw new InvalidArgumentException(k.pythonName + " must be positive, got " + Arrays.toString(v));
        }
        return r;
    }

    /** Collection names, none of them null. */
    private static List<String> names(List<String> v, Kwarg k) {
        for (String n : v) {
            if (n == null) {
                throw new InvalidArgumentException(k.pythonName + " must not hold null, got " + v);
            }
        }
        return List.copyOf(v);
    }

    private static Map<String, List<String>> copyOf(Map<String, List<String>> m) {
        Map<String, List<String>> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v == null ? List.of() : names(v, Kwarg.VARIABLES_COLLECTIONS)));
        return Collections.unmodifiableMap(c);
    }
}
