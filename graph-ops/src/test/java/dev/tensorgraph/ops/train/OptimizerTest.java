package dev.tensorgraph.ops.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.Optimizer.GradAndVar;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer's update against hand-computed steps, with constant gradients fed through applyGradients so the
 * update formula alone is under test: w0 = [1, 2], g = [1, -2] unless said otherwise.
 */
class OptimizerTest {
    private static final float[] W0 = {1f, 2f};
    private static final float[] G = {1f, -2f};

    /** A graph with variable w = W0 and the train op of {@code opt} for the constant gradient G. */
    private record Setup(Graph g, Tf tf, Variable w, Operation train) {}

    private static Setup setup(Optimizer opt) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(W0), "w");
        Output grad = tf.constant(G, "grad");
        Operation train = opt.applyGradients(List.of(new GradAndVar(grad, w)));
        return new Setup(g, tf, w, train);
    }

    /** The value of w after each of {@code steps} runs of the train op. */
    private static List<float[]> run(Setup s, int steps) {
        List<float[]> out = new ArrayList<>();
        try (Session sess = new Session(s.g(), SessionOptions.cpuOnly())) {
            sess.run(s.tf().globalVariablesInitializer());
            for (int i = 0; i < steps; i++) {
                sess.run(s.train());
                out.add(sess.run(s.w()).floats());
            }
        }
        return out;
    }

    @Test
    void gradientDescent() {
        Setup s = setup(new GradientDescentOptimizer(0.5f));
        assertEquals("GradientDescent", s.train().name());
        assertEquals("NoOp", s.train().type());
        Operation apply = s.g().operation("GradientDescent/update_w/ApplyGradientDescent");
        assertNotNull(apply);
        assertEquals("w", apply.input(0).op().name());
        assertEquals("GradientDescent/learning_rate", apply.input(1).op().name());
        List<float[]> w = run(s, 3);
        assertArrayEquals(new float[]{0.5f, 3f}, w.get(0), 1e-6f);
        assertArrayEquals(new float[]{0f, 4f}, w.get(1), 1e-6f);
        assertArrayEquals(new float[]{-0.5f, 5f}, w.get(2), 1e-6f);
        assertTrue(s.g().collection(GraphKeys.TRAIN_OP).contains(s.train()));
    }

    @Test
    void momentum() {
        MomentumOptimizer opt = new MomentumOptimizer(0.1f, 0.9f);
        Setup s = setup(opt);
        assertEquals("Momentum", s.train().name());
        assertEquals("w/Momentum", opt.getSlot(s.w(), "momentum").opName());
        assertFalse(opt.getSlot(s.w(), "momentum").trainable());
        assertNotNull(s.g().operation("Momentum/update_w/ApplyMomentum"));
        List<float[]> w = run(s, 3);
        // accum = 0.9 * accum + g; w -= 0.1 * accum: accum 1, 1.9, 2.71 (times g)
        assertArrayEquals(new float[]{0.9f, 2.2f}, w.get(0), 1e-6f);
        assertArrayEquals(new float[]{0.71f, 2.58f}, w.get(1), 1e-6f);
        assertArrayEquals(new float[]{0.439f, 3.122f}, w.get(2), 1e-5f);
    }

    @Test
    void nesterovMomentum() {
        Setup s = setup(new MomentumOptimizer(0.1f, 0.9f, true));
        assertEquals(true, s.g().operation("Momentum/update_w/ApplyMomentum").attrBool("use_nesterov"));
        List<float[]> w = run(s, 3);
        // w -= lr * g + lr * momentum * accum, accum as above
        assertArrayEquals(new float[]{1f - 0.19f, 2f + 0.38f}, w.get(0), 1e-6f);
        assertArrayEquals(new float[]{0.81f - 0.271f, 2.38f + 0.542f}, w.get(1), 1e-5f);
        assertArrayEquals(new float[]{0.539f - 0.3439f, 2.922f + 0.6878f}, w.get(2), 1e-5f);
    }

    @Test
    void adagrad() {
        AdagradOptimizer opt = new AdagradOptimizer(0.1f);
        Setup s = setup(opt);
        assertEquals("Adagrad", s.train().name());
        assertEquals("w/Adagrad", opt.getSlot(s.w(), "accumulator").opName());
        List<float[]> w = run(s, 3);
        double[] accum = {0.1, 0.1};
        double[] ref = {1, 2};
        for (int step = 0; step < 3; step++) {
            for (int i = 0; i < 2; i++) {
                accum[i] += G[i] * G[i];
                ref[i] -= 0.1 * G[i] / Math.sqrt(accum[i]);
            }
            assertArrayEquals(new float[]{(float) ref[0], (float) ref[1]}, w.get(step), 1e-5f, "step " + step);
        }
        // first step by hand: accum = 1.1, 4.1
        assertEquals(1 - 0.1 / Math.sqrt(1.1), w.get(0)[0], 1e-6);
        assertEquals(2 + 0.2 / Math.sqrt(4.1), w.get(0)[1], 1e-6);
    }

    @Test
    void rmsProp() {
        RMSPropOptimizer opt = new RMSPropOptimizer(0.01f, 0.9f, 0.5f, 1e-10f);
        Setup s = setup(opt);
        assertEquals("RMSProp", s.train().name());
        assertEquals("w/RMSProp", opt.getSlot(s.w(), "rms").opName());
        assertEquals("w/RMSProp_1", opt.getSlot(s.w(), "momentum").opName());
        List<float[]> w = run(s, 3);
        double[] ms = {1, 1};
        double[] mom = {0, 0};
        double[] ref = {1, 2};
        for (int step = 0; step < 3; step++) {
            for (int i = 0; i < 2; i++) {
                ms[i] = 0.9 * ms[i] + 0.1 * G[i] * G[i];
                mom[i] = 0.5 * mom[i] + 0.01 * G[i] / Math.sqrt(ms[i] + 1e-10);
                ref[i] -= mom[i];
            }
            assertArrayEquals(new float[]{(float) ref[0], (float) ref[1]}, w.get(step), 1e-5f, "step " + step);
        }
        // first step by hand: ms = 1.0 and 1.3 (the slot starts at ones)
        assertEquals(0.99, w.get(0)[0], 1e-6);
        assertEquals(2 + 0.02 / Math.sqrt(1.3), w.get(0)[1], 1e-6);
    }

    @Test
    void centeredRmsProp() {
        RMSPropOptimizer opt = new RMSPropOptimizer(0.01f, 0.9f, 0f, 1e-10f, true);
        Setup s = setup(opt);
        assertEquals("w/RMSProp", opt.getSlot(s.w(), "rms").opName());
        assertEquals("w/RMSProp_1", opt.getSlot(s.w(), "mg").opName());
        assertEquals("w/RMSProp_2", opt.getSlot(s.w(), "momentum").opName());
        assertNotNull(s.g().operation("RMSProp/update_w/ApplyCenteredRMSProp"));
        List<float[]> w = run(s, 3);
        double[] ms = {1, 1};
        double[] mg = {0, 0};
        double[] mom = {0, 0};
        double[] ref = {1, 2};
        for (int step = 0; step < 3; step++) {
            for (int i = 0; i < 2; i++) {
                ms[i] = 0.9 * ms[i] + 0.1 * G[i] * G[i];
                mg[i] = 0.9 * mg[i] + 0.1 * G[i];
                mom[i] = 0.01 * G[i] / Math.sqrt(ms[i] - mg[i] * mg[i] + 1e-10);
                ref[i] -= mom[i];
            }
            assertArrayEquals(new float[]{(float) ref[0], (float) ref[1]}, w.get(step), 1e-5f, "step " + step);
        }
    }

    @Test
    void adam() {
        AdamOptimizer opt = new AdamOptimizer(0.1f);
        Setup s = setup(opt);
        assertEquals("Adam", s.train().name());
        assertEquals("w/Adam", opt.getSlot(s.w(), "m").opName());
        assertEquals("w/Adam_1", opt.getSlot(s.w(), "v").opName());
        Operation b1 = s.g().operation("beta1_power");
        assertNotNull(b1);
        assertNotNull(s.g().operation("beta2_power"));
        List<Variable> accumulators = opt.getBetaAccumulators(s.tf());
        assertEquals("beta1_power", accumulators.get(0).opName());
        assertFalse(accumulators.get(0).trainable());
        assertFalse(s.tf().trainableVariables().contains(accumulators.get(0)));
        assertTrue(s.tf().globalVariables().contains(accumulators.get(1)));
        Operation apply = s.g().operation("Adam/update_w/ApplyAdam");
        assertEquals(10, apply.numInputs());
        // the powers are updated after the apply op, through control dependencies; as in TensorFlow's graph the
        // edge is on Adam/mul, which the Assign reads, so the Assign itself has none
        Operation assign1 = s.g().operation("Adam/Assign");
        assertEquals("beta1_power", assign1.input(0).op().name());
        assertEquals("Adam/mul", assign1.input(1).op().name());
        assertTrue(assign1.input(1).op().controlInputs().contains(apply));
        assertTrue(assign1.controlInputs().isEmpty());

        List<float[]> w = run(s, 3);
        double[] m = {0, 0};
        double[] v = {0, 0};
        double[] ref = {1, 2};
        for (int t = 1; t <= 3; t++) {
            double lrT = 0.1 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            for (int i = 0; i < 2; i++) {
                m[i] = 0.9 * m[i] + 0.1 * G[i];
                v[i] = 0.999 * v[i] + 0.001 * G[i] * G[i];
                ref[i] -= lrT * m[i] / (Math.sqrt(v[i]) + 1e-8);
            }
            assertArrayEquals(new float[]{(float) ref[0], (float) ref[1]}, w.get(t - 1), 1e-5f, "step " + t);
        }
        // Adam's first step moves each weight by lr against the gradient's sign
        assertArrayEquals(new float[]{0.9f, 2.1f}, w.get(0), 1e-5f);
    }

    /**
     * Big variables are updated in parts on the session's threads: on two threads every element moves exactly as
     * on one, and as Adam's formula says (momentum and plain descent likewise).
     */
    @Test
    void bigVariablesUpdateInPartsAsWhole() {
        int n = 50_000;
        float[] w0 = new float[n];
        float[] g0 = new float[n];
        for (int i = 0; i < n; i++) {
            w0[i] = (float) Math.sin(i);
            g0[i] = (float) Math.cos(0.37 * i);
        }
        for (int which = 0; which < 3; which++) {
            float[] one = trainBig(which, w0, g0, 1);
            float[] two = trainBig(which, w0, g0, 2);
            assertArrayEquals(one, two, "optimizer " + which + ": two threads as one");
            for (int i = 0; i < n; i++) {
                double w = w0[i];
                double g = g0[i];
                double want = switch (which) {
                    case 0 -> w - 2 * 0.1 * g;
                    case 1 -> w - 0.1 * g - 0.1 * (0.9 * g + g);
                    default -> {
                        double m1 = 0.1 * g;
                        double v1 = 0.001 * g * g;
                        double w1 = w - 0.1 * Math.sqrt(1 - 0.999) / (1 - 0.9) * m1 / (Math.sqrt(v1) + 1e-8);
                        double m2 = 0.9 * m1 + 0.1 * g;
                        double v2 = 0.999 * v1 + 0.001 * g * g;
                        yield w1 - 0.1 * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9) * m2 / (Math.sqrt(v2) + 1e-8);
                    }
                };
                assertEquals(want, two[i], 1e-5 + 1e-5 * Math.abs(want), "optimizer " + which + " element " + i);
            }
        }
    }

    /** w after two steps of gradient descent (0), momentum (1) or Adam (2), lr 0.1, on {@code threads} threads. */
    private static float[] trainBig(int which, float[] w0, float[] g0, int threads) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(w0), "w");
        Output grad = tf.constant(g0, "grad");
        Optimizer opt = which == 0 ? new GradientDescentOptimizer(0.1f)
                : which == 1 ? new MomentumOptimizer(0.1f, 0.9f) : new AdamOptimizer(0.1f);
        Operation train = opt.applyGradients(List.of(new GradAndVar(grad, w)));
        try (Session sess = new Session(g, SessionOptions.cpuOnly().intraOpThreads(threads))) {
            sess.run(tf.globalVariablesInitializer());
            sess.run(train);
            sess.run(train);
            return sess.run(w).floats();
        }
    }

    @Test
    void adamBetaPowersAfterSteps() {
        AdamOptimizer opt = new AdamOptimizer(0.1f, 0.5f, 0.25f, 1e-8f);
        Setup s = setup(opt);
        List<Variable> acc = opt.getBetaAccumulators(s.tf());
        try (Session sess = new Session(s.g(), SessionOptions.cpuOnly())) {
            sess.run(s.tf().globalVariablesInitializer());
            assertEquals(0.5f, sess.run(acc.get(0)).floatValue(), 0f);
            sess.run(s.train());
            sess.run(s.train());
            assertEquals(0.125f, sess.run(acc.get(0)).floatValue(), 1e-7f);
            assertEquals(0.25f * 0.25f * 0.25f, sess.run(acc.get(1)).floatValue(), 1e-7f);
        }
    }

    @Test
    void globalStepIncrementedAfterUpdates() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(W0), "w");
        Variable step = GlobalStep.getOrCreateGlobalStep(tf.graph());
        Operation train = new GradientDescentOptimizer(0.5f)
                .applyGradients(List.of(new GradAndVar(tf.constant(G), w)), step);
        assertEquals("GradientDescent", train.name());
        assertEquals("AssignAdd", train.type());
        Operation update = g.operation("GradientDescent/update");
        assertNotNull(update);
        // TensorFlow's structure: the constant 1 (GradientDescent/value) waits for the updates, the AssignAdd reads it
        Operation one = train.input(1).op();
        assertEquals("GradientDescent/value", one.name());
        assertEquals(List.of(update), one.controlInputs());
        assertTrue(train.controlInputs().isEmpty());
        assertEquals(DType.INT64, train.input(1).dtype());
        try (Session sess = new Session(g, SessionOptions.cpuOnly())) {
            sess.run(tf.globalVariablesInitializer());
            for (int i = 0; i < 3; i++) {
                sess.run(train);
            }
            assertEquals(3L, sess.run(step).longValue());
            assertArrayEquals(new float[]{-0.5f, 5f}, sess.run(w).floats(), 1e-6f);
        }
    }

    @Test
    void variableWithoutGradientIsSkipped() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(W0), "w");
        Variable b = tf.variable(tf.constant(new float[]{7f}), "b");
        MomentumOptimizer opt = new MomentumOptimizer(0.1f, 0.9f);
        Operation train = opt.applyGradients(List.of(new GradAndVar(tf.constant(G), w), new GradAndVar(null, b)));
        assertNull(opt.getSlot(b, "momentum"));
        assertNull(g.operation("b/Momentum"));
        assertNull(g.operation("Momentum/update_b/ApplyMomentum"));
        try (Session sess = new Session(g, SessionOptions.cpuOnly())) {
            sess.run(tf.globalVariablesInitializer());
            sess.run(train);
            assertArrayEquals(new float[]{0.9f, 2.2f}, sess.run(w).floats(), 1e-6f);
            assertArrayEquals(new float[]{7f}, sess.run(b).floats(), 0f);
        }
    }

    @Test
    void noGradientAtAllIsAnError() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(W0), "w");
        Variable b = tf.variable(tf.constant(new float[]{7f}), "b");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new AdamOptimizer()
                .applyGradients(List.of(new GradAndVar(null, w), new GradAndVar(null, b))));
        assertTrue(e.getMessage().contains("No gradients provided for any variable"), e.getMessage());
        assertTrue(e.getMessage().contains("w:0") && e.getMessage().contains("b:0"), e.getMessage());

        // minimize: a loss that depends on no variable
        Output loss = tf.placeholder(DType.FLOAT32, Shape.scalar(), "loss");
        InvalidArgumentException e2 = assertThrows(InvalidArgumentException.class,
                () -> new GradientDescentOptimizer(0.1f).minimize(loss));
        assertTrue(e2.getMessage().contains("No gradients provided for any variable"), e2.getMessage());
        assertTrue(e2.getMessage().contains("w:0") && e2.getMessage().contains("b:0"), e2.getMessage());
    }

    @Test
    void integerLossIsRejected() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        tf.variable(tf.constant(W0), "w");
        Output loss = tf.placeholder(DType.INT32, Shape.scalar(), "loss");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> new GradientDescentOptimizer(0.1f).minimize(loss));
        assertTrue(e.getMessage().contains("Invalid type int32"), e.getMessage());
    }

    @Test
    void slotsAreReusedAndUniquelyNamed() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(W0), "w");
        MomentumOptimizer opt = new MomentumOptimizer(0.1f, 0.9f);
        opt.applyGradients(List.of(new GradAndVar(tf.constant(G), w)));
        Variable slot = opt.getSlot(w, "momentum");
        Operation second = opt.applyGradients(List.of(new GradAndVar(tf.constant(G), w)));
        assertEquals("Momentum_1", second.name());
        assertEquals(slot, opt.getSlot(w, "momentum"));
        // another optimizer of the same kind gets the next slot name
        MomentumOptimizer other = new MomentumOptimizer(0.1f, 0.9f);
        other.applyGradients(List.of(new GradAndVar(tf.constant(G), w)));
        assertEquals("w/Momentum_1", other.getSlot(w, "momentum").opName());
        assertEquals(List.of("momentum"), opt.getSlotNames());
    }

    @Test
    void applyOpShapeChecks() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(W0), "w");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new GradientDescentOptimizer(0.1f)
                .applyGradients(List.of(new GradAndVar(tf.constant(new float[]{1f, 2f, 3f}), w))));
        assertTrue(e.getMessage().contains("do not have the same shape"), e.getMessage());
        InvalidArgumentException e2 = assertThrows(InvalidArgumentException.class, () -> tf.graph().opBuilder("ApplyGradientDescent", null)
                .addInput(w).addInput(tf.constant(new float[]{0.1f, 0.2f})).addInput(tf.constant(G)).build());
        assertTrue(e2.getMessage().contains("alpha is not a scalar"), e2.getMessage());
    }

    @Test
    void uninitializedSlotFailsNamingIt() {
        Setup s = setup(new MomentumOptimizer(0.1f, 0.9f));
        try (Session sess = new Session(s.g(), SessionOptions.cpuOnly())) {
            sess.run(s.w().initializer());
            Exception e = assertThrows(RuntimeException.class, () -> sess.run(s.train()));
            assertTrue(e.getMessage().contains("w/Momentum"), e.getMessage());
        }
    }

    @Test
    void float64Variables() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(new double[]{1, 2}), "w");
        Operation train = new MomentumOptimizer(0.5f, 0.5f).applyGradients(tf,
                List.of(new GradAndVar(tf.constant(new double[]{1, -2}), w)));
        try (Session sess = new Session(g, SessionOptions.cpuOnly())) {
            sess.run(tf.globalVariablesInitializer());
            sess.run(train);
            sess.run(train);
            // accum 1, 1.5 (times g); w -= 0.5 * accum
            assertArrayEquals(new double[]{1 - 0.5 - 0.75, 2 + 1 + 1.5}, sess.run(w).doubles(), 1e-12);
        }
    }
}
