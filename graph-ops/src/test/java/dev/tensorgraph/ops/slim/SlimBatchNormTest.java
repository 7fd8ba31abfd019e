package dev.tensorgraph.ops.slim;

import static dev.tensorgraph.ops.slim.SlimTesting.assertClose;
import static dev.tensorgraph.ops.slim.SlimTesting.checkGradients;
import static dev.tensorgraph.ops.slim.SlimTesting.fixed;
import static dev.tensorgraph.ops.slim.SlimTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.BatchNormOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * slim.batch_norm against tf.layers.batch_normalization with TF-Slim's defaults (decay 0.999, no gamma), its
 * moving-average updates, its 2-D, in-place, run-time-training and NCHW forms, and finite-difference gradients.
 */
class SlimBatchNormTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final TfSlim slim = tf.slim;

    private Variable var(String name) {
        for (Variable v : tf.globalVariables()) {
            if (v.opName().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no variable " + name);
    }

    /** Runs the fetches with the update ops as targets, then reads the variables. */
    private List<Tensor> trainStep(List<Output> fetches, Map<Output, Tensor> feeds, List<Variable> read) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            var runner = s.runner();
            feeds.forEach(runner::feed);
            fetches.forEach(runner::fetch);
            for (Object u : g.collection(GraphKeys.UPDATE_OPS)) {
                runner.target(((Output) u).op());
            }
            List<Tensor> out = new ArrayList<>(runner.run());
            for (Variable v : read) {
                out.add(s.run(v, Map.of()));
            }
            return out;
        }
    }

    @Test
    void trainingIsTfLayersBatchNormalizationWithSlimsDefaults() {
        for (boolean fused : new boolean[] {true, false}) {
            Graph fresh = new Graph();
            Tf t = Tf.of(fresh);
            Output x = t.placeholder(DType.FLOAT32, Shape.of(3, 4, 5, 2), "x");
            Tensor beta = random(1, DType.FLOAT32, 2);
            Output ys = t.slim.batchNorm(x, SlimArgs.create().fused(fused).paramInitializers(Map.of("beta",
                    fixed(beta))));
            Output yl = t.layers.batchNormalization(x, BatchNormOptions.create().training(true).momentum(0.999)
                    .scale(false).fused(fused).betaInitializer(fixed(beta)));
            Output dy = t.constant(random(2, DType.FLOAT32, 3, 4, 5, 2));
            List<Variable> v = t.globalVariables();
            List<Output> fetches = new ArrayList<>(List.of(ys, yl));
            fetches.addAll(t.gradients(List.of(ys), List.of(x, v.get(0)), List.of(dy), null));
            fetches.addAll(t.gradients(List.of(yl), List.of(x, v.get(3)), List.of(dy), null));
            List<Tensor> r;
            try (Session s = new Session(fresh, SessionOptions.cpuOnly())) {
                s.run(t.globalVariablesInitializer());
                var runner = s.runner().feed(x, random(3, DType.FLOAT32, 3, 4, 5, 2));
                fetches.forEach(runner::fetch);
                fresh.collection(GraphKeys.UPDATE_OPS).forEach(u -> runner.target(((Output) u).op()));
                r = new ArrayList<>(runner.run());
                for (int i : new int[] {1, 2, 4, 5}) {
                    r.add(s.run(v.get(i), Map.of()));
                }
            }
            String form = fused ? "fused" : "composed";
            assertEquals(List.of("BatchNorm/beta", "BatchNorm/moving_mean", "BatchNorm/moving_variance",
                    "batch_normalization/beta", "batch_normalization/moving_mean",
                    "batch_normalization/moving_variance"), v.stream().map(Variable::opName).toList());
            assertClose(r.get(1), r.get(0), 1e-5, 1e-5, form + " output");
            assertClose(r.get(4), r.get(2), 1e-4, 1e-4, form + " d/dx");
            assertClose(r.get(5), r.get(3), 1e-4, 1e-4, form + " d/dbeta");
            assertClose(r.get(8), r.get(6), 1e-6, 1e-6, form + " moving_mean");
            assertClose(r.get(9), r.get(7), 1e-6, 1e-6, form + " moving_variance");
        }
    }

    @Test
    void aMatrixGoesThroughTheFusedOpAndItsVarianceUpdateHasBesselsCorrection() {
        // two channels: {1, 3} (mean 2, variance 1, unbiased 2) and {2, 6} (mean 4, variance 4, unbiased 8)
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 2), "x");
        Output y = slim.batchNorm(x, SlimArgs.create().decay(0.9).scale(true).epsilon(1e-3));
        List<Tensor> r = trainStep(List.of(y), Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(2, 2),
                new float[] {1, 2, 3, 6})), List.of(var("BatchNorm/moving_mean"), var("BatchNorm/moving_variance")));
        double s1 = 1 / Math.sqrt(1 + 1e-3);
        double s2 = 2 / Math.sqrt(4 + 1e-3);
        assertArrayEquals(new float[] {(float) -s1, (float) -s2, (float) s1, (float) s2}, r.get(0).floats(), 1e-5f);
        assertEquals(Shape.of(2, 2), r.get(0).shape());
        assertArrayEquals(new float[] {0.2f, 0.4f}, r.get(1).floats(), 1e-6f);
        assertArrayEquals(new float[] {0.9f + 0.1f * 2, 0.9f + 0.1f * 8}, r.get(2).floats(), 1e-6f);
    }

    @Test
    void inPlaceUpdatesRunWithTheOutput() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 1, 1, 2), "x");
        Output y = slim.batchNorm(x, SlimArgs.create().updatesCollections((String[]) null).decay(0.5));
        assertEquals(List.of(), g.collection(GraphKeys.UPDATE_OPS));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            s.run(y, Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(2, 1, 1, 2), new float[] {1, 2, 3, 6})));
            assertArrayEquals(new float[] {1, 2}, s.run(var("BatchNorm/moving_mean"), Map.of()).floats(), 1e-6f);
            assertArrayEquals(new float[] {1.5f, 4.5f}, s.run(var("BatchNorm/moving_variance"), Map.of()).floats(),
                    1e-6f);
        }
    }

    @Test
    void aTrainingTensorChoosesTheStatisticsAndLeavesTheAveragesOutsideTraining() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3, 2, 2, 2), "x");
        Output training = tf.placeholder(DType.BOOL, Shape.scalar(), "is_training");
        Tensor mm = Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {0.5f, -1});
        Tensor mv = Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {2, 3});
        SlimArgs init = SlimArgs.create().paramInitializers(Map.of("moving_mean", fixed(mm), "moving_variance",
                fixed(mv)));
        Output y = slim.batchNorm(x, init.copy().isTraining(training));
        Output train = slim.batchNorm(x, init.copy().isTraining(true).scope("known_train"));
        Output infer = slim.batchNorm(x, init.copy().isTraining(false).scope("known_infer"));
        Tensor xv = random(4, DType.FLOAT32, 3, 2, 2, 2);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            Tensor yFalse = s.runner().feed(x, xv).feed(training, Tensor.of(false)).fetch(y)
                    .target(((Output) g.collection(GraphKeys.UPDATE_OPS).get(0)).op()).run().get(0);
            assertClose(s.run(infer, Map.of(x, xv)), yFalse, 1e-6, 1e-6, "is_training fed false");
            assertArrayEquals(mm.floats(), s.run(var("BatchNorm/moving_mean"), Map.of()).floats(), 0f);
            Tensor yTrue = s.run(y, Map.of(x, xv, training, Tensor.of(true)));
            assertClose(s.run(train, Map.of(x, xv)), yTrue, 1e-6, 1e-6, "is_training fed true");
        }
    }

    @Test
    void nchwIsNhwcTransposed() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 3, 4, 3), "x");
        SlimArgs args = SlimArgs.create().scale(true).paramInitializers(Map.of("gamma",
                fixed(random(5, DType.FLOAT32, 3)), "beta", fixed(random(6, DType.FLOAT32, 3))));
        Output nhwc = slim.batchNorm(x, args);
        Output nchw = slim.batchNorm(tf.transpose(x, new int[] {0, 3, 1, 2}), args.copy().dataFormat("NCHW"));
        Output back = tf.transpose(nchw, new int[] {0, 2, 3, 1});
        Output composed = slim.batchNorm(tf.transpose(x, new int[] {0, 3, 1, 2}), args.copy().dataFormat("NCHW")
                .fused(false));
        Tensor xv = random(7, DType.FLOAT32, 2, 3, 4, 3);
        List<Tensor> r = trainStep(List.of(nhwc, back, tf.transpose(composed, new int[] {0, 2, 3, 1})),
                Map.of(x, xv), List.of(var("BatchNorm/moving_mean"), var("BatchNorm_1/moving_mean")));
        assertClose(r.get(0), r.get(1), 1e-5, 1e-5, "NCHW fused");
        assertClose(r.get(0), r.get(2), 1e-5, 1e-5, "NCHW composed");
        assertClose(r.get(3), r.get(4), 1e-6, 1e-6, "NCHW moving mean");
    }

    @Test
    void composedGradientsAreNumeric() {
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(4, 3), "x");
        Output y = slim.batchNorm(x, SlimArgs.create().scale(true));
        Output training = slim.batchNorm(tf.placeholder(DType.FLOAT64, Shape.of(2, 2, 3), "x3"),
                SlimArgs.create().scale(true));
        Output gamma = var("BatchNorm/gamma").value();
        Output beta = var("BatchNorm/beta").value();
        checkGradients(g, y, Map.of(x, random(8, DType.FLOAT64, 4, 3), gamma, random(9, DType.FLOAT64, 3), beta,
                random(10, DType.FLOAT64, 3)), List.of(x, gamma, beta), 1e-5, 1e-7);
        assertEquals(Shape.of(2, 2, 3), training.shape());
        assertEquals("BatchNorm_1/batchnorm/add_1", training.op().name());
    }
}
