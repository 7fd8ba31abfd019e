"""A TensorFlow 1.x style training graph (conv, batch norm under a cond on an is_training placeholder,
dense, softmax cross-entropy, UPDATE_OPS as control dependencies, global_step), trained a few steps, saved
with tf.compat.v1.train.Saver, restored from the files in a fresh graph and trained on: the steps after
the restore are the case. The process's mode decides reference vs resource variables and the cond's form."""
import numpy as np
import tensorflow as tf

from .tfutil import SeededInit, randn, run_steps, session, v1, variable_values

IMAGE = [6, 6, 2]
CLASSES = 3
BATCH = 4


def batch_norm(x, is_training, momentum=0.99, epsilon=0.001, scope="batch_normalization"):
    """Fused batch norm as tf.layers built it: the training/inference choice is a cond on is_training, and
    the moving averages are updated (through UPDATE_OPS) with momentum 1.0 (no change) when not training.
    With is_training None it always trains, as tf.layers does for training=True: no cond in the graph."""
    channels = x.shape[-1]
    with v1.variable_scope(scope):
        gamma = v1.get_variable("gamma", [channels], initializer=v1.ones_initializer())
        beta = v1.get_variable("beta", [channels], initializer=v1.zeros_initializer())
        moving_mean = v1.get_variable("moving_mean", [channels], initializer=v1.zeros_initializer(),
                                      trainable=False)
        moving_variance = v1.get_variable("moving_variance", [channels], initializer=v1.ones_initializer(),
                                          trainable=False)

        def training():
            return v1.nn.fused_batch_norm(x, gamma, beta, epsilon=epsilon, is_training=True)

        def inference():
            return v1.nn.fused_batch_norm(x, gamma, beta, mean=moving_mean, variance=moving_variance,
                                          epsilon=epsilon, is_training=False)
        if is_training is None:
            y, mean, variance = training()
            rate = tf.constant(1.0 - momentum)
        else:
            y, mean, variance = v1.cond(is_training, training, inference)
            rate = v1.cond(is_training, lambda: tf.constant(1.0 - momentum), lambda: tf.constant(0.0))
        for var, value in ((moving_mean, mean), (moving_variance, variance)):
            v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, v1.assign_sub(var, (var - value) * rate))
    return y


def _conv_net(images, is_training):
    """conv 3x3 -> batch norm (under a cond on is_training, or always training when it is None) -> relu ->
    dense 3; returns the logits."""
    with v1.variable_scope("conv"):
        kernel = v1.get_variable("kernel", [3, 3, IMAGE[2], 4])
        bias = v1.get_variable("bias", [4])
        h = tf.nn.bias_add(tf.nn.conv2d(images, kernel, 1, "SAME"), bias)
    h = tf.nn.relu(batch_norm(h, is_training))
    h = tf.reshape(h, [-1, IMAGE[0] * IMAGE[1] * 4])
    with v1.variable_scope("dense"):
        kernel = v1.get_variable("kernel", [IMAGE[0] * IMAGE[1] * 4, CLASSES])
        bias = v1.get_variable("bias", [CLASSES])
        logits = tf.add(tf.matmul(h, kernel), bias, name="logits")
    return logits


def build(optimizer_fn, seed=5, bn_cond=True, conv=True):
    """The graph; returns (graph, train_op, loss, logits). Names: images, labels, is_training (unused when
    not bn_cond, where the batch norm always trains, and in the small form without conv and batch norm)."""
    g = tf.Graph()
    with g.as_default():
        images = v1.placeholder(tf.float32, [None] + IMAGE, name="images")
        labels = v1.placeholder(tf.int64, [None], name="labels")
        is_training = v1.placeholder(tf.bool, [], name="is_training")
        global_step = v1.train.get_or_create_global_step()
        with v1.variable_scope("net", custom_getter=SeededInit(seed)):
            if conv:
                logits = _conv_net(images, is_training if bn_cond else None)
            else:
                # the small form: dense 4 + relu -> dense 3 on the flattened image
                h = tf.reshape(images, [-1, IMAGE[0] * IMAGE[1] * IMAGE[2]])
                with v1.variable_scope("hidden"):
                    h = tf.nn.relu(tf.matmul(h, v1.get_variable("kernel", [IMAGE[0] * IMAGE[1] * IMAGE[2], 4]))
                                   + v1.get_variable("bias", [4]))
                with v1.variable_scope("dense"):
                    logits = tf.add(tf.matmul(h, v1.get_variable("kernel", [4, CLASSES])),
                                    v1.get_variable("bias", [CLASSES]), name="logits")
        if conv:
            xent = v1.losses.sparse_softmax_cross_entropy(labels, logits)
        else:  # a plain mean keeps the small form's gradient graph small
            xent = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        loss = tf.identity(xent, name="loss")
        with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
            train = optimizer_fn().minimize(loss, global_step=global_step, name="train")
        v1.global_variables_initializer()
    return g, train, loss, logits


def feeds(step, training=True, seed=2000, batch=BATCH):
    return {"images": randn(seed + 2 * step, [batch] + IMAGE),
            "labels": np.random.RandomState(seed + 2 * step + 1).randint(0, CLASSES, batch).astype(np.int64),
            "is_training": np.array(training)}


def write_case(w, optimizer_fn, optimizer_text, before=3, after=5, bn_cond=True, conv=True):
    """Trains `before` steps, saves (MetaGraph + checkpoint), restores in a fresh graph from the written
    files, and records the next `after` training steps, one inference step and the final variables."""
    g, train, loss, logits = build(optimizer_fn, bn_cond=bn_cond, conv=conv)
    batch = BATCH if conv else 2  # the small form's cases stay small
    prefix_path = w.path("model")
    with g.as_default():
        saver = v1.train.Saver(save_relative_paths=True)
        init = v1.get_collection(v1.GraphKeys.INIT_OP) or [g.get_operation_by_name("init")]
    with session(g) as s:
        s.run(init)
        run_steps(s, [{"feeds": feeds(k, batch=batch), "targets": [train.name]} for k in range(before)])
        saved = saver.save(s, str(prefix_path), global_step=before)
    prefix = saved.split("/")[-1]
    restored = tf.Graph()
    with restored.as_default():
        loader = v1.train.import_meta_graph(str(w.path(prefix + ".meta")))
        with session(restored) as s:
            loader.restore(s, str(w.path(prefix)))
            spec = [{"feeds": feeds(before + k, batch=batch), "fetches": [loss.name], "targets": [train.name]}
                    for k in range(after)]
            spec.append({"feeds": feeds(before + after, training=False, batch=batch), "fetches": [logits.name, loss.name],
                         "note": "inference: is_training false, no update"})
            steps = run_steps(s, spec)
            final = variable_values(s, v1.global_variables())
    w.graph(g.as_graph_def(), [loss.name, logits.name], record_only=True)
    w.steps(steps)
    w.variables(final)
    sd = saver.saver_def
    w.set("kind", "meta_graph_checkpoint")
    w.set("restore", {"meta_graph": prefix + ".meta", "checkpoint_prefix": prefix, "checkpoint_state": "checkpoint",
                      "filename_tensor": sd.filename_tensor_name, "restore_op": sd.restore_op_name,
                      "save_op": sd.save_tensor_name})
    w.note("run_first is empty: import %s.meta, run restore_op feeding filename_tensor with the path of the "
           "checkpoint prefix %s, then run the steps (%d training steps with %s, then one inference step); "
           "variables.json holds every global variable after them (optimizer slots and global_step too)"
           % (prefix, prefix, after, optimizer_text))
    w.note("the first %d training steps (steps 0..%d of the same feeds) ran before the save" % (before, before - 1))
