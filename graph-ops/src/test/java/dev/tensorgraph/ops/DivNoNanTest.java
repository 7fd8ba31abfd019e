package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.testing.GradientChecker;
import org.junit.jupiter.api.Test;

/** DivNoNan: x / y with 0 where y is 0, as the weighted losses use it. */
class DivNoNanTest {
    private static Output divNoNan(Tf tf, Output x, Output y) {
        return tf.graph().opBuilder("DivNoNan", null).addInput(x).addInput(y).build().output(0);
    }

    @Test
    void zeroDivisorGivesZero() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output r = divNoNan(tf, tf.constant(new float[] {1, 6, -3}), tf.constant(new float[] {0, 3, 0}));
        try (Session s = new Session(g)) {
            assertArrayEquals(new float[] {0, 2, 0}, s.run(r).floats());
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesWithBroadcasting() {
        GradientChecker.check((tf, x) -> divNoNan(tf, x.get(0), x.get(1)),
                GradientChecker.random(1, -2, 2, 2, 3), GradientChecker.random(2, 0.5, 2, 3));
    }
}
