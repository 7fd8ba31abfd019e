"""Writes the reference files of the graph-plumbing tests (issue #16) with real TensorFlow 1.x-style graphs.

Output: graph-ops/src/test/resources/tf-plumbing-2.21/ (see README.md there):
  summaries.json      how TensorFlow's Assert (legacy form) and StringFormat (numpy-like form) summarize tensors
  cond_meta/          a MetaGraph with nested v1 conds, an Assign inside a cond (RefSwitch), and collections of
                      every kind (cond_context, bytes_list that is not UTF-8, any_list, int64/float/node lists)
  gating/             the GraphDef of a small conv + dense model trained with Adam (gate_gradients=GATE_OP)
  tf1_training/       a TF 1.x training graph (conv, batch norm under a cond on is_training, Adam, UPDATE_OPS,
                      global_step) trained 3 steps and saved, with the next 5 steps from the saved files

Run from the repository root with a Python that has TensorFlow 2.21:
    python tf-interop/python/graph_plumbing_cases.py
"""
import json
import os

import numpy as np
import tensorflow as tf
from google.protobuf import any_pb2, text_format
from tensorflow.core.framework import versions_pb2
from tensorflow.python.ops import gen_logging_ops, gen_string_ops

v1 = tf.compat.v1
v1.disable_eager_execution()
v1.disable_control_flow_v2()
v1.disable_resource_variables()

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "graph-ops", "src", "test", "resources",
                    "tf-plumbing-2.21")
PRODUCER = "TensorFlow %s (Python, graph mode, control flow v1, reference variables)" % tf.__version__


def folder(name):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    return d


def session(graph):
    config = v1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    return v1.Session(graph=graph, config=config)


def tensor_json(a):
    a = np.asarray(a)
    kind = {np.float32: "float32", np.float64: "float64", np.int32: "int32", np.int64: "int64", np.bool_: "bool",
            np.uint8: "uint8", np.object_: "string", np.bytes_: "string", np.str_: "string"}[a.dtype.type]
    if kind == "float32":
        vals = [float(str(np.float32(x))) for x in a.ravel()]
    elif kind == "float64":
        vals = [float(x) for x in a.ravel()]
    elif kind == "bool":
        vals = [bool(x) for x in a.ravel()]
    elif kind == "string":
        vals = [x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in a.ravel()]
    else:
        vals = [int(x) for x in a.ravel()]
    return {"dtype": kind, "shape": list(a.shape), "values": vals}


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")


def write_graph(d, gd):
    with open(os.path.join(d, "graph.pb"), "wb") as f:
        f.write(gd.SerializeToString(deterministic=True))
    with open(os.path.join(d, "graph.pbtxt"), "w") as f:
        f.write(text_format.MessageToString(gd))


# ---- summaries ----

def summaries():
    values = [
        np.array([1, 2, 3], np.float32), np.array(5, np.int32), np.array([[1, 2, 3], [4, 5, 6]], np.int32),
        np.arange(10, dtype=np.int32), np.array([[1.5, 2], [3, 4], [5, 6], [7, 8]], np.float32),
        np.array(b"hi", np.object_), np.array([b"a", b"b\n", b"q\"t"], np.object_), np.array([True, False, True]),
        np.array([0.1, 1e-8, 1e20, -2.5, 123456.7, 1234567, 0.0001, 0.00001], np.float32),
        np.array(1 / 3, np.float32), np.array([1 / 3, 2 / 3, 1e300, -1e-300], np.float64),
        np.zeros([0], np.float32), np.zeros([2, 0], np.float32), np.arange(7, dtype=np.int64),
        np.arange(8, dtype=np.int32).reshape([2, 2, 2]), np.arange(24, dtype=np.int32).reshape([2, 3, 4]),
        np.arange(100, dtype=np.float32).reshape([10, 10]) / 7, np.arange(5, dtype=np.uint8),
        np.array([np.inf, -np.inf, np.nan, -0.0], np.float32), np.array([[7]], np.int32),
    ]
    cases = []
    for summarize in (3, 2, 1, -1):
        for a in values:
            g = tf.Graph()
            with g.as_default():
                t = tf.constant(a)
                fmt = gen_string_ops.string_format([t], template="%s", placeholder="%s", summarize=summarize)
                check = gen_logging_ops._assert(tf.constant(False), [t], summarize=summarize)
                with session(g) as s:
                    numpy_like = s.run(fmt).decode("utf-8")
                    try:
                        s.run(check)
                        raise AssertionError("the Assert passed")
                    except tf.errors.InvalidArgumentError as e:
                        line = [x for x in e.message.split("\n") if x.startswith("assertion failed: ")][0]
                        legacy = line[len("assertion failed: ["):-1]
            cases.append({"tensor": tensor_json(a), "summarize": summarize, "numpy_like": numpy_like,
                          "legacy": legacy})
    write_json(os.path.join(ROOT, "summaries.json"), {"producer": PRODUCER, "cases": cases})


# ---- cond_meta ----

def cond_meta():
    d = folder("cond_meta")
    g = tf.Graph()
    with g.as_default():
        p = v1.placeholder(tf.bool, [], name="p")
        q = v1.placeholder(tf.bool, [], name="q")
        x = v1.placeholder(tf.float32, [2], name="x")
        y = v1.placeholder(tf.float32, [2], name="y")
        v = v1.get_variable("v", initializer=tf.constant([0.5, -1.0]))
        nested = tf.identity(v1.cond(p, lambda: v1.cond(q, lambda: x * 2.0, lambda: y + x), lambda: x - 3.0),
                             name="nested")
        assigned = tf.identity(v1.cond(p, lambda: v1.assign(v, x * 10.0), lambda: tf.identity(v)), name="assigned")
        v1.add_to_collection("my_ints", 7)
        v1.add_to_collection("my_ints", -3)
        v1.add_to_collection("my_floats", 0.25)
        v1.add_to_collection("my_nodes", nested)
        v1.add_to_collection("my_nodes", x.op)
        v1.add_to_collection("my_strings", "plain text")
        init = v1.global_variables_initializer()
        meta = v1.train.export_meta_graph()
    # collections TensorFlow keeps but cannot make from Python objects: raw bytes (not UTF-8) and Any protos
    meta.collection_def["my_bytes"].bytes_list.value.extend([bytes(range(256)), b"\xff\xfe", b""])
    packed = any_pb2.Any()
    packed.Pack(versions_pb2.VersionDef(producer=42, min_consumer=3, bad_consumers=[7]))
    meta.collection_def["my_any"].any_list.value.append(packed)
    with open(os.path.join(d, "model.meta"), "wb") as f:
        f.write(meta.SerializeToString())
    # what TensorFlow itself does with the file: import it and export it again
    again = tf.Graph()
    with again.as_default():
        v1.train.import_meta_graph(os.path.join(d, "model.meta"))
        reexported = v1.train.export_meta_graph()
    steps = []
    with session(g) as s:
        s.run(init)
        for pv, qv, xv, yv in ((True, True, [1, 2], [5, 6]), (True, False, [1, 2], [5, 6]),
                               (False, True, [3, 4], [5, 6]), (True, True, [-1, 0.5], [0, 0]), (False, False, [0, 0], [1, 1])):
            feeds = {"p": np.array(pv), "q": np.array(qv), "x": np.array(xv, np.float32), "y": np.array(yv, np.float32)}
            out = s.run(["nested:0", "assigned:0", "v:0"], {k + ":0": val for k, val in feeds.items()})
            steps.append({"feeds": {k: tensor_json(val) for k, val in feeds.items()},
                          "expected": {"nested:0": tensor_json(out[0]), "assigned:0": tensor_json(out[1]),
                                       "v:0": tensor_json(out[2])}})
    write_json(os.path.join(d, "case.json"), {
        "producer": PRODUCER,
        "description": "Nested v1 conds on p and q (nested:0), an Assign of a variable inside a cond branch, which "
                       "TensorFlow routes through RefSwitch (assigned:0), and collections of every CollectionDef kind. "
                       "model.meta is TensorFlow's export_meta_graph with two collections added to the proto "
                       "(my_bytes: bytes_list that is not UTF-8; my_any: an any_list); reexported.meta is TensorFlow's "
                       "import_meta_graph of model.meta exported again. Run init first, then the steps in order (the "
                       "Assign changes v).",
        "run_first": ["init"],
        "steps": steps,
        "collections_tensorflow_keeps": sorted(k for k in reexported.collection_def.keys()),
    })
    with open(os.path.join(d, "reexported.meta"), "wb") as f:
        f.write(reexported.SerializeToString())


# ---- gating ----

def dense(x, units, name, act=None):
    with v1.variable_scope(name):
        k = v1.get_variable("kernel", [int(x.shape[-1]), units])
        b = v1.get_variable("bias", [units], initializer=v1.zeros_initializer())
        y = tf.nn.bias_add(tf.matmul(x, k), b)
        return act(y) if act else y


def gating():
    d = folder("gating")
    g = tf.Graph()
    with g.as_default():
        images = v1.placeholder(tf.float32, [None, 8, 8, 1], name="images")
        labels = v1.placeholder(tf.int32, [None], name="labels")
        with v1.variable_scope("conv2d"):
            k = v1.get_variable("kernel", [3, 3, 1, 4])
            b = v1.get_variable("bias", [4], initializer=v1.zeros_initializer())
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(images, k, 1, "VALID"), b))
        h = tf.reshape(h, [-1, 6 * 6 * 4])
        h = dense(h, 16, "dense", tf.nn.relu)
        logits = dense(h, 3, "logits")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        v1.train.AdamOptimizer(1e-3).minimize(loss)
    write_graph(d, g.as_graph_def())
    write_json(os.path.join(d, "case.json"), {
        "producer": PRODUCER,
        "description": "conv2d (3x3 VALID) + relu, reshape, dense 16 + relu, dense 3 (logits), mean sparse softmax "
                       "cross-entropy, tf.compat.v1.train.AdamOptimizer(1e-3).minimize(loss) with its default "
                       "gate_gradients=GATE_OP: every op whose gradient function returns several gradients has them "
                       "pass through <op>_grad/tuple (group_deps, control_dependency, control_dependency_1, ...).",
    })


# ---- tf1_training ----

IMAGE = [6, 6, 2]
CLASSES = 3
BATCH = 4


def constant_init(rng, shape, scale):
    return v1.constant_initializer((scale * rng.randn(*shape)).astype(np.float32))


def batch_norm(x, is_training, rng, momentum=0.9, epsilon=0.001):
    channels = int(x.shape[-1])
    with v1.variable_scope("batch_normalization"):
        gamma = v1.get_variable("gamma", [channels], initializer=constant_init(rng, [channels], 0.1))
        beta = v1.get_variable("beta", [channels], initializer=constant_init(rng, [channels], 0.1))
        mean = v1.get_variable("moving_mean", [channels], initializer=v1.zeros_initializer(), trainable=False)
        variance = v1.get_variable("moving_variance", [channels], initializer=v1.ones_initializer(), trainable=False)
        y, m, s = v1.cond(is_training,
                          lambda: v1.nn.fused_batch_norm(x, gamma + 1.0, beta, epsilon=epsilon, is_training=True),
                          lambda: v1.nn.fused_batch_norm(x, gamma + 1.0, beta, mean=mean, variance=variance,
                                                         epsilon=epsilon, is_training=False))
        rate = v1.cond(is_training, lambda: tf.constant(1.0 - momentum), lambda: tf.constant(0.0))
        for var, value in ((mean, m), (variance, s)):
            v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, v1.assign_sub(var, (var - value) * rate))
    return y


def build_training(seed=5):
    rng = np.random.RandomState(seed)
    g = tf.Graph()
    with g.as_default():
        images = v1.placeholder(tf.float32, [None] + IMAGE, name="images")
        labels = v1.placeholder(tf.int64, [None], name="labels")
        is_training = v1.placeholder(tf.bool, [], name="is_training")
        step = v1.train.get_or_create_global_step()
        with v1.variable_scope("conv"):
            # no bias before the batch norm, which cancels it: its gradient would be rounding noise that Adam
            # scales up, so no two implementations could agree on it
            k = v1.get_variable("kernel", [3, 3, IMAGE[2], 4], initializer=constant_init(rng, [3, 3, IMAGE[2], 4], 0.3))
            h = tf.nn.conv2d(images, k, 1, "SAME")
        h = tf.nn.relu(batch_norm(h, is_training, rng))
        h = tf.reshape(h, [-1, IMAGE[0] * IMAGE[1] * 4])
        with v1.variable_scope("dense"):
            k = v1.get_variable("kernel", [IMAGE[0] * IMAGE[1] * 4, CLASSES],
                                initializer=constant_init(rng, [IMAGE[0] * IMAGE[1] * 4, CLASSES], 0.1))
            b = v1.get_variable("bias", [CLASSES], initializer=v1.zeros_initializer())
            logits = tf.nn.bias_add(tf.matmul(h, k), b, name="logits")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits),
                              name="loss")
        with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
            v1.train.AdamOptimizer(0.01).minimize(loss, global_step=step, name="train")
        v1.global_variables_initializer()
    return g


def training_feeds(k, training=True):
    rng = np.random.RandomState(1000 + k)
    return {"images": rng.randn(BATCH, *IMAGE).astype(np.float32),
            "labels": rng.randint(0, CLASSES, BATCH).astype(np.int64), "is_training": np.array(training)}


def tf1_training(before=3, after=5):
    d = folder("tf1_training")
    g = build_training()
    with g.as_default():
        saver = v1.train.Saver(save_relative_paths=True)
    with session(g) as s:
        s.run(g.get_operation_by_name("init"))
        for k in range(before):
            s.run("train", {n + ":0": v for n, v in training_feeds(k).items()})
        saver.save(s, os.path.join(d, "model"), global_step=before)
    restored = tf.Graph()
    steps = []
    with restored.as_default():
        loader = v1.train.import_meta_graph(os.path.join(d, "model-%d.meta" % before))
        with session(restored) as s:
            loader.restore(s, os.path.join(d, "model-%d" % before))
            for k in range(before, before + after):
                feeds = training_feeds(k)
                loss, _ = s.run(["loss:0", "train"], {n + ":0": v for n, v in feeds.items()})
                steps.append({"feeds": {n: tensor_json(v) for n, v in feeds.items()}, "loss": tensor_json(loss)})
            feeds = training_feeds(before + after, training=False)
            logits = s.run("dense/logits:0", {n + ":0": v for n, v in feeds.items()})
            final = {v.op.name: tensor_json(s.run(v)) for v in v1.global_variables()}
    write_json(os.path.join(d, "case.json"), {
        "producer": PRODUCER,
        "description": "A TensorFlow 1.x training graph (control flow v1: the batch norm's conds are Switch/Merge; "
                       "reference variables): conv 3x3 SAME (no bias) -> fused batch norm under a cond on is_training (moving "
                       "averages updated through UPDATE_OPS) -> relu -> dense 3; mean sparse softmax cross-entropy; "
                       "Adam (lr 0.01, gate_gradients GATE_OP) named train under control dependencies on UPDATE_OPS; "
                       "global_step. Trained 3 steps and saved with tf.compat.v1.train.Saver; then imported from "
                       "model-3.meta, restored from model-3, and trained 5 more steps (steps: feeds and the loss "
                       "fetched in the same run as the train op), then run once with is_training false "
                       "(inference_logits) and every global variable read (variables).",
        "meta_graph": "model-%d.meta" % before, "checkpoint_prefix": "model-%d" % before,
        "train_op": "train", "loss": "loss:0", "logits": "dense/logits:0",
        "steps": steps,
        "inference": {"feeds": {n: tensor_json(v) for n, v in feeds.items()}, "logits": tensor_json(logits)},
        "variables": final,
    })


if __name__ == "__main__":
    os.makedirs(ROOT, exist_ok=True)
    summaries()
    cond_meta()
    gating()
    tf1_training()
