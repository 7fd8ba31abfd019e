"""Writes the graphs FacadeNamesTest compares the Tf facade's graphs with: small TF1-style programs (layers,
moments, batch norm, dropout, an optimizer's minimize, a cond) built by TensorFlow 2.21 in graph mode with
control flow v1 and reference variables, saved as text GraphDefs.

    python facade_names.py             # into graph-ops/src/test/resources/facade-names
    python facade_names.py --out DIR

Only the graphs are written (nothing is run). tf.layers is TensorFlow's own legacy layer code as shipped with
TensorFlow 2.21 (tensorflow.python.keras.legacy_tf_layers); its batch_normalization needs tf_keras, so batch
norm is covered at the tf.nn level. Each case's Java twin in FacadeNamesTest makes the same calls.
"""
import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402
from tensorflow.python.keras.legacy_tf_layers import convolutional, core  # noqa: E402

v1 = tf.compat.v1
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent.parent / "graph-ops" / "src" / "test" / "resources" / "facade-names"


def conv2d_layers():
    """Two tf.layers.conv2d calls: default name with relu, then strides 2, SAME padding, no activation."""
    x = v1.placeholder(tf.float32, [None, 8, 8, 3], name="x")
    h = convolutional.conv2d(x, 4, [3, 3], activation=tf.nn.relu)
    convolutional.conv2d(h, 2, [2, 2], strides=2, padding="same")


def dense_layers():
    """Two tf.layers.dense calls: relu, then a named one without bias."""
    x = v1.placeholder(tf.float32, [None, 5], name="x")
    h = core.dense(x, 3, activation=tf.nn.relu)
    core.dense(h, 2, use_bias=False, name="logits")


def moments_batch_norm():
    """tf.nn.moments over N, H, W and tf.nn.batch_normalization with offset and scale constants."""
    x = v1.placeholder(tf.float32, [None, 4, 4, 3], name="x")
    mean, variance = tf.nn.moments(x, [0, 1, 2])
    offset = tf.constant([0.1, 0.2, 0.3], name="offset")
    scale = tf.constant([1.5, 1.0, 0.5], name="scale")
    tf.nn.batch_normalization(x, mean, variance, offset, scale, 0.001)


def fused_batch_norm():
    """tf.nn.fused_batch_norm in training mode (batch statistics) and in inference mode (given statistics)."""
    x = v1.placeholder(tf.float32, [None, 4, 4, 3], name="x")
    scale = tf.constant([1.5, 1.0, 0.5], name="scale")
    offset = tf.constant([0.1, 0.2, 0.3], name="offset")
    y, mean, variance = v1.nn.fused_batch_norm(x, scale, offset, epsilon=0.001)
    v1.nn.fused_batch_norm(x, scale, offset, mean=mean, variance=variance, epsilon=0.001, is_training=False)


def dropout():
    """tf.layers.dropout (rate 0.3, training) and tf.nn.dropout with rate 0.3."""
    x = v1.placeholder(tf.float32, [None, 5], name="x")
    core.dropout(x, 0.3, training=True)
    v1.nn.dropout(x, rate=0.3)


def _dense_loss():
    x = v1.placeholder(tf.float32, [None, 5], name="x")
    y = core.dense(x, 2)
    return tf.reduce_mean(tf.square(y))


def minimize_gradient_descent():
    """GradientDescentOptimizer(0.1).minimize of mean(square(dense(x, 2)))."""
    v1.train.GradientDescentOptimizer(0.1).minimize(_dense_loss())


def minimize_adam():
    """AdamOptimizer(0.001).minimize of mean(square(dense(x, 2)))."""
    v1.train.AdamOptimizer(0.001).minimize(_dense_loss())


def cond():
    """tf.cond(p, lambda: tf.multiply(x, 2), lambda: tf.add(x, 1)) in control flow v1."""
    x = v1.placeholder(tf.float32, [2], name="x")
    p = v1.placeholder(tf.bool, [], name="p")
    v1.cond(p, lambda: tf.multiply(x, 2.0), lambda: tf.add(x, 1.0))


def array_indexing():
    """The N-d indexing, reordering and set functions of TensorFlow 1.15: gather_nd, scatter_nd, the tensor
    scatters (1.15's names and 2.x's max/min), shape_n, pad in the mirror modes, reverse, roll, unique_with_counts,
    setdiff1d and broadcast_to."""
    x = v1.placeholder(tf.float32, [4, 3], name="x")
    i = v1.placeholder(tf.int32, [2, 1], name="i")
    u = v1.placeholder(tf.float32, [2, 3], name="u")
    v = v1.placeholder(tf.int32, [5], name="v")
    v1.gather_nd(x, i)
    v1.scatter_nd(i, u, [6, 3])
    v1.tensor_scatter_update(x, i, u)
    v1.tensor_scatter_add(x, i, u)
    v1.tensor_scatter_sub(x, i, u)
    tf.tensor_scatter_nd_max(x, i, u)
    tf.tensor_scatter_nd_min(x, i, u)
    v1.shape_n([x, u])
    v1.pad(x, [[1, 2], [0, 1]], mode="REFLECT")
    v1.pad(x, [[1, 2], [0, 1]], mode="symmetric")
    v1.reverse(x, [0, -1])
    v1.roll(x, [1, -2], [0, 1])
    v1.roll(x, 2, 1)
    v1.unique_with_counts(v)
    v1.setdiff1d(v, v)
    v1.broadcast_to(v, [2, 5])


def math_array():
    """The segment reductions, cumsum/cumprod with their options, clip_by_value, einsum (two operands, the implicit
    form, three operands), bincount, nn.top_k and nn.in_top_k as TensorFlow 1.15 spells them."""
    x = v1.placeholder(tf.float32, [4, 3], name="x")
    ids = v1.placeholder(tf.int32, [4], name="ids")
    w = v1.placeholder(tf.float32, [3, 2], name="w")
    z = v1.placeholder(tf.float32, [2, 5], name="z")
    weights = v1.placeholder(tf.float32, [4], name="weights")
    v1.math.unsorted_segment_sum(x, ids, 3)
    v1.math.unsorted_segment_max(x, ids, 3)
    v1.math.unsorted_segment_min(x, ids, 3)
    v1.math.unsorted_segment_prod(x, ids, 3)
    v1.math.segment_sum(x, ids)
    v1.math.segment_mean(x, ids)
    v1.math.segment_max(x, ids)
    v1.math.segment_min(x, ids)
    v1.math.segment_prod(x, ids)
    v1.cumsum(x, 1, exclusive=True)
    v1.cumprod(x, 0, reverse=True)
    v1.clip_by_value(x, -1.0, 1.0)
    v1.einsum("ij,jk->ik", x, w)
    v1.einsum("ij,jk", x, w)
    v1.einsum("ij,jk,kl->il", x, w, z)
    v1.math.bincount(ids)
    v1.math.bincount(ids, weights=weights, minlength=6)
    v1.nn.top_k(x, 2)
    v1.nn.in_top_k(x, ids, 1)


CASES = [conv2d_layers, dense_layers, moments_batch_norm, fused_batch_norm, dropout, minimize_gradient_descent,
         minimize_adam, cond, array_indexing, math_array]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    v1.disable_eager_execution()
    v1.disable_control_flow_v2()
    v1.disable_resource_variables()
    args.out.mkdir(parents=True, exist_ok=True)
    needles = [s for s in (str(Path(sys.prefix)), str(Path.home()) + "/", str(HERE.parent.parent)) if len(s) > 4]
    for case in CASES:
        g = tf.Graph()
        with g.as_default():
            case()
        text = str(g.as_graph_def())
        if any(n in text for n in needles):
            raise SystemExit(case.__name__ + ": the graph holds a path of this machine")
        (args.out / (case.__name__ + ".pbtxt")).write_text(text, encoding="utf-8")
        print("%-28s %4d nodes" % (case.__name__, len(g.as_graph_def().node)))


if __name__ == "__main__":
    main()
