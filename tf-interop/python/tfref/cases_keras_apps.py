"""The keras-apps topic (issue #16): frozen inference graphs of Keras applications (weights random, seeded),
the small ones committed, the big ones written by --big; tiny variants built with the applications' own
generic constructors cover the op types that only big models hold. after_cases() writes op-types.json with
every model's op types and checks that the committed cases hold their union."""
import json
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras.src.applications import convnext, efficientnet, nasnet, resnet

from . import graphinfo
from .jsonfmt import write_json
from .registry import register
from .tfutil import freeze, session

TOPIC = "keras-apps"
ISSUE = "#16"
BATCH = 2
A = keras.applications

# name -> (builder, input shape, inputs scaled 0..255 (built-in preprocessing) or -1..1, big, description)
APPS = {
    "mobilenet_v2": (lambda: A.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, weights=None, classes=10),
                     (32, 32, 3), False, False, "MobileNetV2, alpha 0.35, 32x32 (the smallest input), 10 classes"),
    "mobilenet_v3_small": (lambda: A.MobileNetV3Small(input_shape=(32, 32, 3), alpha=0.35, minimalistic=False,
                                                      weights=None, classes=10),
                           (32, 32, 3), True, False, "MobileNetV3Small, alpha 0.35, minimalistic=False (hard-swish, "
                           "squeeze-excite), 32x32, 10 classes, with its built-in rescaling"),
    "efficientnet_b0": (lambda: A.EfficientNetB0(input_shape=(32, 32, 3), weights=None, classes=10), (32, 32, 3),
                        True, True, "EfficientNetB0, 32x32, 10 classes, with its built-in rescaling/normalization"),
    "nasnet_mobile": (lambda: A.NASNetMobile(input_shape=(32, 32, 3), weights=None, classes=10), (32, 32, 3),
                      False, True, "NASNetMobile, 32x32, 10 classes"),
    "xception": (lambda: A.Xception(input_shape=(71, 71, 3), weights=None, classes=10), (71, 71, 3), False, True,
                 "Xception, 71x71 (the smallest input), 10 classes"),
    "convnext_tiny": (lambda: A.ConvNeXtTiny(input_shape=(32, 32, 3), weights=None, classes=10), (32, 32, 3), True,
                      True, "ConvNeXtTiny, 32x32, 10 classes, with its built-in normalization"),
    "resnet50": (lambda: A.ResNet50(input_shape=(32, 32, 3), weights=None, classes=10), (32, 32, 3), False, True,
                 "ResNet50, 32x32, 10 classes"),
    "densenet121": (lambda: A.DenseNet121(input_shape=(32, 32, 3), weights=None, classes=10), (32, 32, 3), False,
                    True, "DenseNet121, 32x32, 10 classes"),
    "inception_v3": (lambda: A.InceptionV3(input_shape=(75, 75, 3), weights=None, classes=10), (75, 75, 3), False,
                     True, "InceptionV3, 75x75 (the smallest input), 10 classes"),
    # Tiny variants through the applications' generic constructors: the same blocks, few and narrow.
    "efficientnet_tiny": (lambda: efficientnet.EfficientNet(0.25, 0.1, 32, input_shape=(32, 32, 3), weights=None,
                                                            classes=10, name="efficientnet_tiny"),
                          (32, 32, 3), True, False, "EfficientNet's constructor with width 0.25, depth 0.1 (one "
                          "block per stage): EfficientNetB0's op types (swish through IdentityN, squeeze-excite, "
                          "Normalization) in a small graph"),
    "nasnet_tiny": (lambda: nasnet.NASNet(input_shape=(32, 32, 3), penultimate_filters=96, num_blocks=1,
                                          stem_block_filters=8, skip_reduction=False, filter_multiplier=2,
                                          default_size=32, weights=None, classes=10),
                    (32, 32, 3), False, False, "NASNet's constructor with penultimate_filters 96, one block per "
                    "cell stack, 8 stem filters: NASNetMobile's op types (AvgPool, MaxPool, ConcatV2, cropping)"),
    "resnet_tiny": (lambda: resnet.ResNet(lambda x: resnet.stack_residual_blocks_v1(
                        resnet.stack_residual_blocks_v1(x, 8, 2, stride1=1, name="conv2"), 16, 2, name="conv3"),
                        preact=False, use_bias=True, input_shape=(32, 32, 3), weights=None, classes=10,
                        name="resnet_tiny"),
                    (32, 32, 3), False, False, "ResNet's constructor with two stacks of two bottleneck blocks (8 and "
                    "16 filters): ResNet50's op types and block structure (convolution, batch normalization, ReLU, "
                    "the residual addition, the stride-2 first block) in a small graph"),
    "convnext_mini": (lambda: convnext.ConvNeXt(depths=[1, 1, 1, 1], projection_dims=[8, 16, 24, 32],
                                                default_size=32, name="convnext_mini", weights=None, classes=10,
                                                input_shape=(32, 32, 3)),
                      (32, 32, 3), True, False, "ConvNeXt's constructor with depths [1,1,1,1] and widths "
                      "[8,16,24,32]: ConvNeXtTiny's op types (grouped Conv2D in an XLA-marked function, "
                      "LayerNormalization, exact GELU through Erfc, Dense over the channel axis)"),
}
FULL_SET = ["mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "nasnet_mobile", "xception", "convnext_tiny",
            "resnet50", "densenet121", "inception_v3"]
SEED = 7


def _randomize_batch_norm(model):
    """Keras starts moving statistics at 0 and 1; random ones make inference batch norm a real test."""
    rng = np.random.RandomState(SEED)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            n = layer.moving_mean.shape[0]
            layer.moving_mean.assign((0.1 * rng.randn(n)).astype(np.float32))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, n).astype(np.float32))
            if layer.gamma is not None:
                layer.gamma.assign((1.0 + 0.1 * rng.randn(n)).astype(np.float32))
            if layer.beta is not None:
                layer.beta.assign((0.1 * rng.randn(n)).astype(np.float32))


def frozen_app(name):
    builder, shape, _, _, _ = APPS[name]
    keras.utils.set_random_seed(SEED)
    model = builder()
    _randomize_batch_norm(model)
    concrete = tf.function(lambda x: model(x, training=False)).get_concrete_function(
        tf.TensorSpec([None, *shape], tf.float32))
    return freeze(concrete), model.count_params()


def _fill(name):
    def fill(w):
        _, shape, byte_range, _, _ = APPS[name]
        frozen, parameters = frozen_app(name)
        gd = frozen.graph.as_graph_def()
        rng = np.random.RandomState(SEED + 1)
        x = (rng.uniform(0, 255, (BATCH, *shape)) if byte_range else rng.uniform(-1, 1, (BATCH, *shape)))
        x = x.astype(np.float32)
        output = frozen.outputs[0].name
        softmax = [n for n in gd.node if n.op == "Softmax"]
        fetches = [output]
        if softmax:
            source = softmax[-1].input[0]
            fetches.append(source if ":" in source else source + ":0")
        direct = frozen(tf.constant(x))[0].numpy()
        g = tf.Graph()
        with g.as_default():
            tf.import_graph_def(gd, name="")
        with session(g) as s:
            values = s.run(fetches, {frozen.inputs[0].name: x})
        np.testing.assert_allclose(values[0], direct, rtol=1e-4, atol=1e-6)
        if not all(np.isfinite(v).all() for v in values):
            raise AssertionError(name + " gives non-finite outputs")
        w.graph(gd, fetches)
        w.run({frozen.inputs[0].name.split(":")[0]: x}, dict(zip(fetches, values)))
        w.set("input", frozen.inputs[0].name).set("output", output)
        if len(fetches) > 1:
            w.set("logits", fetches[1])
        w.set("tolerance", {"rtol": 1e-4, "atol": 1e-5})
        w.set("keras", keras.__version__).set("parameters", int(parameters))
        w.note("weights random (keras.utils.set_random_seed(%d)), batch-norm moving statistics, gamma and beta "
               "random too; frozen with convert_variables_to_constants_v2 (lowered control flow); logits is the "
               "Softmax's input; deep float32 graphs: compare with rtol 1e-4" % SEED)
    return fill


for _name, (_, _, _, _big, _desc) in APPS.items():
    register(TOPIC, _name, ISSUE, _fill(_name), "Frozen Keras %s inference graph: %s; input x, output Identity"
             % (keras.__version__, _desc), big=_big)


def after_cases(mode, out, big):
    """Writes keras-apps/op-types.json and fails when a full-size model's op type is in no committed case."""
    per_model = {}
    for name in APPS:
        written = Path(big if APPS[name][3] and big else out) / TOPIC / name / "case.json"
        if written.exists():
            spec = json.loads(written.read_text())
            per_model[name] = spec["op_types"]
        else:
            per_model[name] = graphinfo.op_types(frozen_app(name)[0].graph.as_graph_def())
    union = sorted({t for n in FULL_SET for t in per_model[n]})
    committed = sorted({t for n in APPS if not APPS[n][3] for t in per_model[n]})
    missing = sorted(set(union) - set(committed))
    report = {"full_set": FULL_SET, "committed": [n for n in APPS if not APPS[n][3]],
              "big": [n for n in APPS if APPS[n][3]], "union_of_full_set": union,
              "missing_from_committed": missing,
              "models": {n: {"committed": not APPS[n][3], "op_types": per_model[n]} for n in APPS}}
    write_json(Path(out) / TOPIC / "op-types.json", report)
    print("keras-apps: %d op types over the full set; committed cases miss %s" % (len(union), missing or "none"))
    if missing:
        raise SystemExit("committed keras-apps cases do not cover " + ", ".join(missing))
