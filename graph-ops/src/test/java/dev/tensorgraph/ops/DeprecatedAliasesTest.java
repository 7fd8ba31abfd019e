package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TensorFlow 0.x names older TF-Slim code still calls: they build what their successors build. */
@SuppressWarnings("deprecation")
class DeprecatedAliasesTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    @Test
    void initializeAllVariablesIsTheGlobalInitializer() {
        Variable v = tf.variable(tf.constant(new float[] {1, 2}), "v");
        Operation init = tf.initializeAllVariables();
        assertEquals("init", init.name());
        assertEquals(List.of(v.initializer()), init.controlInputs());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(init);
            assertArrayEquals(new float[] {1, 2}, s.run(v, java.util.Map.of()).floats(), 0f);
        }
    }

    @Test
    void subAndMulAreSubtractAndMultiply() {
        Output a = tf.constant(new float[] {5, 7});
        Output b = tf.constant(new float[] {2, 3});
        Output d = tf.sub(a, b);
        Output p = tf.mul(a, b, "product");
        assertEquals("Sub", d.op().type());
        assertEquals("product:0", p.name());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertArrayEquals(new float[] {3, 4}, s.run(d, java.util.Map.of()).floats(), 0f);
            assertArrayEquals(new float[] {10, 21}, s.run(p, java.util.Map.of()).floats(), 0f);
        }
    }

    @Test
    void variableOpScopeAndOpScopeTakeADefaultName() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(1), "x");
        Variable w1;
        Variable w2;
        try (var s = tf.variableOpScope(List.of(x), null, "Block")) {
            w1 = tf.getVariable("w", Shape.of(1), Initializers.zeros());
        }
        try (var s = tf.variableOpScope(List.of(x), null, "Block")) {
            w2 = tf.getVariable("w", Shape.of(1), Initializers.zeros());
        }
        try (var s = tf.variableOpScope(List.of(x), "named", "Block")) {
            assertEquals("named/", s.name());
        }
        assertEquals("Block/w:0", w1.name());
        assertEquals("Block_1/w:0", w2.name());
        try (var s = tf.opScope(List.of(x), null, "ops")) {
            assertEquals("ops/Identity", tf.identity(x).op().name());
        }
        try (var s = tf.opScope(List.of(x), "mine", "ops")) {
            assertEquals("mine/", s.name());
        }
        assertThrows(InvalidArgumentException.class, () -> tf.opScope(List.of(), null, null));
    }
}
