"""ops topic, array and math ops: gather/scatter, segments, padding, reordering, set ops, scans, einsum,
top-k, resizing, clipping, broadcasting, counting. One small graph per op with forward outputs and, for
differentiable ops, tf.gradients (float64 where TensorFlow's kernels take it)."""
import numpy as np
import tensorflow as tf

from .ops_nn import F64, ISSUE, TOPIC, simple
from .registry import register
from .tfutil import randn, run_steps, session

I32 = np.int32
I64 = np.int64

simple("shape_n", "ShapeN over three inputs of different ranks, out_type int32 and int64",
       lambda a, b, c: tf.shape_n([a, b, c]) + tf.shape_n([a, c], out_type=tf.int64),
       {"a": randn(1, [2, 3], F64), "b": randn(2, [4], F64), "c": randn(3, [1, 2, 5], F64)})
simple("gather_nd", "GatherNd: full-index and slice-index forms, an index repeated (its gradient adds up), "
       "float64, with gradient",
       lambda params: [tf.gather_nd(params, [[0, 1], [2, 3], [0, 1]]), tf.gather_nd(params, [[2], [0], [2]])],
       {"params": randn(4, [3, 4, 2], F64)}, ["params"])
simple("scatter_nd", "ScatterNd into shape [5,3] with a repeated index (updates add up), float64, with gradient",
       lambda updates: tf.scatter_nd([[1], [3], [1], [0]], updates, [5, 3]),
       {"updates": randn(5, [4, 3], F64)}, ["updates"])
simple("tensor_scatter_update", "TensorScatterUpdate (element indices), float64, with gradients for the tensor "
       "(zero where overwritten) and the updates",
       lambda tensor, updates: tf.tensor_scatter_nd_update(tensor, [[0, 1], [2, 0], [1, 2]], updates),
       {"tensor": randn(6, [3, 3], F64), "updates": randn(7, [3], F64)}, ["tensor", "updates"])
simple("tensor_scatter_add", "TensorScatterAdd (row indices, one repeated), float64, with gradients",
       lambda tensor, updates: tf.tensor_scatter_nd_add(tensor, [[2], [0], [2]], updates),
       {"tensor": randn(8, [4, 2], F64), "updates": randn(9, [3, 2], F64)}, ["tensor", "updates"])

_seg_data = randn(10, [6, 2], F64)
_seg_ids = np.array([2, 0, 2, -1, 0, 2], dtype=I32)
for _op, _fn in [("sum", tf.math.unsorted_segment_sum), ("max", tf.math.unsorted_segment_max),
                 ("min", tf.math.unsorted_segment_min)]:
    simple("unsorted_segment_" + _op, "UnsortedSegment%s with 4 segments, segment 1 and 3 empty (max/min give "
           "the dtype's lowest/highest value there), a negative id (its row is dropped), float64, with gradient"
           % _op.capitalize(),
           (lambda fn: lambda data, ids: fn(data, ids, 4))(_fn), {"data": _seg_data, "ids": _seg_ids}, ["data"])
simple("segment_sum", "SegmentSum with sorted ids [0,0,1,3,3] (segment 2 empty gives 0), float64, with gradient",
       lambda data, ids: tf.math.segment_sum(data, ids),
       {"data": randn(11, [5, 3], F64), "ids": np.array([0, 0, 1, 3, 3], dtype=I32)}, ["data"])
for _mode in ("REFLECT", "SYMMETRIC"):
    simple("mirror_pad_" + _mode.lower(), "MirrorPad %s on a [3,4] input, paddings %s (REFLECT allows at most "
           "size-1, SYMMETRIC at most size), float64, with its MirrorPadGrad gradient"
           % (_mode, "[[1,2],[2,3]]" if _mode == "REFLECT" else "[[1,3],[2,4]]"),
           (lambda m: lambda x: tf.pad(x, [[1, 2], [2, 3]] if m == "REFLECT" else [[1, 3], [2, 4]], mode=m))(_mode),
           {"x": randn(12, [3, 4], F64)}, ["x"])
simple("reverse_v2", "ReverseV2 over axes [0,2] and over axis -1, float64, with gradient",
       lambda x: [tf.reverse(x, [0, 2]), tf.reverse(x, [-1])], {"x": randn(13, [2, 3, 4], F64)}, ["x"])
simple("roll", "Roll with shifts [1,-2] on axes [0,1], a shift larger than the axis, and a repeated axis "
       "(shifts add), float64, with gradient",
       lambda x: [tf.roll(x, [1, -2], [0, 1]), tf.roll(x, 7, 1), tf.roll(x, [1, 1], [1, 1])],
       {"x": randn(14, [3, 5], F64)}, ["x"])
simple("unique_v2", "UniqueV2 on a 1-D int32 vector (axis [0]), on rows (axis [0]) and columns (axis [1]) of a "
       "2-D float32 input; outputs in order of first appearance",
       lambda v, m: list(tf.raw_ops.UniqueV2(x=v, axis=[0])) + list(tf.raw_ops.UniqueV2(x=m, axis=[0]))
       + list(tf.raw_ops.UniqueV2(x=m, axis=[1], out_idx=tf.int64)),
       {"v": np.array([4, 1, 4, 2, 1, 7, 2, 4], dtype=I32),
        "m": np.array([[1, 2, 1, 2], [3, 4, 3, 4], [1, 2, 1, 2]], dtype=np.float32)})
simple("list_diff", "ListDiff (tf.compat.v1.setdiff1d): values of x not in y, in x's order, with their indices; "
       "int32 and int64 index outputs",
       lambda x, y: list(tf.compat.v1.setdiff1d(x, y)) + list(tf.compat.v1.setdiff1d(x, y, index_dtype=tf.int64)),
       {"x": np.array([5, 1, 9, 3, 5, 7, 1], dtype=I32), "y": np.array([1, 7, 8], dtype=I32)})
for _op, _fn in [("cumsum", tf.math.cumsum), ("cumprod", tf.math.cumprod)]:
    simple(_op, "%s along axis 1 with every (exclusive, reverse) combination and along axis 0, float64, with "
           "gradients" % _op.capitalize(),
           (lambda fn: lambda x: [fn(x, 1), fn(x, 1, exclusive=True), fn(x, 1, reverse=True),
                                  fn(x, 1, exclusive=True, reverse=True), fn(x, 0)])(_fn),
           {"x": randn(15, [3, 4], F64) + (1.5 if _op == "cumprod" else 0)}, ["x"])

for _i, (_eq, _shapes) in enumerate([("ij,jk->ik", [[2, 3], [3, 4]]), ("bij,bjk->bik", [[2, 2, 3], [2, 3, 2]]),
                                     ("bhqd,bhkd->bhqk", [[1, 2, 3, 4], [1, 2, 5, 4]]), ("ij->ji", [[2, 3]]),
                                     ("ij->j", [[3, 4]]), ("i,j->ij", [[3], [2]]), ("bij,jk->bik", [[2, 3, 4], [4, 2]]),
                                     ("ii->i", [[3, 3]])]):
    _names = ["a", "b"][:len(_shapes)]
    _ins = {n: randn(20 + _i * 2 + k, s, F64) for k, (n, s) in enumerate(zip(_names, _shapes))}
    simple("einsum_" + _eq.replace(",", "_").replace("->", "_to_"), "Einsum '%s', float64, with gradients" % _eq,
           (lambda eq: lambda **kw: tf.einsum(eq, *[kw[n] for n in sorted(kw)]))(_eq), _ins, _names)

simple("top_k_v2", "TopKV2 with k=2 (sorted) on rows without ties, float64, with gradient (scatters into the "
       "chosen positions); and on int32 rows with ties (the lower index comes first)",
       lambda x, t: list(tf.math.top_k(x, 2)) + list(tf.math.top_k(t, 3)),
       {"x": randn(40, [3, 5], F64), "t": np.array([[3, 1, 3, 2, 3], [0, 5, 5, 1, 0]], dtype=I32)}, ["x"])
simple("in_top_k_v2", "InTopKV2 (tf.math.in_top_k) with k 1 and 2, a tie at the k-th place (counts as in), "
       "float32 predictions",
       lambda predictions, targets, k: [tf.math.in_top_k(targets, predictions, 2),
                                         tf.math.in_top_k(targets, predictions, k)],
       {"predictions": np.array([[0.1, 0.8, 0.1, 0.0], [0.3, 0.3, 0.2, 0.2], [0.5, 0.1, 0.2, 0.2],
                                 [0.0, 0.1, 0.6, 0.3]], dtype=np.float32),
        "targets": np.array([1, 1, 3, 0], dtype=I32), "k": np.array(1, dtype=I32)})

for _ac, _hp in [(False, False), (True, False), (False, True)]:
    _tag = "%s%s" % ("align_corners" if _ac else "", "half_pixel" if _hp else "")
    _tag = _tag or "plain"
    for _op, _fn in [("bilinear", tf.compat.v1.image.resize_bilinear),
                     ("nearest", tf.compat.v1.image.resize_nearest_neighbor)]:
        simple("resize_%s_%s" % (_op, _tag),
               "Resize%s with align_corners=%s, half_pixel_centers=%s, up to [7,9] and down to [3,2]; float64 "
               "input, with gradient%s" % ("Bilinear" if _op == "bilinear" else "NearestNeighbor", _ac, _hp,
                                           " (ResizeBilinear always outputs float32)" if _op == "bilinear" else ""),
               (lambda fn, ac, hp: lambda x: [fn(x, [7, 9], align_corners=ac, half_pixel_centers=hp),
                                              fn(x, [3, 2], align_corners=ac, half_pixel_centers=hp)])(_fn, _ac, _hp),
               {"x": randn(41, [2, 4, 5, 2], F64)}, ["x"])

simple("clip_by_value", "ClipByValue (the op, not tf.clip_by_value's Minimum/Maximum) with scalar bounds and "
       "with element-wise bounds, float64, with gradient (values off the bounds)",
       lambda x, lo, hi: [tf.raw_ops.ClipByValue(t=x, clip_value_min=tf.constant(-0.5, tf.float64),
                                                  clip_value_max=tf.constant(0.7, tf.float64)),
                          tf.raw_ops.ClipByValue(t=x, clip_value_min=lo, clip_value_max=hi)],
       {"x": randn(42, [3, 4], F64), "lo": randn(43, [3, 4], F64) - 0.5, "hi": randn(44, [3, 4], F64) ** 2 + 0.2},
       ["x", "lo", "hi"])
simple("broadcast_to", "BroadcastTo from [3,1] to [2,3,4] and from a scalar, float64, with gradient (sums back)",
       lambda x, s: [tf.broadcast_to(x, [2, 3, 4]), tf.broadcast_to(s, [2, 2])],
       {"x": randn(45, [3, 1], F64), "s": np.array(1.5, dtype=F64)}, ["x", "s"])
simple("bincount", "Bincount (the op) with and without weights, size larger than the largest value; and "
       "whatever tf.math.bincount builds in 2.21 (DenseBincount)",
       lambda arr, weights: [tf.raw_ops.Bincount(arr=arr, size=6, weights=tf.constant([], tf.float32)),
                             tf.raw_ops.Bincount(arr=arr, size=6, weights=weights),
                             tf.math.bincount(arr, minlength=6)],
       {"arr": np.array([1, 3, 1, 0, 4, 1, 3], dtype=I32), "weights": randn(46, [7], np.float32)})


def _resize_rejected(w):
    """ResizeBilinear and ResizeNearestNeighbor with align_corners=True and half_pixel_centers=True: the graph
    builds, but TensorFlow's kernels refuse the combination when run (InvalidArgumentError 'If
    half_pixel_centers is True, align_corners must be False.')."""
    g = tf.Graph()
    with g.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [1, 4, 5, 2], name="x")
        bilinear = tf.compat.v1.image.resize_bilinear(x, [7, 9], align_corners=True, half_pixel_centers=True)
        nearest = tf.compat.v1.image.resize_nearest_neighbor(x, [7, 9], align_corners=True, half_pixel_centers=True)
        feeds = {"x": randn(47, [1, 4, 5, 2], np.float32)}
        with session(g) as s:
            steps = run_steps(s, [{"feeds": feeds, "fetches": [t.name], "error": "align_corners must be False"}
                                  for t in (bilinear, nearest)])
    w.graph(g.as_graph_def(), [bilinear.name, nearest.name])
    w.steps(steps)


register(TOPIC, "resize_align_corners_and_half_pixel_rejected", ISSUE, _resize_rejected,
         _resize_rejected.__doc__)
