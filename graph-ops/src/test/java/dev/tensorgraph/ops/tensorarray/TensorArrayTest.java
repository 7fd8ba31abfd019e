package dev.tensorgraph.ops.tensorarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The TensorArray API: TensorFlow's op names, its read/write rules, and every op's gradient against finite
 * differences in float64.
 */
class TensorArrayTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    private static TensorArray array(Tf t, int size) {
        return TensorArray.create(t.graph(), DType.FLOAT64, size, TensorArray.Options.create().clearAfterRead(false));
    }

    @Test
    void namesAndValuesAreTensorFlows() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3, 2), "x");
        TensorArray ta = TensorArray.create(g, DType.FLOAT32, 3, TensorArray.Options.create()).unstack(x);
        Output second = ta.read(1);
        Output stacked = ta.gather(tf.constant(new int[] {2, 0}));
        assertEquals("TensorArray", ta.handle().op().name());
        assertEquals("TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3", ta.flow().op().name());
        assertEquals(Shape.of(2), second.shape());
        assertEquals(Shape.of(2, 2), stacked.shape());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            List<Tensor> r = s.run(List.of(second, stacked), Map.of(x, Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}})));
            assertArrayEquals(new float[] {3, 4}, r.get(0).floats(), 0f);
            assertArrayEquals(new float[] {5, 6, 1, 2}, r.get(1).floats(), 0f);
        }
    }

    @Test
    void readingTwiceAfterAClearingReadFailsNamingTheArray() {
        TensorArray ta = TensorArray.create(g, DType.FLOAT32, 2, TensorArray.Options.create())
                .write(0, tf.constant(new float[] {1f})).write(1, tf.constant(new float[] {2f}));
        Output first = ta.read(0);
        Output again;
        try (var deps = g.controlDependencies(List.of(first.op()))) {
            again = ta.read(0);
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            var e = assertThrows(InvalidArgumentException.class, () -> s.run(List.of(first, again), Map.of()));
            assertTrue(e.getMessage().contains("Could not read index 0 twice because it was cleared"), e.getMessage());
            assertTrue(e.getMessage().contains("TensorArray TensorArray_"), e.getMessage());
        }
    }

    @Test
    void writingAnIndexTwiceFails() {
        TensorArray ta = TensorArray.create(g, DType.FLOAT32, 2, TensorArray.Options.create())
                .write(0, tf.constant(new float[] {1f})).write(0, tf.constant(new float[] {2f}));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            var e = assertThrows(InvalidArgumentException.class, () -> s.run(ta.stack()));
            assertTrue(e.getMessage().contains("because it has already been written to"), e.getMessage());
        }
    }

    @Test
    void readWriteGradient() {
        GradientChecker.check((t, in) -> {
            TensorArray ta = array(t, 2).write(0, t.tanh(in.get(0))).write(1, t.multiply(in.get(0), in.get(1)));
            return t.add(t.multiply(ta.read(0), ta.read(1)), ta.read(1));
        }, GradientChecker.random(1, -1, 1, 3), GradientChecker.random(2, -1, 1, 3));
    }

    @Test
    void gatherScatterAndStackGradient() {
        GradientChecker.check((t, in) -> {
            TensorArray ta = array(t, 3).scatter(t.constant(new int[] {2, 0, 1}), t.tanh(in.get(0)));
            return t.multiply(ta.gather(t.constant(new int[] {1, 2, 1})), t.stack(List.of(in.get(1), in.get(1), in.get(1))));
        }, GradientChecker.random(3, -1, 1, 3, 2), GradientChecker.random(4, -1, 1, 2));
    }

    @Test
    void unstackAndStackGradient() {
        GradientChecker.check((t, in) -> t.square(array(t, 4).unstack(t.tanh(in.get(0))).stack()),
                GradientChecker.random(5, -1, 1, 4, 3));
    }

    @Test
    void splitAndConcatGradient() {
        GradientChecker.check((t, in) -> {
            TensorArray ta = TensorArray.create(t.graph(), DType.FLOAT64, 3, TensorArray.Options.create()
                    .clearAfterRead(false).inferShape(false)).split(t.tanh(in.get(0)), t.constant(new int[] {2, 1, 3}));
            return t.multiply(ta.concat(), t.add(ta.concat(), in.get(0)));
        }, GradientChecker.random(6, -1, 1, 6, 2));
    }
}
