"""Shared TensorFlow helpers for the case modules: sessions, seeded values, forward+gradient graph cases."""
import numpy as np
import tensorflow as tf

v1 = tf.compat.v1


def session(graph):
    """A single-threaded session, so reductions add in one fixed order and reruns give the same bits."""
    config = v1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    return v1.Session(graph=graph, config=config)


def randn(seed, shape, dtype=np.float32, scale=1.0):
    return (np.random.RandomState(seed).randn(*shape) * scale).astype(dtype)


def uniform(seed, shape, low, high, dtype=np.float32):
    return np.random.RandomState(seed).uniform(low, high, size=shape).astype(dtype)


class SeededInit:
    """A custom getter giving every variable a Const initial value drawn from a seeded NumPy generator.

    The graph then holds its starting values as constants, so a runtime that runs the init op starts
    exactly where TensorFlow did (TensorFlow's own random initializers could not be replayed elsewhere).
    """

    def __init__(self, seed, scale=0.3):
        self.rng = np.random.RandomState(seed)
        self.scale = scale

    def value(self, name, shape, dtype):
        shape = [int(d) for d in shape]
        leaf = name.split("/")[-1]
        if leaf in ("moving_variance", "variance"):
            v = self.rng.uniform(0.5, 1.5, size=shape)
        elif leaf == "gamma":
            v = 1.0 + 0.1 * self.rng.randn(*shape)
        elif leaf in ("moving_mean", "beta"):
            v = 0.1 * self.rng.randn(*shape)
        else:
            v = self.scale * self.rng.randn(*shape)
        return v.astype(np.dtype(dtype.as_numpy_dtype) if hasattr(dtype, "as_numpy_dtype") else dtype)

    def __call__(self, getter, name, shape=None, dtype=tf.float32, initializer=None, trainable=None, **kwargs):
        if shape is not None and (dtype is None or dtype.is_floating) and "global_step" not in name:
            initializer = v1.constant_initializer(self.value(name, shape, dtype or tf.float32))
        return getter(name, shape=shape, dtype=dtype, initializer=initializer, trainable=trainable, **kwargs)


def variable_values(sess, variables):
    return {v.op.name: sess.run(v) for v in variables}


def graph_case(w, build, inputs, grad_wrt=(), seed=100, notes=(), targets_first=()):
    """A graph of Placeholders for `inputs` (name -> array) and the tensors `build` returns, run once.

    With grad_wrt, also tf.gradients of the floating outputs with respect to those inputs, with upstream
    gradients fed through placeholders dy_0, dy_1, ... (random values), so the gradient graph that
    TensorFlow's registry builds is in the file and a finite-difference check can use the same upstream.
    """
    g = tf.Graph()
    with g.as_default():
        v1.set_random_seed(seed)
        ph = {name: v1.placeholder(tf.as_dtype(np.asarray(value).dtype), np.shape(value), name=name)
              for name, value in inputs.items()}
        outs = build(**ph)
        if isinstance(outs, tf.Tensor):
            outs = [outs]
        outs = list(outs)
        feeds = dict(inputs)
        with session(g) as s:
            for t in targets_first:
                s.run(t)
            values = s.run(outs, {ph[k]: v for k, v in inputs.items()})
        fetch = dict(zip([t.name for t in outs], values))
        if grad_wrt:
            ys, dys = [], []
            for i, (t, value) in enumerate(zip(outs, values)):
                if t.dtype.is_floating:
                    dy = v1.placeholder(t.dtype, value.shape, name="dy_%d" % i)
                    ys.append(t)
                    dys.append(dy)
                    feeds["dy_%d" % i] = randn(seed + 1 + i, value.shape, t.dtype.as_numpy_dtype)
            xs = [ph[n] for n in grad_wrt]
            grads = v1.gradients(ys, xs, grad_ys=dys)
            named = {}
            for n, gr in zip(grad_wrt, grads):
                if gr is None:
                    w.note("TensorFlow gives no gradient with respect to %s" % n)
                    continue
                if isinstance(gr, tf.IndexedSlices):
                    gr = tf.convert_to_tensor(gr)
                named[n] = gr
            with session(g) as s:
                gvals = s.run(list(named.values()), {g.get_tensor_by_name(k + ":0"): v for k, v in feeds.items()})
            for (n, gr), value in zip(named.items(), gvals):
                fetch[gr.name] = value
            w.set("gradients", {n: gr.name for n, gr in named.items()})
            w.set("upstream_gradients", {y.name: dy.op.name for y, dy in zip(ys, dys)})
        gd = g.as_graph_def()
    w.graph(gd, list(fetch))
    w.run(feeds, fetch)
    for n in notes:
        w.note(n)
    return fetch


class CapturedStderr:
    """Collects what native code (e.g. PrintV2's kernel) writes to file descriptor 2 inside the block."""

    def __enter__(self):
        import os
        import sys
        import tempfile
        sys.stderr.flush()
        self._file = tempfile.TemporaryFile()
        self._saved = os.dup(2)
        os.dup2(self._file.fileno(), 2)
        self.text = ""
        return self

    def __exit__(self, *exc):
        import os
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._file.seek(0)
        self.text = self._file.read().decode("utf-8", "replace")
        self._file.close()
        return False


def _tensor(graph, name):
    return graph.get_tensor_by_name(name if ":" in name else name + ":0")


def run_steps(sess, steps, capture_stderr=False):
    """Runs step specs {feeds: {name: value}, fetches: [names], targets: [op names], error: substring} in order
    and returns them with TensorFlow's fetched values (or the error it raised) for CaseWriter.steps."""
    graph = sess.graph
    done = []
    for spec in steps:
        feeds = spec.get("feeds", {})
        names = list(spec.get("fetches", []))
        targets = list(spec.get("targets", []))
        feed_dict = {_tensor(graph, n): v for n, v in feeds.items()}
        fetch_list = [_tensor(graph, n) for n in names] + [graph.get_operation_by_name(t) for t in targets]
        record = {"feeds": feeds, "targets": targets, "note": spec.get("note")}
        try:
            if capture_stderr:
                with CapturedStderr() as err:
                    values = sess.run(fetch_list, feed_dict)
                record["printed"] = err.text
            else:
                values = sess.run(fetch_list, feed_dict)
            if spec.get("error"):
                raise AssertionError("step was expected to fail with " + spec["error"])
            record["fetches"] = dict(zip(names, values[:len(names)]))
        except tf.errors.OpError as e:
            if not spec.get("error") or spec["error"] not in e.message:
                raise
            record["fetch_names"] = names
            record["error"] = {"type": type(e).__name__, "message_contains": spec["error"]}
        done.append(record)
    return done


def freeze(concrete, lower_control_flow=True):
    """convert_variables_to_constants_v2: variables become Consts; the result's graph is a TF1 GraphDef."""
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2
    return convert_variables_to_constants_v2(concrete, lower_control_flow=lower_control_flow)


def concrete_case(w, concrete, input_sets, rtol=1e-5, atol=1e-6):
    """A ConcreteFunction's graph (frozen or not) as a case, run through a TF1 Session on the imported
    GraphDef (as a consumer will) for each input set (name -> array, in argument order), and checked
    against calling the function itself. One input set gives feeds/expected, several give steps."""
    gd = concrete.graph.as_graph_def()
    in_names = [t.name for t in concrete.inputs if t.dtype != tf.resource]
    out_names = [t.name for t in concrete.outputs]
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(gd, name="")
    direct = [[t.numpy() for t in tf.nest.flatten(concrete(*[tf.constant(inputs[n.split(":")[0]]) for n in in_names]))]
              for inputs in input_sets]
    runs = []
    with session(g) as s:
        for inputs, want in zip(input_sets, direct):
            values = s.run(out_names, {name: inputs[name.split(":")[0]] for name in in_names})
            for a, b in zip(values, want):
                np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
            runs.append({"feeds": dict(inputs), "fetches": dict(zip(out_names, values))})
    w.graph(gd, out_names)
    if len(runs) == 1:
        w.run(runs[0]["feeds"], runs[0]["fetches"])
    else:
        w.steps(runs)
    w.set("inputs", in_names).set("outputs", out_names)
    return gd
