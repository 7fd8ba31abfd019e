"""The v1 dynamic_rnn LSTM used by the control-flow cases (both control-flow forms) and the timing script."""
from dataclasses import dataclass

import numpy as np
import tensorflow as tf
from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl

from .tfutil import SeededInit, randn, v1


@dataclass
class LstmGraph:
    graph: tf.Graph
    x: tf.Tensor
    y: tf.Tensor
    sequence_length: tf.Tensor
    outputs: tf.Tensor
    state_c: tf.Tensor
    state_h: tf.Tensor
    loss: tf.Tensor = None
    gradients: list = None
    train: tf.Operation = None
    init: tf.Operation = None


def build(batch, time, depth, units, seed=1, optimizer=None, with_sequence_length=True):
    """x [batch, time, depth] -> tf.compat.v1.nn.dynamic_rnn(LSTMCell(units)); with an optimizer also
    loss = mean((h_final - y)^2) + 0.5 mean(outputs^2), its gradients and the optimizer's update op."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [batch, time, depth], name="x")
        y = v1.placeholder(tf.float32, [batch, units], name="y")
        seq = v1.placeholder(tf.int32, [batch], name="sequence_length") if with_sequence_length else None
        with v1.variable_scope("lstm_model", custom_getter=SeededInit(seed)):
            cell = rnn_cell_impl.LSTMCell(units)
            outputs, state = v1.nn.dynamic_rnn(cell, x, sequence_length=seq, dtype=tf.float32)
        model = LstmGraph(g, x, y, seq, outputs, state.c, state.h)
        if optimizer is not None:
            with tf.name_scope("loss"):
                model.loss = tf.add(tf.reduce_mean(tf.square(state.h - y)), 0.5 * tf.reduce_mean(tf.square(outputs)),
                                    name="value")
            pairs = optimizer.compute_gradients(model.loss)
            model.gradients = [gr for gr, _ in pairs]
            model.train = optimizer.apply_gradients(pairs, name="train")
        model.init = v1.global_variables_initializer()
    return model


def step_feeds(model, step, seed=1000):
    """Fixed, seeded inputs for training step `step`."""
    feeds = {model.x.op.name: randn(seed + 2 * step, model.x.shape.as_list(), np.float32),
             model.y.op.name: randn(seed + 2 * step + 1, model.y.shape.as_list(), np.float32, 0.5)}
    if model.sequence_length is not None:
        batch, time = model.x.shape.as_list()[:2]
        feeds[model.sequence_length.op.name] = np.array([time, max(1, time - 2), time, max(1, time - 3)] * batch,
                                                        np.int32)[:batch]
    return feeds
