"""The slim topic (issue #21): checkpoints with TF-Slim's variable names, written by TensorFlow's Saver,
with the forward output of the net those names belong to. TF-Slim is not installed; the variables are
made by hand under the scopes and names TF-Slim's layers use (see the README for the rules)."""
import numpy as np
import tensorflow as tf

from .registry import case
from .tfutil import SeededInit, randn, run_steps, session, v1

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


WEIGHT_DECAY = 0.01


def l2_decay(weights, layer_weight="kernel"):
    """slim's weights_regularizer=l2_regularizer(0.01): the loss named under the layer's own weight name."""
    with tf.name_scope(layer_weight + "/Regularizer/l2_regularizer") as name:
        scale = tf.constant(WEIGHT_DECAY, name="scale")
        loss = tf.multiply(scale, tf.nn.l2_loss(weights), name=name)
    v1.add_to_collection(v1.GraphKeys.REGULARIZATION_LOSSES, loss)


def conv_bn_train(x, depth, scope, decay):
    """slim.conv2d(x, depth, [3, 3], normalizer_fn=slim.batch_norm, normalizer_params={'decay': decay}) with weight
    decay: no biases; batch norm in training (fused, batch statistics, no gamma) whose moving averages are updated
    through UPDATE_OPS as tf.layers' batch norm updates them."""
    with v1.variable_scope(scope):
        weights = v1.get_variable("weights", [3, 3, x.shape[-1], depth])
        l2_decay(weights)
        y = tf.nn.conv2d(x, weights, 1, "SAME", name="Conv2D")
        with v1.variable_scope("BatchNorm"):
            beta = v1.get_variable("beta", [depth])
            mean = v1.get_variable("moving_mean", [depth], trainable=False)
            variance = v1.get_variable("moving_variance", [depth], trainable=False)
            y, batch_mean, batch_variance = v1.nn.fused_batch_norm(y, tf.constant(1.0, shape=[depth]), beta,
                                                                   epsilon=EPSILON, is_training=True)
            for var, value in ((mean, batch_mean), (variance, batch_variance)):
                v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, v1.assign_sub(var, (var - value) * (1.0 - decay)))
        return tf.nn.relu(y, name="Relu")


def dense(x, units, scope, activation=True):
    with v1.variable_scope(scope):
        weights = v1.get_variable("weights", [x.shape[-1], units])
        l2_decay(weights)
        y = tf.nn.bias_add(tf.matmul(x, weights), v1.get_variable("biases", [units]), name="BiasAdd")
        return tf.nn.relu(y, name="Relu") if activation else y


@case(TOPIC, ISSUE, mode="tf1")
def slim_train_steps(w):
    """TF-Slim training with arg_scope defaults: repeat(conv2d) with batch_norm (decay 0.9, training, fused, updates
    in UPDATE_OPS), avg_pool2d, flatten, stack(fully_connected), a linear logits layer and l2 weight decay 0.01 on
    every weights variable; loss = softmax cross-entropy + the regularization losses; 3 steps of SGD (0.1) under
    control_dependencies(UPDATE_OPS). The checkpoint holds the variables before the first step, variables.json
    those after the last."""
    g = tf.Graph()
    with g.as_default():
        images = v1.placeholder(tf.float32, [4, 8, 8, 2], name="images")
        labels = v1.placeholder(tf.int64, [4], name="labels")
        with v1.variable_scope(v1.get_variable_scope(), custom_getter=SeededInit(63, scale=0.4)):
            with v1.variable_scope("conv1"):
                net = conv_bn_train(images, 4, "conv1_1", 0.9)
                net = conv_bn_train(net, 4, "conv1_2", 0.9)
            net = tf.nn.avg_pool2d(net, 2, 2, "VALID", name="AvgPool2D/AvgPool")
            net = tf.reshape(net, [-1, 4 * 4 * 4], name="Flatten/flatten/Reshape")
            with v1.variable_scope("fc"):
                net = dense(net, 8, "fc_1")
                net = dense(net, 6, "fc_2")
            logits = tf.identity(dense(net, 3, "logits", activation=False), name="logits")
        xent = v1.losses.sparse_softmax_cross_entropy(labels, logits)
        loss = tf.identity(xent + v1.losses.get_regularization_loss(), name="loss")
        with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
            v1.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
        variables = v1.global_variables()
        saver = v1.train.Saver(variables)
        rng = np.random.RandomState(64)
        steps = [{"feeds": {"images": randn(65 + i, [4, 8, 8, 2]),
                            "labels": rng.randint(0, 3, 4).astype(np.int64)},
                  "fetches": ["loss:0"], "targets": ["train"]} for i in range(3)]
        with session(g) as s:
            s.run(v1.global_variables_initializer())
            saver.save(s, str(w.path("model.ckpt")), write_meta_graph=False, write_state=False)
            initial = sorted(v.op.name for v in variables)
            done = run_steps(s, steps)
            values = {v.op.name: s.run(v) for v in variables}
    w.graph(g.as_graph_def(), ["loss:0"])
    w.steps(done)
    w.variables(values)
    w.set("checkpoint", {"prefix": "model.ckpt", "keys": initial})
    w.set("slim_calls", [
        "with slim.arg_scope([slim.conv2d, slim.fully_connected], weights_regularizer=slim.l2_regularizer(0.01)):",
        "  with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, normalizer_params={'decay': 0.9}):",
        "    net = slim.repeat(images, 2, slim.conv2d, 4, [3, 3], scope='conv1')",
        "  net = slim.avg_pool2d(net, [2, 2])",
        "  net = slim.flatten(net)",
        "  net = slim.stack(net, slim.fully_connected, [8, 6], scope='fc')",
        "  logits = slim.fully_connected(net, 3, activation_fn=None, scope='logits')",
        "loss = tf.losses.sparse_softmax_cross_entropy(labels, logits) + tf.losses.get_regularization_loss()",
        "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):",
        "  train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)"])
    w.note("graph.pb is TensorFlow's hand-made equivalent of the slim calls (same variable names); restore "
           "model.ckpt into a slim-built graph, then run the steps: each fetches the loss before its update; "
           "variables.json holds every variable after the last step (moving averages included; the fused batch "
           "norm's batch variance, which feeds moving_variance, has Bessel's correction)")
