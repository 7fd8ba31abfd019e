"""Writes TensorFlow 1.x-style control-flow cases (while loops, tensor arrays, dynamic_rnn) for the tests.

Each case is a folder under graph-ops/src/test/resources/tf-cases/ in the format its README describes:
graph.pb, graph.pbtxt, feeds.json, expected.json, case.json. Training cases (train_steps in case.json) also
hold steps.json: the loss TensorFlow printed at each step and the variables after the last one.

Run with a Python that has TensorFlow 2.21 installed, from the repository root:
    python tf-interop/python/control_flow_v1_cases.py
"""
import json
import os
import sys

import numpy as np
import tensorflow as tf
from google.protobuf import text_format

v1 = tf.compat.v1
if __name__ == "__main__" and sys.argv[1:] == ["frozen"]:
    pass  # eager and control flow v2, for tf.function
else:
    v1.disable_eager_execution()
    v1.disable_control_flow_v2()
    v1.disable_resource_variables()

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "graph-ops", "src", "test",
                    "resources", "tf-cases")
PRODUCER = "TensorFlow %s (Python, control flow v1)" % tf.__version__


def dtype_name(dt):
    return {np.float32: "float32", np.float64: "float64", np.int32: "int32", np.int64: "int64",
            np.bool_: "bool", np.uint8: "uint8"}[np.dtype(dt).type]


def value_json(a):
    a = np.asarray(a)
    if a.dtype == np.bool_:
        vals = [bool(x) for x in a.ravel()]
    elif a.dtype.kind == "f":
        vals = [float(x) for x in a.ravel()]
    else:
        vals = [int(x) for x in a.ravel()]
    return {"dtype": dtype_name(a.dtype), "shape": list(a.shape), "values": vals}


def dump(obj):
    return "{\n" + ",\n".join("  %s: %s" % (json.dumps(k), json.dumps(v)) for k, v in obj.items()) + "\n}\n"


def write_case(name, graph, description, feeds, fetches, run_first=(), notes=(), extra=None):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    gd = graph.as_graph_def()
    with open(os.path.join(d, "graph.pb"), "wb") as f:
        f.write(gd.SerializeToString(deterministic=True))
    with open(os.path.join(d, "graph.pbtxt"), "w") as f:
        f.write(text_format.MessageToString(gd))
    with v1.Session(graph=graph) as s:
        for t in run_first:
            s.run(t)
        feed_dict = {k + ":0": v for k, v in feeds.items()}
        results = s.run(list(fetches), feed_dict)
        if extra is not None:
            extra(s, feed_dict)
    with open(os.path.join(d, "feeds.json"), "w") as f:
        f.write(dump({k: value_json(v) for k, v in feeds.items()}))
    with open(os.path.join(d, "expected.json"), "w") as f:
        f.write(dump({k: value_json(v) for k, v in zip(fetches, results)}))
    case = {"name": name, "description": description, "producer": PRODUCER, "run_first": list(run_first),
            "feeds": list(feeds), "fetches": list(fetches),
            "op_types": sorted(set(n.op for n in gd.node)), "notes": list(notes)}
    with open(os.path.join(d, "case.json"), "w") as f:
        f.write(dump(case))
    print("wrote", name, len(gd.node), "nodes")
    return d


def rng(seed):
    return np.random.RandomState(seed)


def while_sum():
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [3], name="x")
        i, acc = v1.while_loop(lambda i, a: i < 5, lambda i, a: (i + 1, a * 1.5 + x), [tf.constant(0), x])
        tf.identity(i, name="count")
        tf.identity(acc, name="result")
    write_case("while_v1_sum", g, "tf.while_loop in control flow v1: a counter and a float loop variable, "
               "with a loop-invariant Enter (x)", {"x": np.array([1, -2, 0.5], np.float32)},
               ["count:0", "result:0"])


def while_nested():
    g = tf.Graph()
    with g.as_default():
        n = v1.placeholder(tf.int32, [], name="n")
        x = v1.placeholder(tf.float32, [2], name="x")

        def outer_body(i, acc):
            def inner_body(j, a):
                return j + 1, a + tf.cast(i * j, tf.float32) * x
            _, a = v1.while_loop(lambda j, a: j < i, inner_body, [tf.constant(0), acc])
            return i + 1, a
        _, r = v1.while_loop(lambda i, a: i < n, outer_body, [tf.constant(0), tf.zeros([2])])
        tf.identity(r, name="result")
    write_case("while_v1_nested", g, "a while loop inside a while loop whose trip count is the outer counter",
               {"n": np.array(5, np.int32), "x": np.array([1.0, 0.25], np.float32)}, ["result:0"])


def while_gradient():
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [3], name="x")
        w = v1.placeholder(tf.float32, [3], name="w")
        _, y = v1.while_loop(lambda i, a: i < 4, lambda i, a: (i + 1, tf.tanh(a * w) + x), [tf.constant(0), x])
        loss = tf.reduce_sum(y * y, name="loss")
        gx, gw = tf.gradients(loss, [x, w])
        tf.identity(gx, name="grad_x")
        tf.identity(gw, name="grad_w")
    write_case("while_v1_gradient", g, "TensorFlow's own gradient of a v1 while loop: forward values pushed on "
               "stacks (StackV2/StackPushV2), a backward loop popping them, an accumulator loop for w",
               {"x": np.array([0.5, -0.3, 0.8], np.float32), "w": np.array([0.9, 1.1, -0.7], np.float32)},
               ["loss:0", "grad_x:0", "grad_w:0"])


def while_in_cond():
    g = tf.Graph()
    with g.as_default():
        p = v1.placeholder(tf.bool, [], name="p")
        x = v1.placeholder(tf.float32, [2], name="x")

        def looped():
            _, a = v1.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 2.0), [tf.constant(0), x])
            return a
        r = tf.cond(p, looped, lambda: x - 1.0)
        tf.identity(r, name="result")
    write_case("while_v1_in_cond_taken", g, "a while loop in the taken branch of a v1 cond",
               {"p": np.array(True), "x": np.array([1.5, -2.0], np.float32)}, ["result:0"])
    write_case("while_v1_in_cond_untaken", g, "a while loop in the untaken branch of a v1 cond: the loop is dead",
               {"p": np.array(False), "x": np.array([1.5, -2.0], np.float32)}, ["result:0"])


def while_maximum_iterations():
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [], name="x")
        i, a = v1.while_loop(lambda i, a: a < 1e6, lambda i, a: (i + 1, a * 3.0), (tf.constant(0), x),
                             maximum_iterations=7)
        tf.identity(i, name="count")
        tf.identity(a, name="result")
    write_case("while_v1_maximum_iterations", g, "maximum_iterations stops a loop whose own condition would "
               "run longer", {"x": np.array(1.0, np.float32)}, ["count:0", "result:0"])


def while_shape_invariant():
    g = tf.Graph()
    with g.as_default():
        n = v1.placeholder(tf.int32, [], name="n")
        i0 = tf.constant(0)
        s0 = tf.zeros([0], tf.float32)
        _, s = v1.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, tf.concat([s, [tf.cast(i * i, tf.float32)]], 0)),
                             [i0, s0], shape_invariants=[i0.shape, tf.TensorShape([None])])
        tf.identity(s, name="result")
    write_case("while_v1_shape_invariant", g, "a loop variable that grows each iteration (shape invariant [None])",
               {"n": np.array(6, np.int32)}, ["result:0"])


def tensor_array_ops():
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [4, 3], name="x")
        ta = tf.TensorArray(tf.float32, size=4, element_shape=[3], clear_after_read=False)
        ta = ta.unstack(x)
        r1 = ta.read(2)
        ta2 = tf.TensorArray(tf.float32, size=3, element_shape=[3])
        ta2 = ta2.write(0, ta.read(1) * 2.0).write(1, r1).write(2, ta.read(0) + ta.read(3))
        stacked = ta2.stack()
        gathered = ta.gather([3, 0])
        size = ta.size()
        ta3 = tf.TensorArray(tf.float32, size=2, infer_shape=False, clear_after_read=False)
        ta3 = ta3.split(tf.reshape(x, [12]), [5, 7])
        concat = ta3.concat()
        piece = ta3.read(1)
        ta4 = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        ta4 = ta4.scatter([2, 0], tf.stack([x[0], x[1]]))
        scattered = ta4.stack()
        tf.identity(r1, name="read")
        tf.identity(stacked, name="stacked")
        tf.identity(gathered, name="gathered")
        tf.identity(size, name="size")
        tf.identity(concat, name="concat")
        tf.identity(piece, name="piece")
        tf.identity(scattered, name="scattered")
        with tf.control_dependencies([stacked]):
            close = ta2.close(name="close")
        with tf.control_dependencies([close]):
            tf.identity(stacked, name="stacked_then_closed")
    write_case("tensor_array_v1_ops", g, "TensorArrayV3 and its Write/Read/Gather/Scatter/Size/Concat/Split/Close",
               {"x": rng(1).uniform(-1, 1, [4, 3]).astype(np.float32)},
               ["read:0", "stacked:0", "gathered:0", "size:0", "concat:0", "piece:0", "scattered:0",
                "stacked_then_closed:0"])


def tensor_array_loop():
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [5, 2], name="x")
        inp = tf.TensorArray(tf.float32, size=5).unstack(x)
        out = tf.TensorArray(tf.float32, size=5)

        def body(t, acc, out):
            acc = acc * 0.5 + inp.read(t)
            return t + 1, acc, out.write(t, acc)
        _, last, out = v1.while_loop(lambda t, a, o: t < 5, body, [tf.constant(0), tf.zeros([2]), out])
        outs = out.stack()
        loss = tf.reduce_sum(outs * outs, name="loss")
        gx, = tf.gradients(loss, [x])
        tf.identity(outs, name="outputs")
        tf.identity(last, name="last")
        tf.identity(gx, name="grad_x")
    write_case("tensor_array_v1_loop", g, "a loop reading and writing TensorArrays (as dynamic_rnn does) and "
               "TensorFlow's gradient through it (TensorArrayGradV3)",
               {"x": rng(2).uniform(-1, 1, [5, 2]).astype(np.float32)}, ["outputs:0", "last:0", "loss:0", "grad_x:0"])


def main():
    while_sum()
    while_nested()
    while_gradient()
    while_in_cond()
    while_maximum_iterations()
    while_shape_invariant()
    tensor_array_ops()
    tensor_array_loop()




# ---- dynamic_rnn -------------------------------------------------------------------------------------------

def legacy_cells():
    # TensorFlow 2.21 keeps the TF1 RNN cells here; tf.compat.v1.nn.rnn_cell needs Keras 2.
    from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl
    return rnn_cell_impl


def rnn_graph(cell_kind, batch, steps, depth, units, seed, with_lengths, train):
    cells = legacy_cells()
    r = rng(seed)
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [batch, steps, depth], name="x")
        lengths = v1.placeholder(tf.int32, [batch], name="lengths") if with_lengths else None
        cell = {"lstm": cells.LSTMCell, "basic_lstm": cells.BasicLSTMCell, "gru": cells.GRUCell}[cell_kind](units)
        out, state = v1.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
        tf.identity(out, name="outputs")
        for i, s in enumerate(tf.nest.flatten(state)):
            tf.identity(s, name="state_%d" % i)
        if train:
            target = v1.placeholder(tf.float32, [batch, steps, units], name="target")
            loss = tf.reduce_mean(tf.square(out - target), name="loss")
            v1.train.GradientDescentOptimizer(0.5).minimize(loss, name="train")
        init = v1.global_variables_initializer()
        variables = list(g.get_collection(v1.GraphKeys.GLOBAL_VARIABLES))
        # Fixed starting values (the initializers draw random numbers TensorFlow's way).
        with tf.control_dependencies([init]):
            tf.group(*[v1.assign(v, r.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32)) for v in variables],
                     name="set_variables")
    return g, init, variables


def rnn_feeds(seed, batch, steps, depth, units, with_lengths, train):
    r = rng(seed + 100)
    feeds = {"x": r.uniform(-1, 1, [batch, steps, depth]).astype(np.float32)}
    if with_lengths:
        feeds["lengths"] = np.array([steps - (i % steps) for i in range(batch)], np.int32)
    if train:
        feeds["target"] = r.uniform(-0.5, 0.5, [batch, steps, units]).astype(np.float32)
    return feeds


def dynamic_rnn_forward(kind, with_lengths=False):
    batch, steps, depth, units = 4, 6, 3, 5
    g, init, variables = rnn_graph(kind, batch, steps, depth, units, 7, with_lengths, False)
    name = "dynamic_rnn_v1_" + kind + ("_lengths" if with_lengths else "")
    fetches = ["outputs:0", "state_0:0"] + (["state_1:0"] if kind != "gru" else [])
    write_case(name, g, "tf.nn.dynamic_rnn with a %s cell%s (control flow v1); run set_variables (initializers "
               "then fixed values) first" % (kind, " and sequence_length" if with_lengths else ""),
               rnn_feeds(7, batch, steps, depth, units, with_lengths, False), fetches, run_first=["set_variables"])


def dynamic_rnn_train():
    batch, steps, depth, units = 4, 6, 3, 5
    g, init, variables = rnn_graph("lstm", batch, steps, depth, units, 11, False, True)
    feeds = rnn_feeds(11, batch, steps, depth, units, False, True)
    record = {}

    def train_steps(s, feed_dict):
        record["initial"] = {v.op.name: value_json(s.run(v)) for v in variables}
        losses = []
        for _ in range(5):
            loss, _ = s.run([g.get_tensor_by_name("loss:0"), g.get_operation_by_name("train")], feed_dict)
            losses.append(float(loss))
        record["losses"] = losses
        record["final"] = {v.op.name: value_json(s.run(v)) for v in variables}
    d = write_case("dynamic_rnn_v1_lstm_train", g, "five GradientDescent steps through tf.nn.dynamic_rnn with an "
                   "LSTMCell: TensorFlow's own gradient loop (stacks, TensorArrayGradV3); steps.json has the loss of "
                   "each step and the variables before and after", feeds, ["loss:0"], run_first=["set_variables"],
                   extra=train_steps)
    with open(os.path.join(d, "steps.json"), "w") as f:
        f.write(dump({"train_op": "train", "loss": "loss:0", "losses": record["losses"],
                      "initial": record["initial"], "final": record["final"]}))


# ---- control flow v2 lowered to v1 frames by freezing -------------------------------------------------------

def frozen_case(name, description, fn_builder, specs, feeds):
    """Freezes a tf.function as convert_variables_to_constants_v2 does by default (While and If lowered to v1
    Enter/Merge/Switch frames, unused DT_VARIANT and other placeholders left behind) and writes it as a case."""
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2
    fn = tf.function(fn_builder()).get_concrete_function(*specs)
    frozen = convert_variables_to_constants_v2(fn)
    fetches = [t.name for t in frozen.outputs]
    graph = tf.Graph()
    with graph.as_default():
        tf.graph_util.import_graph_def(frozen.graph.as_graph_def(), name="")
    write_case(name, graph, description, feeds, fetches)


def frozen_cases():
    """Run in a separate process: these need eager execution and control flow v2."""
    r = rng(31)
    w = tf.Variable(r.uniform(-0.5, 0.5, [3, 3]).astype(np.float32))

    def loop():
        def f(x, n):
            acc = x
            for i in tf.range(n):
                acc = tf.tanh(tf.matmul(acc, w)) + tf.cast(i, tf.float32) * 0.1
            return acc
        return f
    frozen_case("frozen_v2_while_lowered", "a tf.function loop (control flow v2 While) frozen by "
                "convert_variables_to_constants_v2, which lowers it to v1 frames",
                loop, [tf.TensorSpec([2, 3], tf.float32, name="x"), tf.TensorSpec([], tf.int32, name="n")],
                {"x": r.uniform(-1, 1, [2, 3]).astype(np.float32), "n": np.array(6, np.int32)})
    for kind in ("lstm", "gru"):
        tf.keras.utils.set_random_seed(5)
        layer = tf.keras.layers.LSTM(8, return_sequences=True) if kind == "lstm" else \
            tf.keras.layers.GRU(8, return_sequences=True)
        model = tf.keras.Sequential([tf.keras.Input((5, 3)), layer, tf.keras.layers.Dense(2)])
        frozen_case("frozen_v2_keras_" + kind, "a Keras %s frozen with its control flow lowered to v1 frames "
                    "(TensorList ops inside, DT_VARIANT placeholders left unconnected)" % kind.upper(),
                    lambda: (lambda x: model(x)), [tf.TensorSpec([4, 5, 3], tf.float32, name="x")],
                    {"x": r.uniform(-1, 1, [4, 5, 3]).astype(np.float32)})


def main_rnn():
    dynamic_rnn_forward("lstm")
    dynamic_rnn_forward("basic_lstm")
    dynamic_rnn_forward("gru", with_lengths=True)
    dynamic_rnn_train()


if __name__ == "__main__":
    if sys.argv[1:] == ["frozen"]:
        frozen_cases()
    else:
        main()
        main_rnn()
        # The frozen cases need eager execution, which this process has turned off.
        import subprocess
        subprocess.run([sys.executable, __file__, "frozen"], check=True)
