"""The slim topic (issue #21): checkpoints with TF-Slim's variable names, written by TensorFlow's Saver,
with the forward output of the net those names belong to. TF-Slim is not installed; the variables are
made by hand under the scopes and names TF-Slim's layers use (see the README for the rules)."""
import numpy as np
import tensorflow as tf

from .registry import case
from .tfutil import SeededInit, randn, session, v1

TOPIC = "slim"
ISSUE = "#21"
EPSILON = 0.001


def conv(x, depth, scope, batch_norm=None):
    """slim.conv2d(x, depth, [3, 3]) (stride 1, SAME, relu); batch_norm=None, 'plain' or 'scaled'."""
    with v1.variable_scope(scope):
        weights = v1.get_variable("weights", [3, 3, x.shape[-1], depth])
        y = tf.nn.conv2d(x, weights, 1, "SAME", name="Conv2D")
        if batch_norm is None:
            y = tf.nn.bias_add(y, v1.get_variable("biases", [depth]), name="BiasAdd")
        else:
            with v1.variable_scope("BatchNorm"):
                gamma = (v1.get_variable("gamma", [depth]) if batch_norm == "scaled"
                         else tf.constant(1.0, shape=[depth]))
                beta = v1.get_variable("beta", [depth])
                mean = v1.get_variable("moving_mean", [depth], trainable=False)
                variance = v1.get_variable("moving_variance", [depth], trainable=False)
                y, _, _ = v1.nn.fused_batch_norm(y, gamma, beta, mean=mean, variance=variance, epsilon=EPSILON,
                                                 is_training=False)
        return tf.nn.relu(y, name="Relu")


def fully_connected(x, units, scope, activation=True):
    with v1.variable_scope(scope):
        y = tf.nn.bias_add(tf.matmul(x, v1.get_variable("weights", [x.shape[-1], units])),
                           v1.get_variable("biases", [units]), name="BiasAdd")
        return tf.nn.relu(y, name="Relu") if activation else y


def pool_and_flatten(x, scope):
    y = tf.nn.max_pool2d(x, 2, 2, "VALID", name=scope + "/MaxPool")
    return tf.reshape(y, [-1, int(np.prod(y.shape[1:]))], name="Flatten/flatten/Reshape")


def write_case(w, build, slim_calls, seed):
    g = tf.Graph()
    with g.as_default():
        images = v1.placeholder(tf.float32, [2, 8, 8, 3], name="images")
        with v1.variable_scope(v1.get_variable_scope(), custom_getter=SeededInit(seed, scale=0.4)):
            logits = tf.identity(build(images), name="logits")
        variables = v1.global_variables()
        saver = v1.train.Saver(variables)
        feeds = {"images": randn(seed + 1, [2, 8, 8, 3])}
        with session(g) as s:
            s.run(v1.global_variables_initializer())
            out = s.run(logits, {images: feeds["images"]})
            values = {v.op.name: s.run(v) for v in variables}
            saver.save(s, str(w.path("model.ckpt")), write_meta_graph=False, write_state=False)
    w.graph(g.as_graph_def(), [logits.name])
    w.run(feeds, {logits.name: out})
    w.variables(values)
    w.set("kind", "checkpoint").set("checkpoint", {"prefix": "model.ckpt", "keys": sorted(values)})
    w.set("slim_calls", slim_calls)
    w.note("graph.pb is TensorFlow's hand-made equivalent of the slim calls (same variable names; op names "
           "may differ from what slim would give); restore model.ckpt into a slim-built graph and feed "
           "images to get logits; batch norm runs in inference mode (moving statistics, epsilon 0.001)")


@case(TOPIC, ISSUE, mode="tf1")
def slim_named_scopes(w):
    """TF-Slim names with explicit scopes: conv1/weights, conv1/BatchNorm/{beta,moving_mean,moving_variance}
    (no gamma: slim.batch_norm's scale defaults to False; no conv1/biases: slim.conv2d makes no biases when
    it has a normalizer_fn), fc/weights, fc/biases; forward: conv 3x3 SAME stride 1 + batch norm (inference,
    epsilon 0.001) + relu, max_pool2d 2x2 stride 2 VALID, flatten, fully_connected (no activation)."""
    def build(x):
        x = conv(x, 4, "conv1", batch_norm="plain")
        x = pool_and_flatten(x, "pool1")
        return fully_connected(x, 5, "fc", activation=False)
    write_case(w, build, [
        "net = slim.conv2d(images, 4, [3, 3], normalizer_fn=slim.batch_norm, "
        "normalizer_params={'is_training': False}, scope='conv1')",
        "net = slim.max_pool2d(net, [2, 2], scope='pool1')",
        "net = slim.flatten(net)",
        "logits = slim.fully_connected(net, 5, activation_fn=None, scope='fc')"], seed=61)


@case(TOPIC, ISSUE, mode="tf1")
def slim_default_scopes(w):
    """TF-Slim names from default scopes: Conv/{weights,biases} (no normalizer), Conv_1/weights with
    Conv_1/BatchNorm/{gamma,beta,moving_mean,moving_variance} (scale=True), fully_connected/{weights,biases}
    (relu) and fully_connected_1/{weights,biases} (no activation); forward as the calls say, batch norm in
    inference mode with epsilon 0.001."""
    def build(x):
        x = conv(x, 4, "Conv")
        x = conv(x, 6, "Conv_1", batch_norm="scaled")
        x = pool_and_flatten(x, "MaxPool2D")
        x = fully_connected(x, 8, "fully_connected")
        return fully_connected(x, 3, "fully_connected_1", activation=False)
    write_case(w, build, [
        "net = slim.conv2d(images, 4, [3, 3])",
        "net = slim.conv2d(net, 6, [3, 3], normalizer_fn=slim.batch_norm, "
        "normalizer_params={'is_training': False, 'scale': True})",
        "net = slim.max_pool2d(net, [2, 2])",
        "net = slim.flatten(net)",
        "net = slim.fully_connected(net, 8)",
        "logits = slim.fully_connected(net, 3, activation_fn=None)"], seed=62)
