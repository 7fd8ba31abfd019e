package dev.tensorgraph.ops.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.StagedFeed;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Feeds staged on the device ahead of their run ({@code Session.stageFeed}, {@code Runner.feedAsync}) on the test
 * device: the run that feeds the staged tensor takes the device copy instead of copying from the host, results are
 * those of plain feeds (with and without recorded device work), a wrong shape fails at once naming the
 * placeholder, and no device buffer outlives its use, a close, or the session.
 */
class StagedFeedTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private Output x;
    private Variable acc;
    private Operation accumulate;

    @BeforeEach
    void on() {
        FakeDeviceRuntime.enabled = true;
        x = tf.placeholder(DType.FLOAT32, Shape.of(4), "x");
        acc = tf.variable(tf.constant(new float[] {0, 0, 0, 0}), "acc");
        // Each run adds 2 * its batch into acc: every batch must be used exactly once.
        accumulate = acc.assign(tf.add(acc, tf.multiply(x, tf.constant(new float[] {2, 2, 2, 2})))).op();
    }

    @AfterEach
    void off() {
        FakeDeviceRuntime.enabled = false;
    }

    private static Tensor batch(int k) {
        float[] v = new float[4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7 + k * 13) % 31 - 15;
        }
        return Tensor.of(DType.FLOAT32, Shape.of(4), v);
    }

    private float[] expectedAfter(int steps) {
        float[] want = new float[4];
        for (int k = 0; k < steps; k++) {
            float[] b = batch(k).floats();
            for (int i = 0; i < b.length; i++) {
                want[i] += 2 * b[i];
            }
        }
        return want;
    }

    /** Host uploads and device bytes in use after 13 plain-fed steps, to compare the staged steps' with. */
    private record PlainSteps(int uploads, long bytesInUse) {}

    private PlainSteps plainSteps(boolean deviceGraphs) {
        try (Session s = new Session(g, SessionOptions.defaults().deviceGraphs(deviceGraphs))) {
            s.run(acc.initializer());
            for (int k = 0; k <= 12; k++) {
                s.runner().feed(x, batch(k)).target(accumulate).run();
            }
            FakeDevice dev = (FakeDevice) s.device();
            return new PlainSteps(dev.uploads, dev.bytesInUse());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nextStepsRunnerStagesWhileTheCurrentRuns(boolean deviceGraphs) {
        PlainSteps plain = plainSteps(deviceGraphs);
        try (Session s = new Session(g, SessionOptions.defaults().deviceGraphs(deviceGraphs))) {
            FakeDevice dev = (FakeDevice) s.device();
            s.run(acc.initializer());
            Session.Runner step = s.runner().feedAsync(x, batch(0)).target(accumulate);
            for (int k = 1; k <= 12; k++) {
                Session.Runner next = s.runner().feedAsync(x, batch(k)).target(accumulate);
                step.run();
                step = next;
            }
            step.run();
            float[] got = s.run(acc.value()).floats();
            float[] want = expectedAfter(13);
            for (int i = 0; i < 4; i++) {
                assertEquals(want[i], got[i], 0f, "column " + i);
            }
            // The run that records the plan's device work copies its feed from the host (as every upload while
            // recording does); every other run moves its batch from the staged copy.
            assertEquals(deviceGraphs ? 12 : 13, dev.stagedUploads, "batches moved from their staged copies");
            assertEquals(plain.uploads() - dev.stagedUploads, dev.uploads, "each staged copy replaced a host copy");
            assertEquals(plain.bytesInUse(), dev.bytesInUse(), "staged copies given back after use");
        }
    }

    @Test
    void stagedAndPlainFeedsFetchTheSameValues() {
        Output y = tf.multiply(x, x);
        try (Session s = new Session(g, SessionOptions.defaults().deviceGraphs(false))) {
            for (int k = 0; k < 3; k++) {
                Tensor b = batch(k);
                float[] plain = s.runner().feed(x, b).fetch(y).run().get(0).floats();
                float[] staged = s.runner().feedAsync(x, b).fetch(y).run().get(0).floats();
                assertEquals(java.util.Arrays.toString(plain), java.util.Arrays.toString(staged), "batch " + k);
            }
            assertEquals(3, ((FakeDevice) s.device()).stagedUploads);
        }
    }

    @Test
    void wrongShapeOrDtypeFailsAtOnceNamingThePlaceholderAndStagesNothing() {
        try (Session s = new Session(g)) {
            FakeDevice dev = (FakeDevice) s.device();
            long before = dev.bytesInUse();
            Tensor wide = Tensor.of(DType.FLOAT32, Shape.of(5), new float[5]);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> s.runner().feedAsync(x, wide));
            assertTrue(e.getMessage().contains("'x:0'") && e.getMessage().contains("[5]"), e.getMessage());
            InvalidArgumentException d = assertThrows(InvalidArgumentException.class,
                    () -> s.stageFeed(x, Tensor.of(DType.INT32, Shape.of(4), new int[4])));
            assertTrue(d.getMessage().contains("'x:0'"), d.getMessage());
            assertEquals(before, dev.bytesInUse());
        }
    }

    @Test
    void feedingTwiceGivesTheStagedCopyBack() {
        try (Session s = new Session(g)) {
            FakeDevice dev = (FakeDevice) s.device();
            long before = dev.bytesInUse();
            Session.Runner r = s.runner().feedAsync(x, batch(0));
            assertThrows(InvalidArgumentException.class, () -> r.feedAsync(x, batch(1)));
            assertEquals(before + 16, dev.bytesInUse(), "the first batch's copy only");
        }
    }

    @Test
    void unusedCopiesAreGivenBackByCloseOrWithTheSession() {
        FakeDevice dev;
        List<StagedFeed> kept = new ArrayList<>();
        try (Session s = new Session(g)) {
            dev = (FakeDevice) s.device();
            s.run(acc.initializer());
            long settled = dev.bytesInUse();
            StagedFeed closed = s.stageFeed(x, batch(0));
            assertTrue(closed.staged());
            assertEquals(settled + 16, dev.bytesInUse());
            closed.close();
            closed.close();
            assertFalse(closed.used());
            assertEquals(settled, dev.bytesInUse(), "close gives the copy back");
            // A run of the closed value copies from the host.
            Tensor b = batch(0);
            StagedFeed given = s.stageFeed(x, b);
            given.close();
            s.runner().feed(x, b).target(accumulate).run();
            assertEquals(0, dev.stagedUploads);
            kept.add(s.stageFeed(x, batch(1)));
            kept.add(s.stageFeed(x, batch(2)));
            s.runner().feedAsync(x, batch(3)); // never run
        }
        assertEquals(0, dev.bytesInUse(), "the session's close gives back every copy it holds");
        kept.forEach(StagedFeed::close);
        assertEquals(0, dev.bytesInUse());
    }

    @Test
    void aSessionWithoutADeviceStagesNothingButStillChecks() {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertSame(StagedFeed.NONE, s.stageFeed(x, batch(0)));
            s.run(acc.initializer());
            s.runner().feedAsync(x, batch(0)).target(accumulate).run();
            float[] want = expectedAfter(1);
            float[] got = s.run(acc.value()).floats();
            for (int i = 0; i < 4; i++) {
                assertEquals(want[i], got[i], 0f);
            }
            assertThrows(InvalidArgumentException.class,
                    () -> s.stageFeed(x, Tensor.of(DType.FLOAT32, Shape.of(2, 2), new float[4])));
        }
    }
}
