package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.StagedFeed;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Feeds staged on the GPU ahead of their run ({@code Runner.feedAsync}, {@code Session.stageFeed} from another
 * thread): every batch lands once and in order (an exact sum of small integers, while recording and when
 * replayed), every staged copy is taken or given back (none pending after the runs), a staged value a run never
 * fed is given back by close, and small values are not staged.
 */
class StagedFeedsGpuTest {
    private static final int N = OverlappedFeedsGpuTest.N;

    private static Tensor batch(int k) {
        return OverlappedFeedsGpuTest.batch(k);
    }

    private record Accumulator(Graph g, Output x, Variable acc, Operation add) {}

    private static Accumulator accumulator() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(N), "x");
        Variable acc = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(N), new float[N])), "acc");
        return new Accumulator(g, x, acc, acc.assignAdd(tf.multiply(x, tf.constant(2f))).op());
    }

    private static float[] twiceTheSumOf(List<Tensor> batches) {
        float[] want = new float[N];
        for (Tensor b : batches) {
            float[] v = b.floats();
            for (int i = 0; i < N; i++) {
                want[i] += 2 * v[i];
            }
        }
        return want;
    }

    @Test
    void nextStepsRunnerStagesWhileTheCurrentRuns() {
        assumeGpu();
        Accumulator a = accumulator();
        List<Tensor> batches = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            batches.add(batch(k));
        }
        try (Session s = GpuTestSupport.gpuSession(a.g())) {
            CudaDevice dev = (CudaDevice) s.device();
            s.run(a.acc().initializer(), Map.of());
            Session.Runner step = s.runner().feedAsync(a.x(), batches.get(0)).target(a.add());
            for (int k = 1; k < batches.size(); k++) {
                Session.Runner next = s.runner().feedAsync(a.x(), batches.get(k)).target(a.add());
                step.run();
                step = next;
            }
            step.run();
            assertArrayEquals(twiceTheSumOf(batches), s.run(a.acc().value()).floats(), 0f);
            assertEquals(0, dev.stagedPending(), "every staged copy taken or given back");
            assertTrue(dev.stagedDeviceBytes() <= 3L * N * 4, "slots are reused: " + dev.stagedDeviceBytes());
        }
    }

    @Test
    void anotherThreadStagesTheNextBatches() throws Exception {
        assumeGpu();
        Accumulator a = accumulator();
        ExecutorService prefetch = Executors.newSingleThreadExecutor();
        List<Tensor> batches = new ArrayList<>();
        try (Session s = GpuTestSupport.gpuSession(a.g())) {
            s.run(a.acc().initializer(), Map.of());
            List<Future<StagedFeed>> ahead = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                Tensor b = batch(k);
                batches.add(b);
                ahead.add(prefetch.submit(() -> s.stageFeed(a.x(), b)));
            }
            for (int k = 0; k < 10; k++) {
                StagedFeed staged = ahead.get(k).get();
                s.runner().feed(a.x(), batches.get(k)).target(a.add()).run();
                staged.close();
            }
            assertArrayEquals(twiceTheSumOf(batches), s.run(a.acc().value()).floats(), 0f);
            assertEquals(0, ((CudaDevice) s.device()).stagedPending());
        } finally {
            prefetch.shutdownNow();
        }
    }

    @Test
    void unusedCopiesAreGivenBackAndSmallValuesNotStaged() {
        assumeGpu();
        Accumulator a = accumulator();
        try (Session s = GpuTestSupport.gpuSession(a.g())) {
            CudaDevice dev = (CudaDevice) s.device();
            StagedFeed unused = s.stageFeed(a.x(), batch(0));
            assertTrue(unused.staged());
            assertEquals(1, dev.stagedPending());
            unused.close();
            assertFalse(unused.used());
            assertEquals(0, dev.stagedPending());
            s.runner().feedAsync(a.x(), batch(1)); // never run: the session's close gives it back
            assertEquals(1, dev.stagedPending());
            Graph small = new Graph();
            Output y = Tf.of(small).placeholder(DType.FLOAT32, Shape.of(4), "y");
            try (Session t = GpuTestSupport.gpuSession(small)) {
                assertSame(StagedFeed.NONE, t.stageFeed(y, Tensor.of(DType.FLOAT32, Shape.of(4), new float[4])));
            }
        }
    }
}
