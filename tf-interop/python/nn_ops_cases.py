"""Writes the reference cases of the neural-network ops of issue #16 that generate.py's ops topic does not
cover (depthwise multipliers, EXPLICIT padding and 5x5 windows, separable and dilated convolutions, the 4-D
and 3-D space/batch moves, DepthToSpace, LRN's defaults, GELU, resizing of integer images and to 1x1,
resize_images of a 3-D image) with real TensorFlow, through generate.py's case writer, into
graph-ops/src/test/resources/tf-cases-2.21/ops/nn_<case>/, and rebuilds the index.

Run with the Python that has TensorFlow 2.21:  python tf-interop/python/nn_ops_cases.py
Each case is a TF1-style graph: placeholders for the inputs and for an upstream gradient dy of each float
output, the op(s), and tf.gradients of sum(y * dy) where TensorFlow has a gradient.
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf

tf1 = tf.compat.v1
tf1.disable_eager_execution()

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (the index writer)
from tfref.casefiles import CaseWriter  # noqa: E402

OUT = generate.DEFAULT_OUT


def rand(rng, shape, dtype, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape).astype(dtype)


class Case:
    """One graph: call feed() for the inputs, then output() for each fetched result."""

    def __init__(self, name, description, seed=1):
        self.name = name
        self.description = description
        self.graph = tf.Graph()
        self.rng = np.random.RandomState(seed)
        self.feeds = {}
        self.fetches = []
        self.gradients = {}
        self.upstream = {}
        self.notes = []
        self.xs = []
        self.ys = []
        self.dys = []

    def feed(self, name, value, differentiable=True):
        with self.graph.as_default():
            p = tf1.placeholder(tf.as_dtype(value.dtype), value.shape, name=name)
        self.feeds[p] = value
        if differentiable:
            self.xs.append(p)
        return p

    def output(self, y, differentiable=True):
        self.fetches.append(y)
        if differentiable and y.dtype.is_floating:
            self.ys.append(y)

    def add_gradients(self, xs=None):
        xs = self.xs if xs is None else xs
        with self.graph.as_default():
            for i, y in enumerate(self.ys):
                dy = tf1.placeholder(y.dtype, y.shape, name="dy_%d" % i)
                self.feeds[dy] = rand(self.rng, y.shape.as_list(), y.dtype.as_numpy_dtype)
                self.dys.append(dy)
                self.upstream[y.name] = dy.op.name
            grads = tf.gradients(self.ys, xs, grad_ys=self.dys)
        for x, gr in zip(xs, grads):
            if gr is not None:
                self.fetches.append(gr)
                self.gradients[x.op.name] = gr.name

    def write(self, override=None):
        gd = self.graph.as_graph_def()
        with tf1.Session(graph=self.graph) as s:
            values = s.run(self.fetches, {p: v for p, v in self.feeds.items()}) if override is None else override(s)
        w = CaseWriter(OUT, "ops", self.name, "#16", self.description)
        w.graph(gd, [t.name for t in self.fetches])
        w.run({p.op.name: v for p, v in self.feeds.items()}, {t.name: v for t, v in zip(self.fetches, values)})
        w.set("gradients", self.gradients).set("upstream_gradients", self.upstream)
        for n in self.notes:
            w.note(n)
        w.finish()


def depthwise(name, desc, xs, fs, strides, padding, dtype, rate=None, explicit=None):
    c = Case("nn_depthwise_" + name, desc)
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, xs, dtype))
        f = c.feed("f", rand(c.rng, fs, dtype))
        if explicit is not None:
            y = tf.raw_ops.DepthwiseConv2dNative(input=x, filter=f, strides=strides, padding="EXPLICIT",
                                                 explicit_paddings=explicit)
        else:
            y = tf1.nn.depthwise_conv2d(x, f, strides, padding, rate=rate)
        c.output(y)
        c.add_gradients()
    c.write()


def unary(name, desc, fn, dtype, lo=-2.0, hi=2.0, shape=(3, 7), grads=True):
    c = Case("nn_" + name, desc)
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, shape, dtype, lo, hi))
        c.output(fn(x))
        if grads:
            c.add_gradients()
    c.write()


def main():
    # ---- depthwise convolution ----
    depthwise("same_s2_f32", "DepthwiseConv2dNative SAME stride 2 on an even size (MobileNet's downsampling), "
              "multiplier 2, float32, with gradients", [1, 6, 6, 5], [3, 3, 5, 2], [1, 2, 2, 1], "SAME", np.float32)
    depthwise("k5_s1_f32", "DepthwiseConv2dNative 5x5 SAME stride 1 (EfficientNet's kernels), float32, with gradients",
              [1, 7, 6, 4], [5, 5, 4, 1], [1, 1, 1, 1], "SAME", np.float32)
    depthwise("explicit", "DepthwiseConv2dNative with EXPLICIT padding (1,2) x (0,1), stride 2, float64, "
              "with gradients", [1, 6, 7, 2], [3, 2, 2, 2], [1, 2, 2, 1], None, np.float64,
              explicit=[0, 0, 1, 2, 0, 1, 0, 0])

    c = Case("nn_separable_conv2d", "tf.nn.separable_conv2d SAME stride 1, multiplier 2, pointwise to 5, float64, "
             "with gradients")
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, [1, 5, 5, 3], np.float64))
        dw = c.feed("dw", rand(c.rng, [3, 3, 3, 2], np.float64))
        pw = c.feed("pw", rand(c.rng, [1, 1, 6, 5], np.float64))
        c.output(tf1.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "SAME"))
        c.add_gradients()
    c.write()

    # ---- grouped Conv2D: TensorFlow's CPU kernels run the forward op but not its gradients, so the gradient
    # values come from the same convolution written per group (split, Conv2D, concat) in a second graph. ----
    c = Case("nn_conv2d_grouped", "", seed=3)
    c.description = ("Grouped Conv2D: input depth 6, filter [3,3,2,6] (3 groups of 2 input and 2 output channels), "
                     "SAME stride 1, float64; TensorFlow's own gradient graph (Conv2DBackpropInput/Filter on the "
                     "grouped shapes)")
    xv = rand(c.rng, [1, 4, 5, 6], np.float64)
    fv = rand(c.rng, [3, 3, 2, 6], np.float64)
    with c.graph.as_default():
        x = c.feed("x", xv)
        f = c.feed("f", fv)
        c.output(tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME"))
        c.add_gradients()
    dyv = c.feeds[c.dys[0]]

    def per_group(_):
        g2 = tf.Graph()
        with g2.as_default():
            x2 = tf.constant(xv)
            f2 = tf.constant(fv)
            ys = [tf.nn.conv2d(a, b, [1, 1, 1, 1], "SAME")
                  for a, b in zip(tf.split(x2, 3, axis=3), tf.split(f2, 3, axis=3))]
            y2 = tf.concat(ys, axis=3)
            gx, gf = tf.gradients(y2, [x2, f2], grad_ys=tf.constant(dyv))
            with tf1.Session(graph=g2) as s2:
                return s2.run([y2, gx, gf])
    c.notes.append("expected gradients computed from the per-group form; TensorFlow's CPU kernels refuse "
                   "grouped Conv2DBackpropInput/Filter")
    c.write(override=per_group)

    # ---- dilated convolution in TensorFlow 1.x's form ----
    c = Case("nn_atrous_conv2d_valid", "tf.nn.atrous_conv2d rate 3 VALID (SpaceToBatchND + Conv2D + "
             "BatchToSpaceND with crops), float64, with gradients")
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, [1, 10, 9, 2], np.float64))
        f = c.feed("f", rand(c.rng, [3, 2, 2, 3], np.float64))
        c.output(tf1.nn.atrous_conv2d(x, f, 3, "VALID"))
        c.add_gradients()
    c.write()
    c = Case("nn_convolution_dilated", "tf.compat.v1.nn.convolution dilation_rate [2, 3] SAME, float64, with "
             "gradients")
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, [1, 7, 8, 2], np.float64))
        f = c.feed("f", rand(c.rng, [3, 3, 2, 2], np.float64))
        c.output(tf1.nn.convolution(x, f, "SAME", dilation_rate=[2, 3]))
        c.add_gradients()
    c.write()

    # ---- space, batch, depth ----
    c = Case("nn_space_to_batch_nd_2x3", "SpaceToBatchND block [2, 3] paddings [[1, 0], [2, 1]] on [2, 5, 3, 2] and "
             "BatchToSpaceND back with crops, float64, with gradients; int32 forward too")
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, [2, 5, 3, 2], np.float64))
        s2b = tf.space_to_batch_nd(x, [2, 3], [[1, 0], [2, 1]])
        c.output(s2b)
        c.output(tf.compat.v1.batch_to_space_nd(s2b * 2.0, [2, 3], [[1, 0], [2, 1]]))
        xi = c.feed("xi", c.rng.randint(-50, 50, size=[1, 4, 4, 1]).astype(np.int32), differentiable=False)
        c.output(tf.space_to_batch_nd(xi, [2, 2], [[0, 0], [0, 0]]), differentiable=False)
        c.add_gradients([x])
    c.write()
    c = Case("nn_batch_to_space_nd_3d", "BatchToSpaceND with one block dimension on a 3-D input [6, 2, 3] "
             "(block [3], crops [[1, 2]]), float64, with gradients")
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, [6, 2, 3], np.float64))
        c.output(tf.compat.v1.batch_to_space_nd(x, [3], [[1, 2]]))
        c.add_gradients()
    c.write()
    c = Case("nn_space_to_batch_4d", "The 4-D ops SpaceToBatch/BatchToSpace (block_size 2 as an attribute), "
             "float64, with gradients")
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, [1, 4, 6, 2], np.float64))
        y = tf.raw_ops.SpaceToBatch(input=x, paddings=[[0, 2], [1, 1]], block_size=2)
        c.output(y)
        c.output(tf.raw_ops.BatchToSpace(input=y * 3.0, crops=[[0, 2], [1, 1]], block_size=2))
        c.add_gradients()
    c.write()
    c = Case("nn_depth_to_space", "SpaceToDepth and DepthToSpace block 2 (NHWC), float64, with gradients; "
             "uint8 forward too")
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, [2, 4, 6, 3], np.float64))
        c.output(tf.nn.space_to_depth(x, 2))
        z = c.feed("z", rand(c.rng, [1, 2, 3, 12], np.float64))
        c.output(tf.nn.depth_to_space(z, 2))
        u = c.feed("u", c.rng.randint(0, 255, size=[1, 4, 4, 2]).astype(np.uint8), differentiable=False)
        c.output(tf.nn.space_to_depth(u, 2), differentiable=False)
        c.add_gradients()
    c.write()

    # ---- LRN ----
    c = Case("nn_lrn_defaults", "LRN with the defaults (radius 5, bias 1, alpha 1, beta 0.5) on 13 channels, "
             "float32, with LRNGrad")
    with c.graph.as_default():
        x2 = c.feed("x2", rand(c.rng, [1, 2, 2, 13], np.float32))
        c.output(tf.nn.local_response_normalization(x2))
        c.add_gradients()
    c.write()

    # ---- activations and erf ----
    unary("erf_erfc_f32", "Erf and Erfc, float32", lambda x: tf.math.erf(x) + tf.math.erfc(x * 0.5), np.float32,
          -3, 3, (4, 9))
    unary("gelu_exact", "tf.nn.gelu exact (Erf), float32, with gradients", lambda x: tf.nn.gelu(x, False),
          np.float32, -3, 3)
    unary("gelu_tanh", "tf.nn.gelu approximate (Tanh, Pow), float32, with gradients",
          lambda x: tf.nn.gelu(x, True), np.float32, -3, 3)

    # ---- resizing ----
    for method in ("bilinear", "nearest"):
        for mode, ac, hp in (("plain", False, False), ("align_corners", True, False), ("half_pixel", False, True)):
            c = Case("nn_resize_%s_%s" % (method, mode),
                     "Resize%s align_corners=%s half_pixel_centers=%s: 5x7 up to 8x11, down to 3x4 and to 1x1, "
                     "float32, "
                     "with gradients%s" % ("Bilinear" if method == "bilinear" else "NearestNeighbor", ac, hp,
                                           "; int32 and uint8 forward too" if method == "nearest" else
                                           "; int32 and float64 images (float32 results) too"))
            fn = (tf1.image.resize_bilinear if method == "bilinear" else tf1.image.resize_nearest_neighbor)
            with c.graph.as_default():
                x = c.feed("x", rand(c.rng, [1, 5, 7, 2], np.float32))
                c.output(fn(x, [8, 11], align_corners=ac, half_pixel_centers=hp))
                c.output(fn(x, [3, 4], align_corners=ac, half_pixel_centers=hp))
                c.output(fn(x, [1, 1], align_corners=ac, half_pixel_centers=hp))
                xi = c.feed("xi", c.rng.randint(-100, 100, size=[1, 3, 4, 2]).astype(np.int32), differentiable=False)
                c.output(fn(xi, [7, 5], align_corners=ac, half_pixel_centers=hp), differentiable=False)
                if method == "nearest":
                    xu = c.feed("xu", c.rng.randint(0, 255, size=[1, 4, 3, 1]).astype(np.uint8), differentiable=False)
                    c.output(fn(xu, [9, 2], align_corners=ac, half_pixel_centers=hp), differentiable=False)
                else:
                    xd = c.feed("xd", rand(c.rng, [1, 4, 3, 2], np.float64))
                    c.output(fn(xd, [6, 5], align_corners=ac, half_pixel_centers=hp))
                c.add_gradients()
            c.write()
    c = Case("nn_image_resize_v1", "tf.compat.v1.image.resize_images of a 3-D image (ExpandDims, Squeeze), "
             "bilinear and nearest, float32")
    with c.graph.as_default():
        x = c.feed("x", rand(c.rng, [5, 6, 2], np.float32))
        c.output(tf1.image.resize_images(x, [7, 4]), differentiable=False)
        c.output(tf1.image.resize_images(x, [3, 9], method=tf1.image.ResizeMethod.NEAREST_NEIGHBOR,
                                         align_corners=True), differentiable=False)
    c.write()


if __name__ == "__main__":
    main()
    count, total = generate.write_index(OUT)
    print("%d cases, %.2f MB under %s" % (count, total / 1e6, OUT.name))
