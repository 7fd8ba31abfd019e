"""Writes the reference files of the bfloat16 / float16 tests (graph-ops/src/test/resources/half-precision).

Run by hand with TensorFlow 2.21:  python half_precision_files.py OUT_DIR
Writes:
  casts.json   float32 bit patterns and TensorFlow's Cast of them to bfloat16 and float16 (bit patterns), float64
               and int32 values cast to both, and elementwise Add / Mul / Relu of bfloat16 and float16 operands
  consts.pb    a GraphDef of bfloat16 / float16 Const nodes in both encodings TensorFlow writes (tensor_content,
               half_val), each with a Cast to float32; consts.json holds the float32 values TensorFlow fetched
  ckpt/        a V2 checkpoint (tf.compat.v1 Saver) of a bfloat16 variable "b" and a float16 variable "h";
               ckpt.json holds their bit patterns
"""
import json
import os
import sys

import numpy as np
import tensorflow as tf

tf.compat.v1.disable_eager_execution()


def bits16(a):
    return [int(v) for v in np.asarray(a).view(np.uint16).ravel()]


def float_inputs():
    special = [0.0, -0.0, 1.0, -1.0, 1.00390625, 1.01171875, 1.0009765625, 1.0029296875, 65504.0, 65519.99,
               65520.0, 65536.0, -65520.0, 3.3895314e38, 3.4028235e38, 1e-8, 5.96e-8, 2.98e-8, 2.9802322e-08,
               8.9406967e-08, 6.1035156e-05, 6.1e-05, 1.17549435e-38, 1e-45, float("inf"), float("-inf"),
               float("nan"), 0.1, -0.3, 3.14159265, 2.5e-3]
    rng = np.random.default_rng(1814)
    spread = rng.integers(0, 2 ** 32, size=1500, dtype=np.uint64).astype(np.uint32).view(np.float32)
    near = (rng.standard_normal(500) * np.exp2(rng.integers(-26, 18, 500))).astype(np.float32)
    return np.concatenate([np.array(special, np.float32), spread, near]).astype(np.float32)


def run(fetches, feed=None):
    with tf.compat.v1.Session() as s:
        return s.run(fetches, feed)


def write_casts(out):
    g = tf.Graph()
    x = float_inputs()
    doubles = np.array([1.00390625 + 2 ** -40, 1.0 + 2 ** -9 + 2 ** -30, 65519.999999, 0.1, -2.5e-8, 1e300], np.float64)
    ints = np.array([0, 1, -1, 257, 2049, 65519, 65521, 100000, -16777217], np.int32)
    rng = np.random.default_rng(21)
    a = rng.standard_normal(64).astype(np.float32) * 3
    b = rng.standard_normal(64).astype(np.float32) * 3
    with g.as_default():
        res = {}
        for name, dt in (("bfloat16", tf.bfloat16), ("float16", tf.float16)):
            ta = tf.cast(tf.constant(a), dt)
            tb = tf.cast(tf.constant(b), dt)
            res[name] = {
                "from_float32": tf.cast(tf.constant(x), dt),
                "from_float64": tf.cast(tf.constant(doubles), dt),
                "from_int32": tf.cast(tf.constant(ints), dt),
                "a": ta, "b": tb, "add": ta + tb, "mul": ta * tb, "relu": tf.nn.relu(ta),
            }
        with tf.compat.v1.Session(graph=g) as s:
            got = s.run(res)
    doc = {"float32_bits": [int(v) for v in x.view(np.uint32)],
           "float64": [float(v) for v in doubles], "int32": [int(v) for v in ints]}
    for name, r in got.items():
        doc[name] = {k: bits16(v) for k, v in r.items()}
    with open(os.path.join(out, "casts.json"), "w") as f:
        json.dump(doc, f)


def write_consts(out):
    g = tf.Graph()
    with g.as_default():
        fetch = {}
        for name, dt in (("bfloat16", tf.bfloat16), ("float16", tf.float16)):
            many = tf.constant([1.5, -2.25, 3.0e-3, 448.0, -0.0], dtype=dt, name=name + "_content")
            one = tf.constant(0.375, shape=[2, 3], dtype=dt, name=name + "_filled")
            fetch[name + "_content"] = tf.cast(many, tf.float32, name=name + "_content_f32")
            fetch[name + "_filled"] = tf.cast(one, tf.float32, name=name + "_filled_f32")
        with tf.compat.v1.Session(graph=g) as s:
            got = s.run(fetch)
    with open(os.path.join(out, "consts.pb"), "wb") as f:
        f.write(g.as_graph_def().SerializeToString())
    with open(os.path.join(out, "consts.json"), "w") as f:
        json.dump({k: [float(v) for v in np.ravel(t)] for k, t in got.items()}, f)


def write_checkpoint(out):
    g = tf.Graph()
    with g.as_default():
        b = tf.compat.v1.Variable(tf.constant([[0.1, -7.5], [1e30, 3.0]], tf.bfloat16), name="b")
        h = tf.compat.v1.Variable(tf.constant([1e-6, 2049.0, -0.5], tf.float16), name="h")
        saver = tf.compat.v1.train.Saver([b, h])
        with tf.compat.v1.Session(graph=g) as s:
            s.run(tf.compat.v1.global_variables_initializer())
            bv, hv = s.run([b, h])
            os.makedirs(os.path.join(out, "ckpt"), exist_ok=True)
            saver.save(s, os.path.join(out, "ckpt", "model"), write_meta_graph=False, write_state=False)
    with open(os.path.join(out, "ckpt.json"), "w") as f:
        json.dump({"b": bits16(bv), "h": bits16(hv)}, f)


if __name__ == "__main__":
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    write_casts(out_dir)
    write_consts(out_dir)
    write_checkpoint(out_dir)
