package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Variable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** control_dependencies nesting and clearing, tf.group, and collections. */
class ControlDependenciesTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    @Test
    void nestedBlocksAccumulateAndNoneClears() {
        Operation a = tf.noOp("a");
        Operation b = tf.noOp("b");
        Output c = tf.constant(1f, "c");
        try (var outer = tf.controlDependencies(List.of(a))) {
            try (var inner = tf.controlDependencies(List.of(b))) {
                Output x = tf.identity(c);
                assertEquals(List.of(a, b), x.op().controlInputs()); // outermost block first, as TensorFlow
                // x was built inside both blocks, so an op reading it gets no control inputs from them
                assertTrue(tf.identity(x).op().controlInputs().isEmpty());
                try (var cleared = tf.controlDependencies(null)) {
                    assertTrue(tf.identity(c).op().controlInputs().isEmpty());
                    try (var again = tf.controlDependencies(List.of(c))) {
                        assertEquals(List.of(c.op()), tf.noOp().controlInputs());
                    }
                }
            }
            assertEquals(List.of(a), tf.identity(c).op().controlInputs());
        }
        assertTrue(tf.identity(c).op().controlInputs().isEmpty());
    }

    @Test
    void aDataInputIsNotRepeatedAsAControlInput() {
        Output c = tf.constant(1f);
        try (var deps = tf.controlDependencies(List.of(c))) {
            assertTrue(tf.identity(c).op().controlInputs().isEmpty());
        }
    }

    @Test
    void controlDependenciesOrderUpdatesBeforeReads() {
        Variable counter = tf.variable(tf.constant(0f), "counter");
        Output inc = counter.assignAdd(tf.constant(1f));
        g.addToCollection(GraphKeys.UPDATE_OPS, inc.op());
        Output read;
        try (var deps = tf.controlDependencies(g.collection(GraphKeys.UPDATE_OPS))) {
            read = tf.identity(counter.value(), "after_update");
        }
        Operation both = tf.group(List.of(inc, read), "both");
        assertEquals("both", both.name());
        try (Session s = new Session(g)) {
            s.run(tf.globalVariablesInitializer());
            assertEquals(1f, s.run(read).floatValue());
            assertEquals(2f, s.run(read).floatValue());
            s.run(both);
            assertEquals(3f, s.run(counter).floatValue());
        }
    }

    @Test
    void collectionsKeepOrderAndReturnCopies() {
        Output c = tf.constant(1f);
        g.addToCollection("my_key", c);
        g.addToCollection("my_key", "a string");
        List<Object> items = g.collection("my_key");
        assertEquals(List.of(c, "a string"), items);
        items.clear();
        assertEquals(2, g.collection("my_key").size());
        assertEquals(List.of(c), g.collection("my_key", Output.class));
        assertTrue(g.collection("nothing").isEmpty());
    }
}
