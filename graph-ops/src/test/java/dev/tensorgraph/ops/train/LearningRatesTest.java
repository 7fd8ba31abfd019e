package dev.tensorgraph.ops.train;

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
import dev.tensorgraph.ops.Tf;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearningRatesTest {
    private static float at(Session s, Output value, Output step, long t) {
        return s.run(value, Map.of(step, Tensor.of(t))).floatValue();
    }

    @Test
    void exponentialDecay() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        TfTrain train = new TfTrain(tf.graph());
        Output step = tf.placeholder(DType.INT64, Shape.scalar(), "step");
        Output smooth = train.exponentialDecay(0.1f, step, 10, 0.5f);
        Output stairs = train.exponentialDecay(0.1f, step, 10, 0.5f, true);
        assertEquals("ExponentialDecay", smooth.op().name());
        assertEquals("ExponentialDecay_1", stairs.op().name());
        assertEquals(DType.FLOAT32, smooth.dtype());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            // 0.1 * 0.5^(step / 10)
            assertEquals(0.1f, at(s, smooth, step, 0), 1e-7f);
            assertEquals(0.1 * Math.sqrt(0.5), at(s, smooth, step, 5), 1e-7);
            assertEquals(0.05f, at(s, smooth, step, 10), 1e-7f);
            assertEquals(0.025f, at(s, smooth, step, 20), 1e-7f);
            assertEquals(0.1 * Math.pow(0.5, 2.7), at(s, smooth, step, 27), 1e-7);
            // floor(step / 10)
            assertEquals(0.1f, at(s, stairs, step, 5), 1e-7f);
            assertEquals(0.1f, at(s, stairs, step, 9), 1e-7f);
            assertEquals(0.05f, at(s, stairs, step, 10), 1e-7f);
            assertEquals(0.025f, at(s, stairs, step, 27), 1e-7f);
        }
    }

    @Test
    void exponentialDecayDrivenByTheGlobalStep() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        TfTrain train = new TfTrain(tf.graph());
        var step = train.getOrCreateGlobalStep();
        Output lr = train.exponentialDecay(1.0f, step, 2, 0.5f, true);
        var increment = step.assignAdd(tf.constant(1L));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            float[] expected = {1f, 1f, 0.5f, 0.5f, 0.25f};
            for (float e : expected) {
                assertEquals(e, s.run(lr).floatValue(), 1e-7f);
                s.run(increment);
            }
        }
    }

    @Test
    void piecewiseConstant() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        TfTrain train = new TfTrain(tf.graph());
        Output step = tf.placeholder(DType.INT64, Shape.scalar(), "step");
        Output lr = train.piecewiseConstant(step, new long[]{100, 200}, new double[]{1.0, 0.5, 0.1});
        assertEquals("PiecewiseConstant", lr.op().name());
        assertEquals(DType.FLOAT32, lr.dtype());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(1.0f, at(s, lr, step, 0), 0f);
            assertEquals(1.0f, at(s, lr, step, 100), 0f);
            assertEquals(0.5f, at(s, lr, step, 101), 0f);
            assertEquals(0.5f, at(s, lr, step, 200), 0f);
            assertEquals(0.1f, at(s, lr, step, 201), 0f);
            assertEquals(0.1f, at(s, lr, step, 100000), 0f);
        }
    }

    @Test
    void piecewiseConstantFloatX() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.scalar(), "x");
        Output y = LearningRates.piecewiseConstant(tf.graph(), x, new double[]{0.5}, new double[]{3, 4});
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(3f, s.run(y, Map.of(x, Tensor.of(0.5f))).floatValue(), 0f);
            assertEquals(4f, s.run(y, Map.of(x, Tensor.of(0.75f))).floatValue(), 0f);
        }
    }

    @Test
    void piecewiseConstantChecksItsArguments() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output step = tf.placeholder(DType.INT64, Shape.scalar(), "step");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> LearningRates.piecewiseConstant(tf.graph(), step, new long[]{1, 2}, new double[]{1, 2}));
        assertEquals("The length of boundaries should be 1 less than the length of values", e.getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> LearningRates.piecewiseConstant(tf.graph(), step, new double[]{1.5}, new double[]{1, 2}));
        assertThrows(InvalidArgumentException.class,
                () -> LearningRates.exponentialDecay(tf.graph(), 0.1, null, 10, 0.5));
    }
}
