package dev.tensorgraph.ops;

import dev.tensorgraph.ops.support.ShapeFns;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gradient engine against the results TensorFlow documents for tf.gradients. */
class GradientsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    private float[] eval(List<Output> outs) {
        try (Session s = new Session(g)) {
            List<Tensor> r = s.run(outs, Map.of());
            float[] v = new float[r.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.get(i).floatValue();
            }
            return v;
        }
    }

    @Test
    void pathsAreSummedAndStopGradientsHoldTensorsConstant() {
        Output a = tf.constant(0f);
        Output b = tf.multiply(tf.constant(2f), a);
        Output y = tf.add(a, b);
        assertArrayEquals(new float[] {3, 1}, eval(tf.gradients(List.of(y), List.of(a, b))));
        assertArrayEquals(new float[] {1, 1}, eval(tf.gradients(List.of(y), List.of(a, b), null, List.of(b))));
        assertArrayEquals(new float[] {3, 1}, eval(tf.gradients(List.of(y), List.of(a, b), null, List.of(a))));
    }

    @Test
    void stopGradientOpPassesNothing() {
        Variable w1 = tf.variable(tf.constant(1f), "w1");
        Variable w2 = tf.variable(tf.constant(2f), "w2");
        List<Output> grads = tf.gradients(List.of(tf.stopGradient(tf.add(w1, w2))), List.of(w1, w2));
        assertNull(grads.get(0));
        assertNull(grads.get(1));
    }

    @Test
    void unconnectedGivesNullOrZeros() {
        Output x = tf.constant(new float[] {1, 2});
        Output z = tf.constant(new float[] {3, 4, 5});
        Output y = tf.reduceSum(tf.square(x));
        assertNull(tf.gradients(List.of(y), List.of(z)).get(0));
        Output zeros = tf.gradients(List.of(y), List.of(z), null, null, true).get(0);
        try (Session s = new Session(g)) {
            assertArrayEquals(new float[] {0, 0, 0}, s.run(zeros).floats());
        }
    }

    @Test
    void gradYsScaleTheResultAndNamesFollowTensorFlow() {
        Output x = tf.constant(new float[] {1, 2, 3}, "x");
        Output y = tf.square(x, "y");
        List<Output> grads = tf.gradients(List.of(y), List.of(x), List.of(tf.constant(new float[] {1, 10, 100})), null);
        assertTrue(grads.get(0).op().name().startsWith("gradients/y_grad/"), grads.get(0).op().name());
        List<Output> again = tf.gradients(List.of(y), List.of(x));
        assertTrue(again.get(0).op().name().startsWith("gradients_1/"), again.get(0).op().name());
        // TensorFlow 2.21's ones(shape(y), name="grad_ys_0"): a Const shape (y's shape is known), a Const one, a Fill
        assertEquals("Const", g.operation("gradients_1/Shape").type());
        assertEquals("Const", g.operation("gradients_1/grad_ys_0/Const").type());
        assertEquals("Fill", g.operation("gradients_1/grad_ys_0").type());
        try (Session s = new Session(g)) {
            assertArrayEquals(new float[] {2, 40, 600}, s.run(grads.get(0)).floats());
            assertArrayEquals(new float[] {2, 4, 6}, s.run(again.get(0)).floats());
        }
    }

    @Test
    void severalYsAreSummed() {
        Output x = tf.constant(3f);
        Output y1 = tf.square(x);
        Output y2 = tf.multiply(x, 5f);
        assertArrayEquals(new float[] {11}, eval(tf.gradients(List.of(y1, y2), List.of(x))));
    }

    @Test
    void anOpWithoutGradientOnThePathIsAnErrorNamingIt() {
        if (!OpRegistry.global().contains("TestNoGradient")) {
            OpRegistry.global().register(OpDef.builder("TestNoGradient").input("x").attr("T", AttrType.TYPE)
                    .shape(ShapeFns.UNCHANGED).gradient((op, dy) -> {
                        throw new NotFoundException("never called");
                    }).build());
        }
        Output x = tf.constant(1f);
        Output mid = tf.graph().opBuilder("TestNoGradient", "opaque").addInput(x).build().output(0);
        // A registered function that fails is reported with the op's name.
        var e = assertThrows(NotFoundException.class, () -> tf.gradients(List.of(tf.square(mid)), List.of(x)));
        assertTrue(e.getMessage().contains("opaque"), e.getMessage());
    }

    @Test
    void deepChainsNeedNoRecursion() {
        Output x = tf.constant(1.0);
        Output h = x;
        for (int i = 0; i < 20_000; i++) {
            h = tf.multiply(h, 1.0001);
        }
        Output grad = tf.gradients(List.of(h), List.of(x)).get(0);
        try (Session s = new Session(g)) {
            assertEquals(Math.pow(1.0001, 20_000), s.run(grad).doubleValue(), 1e-9 * Math.pow(1.0001, 20_000));
        }
        assertEquals(Shape.scalar(), grad.shape());
        assertTrue(Arrays.asList(DType.values()).contains(grad.dtype()));
    }

    /** A 16-bit y is differentiated from ones of its own type (bf16 and fp16 hold 2·x exactly for these x). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void sixteenBitYsStartFromOnesOfTheirType(DType dtype) {
        Output x = tf.cast(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(3), new float[] {1f, -2f, 3.5f})), dtype);
        Output y = tf.reduceSum(tf.mul(x, x));
        Output dx = tf.gradients(y, List.of(x)).get(0);
        assertEquals(dtype, dx.dtype());
        try (Session s = new Session(g)) {
            Tensor t = s.run(tf.cast(dx, DType.FLOAT32));
            assertArrayEquals(new float[] {2f, -4f, 7f}, t.floats());
        }
    }
}
