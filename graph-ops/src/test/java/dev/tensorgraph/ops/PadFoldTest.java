package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The CPU plan pass that folds a zero Pad of height and width into the Conv2D or MaxPool reading it as EXPLICIT
 * padding: results against the graph run as written ({@code fuseOps(false)}), and the Pad gone from the plan only
 * where the fold keeps every value (a max-pool only of a ReLU's output, with pads smaller than its window).
 */
class PadFoldTest {
    private static final int[][] PADS = {{0, 0}, {1, 2}, {2, 0}, {0, 0}};

    /** Runs {@code build(tf, x)} on a random [2, 9, 8, 5] input with and without rewrites; returns whether Pad stayed. */
    private static boolean padStays(BiFunction<Tf, Output, Output> build) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 9, 8, 5), "x");
        Output y = build.apply(tf, x);
        Tensor xv = NnTestSupport.randomFloats(21, 2, 9, 8, 5);
        float[] want;
        try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(false))) {
            want = s.run(y, Map.of(x, xv)).floats();
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            float[] got = s.run(y, Map.of(x, xv)).floats();
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5 + 1e-5 * Math.abs(want[i]), "[" + i + "]");
            }
            return s.describePlan(List.of(y), Set.of(x), List.of()).stream().anyMatch(l -> l.contains("(Pad)"));
        }
    }

    private static Output conv(Tf tf, Output in, String padding) {
        return tf.nn.conv2d(in, tf.constant(NnTestSupport.randomFloats(22, 3, 3, 5, 7)), new int[] {1, 2, 1, 1}, padding);
    }

    @Test
    void zeroPaddingFoldsIntoAValidOrSameConvolution() {
        assertEquals(false, padStays((tf, x) -> conv(tf, tf.pad(x, PADS), "VALID")));
        // SAME pads by a rule of its own: the Pad stays.
        assertEquals(true, padStays((tf, x) -> conv(tf, tf.pad(x, PADS), "SAME")));
        // A pad of the batch is no spatial padding.
        assertEquals(true, padStays((tf, x) -> conv(tf, tf.pad(x, new int[][] {{1, 0}, {1, 1}, {1, 1}, {0, 0}}),
                "VALID")));
    }

    @Test
    void zeroPaddingFoldsIntoAMaxPoolOfAReluOnly() {
        int[] k = {1, 3, 3, 1};
        int[] s = {1, 2, 2, 1};
        assertEquals(false, padStays((tf, x) -> tf.nn.maxPool(tf.pad(tf.nn.relu(x), PADS), k, s, "VALID")));
        // Negative inputs: a padded zero may be a window's maximum, which EXPLICIT padding would never give.
        assertEquals(true, padStays((tf, x) -> tf.nn.maxPool(tf.pad(x, PADS), k, s, "VALID")));
        // A side padded by the whole window would leave windows of padding only.
        assertEquals(true, padStays((tf, x) -> tf.nn.maxPool(tf.pad(tf.nn.relu(x),
                new int[][] {{0, 0}, {3, 0}, {0, 0}, {0, 0}}), k, s, "VALID")));
    }

    @Test
    void aPaddedValueReadTwiceIsKept() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 9, 8, 5), "x");
        Output padded = tf.pad(x, PADS);
        Output y = conv(tf, padded, "VALID");
        Tensor xv = NnTestSupport.randomFloats(23, 1, 9, 8, 5);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            List<Tensor> got = s.run(List.of(y, padded), Map.of(x, xv));
            assertEquals(Shape.of(1, 12, 10, 5), got.get(1).shape());
            assertArrayEquals(new long[] {1, 5, 8, 7}, got.get(0).shape().dims());
            assertEquals(true, s.describePlan(List.of(y, padded), Set.of(x), List.of()).stream()
                    .anyMatch(l -> l.contains("(Pad)")));
        }
    }
}
