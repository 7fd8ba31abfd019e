"""ops topic, more array and indexing cases: the ops of the array family that ops_array.py leaves out or covers
in one form only (the other segment reductions, TensorScatterSub/Max/Min, UniqueWithCounts, einsum's
broadcasting and reductions, DenseBincount on rows, the older InTopK)."""
import numpy as np
import tensorflow as tf

from .ops_nn import F64, simple
from .tfutil import randn

I32 = np.int32
I64 = np.int64

simple("unsorted_segment_prod", "UnsortedSegmentProd with 4 segments: one empty (gives 1), a negative id (its row "
       "is dropped), a zero in one segment (its gradient is the product of the others) and two in another "
       "(gradient zero); float64, with gradient",
       lambda data, ids: tf.math.unsorted_segment_prod(data, ids, 4),
       {"data": np.array([[0.5, 0.0], [1.5, 2.0], [0.0, -1.2], [3.0, 0.7], [-0.8, 0.0], [1.1, 1.3]], dtype=F64),
        "ids": np.array([2, 0, 2, -1, 0, 2], dtype=I32)}, ["data"])
simple("segment_mean_max_min_prod", "SegmentMean, SegmentMax, SegmentMin and SegmentProd with sorted ids "
       "[0,0,2,2,2,4] (segments 1 and 3 empty: 0, or 1 for the product), float64, with gradients (no ties)",
       lambda data, ids: [tf.math.segment_mean(data, ids), tf.math.segment_max(data, ids),
                          tf.math.segment_min(data, ids), tf.math.segment_prod(data, ids)],
       {"data": randn(60, [6, 2], F64), "ids": np.array([0, 0, 2, 2, 2, 4], dtype=I64)}, ["data"])
simple("tensor_scatter_sub_max_min", "TensorScatterSub, TensorScatterMax and TensorScatterMin with element "
       "indices (one repeated), float64, with gradients for the tensor and the updates (no ties)",
       lambda tensor, updates: [tf.tensor_scatter_nd_sub(tensor, [[0, 1], [2, 0], [0, 1]], updates),
                                tf.tensor_scatter_nd_max(tensor, [[0, 1], [2, 0], [1, 1]], updates),
                                tf.tensor_scatter_nd_min(tensor, [[0, 1], [2, 0], [1, 1]], updates)],
       {"tensor": randn(61, [3, 2], F64), "updates": randn(62, [3], F64)}, ["tensor", "updates"])
simple("unique_with_counts", "UniqueWithCounts on int32 and on float32 with NaNs and -0.0 (each NaN is a value "
       "of its own, -0.0 equals 0.0); UniqueWithCountsV2 on the rows of a matrix, int64 indices",
       lambda v, f, m: list(tf.unique_with_counts(v)) + list(tf.unique_with_counts(f))
       + list(tf.raw_ops.UniqueWithCountsV2(x=m, axis=[0], out_idx=tf.int64)),
       {"v": np.array([4, 1, 4, 2, 1, 7, 2, 4], dtype=I32),
        "f": np.array([np.nan, 0.0, np.nan, -0.0, 2.0, 0.0], dtype=np.float32),
        "m": np.array([[1, 2], [3, 4], [1, 2], [1, 3]], dtype=I32)})
simple("einsum_broadcast_ellipsis", "Einsum '...ij,...jk->...ik' with batch shapes [2,1] and [5] (broadcast), "
       "and '...ij->...j' with no broadcast dimensions; float64, with gradients (summed back over the broadcast)",
       lambda a, b: [tf.einsum("...ij,...jk->...ik", a, b), tf.einsum("...ij->...j", b)],
       {"a": randn(63, [2, 1, 2, 3], F64), "b": randn(64, [5, 3, 4], F64)}, ["a", "b"])
simple("einsum_reductions", "Einsum with labels summed away: batched traces 'bii' (implicit output 'b'), "
       "'iij->j' (a diagonal then a sum), 'abc,cd->ad' (b only in the first operand) and an outer product of "
       "sums 'ab,cd->ac'; float64, with gradients",
       lambda m, t, a, b: [tf.einsum("bii", m), tf.einsum("iij->j", t), tf.einsum("abc,cd->ad", a, b),
                           tf.einsum("ab,cd->ac", t[0], b)],
       {"m": randn(65, [2, 3, 3], F64), "t": randn(66, [2, 2, 4], F64), "a": randn(67, [2, 3, 4], F64),
        "b": randn(68, [4, 2], F64)}, ["m", "t", "a", "b"])
simple("dense_bincount_rows", "tf.math.bincount(axis=-1) on an int64 matrix: one count vector per row, with "
       "weights, with binary_output, and a maxlength that drops the larger values",
       lambda arr, weights: [tf.math.bincount(arr, weights=weights, axis=-1, minlength=5),
                             tf.math.bincount(arr, axis=-1, binary_output=True, dtype=tf.float32),
                             tf.math.bincount(arr, maxlength=3, dtype=tf.int64)],
       {"arr": np.array([[1, 3, 1, 0], [4, 4, 2, 1]], dtype=I64), "weights": randn(69, [2, 4], F64)})
simple("in_top_k_v1", "InTopK (the op with k an attribute) and InTopKV2 with a non-finite prediction in a row "
       "(false for that row whatever the target), a target out of range (false) and k larger than the classes",
       lambda predictions, targets: [tf.raw_ops.InTopK(predictions=predictions, targets=targets, k=2),
                                     tf.math.in_top_k(targets, predictions, 9)],
       {"predictions": np.array([[0.1, 0.8, 0.1, 0.0], [0.3, np.inf, 0.2, 0.2], [0.5, 0.1, 0.2, 0.2],
                                 [0.0, 0.1, np.nan, 0.3]], dtype=np.float32),
        "targets": np.array([1, 2, 7, 3], dtype=I32)})
