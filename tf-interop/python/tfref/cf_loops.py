"""control-flow topic, TensorFlow 1.x control flow (Enter/Exit/Switch/Merge/NextIteration/LoopCond) and
TensorArrayV3 ops, built with control flow v2 switched off."""
import numpy as np
import tensorflow as tf

from .registry import case
from .tfutil import randn, run_steps, session, v1

TOPIC = "control-flow"
ISSUE = "#14"


def _graph_run(w, g, feeds, fetch_tensors, gradients=None):
    with session(g) as s:
        values = s.run(fetch_tensors, {g.get_tensor_by_name(k + ":0"): v for k, v in feeds.items()})
    fetches = {t.name: v for t, v in zip(fetch_tensors, values)}
    w.graph(g.as_graph_def(), list(fetches))
    w.run(feeds, fetches)
    if gradients:
        w.set("gradients", gradients)


@case(TOPIC, ISSUE, mode="tf1")
def while_loop_sum(w):
    """v1 tf.while_loop summing the elements of x (length fed at run time): i < size(x), s += x[i]."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None], name="x")
        n = tf.size(x)
        i, total = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + tf.gather(x, i)),
                                 [tf.constant(0), tf.constant(0.0)], name="sum_loop")
        total = tf.identity(total, name="total")
        count = tf.identity(i, name="count")
    _graph_run(w, g, {"x": randn(1, [7])}, [total, count])


@case(TOPIC, ISSUE, mode="tf1")
def while_loop_gradient(w):
    """v1 tf.while_loop y <- sin(y) * a + x, n times (n fed), and tf.gradients through it: the backward loop
    keeps each iteration's values on stacks (StackV2, StackPushV2, StackPopV2), float64."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float64, [3], name="x")
        a = v1.placeholder(tf.float64, [3], name="a")
        n = v1.placeholder(tf.int32, [], name="n")
        _, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, tf.sin(y) * a + x), [tf.constant(0), x],
                             name="loop")
        y = tf.identity(y, name="y")
        dy = v1.placeholder(tf.float64, [3], name="dy_0")
        gx, ga = v1.gradients(y, [x, a], grad_ys=dy)
    feeds = {"x": randn(2, [3], np.float64), "a": randn(3, [3], np.float64), "n": np.array(4, np.int32),
             "dy_0": randn(4, [3], np.float64)}
    _graph_run(w, g, feeds, [y, gx, ga], {"x": gx.name, "a": ga.name})
    w.set("upstream_gradients", {y.name: "dy_0"})


@case(TOPIC, ISSUE, mode="tf1")
def nested_while_loops(w):
    """Two nested v1 while_loops: for i < rows(a): for j < rows(b): acc += a[i] . b[j] * (i + 1); the inner
    loop reads the outer loop's variable (Enter of a loop-carried value into the inner frame)."""
    g = tf.Graph()
    with g.as_default():
        a = v1.placeholder(tf.float32, [None, 3], name="a")
        b = v1.placeholder(tf.float32, [None, 3], name="b")

        def outer_body(i, acc):
            row = tf.gather(a, i)

            def inner_body(j, inner):
                return j + 1, inner + tf.reduce_sum(row * tf.gather(b, j)) * tf.cast(i + 1, tf.float32)
            _, inner = tf.while_loop(lambda j, _: j < tf.shape(b)[0], inner_body, [tf.constant(0), acc],
                                     name="inner")
            return i + 1, inner
        _, acc = tf.while_loop(lambda i, _: i < tf.shape(a)[0], outer_body, [tf.constant(0), tf.constant(0.0)],
                               name="outer")
        acc = tf.identity(acc, name="acc")
    _graph_run(w, g, {"a": randn(5, [3, 3]), "b": randn(6, [4, 3])}, [acc])


@case(TOPIC, ISSUE, mode="tf1")
def cond_v1(w):
    """v1 tf.cond (Switch/Merge) on a fed bool: x*2+1 if p else x-3, and a second cond on not p, so one run
    takes both branches of different conds (dead tensors on the untaken side); gradient wrt x, float64."""
    g = tf.Graph()
    with g.as_default():
        p = v1.placeholder(tf.bool, [], name="p")
        x = v1.placeholder(tf.float64, [4], name="x")
        c1 = tf.identity(v1.cond(p, lambda: x * 2.0 + 1.0, lambda: x - 3.0), name="c1")
        c2 = tf.identity(v1.cond(tf.logical_not(p), lambda: tf.square(x), lambda: -x), name="c2")
        dy = v1.placeholder(tf.float64, [4], name="dy_0")
        gx, = v1.gradients(c1 + c2, [x], grad_ys=dy)
        xs = randn(7, [4], np.float64)
        dys = randn(8, [4], np.float64)
        fetch = [c1.name, c2.name, gx.name]
        with session(g) as s:
            steps = run_steps(s, [{"feeds": {"p": np.array(v), "x": xs, "dy_0": dys}, "fetches": fetch}
                                  for v in (True, False)])
    w.graph(g.as_graph_def(), fetch)
    w.steps(steps)
    w.set("gradients", {"x": gx.name}).set("upstream_gradients", {"c1:0 + c2:0": "dy_0"})


@case(TOPIC, ISSUE, mode="tf1")
def tensor_array_v1(w):
    """TensorArrayV3 ops outside a loop: unstack (Scatter) a [4,2] input, read, gather, size; a second array
    written element by element (clear_after_read=False: it is read twice) and stacked (Gather over its range);
    scatter into a third; close after use;
    tf.gradients through them (TensorArrayGradV3), float32."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [4, 2], name="x")
        a = v1.placeholder(tf.float32, [2], name="a")
        b = v1.placeholder(tf.float32, [2], name="b")
        unstacked = tf.TensorArray(tf.float32, size=4, name="unstacked").unstack(x)
        second = unstacked.read(1)
        picked = unstacked.gather([3, 0])
        size = unstacked.size()
        written = tf.TensorArray(tf.float32, size=3, name="written", clear_after_read=False)
        written = written.write(0, a).write(1, b).write(2, a * b)
        stacked = written.stack()
        scattered = tf.TensorArray(tf.float32, size=3, name="scattered").scatter([2, 0, 1], tf.stack([a, b, a - b]))
        scattered_stack = scattered.stack()
        read_back = written.read(2)
        out = tf.identity(tf.reduce_sum(stacked) + tf.reduce_sum(picked) + tf.reduce_sum(second * read_back),
                          name="out")
        gx, ga, gb = v1.gradients(out, [x, a, b])
        with tf.control_dependencies([out, gx, ga, gb, stacked, scattered_stack]):
            close = tf.group(written.close(), unstacked.close(), scattered.close(), name="close_all")
        fetch = [second.name, picked.name, size.name, stacked.name, scattered_stack.name, out.name, gx.name,
                 ga.name, gb.name]
        feeds = {"x": randn(9, [4, 2]), "a": randn(10, [2]), "b": randn(11, [2])}
        with session(g) as s:
            steps = run_steps(s, [{"feeds": feeds, "fetches": fetch, "targets": [close.name]}])
    w.graph(g.as_graph_def(), fetch)
    w.steps(steps)
    w.set("gradients", {"x": gx.name, "a": ga.name, "b": gb.name})
