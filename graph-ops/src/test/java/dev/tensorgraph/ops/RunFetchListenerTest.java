package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's fetch listener hears each fetch as soon as it is computed, before the run's later ops run. */
class RunFetchListenerTest {
    @Test
    void fetchesAreToldInTheOrderTheyAreComputedWithTheValuesTheRunReturns() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3), "x");
        Output early = tf.multiply(x, 2f, "early");
        Output late = tf.reduceSum(tf.exp(early), "late");
        try (Session s = new Session(g)) {
            List<Integer> order = new ArrayList<>();
            Map<Integer, Tensor> told = new HashMap<>();
            List<Tensor> out = s.runner().feed(x, Tensor.of(new float[] {1, 2, 3})).fetch(late).fetch(early).fetch(x)
                    .onFetchReady((i, v) -> {
                        order.add(i);
                        told.put(i, v);
                    }).run();
            assertEquals(List.of(2, 1, 0), order);
            for (int i = 0; i < 3; i++) {
                assertSame(out.get(i), told.get(i));
            }
            assertArrayEquals(new float[] {2, 4, 6}, out.get(1).floats());
            assertEquals((float) (Math.exp(2) + Math.exp(4) + Math.exp(6)), out.get(0).floatValue(), 1e-2f);
        }
    }

    /** The listener of the first fetch fails the run before the later update of a variable has run. */
    @Test
    void aFailingListenerEndsTheRunBeforeItsLaterOps() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable counter = tf.variable(tf.constant(0f), "counter");
        Output first = tf.add(tf.constant(1f), 1f, "first");
        Output bumpedAgain = tf.assignAdd(counter, tf.constant(5f), "bump");
        try (Session s = new Session(g)) {
            s.run(counter.initializer());
            var e = assertThrows(InvalidArgumentException.class, () -> s.runner().fetch(first).fetch(bumpedAgain)
                    .onFetchReady((i, v) -> {
                        if (i == 0) {
                            throw new InvalidArgumentException("stop at " + v.floatValue());
                        }
                    }).run());
            assertEquals("stop at 2.0", e.getMessage());
            assertEquals(0f, s.variableValue(counter).floatValue());
            assertEquals(5f, s.runner().fetch(bumpedAgain).onFetchReady((i, v) -> { }).run().get(0).floatValue());
        }
    }

    @Test
    void aNullListenerIsRefused() {
        try (Session s = new Session(new Graph())) {
            assertThrows(InvalidArgumentException.class, () -> s.runner().onFetchReady(null));
        }
    }
}
