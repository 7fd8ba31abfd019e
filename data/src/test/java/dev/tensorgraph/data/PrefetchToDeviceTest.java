package dev.tensorgraph.data;

import static dev.tensorgraph.data.TensorAssert.assertTensorEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.FeedStaging;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.StagedFeed;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Dataset.prefetchToDevice}: the same elements in the same order as without it, each named component staged
 * once (ahead of the consumer, boundedly) and given back after its element or when the pass closes, a component
 * of the wrong shape an error naming the placeholder in its element's place (checked by a real session), a
 * missing component named. A recording {@link FeedStaging} stands for the device.
 */
class PrefetchToDeviceTest {
    private Graph g;
    private Output x;
    private Session session;
    private final Recording staging = new Recording();

    /** Stages through the session (which checks the value) and records a copy per call, open until closed. */
    private final class Recording implements FeedStaging {
        final List<Copy> copies = new ArrayList<>();

        @Override
        public StagedFeed stage(Output fed, Tensor value) {
            session.stageFeed(fed, value);
            Copy c = new Copy(value);
            synchronized (copies) {
                copies.add(c);
            }
            return c;
        }

        int count() {
            synchronized (copies) {
                return copies.size();
            }
        }

        long open() {
            synchronized (copies) {
                return copies.stream().filter(c -> !c.closed).count();
            }
        }
    }

    private static final class Copy implements StagedFeed {
        final Tensor value;
        volatile boolean closed;

        Copy(Tensor value) {
            this.value = value;
        }

        @Override
        public boolean staged() {
            return true;
        }

        @Override
        public boolean used() {
            return false;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @BeforeAll
    static void registerPlaceholder() {
        OpRegistry r = OpRegistry.global();
        if (!r.contains("PtdPlaceholder")) {
            r.register(OpDef.builder("PtdPlaceholder").attr("dtype", AttrType.TYPE).attr("shape", AttrType.SHAPE)
                    .shape(c -> c.setOutput(0, c.attrType("dtype"), (Shape) c.attr("shape")))
                    .notDifferentiable().build());
        }
    }

    @BeforeEach
    void graph() {
        g = new Graph();
        x = g.opBuilder("PtdPlaceholder", "x").setAttr("dtype", DType.FLOAT32).setAttr("shape", Shape.of(-1, 3))
                .build().output(0);
        session = new Session(g, SessionOptions.cpuOnly());
    }

    @AfterEach
    void close() {
        session.close();
    }

    /** 10 rows of 3 floats and an int label, batched by 4 (the last batch of 2). */
    private static Dataset batches() {
        float[] px = new float[30];
        for (int i = 0; i < px.length; i++) {
            px[i] = i * 0.5f;
        }
        return Dataset.fromTensorSlices(Map.of("image", Tensor.wrap(DType.FLOAT32, Shape.of(10, 3), px),
                "label", Tensor.wrap(DType.INT32, Shape.of(10), new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}))).batch(4);
    }

    @Test
    void sameElementsInOrderEachStagedOnceAndGivenBack() {
        List<Map<String, Tensor>> plain = new ArrayList<>();
        batches().forEach(plain::add);
        List<Map<String, Tensor>> got = new ArrayList<>();
        for (Map<String, Tensor> b : batches().prefetchToDevice(2, staging, Map.of("image", x))) {
            got.add(b);
        }
        assertEquals(3, got.size());
        assertEquals(3, staging.count(), "only the named component, once per element");
        for (int i = 0; i < 3; i++) {
            assertTensorEquals(plain.get(i).get("image"), got.get(i).get("image"), "image " + i);
            assertTensorEquals(plain.get(i).get("label"), got.get(i).get("label"), "label " + i);
            assertSame(got.get(i).get("image"), staging.copies.get(i).value, "the fed tensor is the staged one");
        }
        assertEquals(0, staging.open(), "every copy given back by the end of the pass");
    }

    @Test
    void readsAheadBoundedlyAndClosingGivesEveryCopyBack() throws Exception {
        Dataset ds = batches().repeat(4).prefetchToDevice(2, staging, Map.of("image", x));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (DatasetIterator it = ds.iterator()) {
                it.next();
                // The consumer holds element 0; the prefetch thread stages 1 and 2 into the queue and 3 while it
                // waits to put it.
                while (staging.count() < 4) {
                    Thread.sleep(5);
                }
                Thread.sleep(100);
                assertEquals(4, staging.count(), "no more than the queue and the element in hand");
                assertEquals(4, staging.open());
                it.next();
                while (staging.count() < 5) {
                    Thread.sleep(5);
                }
                assertTrue(staging.copies.get(0).closed, "element 0's copy given back once element 1 is taken");
            }
        });
        assertEquals(0, staging.open(), "close gives back what was staged ahead");
    }

    @Test
    void wrongShapeIsAnErrorNamingThePlaceholderInItsElementsPlace() {
        Dataset ds = Dataset.range(3).map(e -> {
            long k = e.get(Dataset.VALUE).longValue();
            int width = k == 1 ? 4 : 3;
            return Map.of("image", Tensor.wrap(DType.FLOAT32, Shape.of(2, width), new float[2 * width]),
                    "k", Tensor.of(k));
        }).prefetchToDevice(1, session, Map.of("image", x));
        try (DatasetIterator it = ds.iterator()) {
            assertEquals(0L, it.next().get("k").longValue());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, it::next);
            assertTrue(e.getMessage().contains("'x:0'") && e.getMessage().contains("[2,4]"), e.getMessage());
            assertEquals(2L, it.next().get("k").longValue());
            assertTrue(!it.hasNext());
        }
    }

    @Test
    void aMissingComponentAndBadArgumentsAreNamed() {
        Dataset ds = batches().prefetchToDevice(2, staging, Map.of("pixels", x));
        try (DatasetIterator it = ds.iterator()) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, it::next);
            assertTrue(e.getMessage().contains("'pixels'") && e.getMessage().contains("'x:0'"), e.getMessage());
        }
        assertEquals(0, staging.open());
        assertThrows(InvalidArgumentException.class, () -> batches().prefetchToDevice(0, staging, Map.of("image", x)));
        assertThrows(InvalidArgumentException.class, () -> batches().prefetchToDevice(2, staging, Map.of()));
    }
}
