package dev.tensorgraph.ops;

import dev.tensorgraph.ops.nn.Moments;
import dev.tensorgraph.ops.nn.FusedBatchNorm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchNormOpsTest {
    /** x [2, 1, 2, 2] NHWC: channel 0 holds 1, 3, 5, 7; channel 1 holds 2, 2, 4, 4. */
    private static Tensor x() {
        return Tensor.of(DType.FLOAT32, Shape.of(2, 1, 2, 2), new float[] {1, 2, 3, 2, 5, 4, 7, 4});
    }

    @Test
    void trainingUsesBatchStatisticsAndBesselCorrectedVariance() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output scale = tf.constant(new float[] {1, 2});
        Output offset = tf.constant(new float[] {0, 1});
        FusedBatchNorm bn = tf.nn.fusedBatchNorm(tf.constant(x()), scale, offset, null, null, 0f, "NHWC", true);
        assertEquals(Shape.of(2, 1, 2, 2), bn.y().shape());
        assertEquals(Shape.of(2), bn.batchMean().shape());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            List<Tensor> r = s.runner().fetch(bn.y()).fetch(bn.batchMean()).fetch(bn.batchVariance())
                    .fetch(bn.y().op().output(4)).run();
            NnTestSupport.assertClose(new double[] {4, 3}, r.get(1).toDoubles(), 1e-6, "mean");
            // channel 0: squares 9+1+1+9 = 20 -> biased 5, unbiased 20/3; channel 1: 4 -> 1, 4/3
            NnTestSupport.assertClose(new double[] {20.0 / 3, 4.0 / 3}, r.get(2).toDoubles(), 1e-6, "batch_variance");
            NnTestSupport.assertClose(new double[] {5, 1}, r.get(3).toDoubles(), 1e-6, "reserve_space_2");
            double s5 = Math.sqrt(5);
            NnTestSupport.assertClose(new double[] {-3 / s5, 2 * -1 + 1, -1 / s5, 2 * -1 + 1, 1 / s5, 2 * 1 + 1, 3 / s5, 2 * 1 + 1},
                    r.get(0).toDoubles(), 1e-5, "y");
        }
    }

    @Test
    void inferenceUsesTheGivenStatistics() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        FusedBatchNorm bn = tf.nn.fusedBatchNorm(tf.constant(x()), tf.constant(new float[] {1, 1}),
                tf.constant(new float[] {0.5f, 0}), tf.constant(new float[] {1, 2}), tf.constant(new float[] {4, 1}), 0f, "NHWC",
                false);
        NnTestSupport.assertClose(new double[] {0.5, 0, 1.5, 0, 2.5, 2, 3.5, 2}, NnTestSupport.run(g, bn.y()).toDoubles(), 1e-6, "y");
        assertThrows(InvalidArgumentException.class, () -> tf.nn.fusedBatchNorm(tf.constant(x()), tf.constant(new float[] {1, 1, 1}),
                tf.constant(new float[] {0, 0, 0}), null, null, 1e-3f, "NHWC", true));
    }

    @Test
    void exponentialAverageBlendsRunningStatistics() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        FusedBatchNorm bn = tf.nn.fusedBatchNorm(tf.constant(x()), tf.constant(new float[] {1, 1}),
                tf.constant(new float[] {0, 0}), tf.constant(new float[] {0, 1}), tf.constant(new float[] {1, 1}), 0f, 0.25f, "NHWC",
                true, null);
        NnTestSupport.assertClose(new double[] {1, 1.5}, NnTestSupport.run(g, bn.batchMean()).toDoubles(), 1e-6, "mean");
        NnTestSupport.assertClose(new double[] {0.75 + 0.25 * 20 / 3, 0.75 + 0.25 * 4 / 3},
                NnTestSupport.run(g, bn.batchVariance()).toDoubles(), 1e-6, "variance");
    }

    @Test
    void gradients() {
        Tensor x = GradientChecker.random(1, -1, 1, 2, 3, 2, 3);
        Tensor scale = GradientChecker.random(2, 0.5, 1.5, 3);
        Tensor offset = GradientChecker.random(3, -1, 1, 3);
        GradientChecker.check((tf, in) -> tf.nn.fusedBatchNorm(in.get(0), in.get(1), in.get(2), null, null, 1e-3f, "NHWC", true).y(),
                1e-4, 1e-6, x, scale, offset);
        GradientChecker.check((tf, in) -> tf.nn.fusedBatchNorm(in.get(0), in.get(1), in.get(2),
                tf.constant(new double[] {0.1, -0.2, 0.3}), tf.constant(new double[] {1.5, 0.5, 2}), 1e-3f, "NHWC", false).y(),
                x, scale, offset);
        // NCHW: channels on dim 1
        GradientChecker.check((tf, in) -> tf.nn.fusedBatchNorm(in.get(0), in.get(1), in.get(2), null, null, 1e-3f, "NCHW", true).y(),
                1e-4, 1e-6, GradientChecker.random(4, -1, 1, 2, 3, 2, 2), scale, offset);
    }

    @Test
    void momentsAndBatchNormalization() {
        NnTestSupport.assumeKernels("Mean", "SquaredDifference", "Squeeze", "Rsqrt", "AddV2", "Mul", "Sub");
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output v = tf.constant(new double[][] {{1, 2}, {3, 6}});
        Moments m = tf.nn.moments(v, new int[] {0});
        assertEquals(Shape.of(2), m.mean().shape());
        NnTestSupport.assertClose(new double[] {2, 4}, NnTestSupport.run(g, m.mean()).toDoubles(), 1e-12, "mean");
        NnTestSupport.assertClose(new double[] {1, 4}, NnTestSupport.run(g, m.variance()).toDoubles(), 1e-12, "variance");
        Output bn = tf.nn.batchNormalization(v, m.mean(), m.variance(), tf.constant(new double[] {0, 1}), null, 0f);
        NnTestSupport.assertClose(new double[] {-1, 0, 1, 2}, NnTestSupport.run(g, bn).toDoubles(), 1e-12, "batchnorm");
    }
}
