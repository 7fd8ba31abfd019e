"""ops topic, neural-network ops: depthwise and grouped convolution, space/batch/depth moves, fused batch
norm, LRN, activations. Each case is one small graph with TensorFlow's forward outputs and tf.gradients."""
import numpy as np
import tensorflow as tf
from tensorflow.core.framework import attr_value_pb2

from .registry import register
from .tfutil import graph_case, randn, session, v1

TOPIC = "ops"
ISSUE = "#16"
F64 = np.float64


def simple(name, description, build, inputs, grad_wrt=(), mode="tf2", notes=()):
    register(TOPIC, name, ISSUE, lambda w: graph_case(w, build, inputs, grad_wrt, notes=notes), description, mode)


def depthwise(strides, padding, dilations=(1, 1)):
    return lambda x, f: tf.raw_ops.DepthwiseConv2dNative(
        input=x, filter=f, strides=[1, strides, strides, 1], padding=padding, dilations=[1, *dilations, 1])


simple("depthwise_conv2d_same_s1", "DepthwiseConv2dNative, SAME, stride 1, multiplier 1, float64, with its "
       "BackpropInput/BackpropFilter gradients", depthwise(1, "SAME"),
       {"x": randn(1, [2, 6, 6, 3], F64), "f": randn(2, [3, 3, 3, 1], F64)}, ["x", "f"])
simple("depthwise_conv2d_same_s2_even", "DepthwiseConv2dNative, SAME, stride 2 on an even size (padding "
       "split unevenly: more at the end), float64, with gradients", depthwise(2, "SAME"),
       {"x": randn(3, [1, 6, 6, 2], F64), "f": randn(4, [3, 3, 2, 1], F64)}, ["x", "f"])
simple("depthwise_conv2d_valid_s2_mult2", "DepthwiseConv2dNative, VALID, stride 2, channel multiplier 2 "
       "(output channel c*2+m), float64, with gradients", depthwise(2, "VALID"),
       {"x": randn(5, [2, 7, 7, 2], F64), "f": randn(6, [3, 3, 2, 2], F64)}, ["x", "f"])
simple("depthwise_conv2d_rate2_space_to_batch", "tf.nn.depthwise_conv2d with dilations=2: TensorFlow's Python "
       "wraps the depthwise conv in SpaceToBatchND/BatchToSpaceND instead of setting the op's dilations; "
       "float64, with gradients",
       lambda x, f: tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME", dilations=[2, 2]),
       {"x": randn(9, [1, 8, 8, 2], F64), "f": randn(10, [3, 3, 2, 1], F64)}, ["x", "f"])
def fused_attrs(fused_ops, **extra):
    """The attributes of a grappler-fused float32 op with one argument (the bias), plus the op's own."""
    attrs = {
        "T": attr_value_pb2.AttrValue(type=tf.float32.as_datatype_enum),
        "num_args": attr_value_pb2.AttrValue(i=1),
        "fused_ops": attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(
            s=[o.encode() for o in fused_ops])),
    }
    attrs.update(extra)
    return attrs


def fused_depthwise_case(strides, padding, fused_ops, x, f, b):
    """TensorFlow's _FusedDepthwiseConv2dNative (what grappler's remapper makes of a depthwise convolution, its
    BiasAdd and activation), added to the graph by type since no Python wrapper exists. TensorFlow runs the op
    on the CPU only through oneDNN, whose kernels these files avoid, so the expected values are TensorFlow's for
    the same convolution, BiasAdd and activation run apart (the file holds the fused op alone). It has no
    gradient."""
    def write(w):
        g = tf.Graph()
        with g.as_default():
            xp = v1.placeholder(tf.float32, x.shape, name="x")
            fp = v1.placeholder(tf.float32, f.shape, name="f")
            bp = v1.placeholder(tf.float32, b.shape, name="b")
            attrs = fused_attrs(fused_ops, strides=attr_value_pb2.AttrValue(
                list=attr_value_pb2.AttrValue.ListValue(i=[1, strides, strides, 1])),
                padding=attr_value_pb2.AttrValue(s=padding.encode()))
            y = g.create_op("_FusedDepthwiseConv2dNative", [xp, fp, bp], [tf.float32], name="fused_depthwise",
                            attrs=attrs).outputs[0]
            case_nodes = {op.name for op in g.get_operations()}
            with tf.name_scope("oracle"):
                ref = tf.nn.bias_add(depthwise(strides, padding)(xp, fp), bp)
                if "Relu6" in fused_ops:
                    ref = tf.nn.relu6(ref)
                elif "Relu" in fused_ops:
                    ref = tf.nn.relu(ref)
            with session(g) as sess:
                yv = sess.run(ref, {xp: x, fp: f, bp: b})
            gd = g.as_graph_def()
        kept = [n for n in gd.node if n.name in case_nodes]
        del gd.node[:]
        gd.node.extend(kept)
        w.graph(gd, [y.name])
        w.run({"x": x, "f": f, "b": b}, {y.name: yv})
        w.note("values from TensorFlow's DepthwiseConv2dNative, BiasAdd and %s run apart: TensorFlow's CPU "
               "kernel of the fused op is oneDNN's" % ("+".join(fused_ops[1:]) or "no activation"))
    return write


register(TOPIC, "fused_depthwise_bias_relu6_same_s2", ISSUE, fused_depthwise_case(
    2, "SAME", ["BiasAdd", "Relu6"], randn(41, [2, 7, 7, 4], np.float32, scale=3.0),
    randn(42, [3, 3, 4, 1], np.float32), randn(43, [4], np.float32)),
    "_FusedDepthwiseConv2dNative with fused_ops [BiasAdd, Relu6], SAME, stride 2, multiplier 1, float32 (inputs "
    "scaled so that some outputs reach the cap)")
register(TOPIC, "fused_depthwise_bias_valid_mult2", ISSUE, fused_depthwise_case(
    1, "VALID", ["BiasAdd"], randn(44, [1, 6, 5, 3], np.float32), randn(45, [3, 3, 3, 2], np.float32),
    randn(46, [6], np.float32)),
    "_FusedDepthwiseConv2dNative with fused_ops [BiasAdd] alone, VALID, stride 1, channel multiplier 2, float32")
register(TOPIC, "fused_depthwise_bias_relu_same_s1", ISSUE, fused_depthwise_case(
    1, "SAME", ["BiasAdd", "Relu"], randn(47, [1, 5, 6, 8], np.float32), randn(48, [3, 3, 8, 1], np.float32),
    randn(49, [8], np.float32)),
    "_FusedDepthwiseConv2dNative with fused_ops [BiasAdd, Relu], SAME, stride 1, float32")


def fused_matmul_case(transpose_a, transpose_b, fused_ops, a, b, bias):
    """TensorFlow's _FusedMatMul (what grappler's remapper makes of a dense layer: MatMul, BiasAdd and an
    activation), added to the graph by type since no Python wrapper exists, and run by TensorFlow's own CPU
    kernel. It has no gradient."""
    def write(w):
        g = tf.Graph()
        with g.as_default():
            ap = v1.placeholder(tf.float32, a.shape, name="a")
            bp = v1.placeholder(tf.float32, b.shape, name="b")
            biasp = v1.placeholder(tf.float32, bias.shape, name="bias")
            attrs = fused_attrs(fused_ops, transpose_a=attr_value_pb2.AttrValue(b=transpose_a),
                                transpose_b=attr_value_pb2.AttrValue(b=transpose_b))
            y = g.create_op("_FusedMatMul", [ap, bp, biasp], [tf.float32], name="dense",
                            attrs=attrs).outputs[0]
            with session(g) as sess:
                yv = sess.run(y, {ap: a, bp: b, biasp: bias})
            gd = g.as_graph_def()
        w.graph(gd, [y.name])
        w.run({"a": a, "b": b, "bias": bias}, {y.name: yv})
    return write


register(TOPIC, "fused_matmul_bias_relu", ISSUE, fused_matmul_case(
    False, False, ["BiasAdd", "Relu"], randn(51, [6, 40], np.float32), randn(52, [40, 24], np.float32),
    randn(53, [24], np.float32)),
    "_FusedMatMul with fused_ops [BiasAdd, Relu], float32")
register(TOPIC, "fused_matmul_bias_relu6_transposed", ISSUE, fused_matmul_case(
    True, True, ["BiasAdd", "Relu6"], randn(54, [33, 5], np.float32, scale=3.0), randn(55, [20, 33], np.float32),
    randn(56, [20], np.float32, scale=3.0)),
    "_FusedMatMul with fused_ops [BiasAdd, Relu6], transpose_a and transpose_b, float32 (inputs scaled so that "
    "some outputs reach the cap)")
register(TOPIC, "fused_matmul_bias", ISSUE, fused_matmul_case(
    False, True, ["BiasAdd"], randn(57, [9, 17], np.float32), randn(58, [12, 17], np.float32),
    randn(59, [12], np.float32)),
    "_FusedMatMul with fused_ops [BiasAdd] alone, transpose_b, float32")


# What CPU plans run as one step (_MatMulSum, _MatMulReluGrad): TensorFlow's graphs of the ops those steps replace,
# with their forward results and gradients, for the fused plans to match. Shapes leave partial tiles at the edges.
simple("matmul_sum_both_axes", "Sum over both axes, keep_dims, of a MatMul with transpose_b (CPU plans run it as one _MatMulSum "
       "step), float32, with gradients",
       lambda a, b: tf.reduce_sum(tf.matmul(a, b, transpose_b=True), axis=[1, 0], keepdims=True),
       {"a": randn(60, [37, 45], np.float32), "b": randn(61, [29, 45], np.float32)}, ["a", "b"])
simple("dense_relu_backward", "A dense layer's ReLU read by a second product: its gradient takes MatMul, ReluGrad and "
       "BiasAddGrad (CPU plans run them as one _MatMulReluGrad step), float32",
       lambda x, w1, b1, w2: tf.matmul(tf.nn.relu(tf.nn.bias_add(tf.matmul(x, w1), b1)), w2),
       {"x": randn(62, [21, 13], np.float32), "w1": randn(63, [13, 70], np.float32),
        "b1": randn(64, [70], np.float32), "w2": randn(65, [70, 9], np.float32)}, ["x", "w1", "b1", "w2"])

simple("space_to_batch_nd", "SpaceToBatchND (block [2,2], paddings [[1,1],[0,1]]) and BatchToSpaceND (block "
       "[2,2], crops [[0,1],[1,0]]), float64, with gradients",
       lambda x, b: [tf.space_to_batch_nd(x, [2, 2], [[1, 1], [0, 1]]),
                     tf.compat.v1.batch_to_space_nd(b, [2, 2], [[0, 1], [1, 0]])],
       {"x": randn(11, [2, 4, 3, 2], F64), "b": randn(12, [8, 2, 3, 1], F64)}, ["x", "b"])
simple("atrous_conv2d", "tf.nn.atrous_conv2d rate 2, SAME: SpaceToBatchND + Conv2D + BatchToSpaceND (the v1 "
       "form of a dilated conv), float64, with gradients", lambda x, f: tf.nn.atrous_conv2d(x, f, 2, "SAME"),
       {"x": randn(13, [1, 9, 9, 2], F64), "f": randn(14, [3, 3, 2, 3], F64)}, ["x", "f"])
simple("space_to_depth", "SpaceToDepth and DepthToSpace, block size 2, NHWC, float64, with gradients",
       lambda x, d: [tf.nn.space_to_depth(x, 2), tf.nn.depth_to_space(d, 2)],
       {"x": randn(15, [2, 4, 6, 3], F64), "d": randn(16, [1, 2, 3, 8], F64)}, ["x", "d"])


def conv_case_with_oracle(w, x, f, dy, build, oracle, forward_from_tensorflow, check=None):
    """A convolution and its tf.gradients whose expected values TensorFlow's own kernels cannot all give:
    the missing ones come from `oracle`, an equivalent form TensorFlow runs. The file holds only the nodes
    built before the oracle. `check(xp, fp, dyp, y, gx, gf)` may build more nodes and returns a function of
    (session, feeds) that asserts something about TensorFlow's kernels."""
    g = tf.Graph()
    with g.as_default():
        xp = v1.placeholder(tf.float64, x.shape, name="x")
        fp = v1.placeholder(tf.float64, f.shape, name="f")
        dyp = v1.placeholder(tf.float64, dy.shape, name="dy_0")
        y = build(xp, fp)
        gx, gf = v1.gradients(y, [xp, fp], grad_ys=dyp)
        case_nodes = {op.name for op in g.get_operations()}
        with tf.name_scope("oracle"):
            y_ref = oracle(xp, fp)
            gx_ref, gf_ref = v1.gradients(y_ref, [xp, fp], grad_ys=dyp)
        verify = check(xp, fp, dyp, y, gx, gf) if check else None
        feeds = {xp: x, fp: f, dyp: dy}
        with session(g) as s:
            yv, gxv, gfv = s.run([y_ref, gx_ref, gf_ref], feeds)
            if forward_from_tensorflow:
                own = s.run(y, feeds)
                np.testing.assert_allclose(own, yv, rtol=1e-12, atol=1e-12)
                yv = own
            if verify:
                verify(s, feeds)
        gd = g.as_graph_def()
    kept = [n for n in gd.node if n.name in case_nodes]
    del gd.node[:]
    gd.node.extend(kept)
    fetches = {y.name: yv, gx.name: gxv, gf.name: gfv}
    w.graph(gd, list(fetches))
    w.run({"x": x, "f": f, "dy_0": dy}, fetches)
    w.set("gradients", {"x": gx.name, "f": gf.name}).set("upstream_gradients", {y.name: "dy_0"})


def _grouped_conv_case(w):
    """Grouped Conv2D: input depth 4, filter [3,3,2,6] (2 groups of 3 output channels), SAME stride 1.

    TensorFlow 2.21's CPU kernels refuse the gradients of grouped convolutions (Conv2DBackpropInput:
    "Gradients for grouped convolutions are not supported on CPU"; Conv2DBackpropFilter: "filter_size does
    not have enough elements"), so the gradient nodes are in the graph but their expected values come
    from the equivalent graph of one Conv2D per group (split input and filter, concat outputs).
    """
    def per_group(x, f):
        pairs = zip(tf.split(x, 2, axis=3), tf.split(f, 2, axis=3))
        return tf.concat([tf.nn.conv2d(a, b, 1, "SAME") for a, b in pairs], axis=3)
    conv_case_with_oracle(w, randn(17, [2, 5, 5, 4], F64), randn(18, [3, 3, 2, 6], F64),
                          randn(19, [2, 5, 5, 6], F64), lambda x, f: tf.nn.conv2d(x, f, 1, "SAME"), per_group,
                          forward_from_tensorflow=True)
    w.note("Conv2D's own kernel computes the forward output on the CPU; its gradient kernels refuse groups, "
           "so the gradient values were computed by TensorFlow on the per-group form of the same convolution")


register(TOPIC, "conv2d_grouped", ISSUE, _grouped_conv_case, _grouped_conv_case.__doc__.split("\n\n")[0])


def _dilated_depthwise_case(w):
    """DepthwiseConv2dNative with its own dilations attribute [1,2,2,1], SAME, multiplier 2, float64, with
    gradients (the backprop ops carry the dilations too).

    TensorFlow 2.21's CPU forward kernel refuses dilations ("Current kernel implementation does not support
    dilations"); its two backprop kernels accept the attribute but ignore it (they return the gradients of
    the undilated convolution, checked here). All expected values therefore come from the space-to-batch
    form of the same convolution (tf.nn.depthwise_conv2d with dilations=2) and its gradients.
    """
    def backprop_ignores_dilations(xp, fp, dyp, y, gx, gf):
        undilated = v1.gradients(depthwise(1, "SAME")(xp, fp), [xp, fp], grad_ys=dyp)

        def verify(s, feeds):
            own, plain = s.run([[gx, gf], undilated], feeds)
            if not all(np.array_equal(a, b) for a, b in zip(own, plain)):
                raise AssertionError("TensorFlow's depthwise backprop kernels now honour dilations: use them")
        return verify
    conv_case_with_oracle(w, randn(7, [1, 7, 7, 2], F64), randn(8, [3, 3, 2, 2], F64),
                          randn(101, [1, 7, 7, 4], F64), depthwise(1, "SAME", (2, 2)),
                          lambda x, f: tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME", dilations=[2, 2]),
                          forward_from_tensorflow=False, check=backprop_ignores_dilations)
    w.note("TensorFlow's CPU DepthwiseConv2dNative cannot run this graph's forward node (dilations) and its "
           "backprop kernels compute the undilated gradients; every expected value is from the equivalent "
           "SpaceToBatchND form")


register(TOPIC, "depthwise_conv2d_dilated", ISSUE, _dilated_depthwise_case,
         _dilated_depthwise_case.__doc__.split("\n\n")[0])


def _fused_bn(version, training):
    op = tf.raw_ops.FusedBatchNorm if version == 1 else tf.raw_ops.FusedBatchNormV2

    def build(x, scale, offset, mean, variance):
        m, v = (tf.constant([], tf.float32), tf.constant([], tf.float32)) if training else (mean, variance)
        out = op(x=x, scale=scale, offset=offset, mean=m, variance=v, epsilon=0.001, is_training=training)
        return [out[0], out[1], out[2]]
    return build


for _version in (1, 2):
    for _training in (True, False):
        _inputs = {"x": randn(20, [2, 3, 4, 3], np.float32), "scale": randn(21, [3], np.float32) + 1,
                   "offset": randn(22, [3], np.float32)}
        _wrt = ["x", "scale", "offset"]
        if _training:
            build = _fused_bn(_version, True)
            _build = (lambda b: lambda x, scale, offset: b(x, scale, offset, None, None))(build)
        else:
            _inputs["mean"] = randn(23, [3], np.float32, 0.1)
            _inputs["variance"] = np.random.RandomState(24).uniform(0.5, 1.5, 3).astype(np.float32)
            _build = _fused_bn(_version, False)
        simple("fused_batch_norm%s_%s" % ("" if _version == 1 else "_v2", "train" if _training else "infer"),
               "FusedBatchNorm%s (NHWC, epsilon 0.001, is_training=%s), float32 (the op's only type), outputs "
               "y, batch_mean, batch_variance (the reserve_space outputs are kernel-specific and not fetched), "
               "with its gradient op" % ("" if _version == 1 else "V2", _training),
               _build, _inputs, _wrt,
               notes=["batch_variance (output 2) is the unbiased variance (n/(n-1) times the one used to "
                      "normalize) in training mode"] if _training else [])

simple("lrn", "LRN (depth_radius 2, bias 1.0, alpha 0.1, beta 0.75) and its LRNGrad, float32 (the op's type)",
       lambda x: tf.nn.local_response_normalization(x, depth_radius=2, bias=1.0, alpha=0.1, beta=0.75),
       {"x": randn(25, [2, 3, 3, 6], np.float32)}, ["x"])

_act_input = np.array([-3.5, -2.0, -1.0, -0.5, -0.1, 0.1, 0.3, 0.9, 1.7, 3.2, 5.5, 6.5, 8.0, -7.0, 2.5, 0.05],
                      dtype=F64).reshape(4, 4)
for _name, _fn, _doc in [("selu", tf.nn.selu, "Selu and SeluGrad"), ("softsign", tf.nn.softsign, "Softsign and "
                         "SoftsignGrad"), ("erf", tf.math.erf, "Erf (gradient 2/sqrt(pi) exp(-x^2))"),
                         ("erfc", tf.math.erfc, "Erfc"), ("relu6", tf.nn.relu6, "Relu6 and Relu6Grad (inputs "
                         "avoid the kinks at 0 and 6)")]:
    simple(_name, _doc + ", float64, with gradient", (lambda fn: lambda x: fn(x))(_fn), {"x": _act_input}, ["x"])
