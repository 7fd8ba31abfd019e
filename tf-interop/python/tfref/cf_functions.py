"""control-flow topic, TensorFlow 2 graphs: a tf.function with a loop and a cond, nested function calls,
Keras LSTM/GRU frozen with and without lowering, and IdentityN from tf.custom_gradient."""
import keras
import numpy as np
import tensorflow as tf

from .cf_loops import ISSUE, TOPIC
from .registry import case, register
from .tfutil import concrete_case, freeze, randn


@case(TOPIC, ISSUE)
def tf_function_loop_cond(w):
    """A tf.function (AutoGraph) with a loop over tf.range(n) holding an if on a tensor: the graph of
    get_concrete_function().graph.as_graph_def() (While/If or their Stateless forms over a FunctionDefLibrary,
    not frozen, no variables). Runs with n=0 (no iteration), n=3 and n=6."""
    @tf.function
    def loop_cond(x, n):
        s = tf.zeros_like(x)
        for i in tf.range(n):
            if tf.reduce_sum(s) > 2.0:
                s = s * 0.5 + x
            else:
                s = s + x * x + tf.cast(i, tf.float32)
        return s, tf.reduce_max(s)
    concrete = loop_cond.get_concrete_function(tf.TensorSpec([4], tf.float32, name="x"),
                                               tf.TensorSpec([], tf.int32, name="n"))
    x = randn(1, [4])
    concrete_case(w, concrete, [{"x": x, "n": np.array(k, np.int32)} for k in (0, 3, 6)])


class _Block(tf.Module):
    """A layer whose call is a tf.function that checks its input (Assert: stateful, so callers use
    StatefulPartitionedCall) and calls an inner tf.function (stateless: PartitionedCall)."""

    def __init__(self, seed, width):
        super().__init__(name="block%d" % seed)
        self.kernel = randn(seed, [width, width], np.float32, 0.5)
        self.bias = randn(seed + 50, [width], np.float32, 0.1)

    @tf.function
    def dense(self, x):
        return tf.nn.relu(tf.matmul(x, self.kernel) + self.bias)

    @tf.function
    def __call__(self, x):
        tf.debugging.Assert(tf.reduce_all(tf.math.is_finite(x)), [tf.reduce_max(x)])
        return self.dense(x) + x


@case(TOPIC, ISSUE)
def function_calls_nested(w):
    """A model of two layers whose calls are tf.functions, called from an outer tf.function: the outer graph
    holds StatefulPartitionedCall nodes (the layers contain an Assert), whose functions hold PartitionedCall
    nodes (the inner stateless dense function). Weights are constants inside the functions (no variables).
    Not frozen: convert_variables_to_constants_v2 would inline every call."""
    blocks = [_Block(1, 4), _Block(2, 4)]

    @tf.function
    def model(x):
        for b in blocks:
            x = b(x)
        return tf.reduce_sum(x, axis=1)
    concrete = model.get_concrete_function(tf.TensorSpec([None, 4], tf.float32, name="x"))
    concrete_case(w, concrete, [{"x": randn(3, [3, 4])}])


def _keras_rnn(layer_type, lower):
    def fill(w):
        keras.utils.set_random_seed(3)
        layer = keras.layers.LSTM(8) if layer_type == "lstm" else keras.layers.GRU(8)
        model = keras.Sequential([keras.Input((5, 3)), layer, keras.layers.Dense(2)])
        concrete = tf.function(lambda x: model(x, training=False)).get_concrete_function(
            tf.TensorSpec([None, 5, 3], tf.float32))
        frozen = freeze(concrete, lower_control_flow=lower)
        concrete_case(w, frozen, [{"x": randn(4, [4, 5, 3])}])
        if lower:
            w.note("lowered: the While became Enter/Exit/Switch/Merge/NextIteration/LoopCond in the main graph, "
                   "the TensorList ops stay; freezing leaves unconnected 'unused_control_flow_input' "
                   "Placeholders (listed under variant_placeholders when DT_VARIANT); that lowering is not "
                   "deterministic: each run leaves a different number of those placeholders (15 to 21 seen) and "
                   "marks different nodes with the internal _has_manual_control_dependencies attribute, with the "
                   "same connected graph and values")
        else:
            w.note("lower_control_flow=False: the While op and its cond/body functions stay; calls are inlined")
    return fill


for _layer in ("lstm", "gru"):
    for _lower in (True, False):
        register(TOPIC, "keras_%s_frozen_%s" % (_layer, "lowered" if _lower else "functional"), ISSUE,
                 _keras_rnn(_layer, _lower),
                 "Keras %s %s(8) -> Dense(2) on [batch,5,3] (weights random, seed 3), frozen with "
                 "convert_variables_to_constants_v2(lower_control_flow=%s)"
                 % (keras.__version__, _layer.upper(), _lower))


@tf.custom_gradient
def _swish(x):
    s = tf.sigmoid(x)

    def grad(dy):
        return dy * (s * (1.0 + x * (1.0 - s)))
    return x * s, grad


class _CustomSwish(keras.layers.Layer):
    def call(self, x):
        return _swish(x)


@case(TOPIC, ISSUE)
def keras_swish_identity_n(w):
    """A Keras model with swish as EfficientNet's blocks use it: Conv2D -> BatchNorm -> swish written with
    tf.custom_gradient -> DepthwiseConv2D -> BatchNorm -> Keras' own 'swish' activation (tf.nn.silu, also a
    custom gradient) -> global average pool -> Dense(3). tf.custom_gradient puts an IdentityN node on the
    forward path. The frozen function returns the output and d(sum(output * dy))/dx through the custom
    gradients (GradientTape inside the function)."""
    keras.utils.set_random_seed(4)
    model = keras.Sequential([
        keras.Input((6, 6, 3)), keras.layers.Conv2D(4, 3, padding="same"), keras.layers.BatchNormalization(),
        _CustomSwish(), keras.layers.DepthwiseConv2D(3, padding="same"), keras.layers.BatchNormalization(),
        keras.layers.Activation("swish"), keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3)])
    # Non-trivial batch-norm statistics, so inference is not the identity.
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            n = layer.moving_mean.shape[0]
            layer.moving_mean.assign(randn(40 + n, [n], np.float32, 0.2))
            layer.moving_variance.assign(np.random.RandomState(41 + n).uniform(0.5, 1.5, n).astype(np.float32))

    @tf.function
    def forward_and_gradient(x, dy):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = model(x, training=False)
        return y, tape.gradient(y, x, output_gradients=dy)
    concrete = forward_and_gradient.get_concrete_function(tf.TensorSpec([None, 6, 6, 3], tf.float32, name="x"),
                                                          tf.TensorSpec([None, 3], tf.float32, name="dy"))
    concrete_case(w, freeze(concrete), [{"x": randn(5, [2, 6, 6, 3]), "dy": randn(6, [2, 3])}])
