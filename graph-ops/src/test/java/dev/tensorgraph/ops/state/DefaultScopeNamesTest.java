package dev.tensorgraph.ops.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code tf.variable_scope(None, default_name=...)}: TensorFlow counts variable scopes and name scopes apart. */
class DefaultScopeNamesTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    private Variable w(String name) {
        return VariableScopes.getVariable(g, name, Shape.of(1), DType.FLOAT32, Initializers.zeros(), true, null);
    }

    @Test
    void defaultNamesAreCountedPerVariableScopeAndNameScopesByTheGraph() {
        Variable a;
        Variable b;
        Variable c;
        try (var s = VariableScopes.variableScope(g, null, "Conv", Reuse.INHERIT)) {
            a = w("w");
            assertEquals("Conv/", s.name());
        }
        try (var s = VariableScopes.variableScope(g, null, "Conv", Reuse.INHERIT)) {
            b = w("w");
        }
        try (var n = tf.nameScope("Conv_2")) {
            // the name scope Conv_2 is taken, the variable scope Conv_2 is not: TensorFlow counts them apart
            assertEquals("Conv_2/", n.name());
        }
        try (var s = VariableScopes.variableScope(g, null, "Conv", Reuse.INHERIT)) {
            c = w("w");
            assertEquals("Conv_3/Identity", tf.identity(c).op().name());
        }
        assertEquals(List.of("Conv/w:0", "Conv_1/w:0", "Conv_2/w:0"), List.of(a.name(), b.name(), c.name()));
        assertThrows(InvalidArgumentException.class, () -> VariableScopes.variableScope(g, null, "Conv", Reuse.TRUE));
        assertThrows(InvalidArgumentException.class, () -> VariableScopes.variableScope(g, null, null, Reuse.INHERIT));
    }

    @Test
    void defaultNamesStartAgainWhenTheirScopeIsEnteredAgain() {
        try (var s = VariableScopes.variableScope(g, "net", Reuse.INHERIT)) {
            VariableScopes.variableScope(g, null, "dense", Reuse.INHERIT).close();
            try (var d = VariableScopes.variableScope(g, null, "dense", Reuse.INHERIT)) {
                w("k");
            }
        }
        try (var s = VariableScopes.variableScope(g, "net", Reuse.TRUE)) {
            VariableScopes.variableScope(g, null, "dense", Reuse.INHERIT).close();
            try (var d = VariableScopes.variableScope(g, null, "dense", Reuse.INHERIT)) {
                assertEquals("net/dense_1/k:0", VariableScopes.getVariable(g, "k", null, null, null, true, null).name());
                assertEquals("net_1/dense_1/", d.name());
            }
        }
    }

    @Test
    void uniqueLayerNameReservesItsName() {
        assertEquals("dense", VariableScopes.uniqueLayerName(g, "dense"));
        assertEquals("dense_1", VariableScopes.uniqueLayerName(g, "dense"));
    }
}
