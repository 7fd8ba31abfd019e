"""ops topic, stateful and structural ops that need several runs: IsVariableInitialized, Assert and PrintV2,
Optional ops, and a tf.data iterator in v1 graph mode whose outputs can also be fed."""
import numpy as np
import tensorflow as tf

from .ops_nn import ISSUE, TOPIC
from .registry import case
from .tfutil import randn, run_steps, session, v1


@case(TOPIC, ISSUE, mode="tf1")
def is_variable_initialized(w):
    """IsVariableInitialized on a reference variable (VariableV2): false before its Assign runs, true after."""
    g = tf.Graph()
    with g.as_default():
        var = v1.Variable(np.array([1.5, -2.0], np.float32), name="v", use_resource=False)
        flag = v1.is_variable_initialized(var)
        init = v1.variables_initializer([var], name="init")
        with session(g) as s:
            steps = run_steps(s, [{"fetches": [flag.name]}, {"targets": [init.name]},
                                  {"fetches": [flag.name, var.value().name]}])
    w.graph(g.as_graph_def(), [flag.name])
    w.steps(steps)


@case(TOPIC, ISSUE, mode="tf1")
def assert_and_print(w):
    """Assert (tf.debugging.Assert; its data is not all strings, so TensorFlow guards it with a v1 cond) and
    PrintV2 (tf.print, a StringFormat into PrintV2 on stderr) as control dependencies of y; z does not
    depend on them. Fetching z never checks; fetching y with a negative input fails the Assert."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [3], name="x")
        check = tf.debugging.Assert(tf.reduce_all(x > 0), [x], name="check_positive")
        show = tf.print("x is", x, name="show_x")
        with tf.control_dependencies([check, show]):
            y = tf.multiply(x, 2.0, name="y")
        z = tf.add(x, 1.0, name="z")
        good = np.array([1, 2, 3], np.float32)
        bad = np.array([1, -2, 3], np.float32)
        with session(g) as s:
            steps = run_steps(s, [{"feeds": {"x": good}, "fetches": [y.name, z.name]},
                                  {"feeds": {"x": bad}, "fetches": [z.name], "note": "z does not run the Assert"},
                                  {"feeds": {"x": bad}, "fetches": [y.name], "error": "assertion failed"}],
                              capture_stderr=True)
    w.graph(g.as_graph_def(), [y.name, z.name])
    w.steps(steps)
    w.note("'printed' is what TensorFlow's PrintV2 wrote to stderr during that step")


@case(TOPIC, ISSUE)
def optional_ops(w):
    """OptionalFromValue, OptionalHasValue, OptionalGetValue and OptionalNone (tf.experimental.Optional in a
    graph); getting the value of the empty optional fails."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [2], name="x")
        full = tf.experimental.Optional.from_value(x)
        empty = tf.experimental.Optional.empty(tf.TensorSpec([2], tf.float32))
        has_full = full.has_value(name="has_full")
        value = full.get_value(name="value") * 3.0
        has_empty = empty.has_value(name="has_empty")
        missing = empty.get_value(name="missing")
        feeds = {"x": np.array([0.25, -4.0], np.float32)}
        with session(g) as s:
            steps = run_steps(s, [{"feeds": feeds, "fetches": [has_full.name, value.name, has_empty.name]},
                                  {"feeds": feeds, "fetches": [missing.name], "error": "does not have a value"}])
    w.graph(g.as_graph_def(), [has_full.name, value.name, has_empty.name])
    w.steps(steps)


@case(TOPIC, ISSUE, mode="tf1")
def iterator_get_next(w):
    """A tf.data pipeline in v1 graph mode: from_tensor_slices((features [5,2], labels [5])), map (features*2,
    labels+1), batch 2, make_initializable_iterator (IteratorV2, MakeIterator, IteratorGetNext). Three batches
    (the last one short), then end of sequence; then the IteratorGetNext outputs are fed instead."""
    g = tf.Graph()
    with g.as_default():
        features = randn(1, [5, 2], np.float32)
        labels = np.arange(5, dtype=np.int64)
        ds = tf.data.Dataset.from_tensor_slices((features, labels))
        ds = ds.map(lambda f, l: (f * 2.0, l + 1)).batch(2)
        it = v1.data.make_initializable_iterator(ds)
        f, l = it.get_next()
        y = tf.add(tf.reduce_sum(f, axis=1), tf.cast(l, tf.float32), name="y")
        nxt = [f.name, l.name, y.name]
        with session(g) as s:
            steps = run_steps(s, [{"targets": [it.initializer.name]}, {"fetches": nxt}, {"fetches": nxt},
                                  {"fetches": nxt}, {"fetches": nxt, "error": "End of sequence"},
                                  {"feeds": {f.name: np.array([[1, 2], [3, 4], [5, 6]], np.float32),
                                             l.name: np.array([10, 20, 30], np.int64)}, "fetches": [y.name],
                                   "note": "feeding the iterator's outputs skips IteratorGetNext"}])
    w.graph(g.as_graph_def(), nxt)
    w.steps(steps)
    w.set("iterator_initializer", it.initializer.name)
