package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MatMul (all four transpose combinations, odd sizes, 1024x1024x1024) and BatchMatMulV2 (adjoints,
 * broadcast batch dimensions) on the GPU in exact FP32 (TF32 off) against the CPU, with their gradients.
 * Tolerance: a sum of K products in any order is within (K+1)·2^-24 of the sum of |products| per element;
 * twice that for the CPU's own rounding, at least 1e-5, measured against the same product of |a| and |b|
 * (so 1024x1024 allows about 1.2e-4 of the magnitude sum).
 */
class MatMulGpuTest {
    private final Random random = new Random(1234);

    private static Tolerance ofK(long k) {
        return Tolerance.productSum(k, 1e-5);
    }

    @Test
    void everyTransposeCombinationAndGradients() {
        assumeGpu();
        int[][] sizes = {{37, 53, 29}, {1, 64, 10}, {64, 784, 128}, {5, 1, 7}, {128, 10, 1}};
        for (int[] mkn : sizes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    matmul(mkn[0], mkn[1], mkn[2], ta, tb);
                }
            }
        }
    }

    private void matmul(int m, int k, int n, boolean ta, boolean tb) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        long[] sa = ta ? new long[] {k, m} : new long[] {m, k};
        long[] sb = tb ? new long[] {n, k} : new long[] {k, n};
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(sa), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(sb), "b");
        Output y = tf.matmul(a, b, ta, tb, "matmul_" + m + "x" + k + "x" + n + (ta ? "_ta" : "") + (tb ? "_tb" : ""));
        Output r = tf.placeholder(DType.FLOAT32, Shape.of(m, n), "upstream");
        List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(a, b));
        var f = feeds(a, uniform(random, -1, 1, sa), b, uniform(random, -1, 1, sb), r, uniform(random, -1, 1, m, n));
        compare(g, f, ofK(k), y);
        compare(g, f, ofK(n), grads.get(0));
        compare(g, f, ofK(m), grads.get(1));
    }

    @Test
    void squareProductOf1024WithToleranceScaledByK() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(1024, 1024), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(1024, 1024), "b");
        Output y = tf.matmul(a, b, false, false, "matmul_1024");
        compare(g, feeds(a, uniform(random, -1, 1, 1024, 1024), b, uniform(random, -1, 1, 1024, 1024)), ofK(1024), y);
    }

    @Test
    void batchMatMulWithAdjointsAndBroadcastBatches() {
        assumeGpu();
        long[][][] cases = {
                {{3, 4, 5}, {3, 5, 6}},
                {{2, 1, 4, 5}, {3, 5, 6}},
                {{4, 5}, {2, 3, 5, 6}},
                {{8, 16, 64}, {8, 64, 16}},
                {{1, 7, 3}, {5, 3, 2}},
        };
        for (long[][] c : cases) {
            for (boolean adjX : new boolean[] {false, true}) {
                for (boolean adjY : new boolean[] {false, true}) {
                    batchMatMul(c[0], c[1], adjX, adjY);
                }
            }
        }
    }

    private void batchMatMul(long[] x, long[] y, boolean adjX, boolean adjY) {
        long[] sx = adjX ? swapLast(x) : x;
        long[] sy = adjY ? swapLast(y) : y;
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(sx), "x");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(sy), "y");
        Output z = tf.graph().opBuilder("BatchMatMulV2", "batch_matmul" + (adjX ? "_adj_x" : "") + (adjY ? "_adj_y" : ""))
                .addInput(a).addInput(b).setAttr("adj_x", adjX).setAttr("adj_y", adjY).build().output(0);
        Output r = tf.placeholder(DType.FLOAT32, z.shape(), "upstream");
        List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(z, r)), List.of(a, b));
        var f = feeds(a, uniform(random, -1, 1, sx), b, uniform(random, -1, 1, sy),
                r, uniform(random, -1, 1, z.shape().dims()));
        long k = x[x.length - 1];
        long m = x[x.length - 2];
        long n = y[y.length - 1];
        long batch = Shape.of(z.shape().dims()).numElements() / (m * n);
        compare(g, f, ofK(k), z);
        // Gradients of broadcast operands also sum over the broadcast batches.
        compare(g, f, ofK(n * batch), grads.get(0));
        compare(g, f, ofK(m * batch), grads.get(1));
    }

    private static long[] swapLast(long[] s) {
        long[] r = s.clone();
        r[r.length - 1] = s[s.length - 2];
        r[r.length - 2] = s[s.length - 1];
        return r;
    }
}
