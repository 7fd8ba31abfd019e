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
import dev.tensorgraph.ops.nn.FusedBatchNorm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FusedBatchNormV3 (training with and without running statistics, inference) and FusedBatchNormGradV3 on
 * the GPU against the CPU, NHWC and NCHW. The reserve-space outputs are the device's own business and are
 * not compared. Tolerances: y, batch mean and batch variance 1e-5 relative + 1e-5 absolute (the CPU
 * accumulates the statistics in double); dx 1e-4 relative + 1e-5 absolute (it subtracts two means of
 * similar size); dscale and doffset, sums over the n = N·H·W elements of a channel, 1e-4 relative +
 * 2e-6·sqrt(n) absolute.
 */
class BatchNormGpuTest {
    private static final Tolerance STATISTICS = Tolerance.relative(1e-5, 1e-5);
    private static final float EPSILON = 1e-3f;

    private final Random random = new Random(5150);

    private static final long[][] NHWC_SHAPES = {{8, 5, 5, 3}, {64, 26, 26, 16}, {2, 1, 1, 7}, {3, 9, 4, 32}};

    private static long[] inLayout(long[] nhwc, String format) {
        return format.equals("NHWC") ? nhwc : new long[] {nhwc[0], nhwc[3], nhwc[1], nhwc[2]};
    }

    @Test
    void trainingStatisticsOutputAndGradients() {
        assumeGpu();
        for (String format : new String[] {"NHWC", "NCHW"}) {
            for (long[] nhwc : NHWC_SHAPES) {
                long[] shape = inLayout(nhwc, format);
                long c = nhwc[3];
                long n = nhwc[0] * nhwc[1] * nhwc[2];
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                Output x = tf.placeholder(DType.FLOAT32, Shape.of(shape), "x");
                Output scale = tf.placeholder(DType.FLOAT32, Shape.of(c), "scale");
                Output offset = tf.placeholder(DType.FLOAT32, Shape.of(c), "offset");
                FusedBatchNorm bn = tf.nn.fusedBatchNorm(x, scale, offset, null, null, EPSILON, format, true);
                Output r = tf.placeholder(DType.FLOAT32, Shape.of(shape), "upstream");
                List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(bn.y(), r)), List.of(x, scale, offset));
                // An offset mean per channel, so variance is not computed around zero.
                var f = feeds(x, uniform(random, -2, 4, shape), scale, uniform(random, 0.5, 1.5, c),
                        offset, uniform(random, -1, 1, c), r, uniform(random, -1, 1, shape));
                compare(g, f, STATISTICS, bn.y(), bn.batchMean(), bn.batchVariance());
                compare(g, f, Tolerance.relative(1e-4, 1e-5), grads.get(0));
                compare(g, f, Tolerance.relative(1e-4, 2e-6 * Math.sqrt(n)), grads.get(1), grads.get(2));
            }
        }
    }

    @Test
    void trainingBlendsRunningStatisticsWithTheAverageFactor() {
        assumeGpu();
        for (String format : new String[] {"NHWC", "NCHW"}) {
            long[] shape = inLayout(new long[] {6, 4, 5, 8}, format);
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(shape), "x");
            Output scale = tf.placeholder(DType.FLOAT32, Shape.of(8), "scale");
            Output offset = tf.placeholder(DType.FLOAT32, Shape.of(8), "offset");
            Output mean = tf.placeholder(DType.FLOAT32, Shape.of(8), "running_mean");
            Output var = tf.placeholder(DType.FLOAT32, Shape.of(8), "running_variance");
            FusedBatchNorm bn = tf.nn.fusedBatchNorm(x, scale, offset, mean, var, EPSILON, 0.3f, format, true,
                    "bn_blend");
            compare(g, feeds(x, uniform(random, -2, 2, shape), scale, uniform(random, 0.5, 1.5, 8),
                            offset, uniform(random, -1, 1, 8), mean, uniform(random, -1, 1, 8), var, uniform(random, 0.5, 2, 8)),
                    STATISTICS, bn.y(), bn.batchMean(), bn.batchVariance());
        }
    }

    @Test
    void inferenceUsesTheGivenStatistics() {
        assumeGpu();
        for (String format : new String[] {"NHWC", "NCHW"}) {
            for (long[] nhwc : NHWC_SHAPES) {
                long[] shape = inLayout(nhwc, format);
                long c = nhwc[3];
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                Output x = tf.placeholder(DType.FLOAT32, Shape.of(shape), "x");
                Output scale = tf.placeholder(DType.FLOAT32, Shape.of(c), "scale");
                Output offset = tf.placeholder(DType.FLOAT32, Shape.of(c), "offset");
                Output mean = tf.placeholder(DType.FLOAT32, Shape.of(c), "mean");
                Output var = tf.placeholder(DType.FLOAT32, Shape.of(c), "variance");
                FusedBatchNorm bn = tf.nn.fusedBatchNorm(x, scale, offset, mean, var, EPSILON, format, false);
                compare(g, feeds(x, uniform(random, -2, 2, shape), scale, uniform(random, 0.5, 1.5, c),
                        offset, uniform(random, -1, 1, c), mean, uniform(random, -1, 1, c),
                        var, uniform(random, 0.5, 2, c)), Tolerance.relative(1e-5, 1e-6), bn.y());
            }
        }
    }
}
