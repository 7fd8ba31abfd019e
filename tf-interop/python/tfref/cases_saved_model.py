"""The saved-model topic (issue #15): SavedModels written by TensorFlow 1.x and 2.x APIs with TensorFlow's
outputs per signature, a Saver MetaGraph + checkpoint of a v2-form training graph, and an object-based
checkpoint."""
import keras
import numpy as np
import tensorflow as tf
from google.protobuf import text_format
from tensorflow.core.protobuf import saved_model_pb2, trackable_object_graph_pb2

from . import train_net
from .jsonfmt import write_json
from .registry import case
from .tfutil import SeededInit, randn, session, v1

TOPIC = "saved-model"
ISSUE = "#15"
EXPORT = "saved_model"


def _tensor_info(info):
    return {"name": info.name, "dtype": tf.as_dtype(info.dtype).name,
            "shape": None if info.tensor_shape.unknown_rank else [d.size for d in info.tensor_shape.dim]}


def record_saved_model(w, inputs_by_signature, tags=("serve",)):
    """Describes the SavedModel in w's saved_model/ folder and runs each signature through a TF1 Session on
    its MetaGraph (what a TF1-style loader does), checked against tf.saved_model.load where it applies."""
    export_dir = w.path(EXPORT)
    sm = saved_model_pb2.SavedModel()
    sm.ParseFromString((export_dir / "saved_model.pb").read_bytes())
    meta = next(m for m in sm.meta_graphs if set(m.meta_info_def.tags) == set(tags))
    w.graph(meta.graph_def, [], record_only=True)
    signatures = {}
    results = {}
    g = tf.Graph()
    with session(g) as s:
        v1.saved_model.loader.load(s, list(tags), str(export_dir))
        for key in sorted(inputs_by_signature):
            sig = meta.signature_def[key]
            inputs = inputs_by_signature[key]
            names = sorted(sig.outputs)
            values = s.run([sig.outputs[k].name for k in names],
                           {sig.inputs[k].name: v for k, v in inputs.items()})
            results[key] = dict(zip(names, values))
            signatures[key] = {"method_name": sig.method_name,
                               "inputs": {k: _tensor_info(sig.inputs[k]) for k in sorted(sig.inputs)},
                               "outputs": {k: _tensor_info(sig.outputs[k]) for k in names},
                               "feeds": w.tensors("%s.feed" % key, inputs),
                               "expected": w.tensors("%s.expected" % key, results[key])}
    if meta.object_graph_def.nodes:
        # A TF2 SavedModel: its restored functions must agree with the Session's answers.
        loaded = tf.saved_model.load(str(export_dir))
        for key, inputs in inputs_by_signature.items():
            for k, v in loaded.signatures[key](**{k: tf.constant(v) for k, v in inputs.items()}).items():
                np.testing.assert_allclose(results[key][k], v.numpy(), rtol=1e-5, atol=1e-6)
    write_json(w.dir / "signatures.json", signatures)
    w.set("kind", "saved_model")
    w.set("saved_model", {"dir": EXPORT, "tags": list(tags), "signatures": sorted(signatures),
                          "signatures_file": "signatures.json"})
    w.note("signatures.json: per signature its input and output tensors in the MetaGraph, the feeds (by "
           "input key) and TensorFlow's outputs (by output key), from a TF1 Session on the loaded MetaGraph")
    return results


@case(TOPIC, ISSUE, mode="tf1")
def tf1_simple_save(w):
    """tf.compat.v1.saved_model.simple_save of a TF1 graph (reference variables): x [None,4] -> dense 6 +
    relu -> dense 3 -> softmax; signature serving_default with input x and outputs logits, probs."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 4], name="x")
        with v1.variable_scope("model", custom_getter=SeededInit(11)):
            h = tf.nn.relu(tf.matmul(x, v1.get_variable("w1", [4, 6])) + v1.get_variable("b1", [6]))
            logits = tf.add(tf.matmul(h, v1.get_variable("w2", [6, 3])), v1.get_variable("b2", [3]), name="logits")
        probs = tf.nn.softmax(logits, name="probs")
        with session(g) as s:
            s.run(v1.global_variables_initializer())
            v1.saved_model.simple_save(s, str(w.path(EXPORT)), inputs={"x": x},
                                       outputs={"logits": logits, "probs": probs})
    record_saved_model(w, {"serving_default": {"x": randn(1, [2, 4])}})


@case(TOPIC, ISSUE)
def tf1_builder_resource(w):
    """tf.compat.v1.saved_model.Builder of a graph in TensorFlow 2's default form (resource variables), tags
    serve and train: serving_default (x [None,3] -> y = tanh(x w + b) + counter) and classify (x -> classes
    int64, scores); the main op sets the non-trainable counter (saved as 0) to 2.5, so outputs show it ran."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        with v1.variable_scope("model", custom_getter=SeededInit(41)):
            kernel = v1.get_variable("w", [3, 4])
            bias = v1.get_variable("b", [4])
        counter = v1.get_variable("counter", [], initializer=v1.zeros_initializer(), trainable=False)
        h = tf.nn.tanh(tf.matmul(x, kernel) + bias)
        y = tf.add(h, counter, name="y")
        scores = tf.nn.softmax(h, name="scores")
        classes = tf.argmax(h, 1, name="classes")
        main_op = tf.group(v1.assign(counter, 2.5), name="main_op")
        predict = v1.saved_model.predict_signature_def({"x": x}, {"y": y})
        classify = v1.saved_model.predict_signature_def({"x": x}, {"classes": classes, "scores": scores})
        with session(g) as s:
            s.run(v1.global_variables_initializer())
            builder = v1.saved_model.Builder(str(w.path(EXPORT)))
            builder.add_meta_graph_and_variables(s, ["serve"], signature_def_map={
                "serving_default": predict, "classify": classify}, main_op=main_op, strip_default_attrs=True)
            builder.add_meta_graph(["train"], signature_def_map={"serving_default": predict}, strip_default_attrs=True)
            builder.save()
    record_saved_model(w, {"serving_default": {"x": randn(42, [2, 3])}, "classify": {"x": randn(43, [3, 3])}})


@case(TOPIC, ISSUE)
def tf1_graph_v2_form_saver(w):
    """A TF1-style training graph in TensorFlow 2's default form (resource variables; control flow v2, so the
    batch norm's conds are functional If ops over a FunctionDefLibrary): conv 3x3 -> batch norm -> relu ->
    dense 3, softmax cross-entropy, Momentum (lr 0.05, momentum 0.9) with UPDATE_OPS and global_step;
    trained 3 steps, saved with tf.compat.v1.train.Saver (MetaGraph + checkpoint), and the next 5 steps."""
    train_net.write_case(w, lambda: v1.train.MomentumOptimizer(0.05, 0.9), "Momentum (lr 0.05, momentum 0.9)")


@case(TOPIC, ISSUE)
def tf1_resource_train_momentum(w):
    """A TF1-style training graph in TensorFlow 2's default form without functions (train_net's small form:
    dense 4 + relu -> dense 3, batch 2): resource variables, ResourceApplyMomentum (lr 0.05, momentum 0.9) and
    global_step; trained 3 steps, saved with tf.compat.v1.train.Saver, and the next 5 steps."""
    train_net.write_case(w, lambda: v1.train.MomentumOptimizer(0.05, 0.9), "Momentum (lr 0.05, momentum 0.9)",
                         conv=False)


@case(TOPIC, ISSUE, big=True)
def tf1_resource_train_adam(w):
    """As tf1_resource_train_momentum with Adam (lr 0.01): ResourceApplyAdam and its beta power variables. Big:
    kept out of the committed cases for their size budget (python generate.py --big DIR writes it)."""
    train_net.write_case(w, lambda: v1.train.AdamOptimizer(0.01), "Adam (lr 0.01)", conv=False)


@case(TOPIC, ISSUE, big=True)
def tf1_resource_train_sgd(w):
    """As tf1_resource_train_momentum with plain gradient descent (lr 0.1): ResourceApplyGradientDescent. Big:
    kept out of the committed cases for their size budget (python generate.py --big DIR writes it)."""
    train_net.write_case(w, lambda: v1.train.GradientDescentOptimizer(0.1), "GradientDescent (lr 0.1)", conv=False)


@case(TOPIC, ISSUE, big=True)
def tf1_resource_train_rmsprop(w):
    """As tf1_resource_train_momentum with RMSProp (lr 0.01): ResourceApplyRMSProp. Big: kept out of the
    committed cases for their size budget (python generate.py --big DIR writes it)."""
    train_net.write_case(w, lambda: v1.train.RMSPropOptimizer(0.01), "RMSProp (lr 0.01)", conv=False)


@case(TOPIC, ISSUE, big=True)
def tf1_resource_train_rmsprop_centered(w):
    """As tf1_resource_train_momentum with centered RMSProp (lr 0.01, momentum 0.5, epsilon 0.1):
    ResourceApplyCenteredRMSProp. Big: kept out of the committed cases for their size budget (python
    generate.py --big DIR writes it)."""
    train_net.write_case(w, lambda: v1.train.RMSPropOptimizer(0.01, momentum=0.5, epsilon=0.1, centered=True),
                         "centered RMSProp (lr 0.01, momentum 0.5, epsilon 0.1)", conv=False)


@case(TOPIC, ISSUE, big=True)
def tf1_resource_train_adagrad(w):
    """As tf1_resource_train_momentum with Adagrad (lr 0.1): ResourceApplyAdagrad. Big: kept out of the
    committed cases for their size budget (python generate.py --big DIR writes it)."""
    train_net.write_case(w, lambda: v1.train.AdagradOptimizer(0.1), "Adagrad (lr 0.1)", conv=False)


class _TwoSignatures(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(randn(12, [3, 2]), name="w")
        self.b = tf.Variable(randn(13, [2]), name="b")
        self.scale = tf.Variable(1.5, name="scale")

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
    def predict(self, x):
        return {"y": tf.matmul(x, self.w) + self.b}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32, name="values"),
                                  tf.TensorSpec([], tf.int32, name="power")])
    def scaled_power(self, values, power):
        return {"scaled": self.scale * tf.pow(values, tf.cast(power, tf.float32)),
                "count": tf.size(values)}


@case(TOPIC, ISSUE)
def tf_module_two_signatures(w):
    """tf.saved_model.save of a tf.Module with variables and two signatures: serving_default (predict: x
    [None,3] -> y = x w + b) and scaled_power (values [None], power int32 -> scaled, count)."""
    module = _TwoSignatures()
    tf.saved_model.save(module, str(w.path(EXPORT)),
                        signatures={"serving_default": module.predict, "scaled_power": module.scaled_power})
    record_saved_model(w, {"serving_default": {"x": randn(14, [2, 3])},
                           "scaled_power": {"values": np.array([1.5, -2.0, 0.5], np.float32),
                                            "power": np.array(3, np.int32)}})


def keras_cnn():
    keras.utils.set_random_seed(21)
    return keras.Sequential([
        keras.Input((16, 16, 3), name="image"), keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.MaxPooling2D(), keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(4, activation="softmax")])


def keras_lstm():
    keras.utils.set_random_seed(22)
    return keras.Sequential([keras.Input((6, 4), name="sequence"), keras.layers.LSTM(8), keras.layers.Dense(2)])


def _keras_export(w, model, batch):
    model.export(str(w.path(EXPORT)), verbose=False)
    sm = saved_model_pb2.SavedModel()
    sm.ParseFromString((w.path(EXPORT) / "saved_model.pb").read_bytes())
    inputs = {}
    for key, sig in sm.meta_graphs[0].signature_def.items():
        if not key.startswith("__"):
            (name, _), = sig.inputs.items()
            inputs[key] = {name: batch}
    results = record_saved_model(w, inputs)
    direct = model(batch, training=False).numpy()
    for outputs in results.values():
        for value in outputs.values():
            np.testing.assert_allclose(value, direct, rtol=1e-5, atol=1e-6)


@case(TOPIC, ISSUE)
def keras_export_cnn(w):
    """Keras 3 model.export of a small CNN: image [None,16,16,3] -> conv 8@3x3 relu -> max-pool -> conv
    8@3x3 relu -> global average pool -> dense 4 softmax (weights random, seed 21); signatures serve and
    serving_default."""
    _keras_export(w, keras_cnn(), randn(23, [2, 16, 16, 3]))


@case(TOPIC, ISSUE)
def tf1_keras_cnn_builder(w):
    """The Keras CNN of keras_export_cnn (same weights) written as a TF1 graph in TensorFlow 2's default form
    (resource variables) and saved with tf.compat.v1.saved_model.Builder: image [None,16,16,3] -> conv 8 3x3
    relu -> max-pool 2 -> conv 8 3x3 relu -> global average pool -> dense 4 softmax (output_0), the Keras
    model's own outputs asserted equal. The reference SavedModel for load-time figures."""
    model = keras_cnn()
    weights = [v.numpy() for v in model.weights]
    image_value = randn(23, [2, 16, 16, 3])
    keras_out = model(image_value).numpy()
    g = tf.Graph()
    with g.as_default():
        image = v1.placeholder(tf.float32, [None, 16, 16, 3], name="image")
        names = ["conv1/kernel", "conv1/bias", "conv2/kernel", "conv2/bias", "dense/kernel", "dense/bias"]
        var = {n: v1.get_variable(n, initializer=tf.constant(value)) for n, value in zip(names, weights)}
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(image, var["conv1/kernel"], 1, "VALID"), var["conv1/bias"]))
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, var["conv2/kernel"], 1, "VALID"), var["conv2/bias"]))
        h = tf.reduce_mean(h, axis=[1, 2])
        probs = tf.nn.softmax(tf.matmul(h, var["dense/kernel"]) + var["dense/bias"], name="output_0")
        with session(g) as s:
            s.run(v1.global_variables_initializer())
            np.testing.assert_allclose(s.run(probs, {image: image_value}), keras_out, rtol=1e-5, atol=1e-6)
            builder = v1.saved_model.Builder(str(w.path(EXPORT)))
            builder.add_meta_graph_and_variables(s, ["serve"], signature_def_map={
                "serving_default": v1.saved_model.predict_signature_def({"image": image}, {"output_0": probs})},
                strip_default_attrs=True)
            builder.save()
    record_saved_model(w, {"serving_default": {"image": image_value}})


@case(TOPIC, ISSUE)
def keras_export_lstm(w):
    """Keras 3 model.export of a small LSTM: sequence [None,6,4] -> LSTM 8 -> dense 2 (weights random, seed
    22); signatures serve and serving_default."""
    _keras_export(w, keras_lstm(), randn(24, [3, 6, 4]))


@case(TOPIC, ISSUE)
def tf2_object_checkpoint(w):
    """A TF2 object-based checkpoint (tf.train.Checkpoint.write) of nested tf.Modules, a list of variables,
    an int64 step and a string variable: keys like model/dense/kernel/.ATTRIBUTES/VARIABLE_VALUE plus
    _CHECKPOINTABLE_OBJECT_GRAPH, a string tensor holding a serialized TrackableObjectGraph."""
    class Dense(tf.Module):
        def __init__(self, seed, n_in, n_out):
            super().__init__()
            self.kernel = tf.Variable(randn(seed, [n_in, n_out]))
            self.bias = tf.Variable(randn(seed + 1, [n_out]))

    model = tf.Module()
    model.dense = Dense(31, 3, 2)
    model.layers = [Dense(33, 2, 2), Dense(35, 2, 1)]
    step = tf.Variable(np.int64(7))
    label = tf.Variable(b"checkpoint label")
    ckpt = tf.train.Checkpoint(model=model, step=step, label=label)
    prefix = ckpt.write(str(w.path("ckpt/model")))
    reader = tf.train.load_checkpoint(prefix)
    keys = sorted(reader.get_variable_to_shape_map())
    values = {k: reader.get_tensor(k) for k in keys}
    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(values["_CHECKPOINTABLE_OBJECT_GRAPH"])
    w.path("object_graph.pbtxt").write_text(text_format.MessageToString(graph), encoding="utf-8")
    values["_CHECKPOINTABLE_OBJECT_GRAPH"] = np.array(values["_CHECKPOINTABLE_OBJECT_GRAPH"], dtype=object)
    values["label/.ATTRIBUTES/VARIABLE_VALUE"] = np.array(values["label/.ATTRIBUTES/VARIABLE_VALUE"], dtype=object)
    w.variables(values)
    w.set("kind", "checkpoint").set("checkpoint", {"prefix": "ckpt/model", "keys": keys})
    w.note("variables.json holds every key's value; _CHECKPOINTABLE_OBJECT_GRAPH is binary, so base64; "
           "object_graph.pbtxt is the same TrackableObjectGraph in text form")
