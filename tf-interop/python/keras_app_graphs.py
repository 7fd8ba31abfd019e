"""The graphs of bench's Keras inference rows (W10 ResNet50, W11 MobileNetV2) and the reference files of the test
that checks them (KerasAppGraphsTest).

    python keras_app_graphs.py GRAPH_DIR REFERENCE_DIR

For each model, Keras' application (weights=None, 224x224x3, 1000 classes) is traced for inference and frozen
by convert_variables_to_constants_v2; then every weight constant becomes a tf.compat.v1 reference variable
(VariableV2, named after the Keras weight) whose initializer draws from a seeded RandomUniform, and the input
placeholder x takes any height and width. The GraphDef holds no weight values, so it stays small:
GRAPH_DIR/keras_<model>.pb, input x:0, output Identity:0 (the softmax), logits the softmax's input, init op
"init". Initial values by the Keras weight's role:

    kernel (convolution, depthwise, dense)   U(-l, l), l = sqrt(6 / (fan_in + fan_out))  (Keras' glorot_uniform)
    bias, beta, moving_mean                  U(-0.1, 0.1)
    gamma                                    U(0.8, 1.2)
    moving_variance                          U(0.5, 1.5)

RandomUniform has graph seed 1 and op seed k (the k-th weight), so a runtime with TensorFlow's Philox draws
the same values. REFERENCE_DIR/<model>/ gets a batch of 2 random 32x32 inputs (input.npy) and what TensorFlow
fetched after running the init op (output.npy, logits.npy); the script also checks that the Keras model with
those variable values gives the same outputs, so the graph is the Keras model.
"""
import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2  # noqa: E402

v1 = tf.compat.v1
GRAPH_SEED = 1
MODELS = {
    "resnet50": lambda side: keras.applications.ResNet50(weights=None, input_shape=(side, side, 3)),
    "mobilenet_v2": lambda side: keras.applications.MobileNetV2(weights=None, input_shape=(side, side, 3)),
}
REFERENCE_BATCH = (2, 32, 32, 3)


def value_range(path, shape):
    leaf = path.split("/")[-1]
    if leaf == "kernel":
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        limit = float(np.sqrt(6.0 / (shape[-2] * receptive + shape[-1] * receptive)))
        return -limit, limit
    if leaf == "gamma":
        return 0.8, 1.2
    if leaf == "moving_variance":
        return 0.5, 1.5
    if leaf in ("bias", "beta", "moving_mean"):
        return -0.1, 0.1
    raise ValueError("no initial range for the Keras weight " + path)


def frozen(model):
    """The inference graph with each weight as a Const, and each Const's Keras weight (matched by value)."""
    rng = np.random.RandomState(0)
    for w in model.weights:
        w.assign(rng.uniform(-1, 1, w.shape).astype(np.float32))  # distinct values, so consts match weights
    concrete = tf.function(lambda x: model(x, training=False)).get_concrete_function(
        tf.TensorSpec([None, 224, 224, 3], tf.float32))
    gd = convert_variables_to_constants_v2(concrete).graph.as_graph_def()
    by_bytes = {w.numpy().tobytes(): w for w in model.weights}
    weights = {}
    for node in gd.node:
        if node.op == "Const" and node.attr["dtype"].type == tf.float32.as_datatype_enum:
            value = tf.make_ndarray(node.attr["value"].tensor)
            w = by_bytes.get(value.tobytes())
            if w is not None and value.size > 1:
                weights[node.name] = w
    if len(weights) != len(model.weights):
        raise AssertionError("matched %d of %d weights" % (len(weights), len(model.weights)))
    return gd, weights


def with_variables(gd, weights):
    """A TF1 graph: a VariableV2 per weight with a seeded RandomUniform initializer, the inference graph reading
    them, x of shape [?, ?, ?, 3], and the init op."""
    stripped = tf.compat.v1.GraphDef()
    stripped.versions.CopyFrom(gd.versions)
    stripped.library.CopyFrom(gd.library)
    for node in gd.node:
        if node.name in weights:
            continue
        copy = stripped.node.add()
        copy.CopyFrom(node)
        if node.op == "Placeholder":
            copy.attr["shape"].shape.CopyFrom(tf.TensorShape([None, None, None, 3]).as_proto())
    g = tf.Graph()
    with g.as_default():
        v1.set_random_seed(GRAPH_SEED)
        reads = {}
        variables = []
        for k, (const_name, w) in enumerate(weights.items()):
            shape = [int(d) for d in w.shape]
            low, high = value_range(w.path, shape)
            initial = v1.random_uniform(shape, low, high, seed=k + 1, name=w.path + "/Initializer/random_uniform")
            var = v1.Variable(initial, name=w.path, use_resource=False)
            variables.append((var, w))
            reads[const_name] = var.value()
        tf.import_graph_def(stripped, input_map=reads, name="")
        v1.variables_initializer([v for v, _ in variables], name="init")
    return g, variables


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("graph_dir", type=Path)
    parser.add_argument("reference_dir", type=Path)
    args = parser.parse_args()
    args.graph_dir.mkdir(parents=True, exist_ok=True)
    for name, build in MODELS.items():
        keras.utils.set_random_seed(1)
        model = build(224)
        gd, weights = frozen(model)
        g, variables = with_variables(gd, weights)
        softmax = [n for n in g.as_graph_def().node if n.op == "Softmax"][-1]
        logits_name = softmax.input[0] if ":" in softmax.input[0] else softmax.input[0] + ":0"
        x = np.random.RandomState(2).uniform(-1, 1, REFERENCE_BATCH).astype(np.float32)
        config = v1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
        with v1.Session(graph=g, config=config) as s:
            s.run("init")
            output, logits = s.run(["Identity:0", logits_name], {"x:0": x})
            values = s.run([v for v, _ in variables])
        # The same model built for the reference input's size (Keras checks the input's shape) holds the same
        # weights in the same order: the padding of either size is the same.
        small = build(REFERENCE_BATCH[1])
        order = {id(w): i for i, w in enumerate(model.weights)}
        for (_, w), value in zip(variables, values):
            small.weights[order[id(w)]].assign(value)
        direct = small(x, training=False).numpy()
        np.testing.assert_allclose(output, direct, rtol=1e-4, atol=1e-6)
        if not (np.isfinite(logits).all() and 0.1 < np.abs(logits).max() < 1e4):
            raise AssertionError("%s: logits out of a useful range: %s" % (name, np.abs(logits).max()))
        path = args.graph_dir / ("keras_%s.pb" % name)
        path.write_bytes(g.as_graph_def().SerializeToString(deterministic=True))
        ref = args.reference_dir / name
        ref.mkdir(parents=True, exist_ok=True)
        np.save(ref / "input.npy", x)
        np.save(ref / "output.npy", output)
        np.save(ref / "logits.npy", logits)
        (ref / "logits.txt").write_text(logits_name + "\n")
        print("%s: %d nodes, %d variables, %.0f KB; logits %s, |logits| max %.3g" % (
            path.name, len(g.as_graph_def().node), len(variables), path.stat().st_size / 1e3, logits_name,
            np.abs(logits).max()))


if __name__ == "__main__":
    main()
