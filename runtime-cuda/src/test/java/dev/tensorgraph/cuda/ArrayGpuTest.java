package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.compareWherever;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.ints;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Data-movement ops on the GPU against the CPU: ConcatV2, Transpose, GatherV2, Slice, StridedSlice, Tile,
 * Pad, OneHot, Fill, BroadcastTo, Reshape, ExpandDims, Squeeze, ZerosLike, OnesLike, StopGradient, and the
 * shape queries Shape, Size and Rank. They only move or fill values, so every comparison is exact, gradients
 * included (each gradient element is a single moved value or a sum of at most a few, compared within 1e-6).
 */
class ArrayGpuTest {
    private static final Tolerance EXACT = Tolerance.exact();
    private static final Tolerance SMALL_SUMS = Tolerance.relative(1e-6, 1e-7);

    private final Random random = new Random(9001);

    @Test
    void concatOnEveryAxisAndItsGradient() {
        assumeGpu();
        for (int axis : new int[] {0, 1, 2, -1}) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            long[] sa = {4, 5, 6};
            long[] sb = sa.clone();
            int ax = axis < 0 ? axis + 3 : axis;
            sb[ax] = 3;
            Output a = tf.placeholder(DType.FLOAT32, Shape.of(sa), "a");
            Output b = tf.placeholder(DType.FLOAT32, Shape.of(sb), "b");
            Output c = tf.placeholder(DType.FLOAT32, Shape.of(sa), "c");
            Output y = tf.concat(List.of(a, b, c), axis, "concat");
            Output r = tf.placeholder(DType.FLOAT32, y.shape(), "r");
            List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(a, b, c));
            var f = feeds(a, uniform(random, -1, 1, sa), b, uniform(random, -1, 1, sb), c, uniform(random, -1, 1, sa),
                    r, uniform(random, -1, 1, y.shape().dims()));
            compare(g, f, EXACT, y);
            compare(g, f, EXACT, grads.toArray(new Output[0]));
        }
    }

    @Test
    void concatOfIntegers() {
        // int64: int32 values fed from the host stay on the host (shape arithmetic), as in TensorFlow.
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.INT64, Shape.of(3, 2), "a");
        Output b = tf.placeholder(DType.INT64, Shape.of(3, 5), "b");
        compare(g, feeds(a, ints(random, -9, 9, DType.INT64, 3, 2), b, ints(random, -9, 9, DType.INT64, 3, 5)), EXACT,
                tf.concat(List.of(a, b), 1, "concat_ints"));
    }

    @Test
    void transposeWithEveryKindOfPermutation() {
        assumeGpu();
        Object[][] cases = {
                {new long[] {37, 53}, new int[] {1, 0}},
                {new long[] {8, 9, 10, 11}, new int[] {0, 3, 1, 2}},
                {new long[] {8, 11, 9, 10}, new int[] {0, 2, 3, 1}},
                {new long[] {3, 4, 5}, new int[] {0, 1, 2}},
                {new long[] {2, 3, 4, 5, 6}, new int[] {4, 2, 0, 3, 1}},
                {new long[] {1024, 513}, new int[] {1, 0}},
        };
        for (Object[] c : cases) {
            long[] shape = (long[]) c[0];
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(shape), "x");
            Output y = tf.transpose(x, (int[]) c[1], "transpose");
            Output r = tf.placeholder(DType.FLOAT32, y.shape(), "r");
            Output dx = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(x)).get(0);
            compare(g, feeds(x, uniform(random, -1, 1, shape), r, uniform(random, -1, 1, y.shape().dims())), EXACT, y, dx);
        }
    }

    @Test
    void gatherOnAxis0And1WithInt32AndInt64Indices() {
        assumeGpu();
        for (DType indexType : new DType[] {DType.INT32, DType.INT64}) {
            for (int axis : new int[] {0, 1}) {
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                Output params = tf.placeholder(DType.FLOAT32, Shape.of(20, 30, 4), "params");
                Output idx = tf.placeholder(indexType, Shape.of(3, 7), "indices");
                Output y = tf.gather(params, idx, axis, "gather");
                compare(g, feeds(params, uniform(random, -1, 1, 20, 30, 4), idx, ints(random, 0, 20, indexType, 3, 7)),
                        EXACT, y);
            }
        }
    }

    @Test
    void sliceStridedSliceAndTheirGradients() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(7, 8, 9), "x");
        Output s = tf.slice(x, new int[] {1, 0, 2}, new int[] {4, -1, 5}, "slice");
        Output ss = tf.stridedSlice(x, new int[] {0, 1, 8}, new int[] {7, 8, 0}, new int[] {2, 3, -2});
        Output rs = tf.placeholder(DType.FLOAT32, s.shape(), "rs");
        Output dx = tf.gradients(tf.reduceSum(tf.multiply(s, rs)), List.of(x)).get(0);
        var f = feeds(x, uniform(random, -1, 1, 7, 8, 9), rs, uniform(random, -1, 1, s.shape().dims()));
        compare(g, f, EXACT, s, dx);
        // StridedSlice may stay on the CPU (it is not required on the GPU); its values must agree either way.
        compareWherever(g, f, EXACT, ss);
    }

    @Test
    void tileAndItsGradient() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3, 1, 5), "x");
        Output y = tf.tile(x, new int[] {2, 4, 3}, "tile");
        Output r = tf.placeholder(DType.FLOAT32, y.shape(), "r");
        Output dx = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(x)).get(0);
        var f = feeds(x, uniform(random, -1, 1, 3, 1, 5), r, uniform(random, -1, 1, y.shape().dims()));
        compare(g, f, EXACT, y);
        compare(g, f, SMALL_SUMS, dx);
    }

    @Test
    void padWithZerosAndAConstantAndItsGradient() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 5, 5, 3), "x");
        Output p = tf.pad(x, new int[][] {{0, 0}, {2, 2}, {1, 3}, {0, 0}});
        Output pc = tf.pad(x, new int[][] {{1, 0}, {0, 1}, {0, 0}, {2, 0}}, -1.5, "pad_v2");
        Output r = tf.placeholder(DType.FLOAT32, p.shape(), "r");
        Output dx = tf.gradients(tf.reduceSum(tf.multiply(p, r)), List.of(x)).get(0);
        var f = feeds(x, uniform(random, -1, 1, 2, 5, 5, 3), r, uniform(random, -1, 1, p.shape().dims()));
        compare(g, f, EXACT, p, dx);
        // PadV2 (a non-zero constant) is not required on the GPU; its values must agree wherever it runs.
        compareWherever(g, f, EXACT, pc);
    }

    @Test
    void oneHotWithOutOfRangeIndicesOnEveryAxis() {
        assumeGpu();
        for (DType indexType : new DType[] {DType.INT32, DType.INT64}) {
            for (int axis : new int[] {-1, 0, 1}) {
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                Output idx = tf.placeholder(indexType, Shape.of(6, 4), "indices");
                Output y = tf.oneHot(idx, 10, 2.5, -1, axis, DType.FLOAT32, "one_hot");
                // -1 and 10 are out of range: the whole row is off_value.
                compare(g, feeds(idx, ints(random, -1, 11, indexType, 6, 4)), EXACT, y);
            }
        }
    }

    @Test
    void fillBroadcastToZerosLikeOnesLike() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3, 1, 4), "x");
        Output v = tf.placeholder(DType.FLOAT32, Shape.scalar(), "v");
        Output fill = tf.fill(tf.constant(new int[] {5, 3, 2}, "dims"), v, "fill");
        Output b = tf.broadcastTo(x, tf.constant(new int[] {2, 3, 6, 4}, "shape"), "broadcast_to");
        Output zeros = tf.zerosLike(x, "zeros_like");
        Output ones = tf.onesLike(x, "ones_like");
        compare(g, feeds(x, uniform(random, -1, 1, 3, 1, 4), v, Tensor.of(1.25f)), EXACT, fill, b, zeros, ones);
    }

    @Test
    void reshapeExpandDimsSqueezeIdentityStopGradient() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4, 1, 6), "x");
        Output sq = tf.squeeze(x, new int[] {1}, "squeeze");
        Output ex = tf.expandDims(sq, 0, "expand_dims");
        Output re = tf.reshape(ex, new int[] {-1, 3}, "reshape");
        Output id = tf.identity(re, "identity");
        Output sg = tf.stopGradient(id, "stop_gradient");
        Output out = tf.multiply(sg, 2.0, "times_two");
        compare(g, feeds(x, uniform(random, -1, 1, 4, 1, 6)), EXACT, sq, ex, re, id, out);
    }

    @Test
    void shapeSizeAndRankOfDeviceTensors() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 7), "x");
        Output y = tf.exp(x, "on_device");
        compareWherever(g, feeds(x, uniform(random, -1, 1, 5, 7)), EXACT, tf.shape(y), tf.size(y), tf.rank(y),
                tf.shape(y, DType.INT64, "shape64"));
    }
}
