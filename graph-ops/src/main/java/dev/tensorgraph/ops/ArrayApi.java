package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.PadOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.array.SpaceBatchOps;
import dev.tensorgraph.ops.array.StridedSliceOptions;
import dev.tensorgraph.ops.array.TransposeOps;
import dev.tensorgraph.ops.array.Unique;
import dev.tensorgraph.ops.array.UniqueOps;
import dev.tensorgraph.ops.array.UniqueWithCounts;
import dev.tensorgraph.ops.array.ListDiff;
import dev.tensorgraph.ops.array.ReverseOps;
import dev.tensorgraph.ops.indexing.GatherNdOps;
import dev.tensorgraph.ops.indexing.GatherOps;
import dev.tensorgraph.ops.indexing.OneHotOps;
import dev.tensorgraph.ops.indexing.ScatterNdOps;
import dev.tensorgraph.ops.indexing.SelectOps;
import dev.tensorgraph.ops.sparse.SparseOps;
import java.util.List;

/**
 * Array and shape ops as TensorFlow 1.x's {@code array_ops.py} builds them: {@code tf.reshape},
 * {@code tf.concat}, {@code tf.gather}, {@code tf.one_hot}, {@code tf.boolean_mask}, ... Java arrays given
 * for shape-like arguments become constants named after the op's input inside the op's name scope
 * ({@code Reshape/shape}), as TensorFlow names them. Definitions: the {@code array} and {@code indexing}
 * op families.
 *
 * <pre>{@code
 * Output flat = tf.reshape(x, new int[] {-1});
 * Output rows = tf.gather(params, tf.constant(new int[] {2, 0}));
 * List<Output> parts = tf.split(x, 3, 1);
 * }</pre>
 */
public interface ArrayApi extends TfBase {
    // ---- shapes ----

    default Output shape(Output x) {
        return shape(x, DType.INT32, null);
    }

    default Output shape(Output x, DType outType, String name) {
        return ShapeOps.shape(graph(), x, outType, name);
    }

    default Output rank(Output x) {
        return rank(x, null);
    }

    default Output rank(Output x, String name) {
        return ShapeOps.rank(graph(), x, name);
    }

    default Output size(Output x) {
        return size(x, DType.INT32, null);
    }

    default Output size(Output x, DType outType, String name) {
        return ShapeOps.size(graph(), x, outType, name);
    }

    default Output reshape(Output x, Output shape) {
        return reshape(x, shape, null);
    }

    default Output reshape(Output x, Output shape, String name) {
        return ShapeOps.reshape(graph(), x, shape, name);
    }

    /** {@code tf.reshape(x, [..])}; one size may be -1. */
    default Output reshape(Output x, int[] shape) {
        return reshape(x, shape, null);
    }

    default Output reshape(Output x, int[] shape, String name) {
        return ShapeOps.reshape(graph(), x, shape, name);
    }

    /** {@code tf.transpose(x)}: reverses the dimensions. */
    default Output transpose(Output x) {
        return transpose(x, (int[]) null, null);
    }

    default Output transpose(Output x, int[] perm) {
        return transpose(x, perm, null);
    }

    default Output transpose(Output x, int[] perm, String name) {
        return TransposeOps.transpose(graph(), x, perm, name);
    }

    default Output transpose(Output x, Output perm, String name) {
        return TransposeOps.transpose(graph(), x, perm, name);
    }

    default Output expandDims(Output x, int axis) {
        return expandDims(x, axis, null);
    }

    default Output expandDims(Output x, int axis, String name) {
        return ShapeOps.expandDims(graph(), x, axis, name);
    }

    /** Removes every dimension of size 1. */
    default Output squeeze(Output x) {
        return squeeze(x, new int[0], null);
    }

    default Output squeeze(Output x, int[] axis) {
        return squeeze(x, axis, null);
    }

    default Output squeeze(Output x, int[] axis, String name) {
        return ShapeOps.squeeze(graph(), x, axis, name);
    }

    default Output broadcastTo(Output x, Output shape, String name) {
        return ShapeOps.broadcastTo(graph(), x, shape, name);
    }

    default Output broadcastTo(Output x, int[] shape) {
        return ShapeOps.broadcastTo(graph(), x, shape, null);
    }

    // ---- joining and splitting ----

    /** {@code tf.concat(values, axis)}: op {@code concat}; a single value becomes an Identity. */
    default Output concat(List<Output> values, int axis) {
        return concat(values, axis, null);
    }

    default Output concat(List<Output> values, int axis, String name) {
        return ConcatOps.concat(graph(), values, axis, name);
    }

    default Output stack(List<Output> values) {
        return stack(values, 0, null);
    }

    default Output stack(List<Output> values, int axis) {
        return stack(values, axis, null);
    }

    default Output stack(List<Output> values, int axis, String name) {
        return ConcatOps.stack(graph(), values, axis, name);
    }

    default List<Output> unstack(Output x) {
        return unstack(x, 0, null);
    }

    default List<Output> unstack(Output x, int axis) {
        return unstack(x, axis, null);
    }

    /** {@code tf.unstack(x, axis)}: the size of {@code axis} must be known while building. */
    default List<Output> unstack(Output x, int axis, String name) {
        return ConcatOps.unstack(graph(), x, axis, name);
    }

    /** {@code tf.split(x, numSplit, axis)}: equal parts. */
    default List<Output> split(Output x, int numSplit, int axis) {
        return split(x, numSplit, axis, null);
    }

    default List<Output> split(Output x, int numSplit, int axis, String name) {
        return ConcatOps.split(graph(), x, numSplit, axis, name);
    }

    /** {@code tf.split(x, sizeSplits, axis)}: parts of the given sizes (one may be -1). */
    default List<Output> split(Output x, int[] sizeSplits, int axis) {
        return split(x, sizeSplits, axis, null);
    }

    default List<Output> split(Output x, int[] sizeSplits, int axis, String name) {
        return ConcatOps.split(graph(), x, sizeSplits, axis, name);
    }

    default Output tile(Output x, int[] multiples) {
        return tile(x, multiples, null);
    }

    default Output tile(Output x, int[] multiples, String name) {
        return PadOps.tile(graph(), x, multiples, name);
    }

    default Output tile(Output x, Output multiples, String name) {
        return PadOps.tile(graph(), x, multiples, name);
    }

    /** {@code tf.pad(x, paddings)} in CONSTANT mode with zeros; {@code paddings[i] = {before, after}}. */
    default Output pad(Output x, int[][] paddings) {
        return pad(x, paddings, 0, null);
    }

    /** CONSTANT mode with {@code constantValue}: a Pad op when it is 0, else PadV2. */
    default Output pad(Output x, int[][] paddings, double constantValue, String name) {
        return PadOps.pad(graph(), x, paddings, constantValue, name);
    }

    // ---- slicing and gathering ----

    default Output slice(Output x, int[] begin, int[] size) {
        return slice(x, begin, size, null);
    }

    default Output slice(Output x, int[] begin, int[] size, String name) {
        return SliceOps.slice(graph(), x, begin, size, name);
    }

    default Output slice(Output x, Output begin, Output size, String name) {
        return SliceOps.slice(graph(), x, begin, size, name);
    }

    /** {@code tf.strided_slice(x, begin, end)} with strides 1 and no masks. */
    default Output stridedSlice(Output x, int[] begin, int[] end) {
        int[] ones = new int[begin.length];
        java.util.Arrays.fill(ones, 1);
        return stridedSlice(x, begin, end, ones, StridedSliceOptions.create(), null);
    }

    default Output stridedSlice(Output x, int[] begin, int[] end, int[] strides) {
        return stridedSlice(x, begin, end, strides, StridedSliceOptions.create(), null);
    }

    /** {@code tf.strided_slice} with all of TensorFlow's masks (negative strides allowed). */
    default Output stridedSlice(Output x, int[] begin, int[] end, int[] strides, StridedSliceOptions options,
                                String name) {
        return SliceOps.stridedSlice(graph(), x, begin, end, strides, options, name);
    }

    default Output stridedSlice(Output x, Output begin, Output end, Output strides, StridedSliceOptions options,
                                String name) {
        return SliceOps.stridedSlice(graph(), x, begin, end, strides, options, name);
    }

    /** @deprecated use the overload with {@link StridedSliceOptions} of {@code dev.tensorgraph.ops.array}. */
    @Deprecated
    default Output stridedSlice(Output x, int[] begin, int[] end, int[] strides,
                                dev.tensorgraph.ops.StridedSliceOptions options, String name) {
        return stridedSlice(x, begin, end, strides, options == null ? null : options.toOptions(), name);
    }

    /** @deprecated use the overload with {@link StridedSliceOptions} of {@code dev.tensorgraph.ops.array}. */
    @Deprecated
    default Output stridedSlice(Output x, Output begin, Output end, Output strides,
                                dev.tensorgraph.ops.StridedSliceOptions options, String name) {
        return stridedSlice(x, begin, end, strides, options == null ? null : options.toOptions(), name);
    }

    /** {@code tf.gather(params, indices)} along axis 0: op {@code GatherV2}. */
    default Output gather(Output params, Output indices) {
        return gather(params, indices, 0, null);
    }

    default Output gather(Output params, Output indices, int axis) {
        return gather(params, indices, axis, null);
    }

    default Output gather(Output params, Output indices, int axis, String name) {
        return gather(params, indices, axis, 0, name);
    }

    /** {@code tf.gather(params, indices, axis=axis, batch_dims=batchDims)}. */
    default Output gather(Output params, Output indices, int axis, int batchDims, String name) {
        return GatherOps.gather(graph(), params, indices, axis, batchDims, name);
    }

    /** {@code tf.one_hot(indices, depth)}: float32 1/0 along a new last axis. */
    default Output oneHot(Output indices, int depth) {
        return oneHot(indices, depth, 1, 0, -1, DType.FLOAT32, null);
    }

    default Output oneHot(Output indices, int depth, double onValue, double offValue) {
        return oneHot(indices, depth, onValue, offValue, -1, DType.FLOAT32, null);
    }

    /** {@code tf.one_hot(indices, depth, on_value, off_value, axis, dtype, name)}; op {@code one_hot}. */
    default Output oneHot(Output indices, int depth, double onValue, double offValue, int axis, DType dtype, String name) {
        return OneHotOps.oneHot(graph(), indices, depth, onValue, offValue, axis, dtype, name);
    }

    // ---- creating ----

    default Output fill(Output dims, Output value) {
        return fill(dims, value, null);
    }

    default Output fill(Output dims, Output value, String name) {
        return ConstantOps.fill(graph(), dims, value, name);
    }

    default Output fill(int[] dims, Output value) {
        return ConstantOps.fill(graph(), dims, value, null);
    }

    /** {@code tf.zeros(shape, dtype)}: a Const named {@code zeros} below 1000 elements, else a Fill. */
    default Output zeros(Shape shape, DType dtype) {
        return zeros(shape, dtype, null);
    }

    default Output zeros(Shape shape, DType dtype, String name) {
        return ConstantOps.zeros(graph(), shape, dtype, name);
    }

    /** {@code tf.zeros(shape_tensor, dtype)} for a shape known only when the graph runs. */
    default Output zeros(Output shape, DType dtype) {
        return ConstantOps.zeros(graph(), shape, dtype);
    }

    default Output ones(Shape shape, DType dtype) {
        return ones(shape, dtype, null);
    }

    default Output ones(Shape shape, DType dtype, String name) {
        return ConstantOps.ones(graph(), shape, dtype, name);
    }

    /** {@code tf.zeros_like(x)}: op ZerosLike named {@code zeros_like}. */
    default Output zerosLike(Output x) {
        return zerosLike(x, null);
    }

    default Output zerosLike(Output x, String name) {
        return ConstantOps.zerosLike(graph(), x, name == null ? "zeros_like" : name);
    }

    /** {@code tf.ones_like(x)}: op OnesLike named {@code ones_like}. */
    default Output onesLike(Output x) {
        return onesLike(x, null);
    }

    default Output onesLike(Output x, String name) {
        return ConstantOps.onesLike(graph(), x, name == null ? "ones_like" : name);
    }

    /** {@code tf.range(limit)}: int32 0, 1, ..., limit - 1. */
    default Output range(int limit) {
        return range(0, limit, 1, null);
    }

    default Output range(int start, int limit, int delta) {
        return range(start, limit, delta, null);
    }

    default Output range(int start, int limit, int delta, String name) {
        return range(start, limit, delta, DType.INT32, name);
    }

    /** {@code tf.range(start, limit, delta, dtype)}; op {@code range}. */
    default Output range(double start, double limit, double delta, DType dtype, String name) {
        return ConstantOps.range(graph(), start, limit, delta, dtype, name);
    }

    default Output range(Output start, Output limit, Output delta, String name) {
        return ConstantOps.range(graph(), start, limit, delta, name == null ? "range" : name);
    }

    // ---- values ----

    default Unique unique(Output x) {
        return unique(x, DType.INT32, null);
    }

    /** {@code tf.unique(x, out_idx)}: distinct values in order of first occurrence and each element's index. */
    default Unique unique(Output x, DType outIdx, String name) {
        return UniqueOps.unique(graph(), x, outIdx, name);
    }

    /** {@code tf.where(condition)}: int64 coordinates [n, rank] of the true elements. */
    default Output where(Output condition) {
        return where(condition, (String) null);
    }

    default Output where(Output condition, String name) {
        return SelectOps.where(graph(), condition, name);
    }

    default Output booleanMask(Output tensor, Output mask) {
        return booleanMask(tensor, mask, null);
    }

    /**
     * {@code tf.boolean_mask(tensor, mask)}: the entries of {@code tensor} where the k-D {@code mask} is true,
     * flattened over the first k dimensions (reshape, where, squeeze, gather as TensorFlow builds it).
     */
    default Output booleanMask(Output tensor, Output mask, String name) {
        return GatherOps.booleanMask(graph(), tensor, mask, name);
    }

    /** {@code tf.sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value)}. */
    default Output sparseToDense(Output sparseIndices, Output outputShape, Output sparseValues, Output defaultValue,
                                 String name) {
        return SparseOps.sparseToDense(graph(), sparseIndices, outputShape, sparseValues, defaultValue, true, name);
    }

    // ---- N-d indexing, reordering and sets (issue #16) ----

    /** {@code tf.shape_n(inputs)}: the int32 shape of each input (all of one dtype); op {@code ShapeN}. */
    default List<Output> shapeN(List<Output> inputs) {
        return shapeN(inputs, DType.INT32, null);
    }

    default List<Output> shapeN(List<Output> inputs, DType outType, String name) {
        return ShapeOps.shapeN(graph(), inputs, outType, name);
    }

    /** {@code tf.gather_nd(params, indices)}: the slices addressed by the index tuples in indices' last dimension. */
    default Output gatherNd(Output params, Output indices) {
        return gatherNd(params, indices, null);
    }

    default Output gatherNd(Output params, Output indices, String name) {
        return GatherNdOps.gatherNd(graph(), params, indices, name);
    }

    /** {@code tf.scatter_nd(indices, updates, shape)}: updates added into zeros of shape (repeated indices add up). */
    default Output scatterNd(Output indices, Output updates, long[] shape) {
        return scatterNd(indices, updates, shape, null);
    }

    default Output scatterNd(Output indices, Output updates, long[] shape, String name) {
        return ScatterNdOps.scatterNd(graph(), indices, updates, shape, name);
    }

    default Output scatterNd(Output indices, Output updates, Output shape, String name) {
        return ScatterNdOps.scatterNd(graph(), indices, updates, shape, name);
    }

    /** {@code tf.tensor_scatter_update(tensor, indices, updates)} (TensorFlow 1.15's name): slices replaced. */
    default Output tensorScatterUpdate(Output tensor, Output indices, Output updates) {
        return tensorScatterUpdate(tensor, indices, updates, null);
    }

    default Output tensorScatterUpdate(Output tensor, Output indices, Output updates, String name) {
        return ScatterNdOps.tensorScatterUpdate(graph(), tensor, indices, updates, name);
    }

    /** {@code tf.tensor_scatter_add(tensor, indices, updates)} (TensorFlow 1.15's name): updates added. */
    default Output tensorScatterAdd(Output tensor, Output indices, Output updates) {
        return tensorScatterAdd(tensor, indices, updates, null);
    }

    default Output tensorScatterAdd(Output tensor, Output indices, Output updates, String name) {
        return ScatterNdOps.tensorScatterAdd(graph(), tensor, indices, updates, name);
    }

    /** {@code tf.tensor_scatter_sub(tensor, indices, updates)} (TensorFlow 1.15's name): updates subtracted. */
    default Output tensorScatterSub(Output tensor, Output indices, Output updates) {
        return tensorScatterSub(tensor, indices, updates, null);
    }

    default Output tensorScatterSub(Output tensor, Output indices, Output updates, String name) {
        return ScatterNdOps.tensorScatterSub(graph(), tensor, indices, updates, name);
    }

    /** TensorFlow 2's name of {@link #tensorScatterUpdate(Output, Output, Output)}. */
    default Output tensorScatterNdUpdate(Output tensor, Output indices, Output updates) {
        return tensorScatterUpdate(tensor, indices, updates, null);
    }

    /** TensorFlow 2's name of {@link #tensorScatterAdd(Output, Output, Output)}. */
    default Output tensorScatterNdAdd(Output tensor, Output indices, Output updates) {
        return tensorScatterAdd(tensor, indices, updates, null);
    }

    /** TensorFlow 2's name of {@link #tensorScatterSub(Output, Output, Output)}. */
    default Output tensorScatterNdSub(Output tensor, Output indices, Output updates) {
        return tensorScatterSub(tensor, indices, updates, null);
    }

    /** {@code tf.tensor_scatter_nd_max(tensor, indices, updates)} (TensorFlow 2): the elementwise maximum. */
    default Output tensorScatterNdMax(Output tensor, Output indices, Output updates) {
        return tensorScatterNdMax(tensor, indices, updates, null);
    }

    default Output tensorScatterNdMax(Output tensor, Output indices, Output updates, String name) {
        return ScatterNdOps.tensorScatterMax(graph(), tensor, indices, updates, name);
    }

    /** {@code tf.tensor_scatter_nd_min(tensor, indices, updates)} (TensorFlow 2): the elementwise minimum. */
    default Output tensorScatterNdMin(Output tensor, Output indices, Output updates) {
        return tensorScatterNdMin(tensor, indices, updates, null);
    }

    default Output tensorScatterNdMin(Output tensor, Output indices, Output updates, String name) {
        return ScatterNdOps.tensorScatterMin(graph(), tensor, indices, updates, name);
    }

    /**
     * {@code tf.pad(x, paddings, mode)}: mode "CONSTANT" (zeros), "REFLECT" or "SYMMETRIC" (any case; the mirror
     * modes build a MirrorPad).
     */
    default Output pad(Output x, int[][] paddings, String mode) {
        return pad(x, paddings, mode, 0, null);
    }

    default Output pad(Output x, int[][] paddings, String mode, double constantValue, String name) {
        return PadOps.pad(graph(), x, paddings, mode, constantValue, name);
    }

    /** {@code tf.reverse(x, axis)}: the elements in reverse order along each axis given; op {@code ReverseV2}. */
    default Output reverse(Output x, int[] axis) {
        return reverse(x, axis, null);
    }

    default Output reverse(Output x, int[] axis, String name) {
        return ReverseOps.reverse(graph(), x, axis, name);
    }

    default Output reverse(Output x, Output axis, String name) {
        return ReverseOps.reverseV2(graph(), x, axis, name);
    }

    /** {@code tf.roll(x, shift, axis)}: elements shifted cyclically along axis. */
    default Output roll(Output x, int shift, int axis) {
        return ReverseOps.roll(graph(), x, shift, axis, null);
    }

    /** With one shift per axis (shifts on a repeated axis add up). */
    default Output roll(Output x, int[] shift, int[] axis) {
        return roll(x, shift, axis, null);
    }

    default Output roll(Output x, int[] shift, int[] axis, String name) {
        return ReverseOps.roll(graph(), x, shift, axis, name);
    }

    default Output roll(Output x, Output shift, Output axis, String name) {
        return ReverseOps.roll(graph(), x, shift, axis, name);
    }

    /** {@code tf.unique_with_counts(x)}: {@link #unique} with how often each value occurs. */
    default UniqueWithCounts uniqueWithCounts(Output x) {
        return uniqueWithCounts(x, DType.INT32, null);
    }

    default UniqueWithCounts uniqueWithCounts(Output x, DType outIdx, String name) {
        return UniqueOps.uniqueWithCounts(graph(), x, outIdx, name);
    }

    /** {@code tf.setdiff1d(x, y)}: the values of x not in y, in order, with their positions in x; op ListDiff. */
    default ListDiff setdiff1d(Output x, Output y) {
        return setdiff1d(x, y, DType.INT32, null);
    }

    default ListDiff setdiff1d(Output x, Output y, DType outIdx, String name) {
        return UniqueOps.listDiff(graph(), x, y, outIdx, name);
    }

    /** {@code tf.broadcast_to(x, shape)}. */
    default Output broadcastTo(Output x, Output shape) {
        return broadcastTo(x, shape, null);
    }

    // ---- space, batch and depth ----

    /** {@code tf.space_to_batch_nd(input, block_shape, paddings)}: blocks of the M dimensions after the batch into the batch. */
    default Output spaceToBatchNd(Output input, Output blockShape, Output paddings) {
        return spaceToBatchNd(input, blockShape, paddings, null);
    }

    default Output spaceToBatchNd(Output input, Output blockShape, Output paddings, String name) {
        return SpaceBatchOps.spaceToBatchNd(graph(), input, blockShape, paddings, name);
    }

    /** With Java arrays: {@code paddings} is [M][2] of (before, after). */
    default Output spaceToBatchNd(Output input, int[] blockShape, int[][] paddings) {
        return SpaceBatchOps.spaceToBatchNd(graph(), input, blockShape, paddings, null);
    }

    /** {@code tf.batch_to_space_nd(input, block_shape, crops)}: the inverse of spaceToBatchNd. */
    default Output batchToSpaceNd(Output input, Output blockShape, Output crops) {
        return batchToSpaceNd(input, blockShape, crops, null);
    }

    default Output batchToSpaceNd(Output input, Output blockShape, Output crops, String name) {
        return SpaceBatchOps.batchToSpaceNd(graph(), input, blockShape, crops, name);
    }

    /** With Java arrays: {@code crops} is [M][2] of (start, end). */
    default Output batchToSpaceNd(Output input, int[] blockShape, int[][] crops) {
        return SpaceBatchOps.batchToSpaceNd(graph(), input, blockShape, crops, null);
    }

    /** {@code tf.space_to_depth(input, block_size)} (NHWC): each block of block_size^2 pixels into the depth. */
    default Output spaceToDepth(Output input, int blockSize) {
        return spaceToDepth(input, blockSize, "NHWC", null);
    }

    default Output spaceToDepth(Output input, int blockSize, String dataFormat, String name) {
        return SpaceBatchOps.spaceToDepth(graph(), input, blockSize, dataFormat, name);
    }

    /** {@code tf.depth_to_space(input, block_size)} (NHWC): the inverse of spaceToDepth. */
    default Output depthToSpace(Output input, int blockSize) {
        return depthToSpace(input, blockSize, "NHWC", null);
    }

    default Output depthToSpace(Output input, int blockSize, String dataFormat, String name) {
        return SpaceBatchOps.depthToSpace(graph(), input, blockSize, dataFormat, name);
    }
}
