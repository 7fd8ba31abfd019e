"""control-flow-v2 topic: TensorList ops one by one, and control flow v2 (While/If over a function library)
with tf.gradients through it, as TensorFlow 2.21 writes them in graph mode. Written into the sibling folder
tf-cases-2.21-v2 (the main case folder is near its size cap)."""
import numpy as np
import tensorflow as tf

from .registry import case
from .tfutil import concrete_case, graph_case, randn

TOPIC = "control-flow-v2"
ISSUE = "#14"


@case(TOPIC, ISSUE)
def tensor_list_ops(w):
    """TensorList ops outside a loop, float64: FromTensor, Stack, GetItem, SetItem, PushBack, PopBack, Length,
    ElementShape, Gather, ScatterV2, ScatterIntoExistingList, Split, ConcatV2, Resize, Reserve and
    EmptyTensorList, and tf.gradients of every floating output with respect to x, a and b (TensorFlow's own
    list gradient graph)."""
    def build(x, a, b):
        raw = tf.raw_ops
        f64 = tf.float64
        shape = tf.constant([2], tf.int32)
        lst = raw.TensorListFromTensor(tensor=x, element_shape=shape)
        stacked = raw.TensorListStack(input_handle=lst, element_shape=shape, element_dtype=f64, num_elements=4)
        item = raw.TensorListGetItem(input_handle=lst, index=2, element_shape=shape, element_dtype=f64)
        changed = raw.TensorListSetItem(input_handle=lst, index=1, item=a * b)
        changed_stack = raw.TensorListStack(input_handle=changed, element_shape=shape, element_dtype=f64)
        pushed = raw.TensorListPushBack(input_handle=changed, tensor=tf.sin(a))
        popped_list, popped = raw.TensorListPopBack(input_handle=pushed, element_shape=shape, element_dtype=f64)
        popped_again = raw.TensorListPopBack(input_handle=popped_list, element_shape=shape, element_dtype=f64)[1]
        length = raw.TensorListLength(input_handle=pushed)
        eshape = raw.TensorListElementShape(input_handle=pushed, shape_type=tf.int32)
        gathered = raw.TensorListGather(input_handle=pushed, indices=[4, 0, 1], element_shape=shape,
                                        element_dtype=f64)
        scattered = raw.TensorListScatterV2(tensor=tf.stack([a, b, a + b]), indices=[3, 0, 1], element_shape=shape,
                                            num_elements=-1)
        scattered_stack = raw.TensorListStack(
            input_handle=raw.TensorListSetItem(input_handle=scattered, index=2, item=b), element_shape=shape,
            element_dtype=f64)
        into = raw.TensorListScatterIntoExistingList(input_handle=lst, tensor=tf.stack([b * 3.0, a]), indices=[2, 0])
        into_stack = raw.TensorListStack(input_handle=into, element_shape=shape, element_dtype=f64)
        split = raw.TensorListSplit(tensor=tf.reshape(x, [8]), element_shape=tf.constant([-1], tf.int32),
                                    lengths=tf.constant([3, 1, 4], tf.int64))
        split_item = raw.TensorListGetItem(input_handle=split, index=2, element_shape=tf.constant([-1], tf.int32),
                                           element_dtype=f64)
        concat = raw.TensorListConcatV2(input_handle=raw.TensorListSetItem(input_handle=split, index=1, item=a[:1] * 2.0),
                                        element_shape=tf.constant([-1], tf.int32),
                                        leading_dims=tf.zeros([0], tf.int64), element_dtype=f64)[0]
        resized = raw.TensorListResize(input_handle=lst, size=6)
        resized_stack = raw.TensorListStack(input_handle=resized, element_shape=shape, element_dtype=f64)
        reserved = raw.TensorListReserve(element_shape=shape, num_elements=3, element_dtype=f64)
        reserved_stack = raw.TensorListStack(input_handle=raw.TensorListSetItem(input_handle=reserved, index=1,
                                                                                item=b),
                                             element_shape=shape, element_dtype=f64)
        empty = raw.EmptyTensorList(element_shape=shape, max_num_elements=5, element_dtype=f64)
        grown = raw.TensorListPushBack(input_handle=raw.TensorListPushBack(input_handle=empty, tensor=a),
                                       tensor=b * 2.0)
        grown_stack = raw.TensorListStack(input_handle=grown, element_shape=shape, element_dtype=f64)
        names = ["stacked", "item", "changed_stack", "popped", "popped_again", "length", "eshape", "gathered",
                 "scattered_stack", "into_stack", "split_item", "concat", "resized_stack", "reserved_stack",
                 "grown_stack"]
        values = [stacked, item, changed_stack, popped, popped_again, length, eshape, gathered, scattered_stack,
                  into_stack, split_item, concat, resized_stack, reserved_stack, grown_stack]
        return [tf.identity(v, name=n) for n, v in zip(names, values)]
    graph_case(w, build, {"x": randn(1, [4, 2], np.float64), "a": randn(2, [2], np.float64),
                          "b": randn(3, [2], np.float64)}, grad_wrt=("x", "a", "b"))


@case(TOPIC, ISSUE)
def while_v2_tensor_array_gradient(w):
    """Control flow v2 tf.while_loop (a While op over cond/body functions) writing a TensorArray (a TensorList
    in v2) row by row: h <- tanh(h * a + x[t]), out[t] = h, for t < rows(x); and tf.gradients of the stacked
    rows and the last h with respect to x, a and h0 (TensorFlow's v2 While gradient: a second While popping
    the forward values from TensorList accumulators), float64."""
    def build(x, a, h0):
        n = tf.shape(x)[0]
        ta = tf.TensorArray(tf.float64, size=n, element_shape=[3])
        xs = tf.TensorArray(tf.float64, size=n, element_shape=[3]).unstack(x)

        def body(t, h, out):
            h = tf.tanh(h * a + xs.read(t))
            return t + 1, h, out.write(t, h)
        _, h, out = tf.while_loop(lambda t, h, out: t < n, body, [tf.constant(0), h0, ta], name="rnn")
        return tf.identity(out.stack(), name="rows"), tf.identity(h, name="last")
    graph_case(w, build, {"x": randn(4, [5, 3], np.float64), "a": randn(5, [3], np.float64),
                          "h0": randn(6, [3], np.float64)}, grad_wrt=("x", "a", "h0"))


@case(TOPIC, ISSUE)
def cond_v2_gradient(w):
    """Control flow v2 tf.cond (an If op over two branch functions) on a fed bool, and tf.gradients through
    it (TensorFlow's v2 If gradient: a second If over gradient branches, the forward branches rewritten to
    output their intermediates), float64. p is fed true."""
    def build(p, x, y):
        c = tf.cond(p, lambda: tf.sin(x) * y, lambda: x * x - y)
        return tf.identity(c, name="c")
    graph_case(w, build, {"p": np.array(True), "x": randn(7, [4], np.float64), "y": randn(8, [4], np.float64)},
               grad_wrt=("x", "y"))


@case(TOPIC, ISSUE)
def cond_v2_gradient_false(w):
    """As cond_v2_gradient with p fed false: the other branch's gradient."""
    def build(p, x, y):
        c = tf.cond(p, lambda: tf.sin(x) * y, lambda: x * x - y)
        return tf.identity(c, name="c")
    graph_case(w, build, {"p": np.array(False), "x": randn(7, [4], np.float64), "y": randn(8, [4], np.float64)},
               grad_wrt=("x", "y"))


@case(TOPIC, ISSUE, mode="tf1")
def cond_in_while_gradient_v1(w):
    """Control flow v1: a tf.cond inside a tf.while_loop body, y <- tanh(y * a) if i < 2 else y * y + x, four
    iterations, x of unknown length (PlaceholderWithDefault [None] over the fed [3]); tf.gradients with respect to x and a, float64. The backward
    loop pops the branch values only in the iterations that took the branch."""
    def build(x, a):
        x = tf.compat.v1.placeholder_with_default(x, [None], name="x_any")  # the loop sees an unknown length
        _, y = tf.while_loop(lambda i, y: i < 4,
                             lambda i, y: (i + 1, tf.cond(i < 2, lambda: tf.tanh(y * a), lambda: y * y + x)),
                             [tf.constant(0), x], name="loop")
        return tf.identity(y, name="y")
    graph_case(w, build, {"x": randn(9, [3], np.float64), "a": randn(10, [3], np.float64)}, grad_wrt=("x", "a"))


@case(TOPIC, ISSUE)
def call_and_if_forward(w):
    """A tf.function (float64) calling an inner tf.function (PartitionedCall) and holding a tf.cond on a fed bool
    (StatelessIf over two branch functions): z = inner(x, y) + cond(p, sin(x) * y, x * x - y), inner(x, y) =
    tanh(x * y) + x. Forward only (the graph of get_concrete_function, not frozen); runs with p true and p false.
    Gradients built on it are checked against finite differences."""
    @tf.function
    def inner(x, y):
        return tf.tanh(x * y) + x

    @tf.function
    def model(x, y, p):
        c = tf.cond(p, lambda: tf.sin(x) * y, lambda: x * x - y)
        return inner(x, y) + c
    concrete = model.get_concrete_function(tf.TensorSpec([3], tf.float64, name="x"),
                                           tf.TensorSpec([3], tf.float64, name="y"),
                                           tf.TensorSpec([], tf.bool, name="p"))
    x = randn(11, [3], np.float64)
    y = randn(12, [3], np.float64)
    concrete_case(w, concrete, [{"x": x, "y": y, "p": np.array(v)} for v in (True, False)])


@case(TOPIC, ISSUE)
def while_v2_forward(w):
    """A tf.function (float64) with a control flow v2 tf.while_loop (a StatelessWhile over cond/body functions):
    y <- sin(y) * a + x while i < n, n fed (0 and 3 iterations), with a tf.cond in the body on i (StatelessIf).
    Forward only (the graph of get_concrete_function, not frozen); gradients built on it are checked against
    finite differences."""
    @tf.function
    def model(x, a, n):
        def body(i, y):
            y = tf.cond(i < 1, lambda: tf.sin(y) * a + x, lambda: tf.tanh(y * x) + a)
            return i + 1, y
        _, y = tf.while_loop(lambda i, y: i < n, body, [tf.constant(0), x])
        return y * 2.0
    concrete = model.get_concrete_function(tf.TensorSpec([3], tf.float64, name="x"),
                                           tf.TensorSpec([3], tf.float64, name="a"),
                                           tf.TensorSpec([], tf.int32, name="n"))
    x = randn(13, [3], np.float64)
    a = randn(14, [3], np.float64)
    concrete_case(w, concrete, [{"x": x, "a": a, "n": np.array(k, np.int32)} for k in (0, 3)])


@case(TOPIC, ISSUE)
def switch_case_forward(w):
    """A tf.function (float64) with tf.switch_case on a fed int32 index over three branches (a Case op; its
    index out of range runs the last branch): sin(x) * y, x * x - y, tanh(x + y). Forward only; runs with index
    0, 1, 2 and 7. Gradients built on it are checked against finite differences."""
    @tf.function
    def model(x, y, k):
        return tf.switch_case(k, [lambda: tf.sin(x) * y, lambda: x * x - y, lambda: tf.tanh(x + y)])
    concrete = model.get_concrete_function(tf.TensorSpec([3], tf.float64, name="x"),
                                           tf.TensorSpec([3], tf.float64, name="y"),
                                           tf.TensorSpec([], tf.int32, name="k"))
    x = randn(15, [3], np.float64)
    y = randn(16, [3], np.float64)
    concrete_case(w, concrete, [{"x": x, "y": y, "k": np.array(k, np.int32)} for k in (0, 1, 2, 7)])
