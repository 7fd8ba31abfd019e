package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import org.junit.jupiter.api.Test;

class StitchOpsTest {
    private static Output stitch(Tf tf, List<Output> indices, List<Output> data) {
        return tf.graph().opBuilder("DynamicStitch", null).addInputList(indices).addInputList(data).build().output(0);
    }

    @Test
    void theDocumentedExample() {
        // TensorFlow's documentation: indices [6], [4, 1], [[5, 2], [0, 3]] with data [61], [41, 11], [[51, 21], [1, 31]].
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output r = stitch(tf,
                List.of(tf.constant(new int[] {6}), tf.constant(new int[] {4, 1}), tf.constant(new int[][] {{5, 2}, {0, 3}})),
                List.of(tf.constant(new float[] {61}), tf.constant(new float[] {41, 11}),
                        tf.constant(new float[][] {{51, 21}, {1, 31}})));
        assertEquals(Shape.of(7), r.shape());
        try (Session s = new Session(g)) {
            Tensor t = s.run(r);
            assertArrayEquals(new float[] {1, 11, 21, 31, 41, 51, 61}, t.floats());
        }
    }

    @Test
    void gradientGathersBack() {
        GradientChecker.check((tf, x) -> stitch(tf, List.of(tf.constant(new int[] {2, 0}), tf.constant(new int[] {1})),
                List.of(x.get(0), x.get(1))), GradientChecker.random(3, -1, 1, 2, 3), GradientChecker.random(4, -1, 1, 1, 3));
    }
}
