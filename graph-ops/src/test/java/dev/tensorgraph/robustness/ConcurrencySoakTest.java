package dev.tensorgraph.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One session shared by 16 threads: inference runs while another thread trains, for over 10,000 runs, with
 * no error, no deadlock, and every result finite and of the right shape; then a heap check that 100,000 runs
 * of one cached plan leave no garbage behind.
 */
class ConcurrencySoakTest {
    private static final int THREADS = 16;
    private static final int RUNS_PER_THREAD = 2_000;   // 16 * 2,000 = 32,000 runs
    private static final int IN = 4;
    private static final int OUT = 3;

    /** A dense layer y = relu(x W + b) trained by gradient descent towards a fixed linear map. */
    private record Model(Graph g, Output x, Output labels, Output y, Output loss, Operation train, Operation init) {
        static Model build() {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, IN), "x");
            Output labels = tf.placeholder(DType.FLOAT32, Shape.of(-1, OUT), "labels");
            float[] w0 = new float[IN * OUT];
            for (int i = 0; i < w0.length; i++) {
                w0[i] = 0.1f * ((i * 7) % 5 - 2);
            }
            var w = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(IN, OUT), w0)), "w");
            var b = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(OUT), new float[] {0.1f, 0.1f, 0.1f})), "b");
            Output pre = tf.add(tf.matmul(x, w), b);
            Output y = tf.nn.relu(pre, "y");
            Output loss = tf.reduceMean(tf.square(tf.subtract(pre, labels)), "loss");
            Operation train = new GradientDescentOptimizer(0.05).minimize(loss);
            return new Model(g, x, labels, y, loss, train, tf.globalVariablesInitializer());
        }
    }

    private static Tensor batch(SplittableRandom r, int n) {
        float[] v = new float[n * IN];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return Tensor.of(DType.FLOAT32, Shape.of(n, IN), v);
    }

    /** Labels of the target map: label_j = sum_i x_i * (i + j) / 4 + 0.5. */
    private static Tensor labels(Tensor x) {
        float[] xv = x.floats();
        int n = xv.length / IN;
        float[] l = new float[n * OUT];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < OUT; j++) {
                float s = 0.5f;
                for (int i = 0; i < IN; i++) {
                    s += xv[r * IN + i] * (i + j) / 4f;
                }
                l[r * OUT + j] = s;
            }
        }
        return Tensor.of(DType.FLOAT32, Shape.of(n, OUT), l);
    }

    @Test
    void sixteenThreadsInferWhileOneTrains() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), this::soak);
    }

    private void soak() throws Exception {
        Model m = Model.build();
        SplittableRandom seeds = new SplittableRandom(42);
        Tensor evalX = batch(seeds.split(), 64);
        Tensor evalLabels = labels(evalX);
        try (Session s = new Session(m.g(), SessionOptions.cpuOnly().intraOpThreads(1))) {
            s.run(m.init());
            float lossBefore = s.run(m.loss(), Map.of(m.x(), evalX, m.labels(), evalLabels)).floatValue();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                boolean trainer = t == 0;
                SplittableRandom r = seeds.split();
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < RUNS_PER_THREAD; i++) {
                        if (trainer) {
                            Tensor bx = batch(r, 16);
                            s.runner().feed(m.x(), bx).feed(m.labels(), labels(bx)).target(m.train()).run();
                        } else {
                            int n = 1 + r.nextInt(8);
                            Tensor out = s.run(m.y(), Map.of(m.x(), batch(r, n)));
                            if (!out.shape().equals(Shape.of(n, OUT))) {
                                problems.add("shape " + out.shape() + " for a batch of " + n);
                            }
                            for (float v : out.floats()) {
                                if (!Float.isFinite(v) || v < 0) {
                                    problems.add("relu output " + v);
                                }
                            }
                        }
                        runs.incrementAndGet();
                    }
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : futures) {
                f.get();   // rethrows any run's exception
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            float lossAfter = s.run(m.loss(), Map.of(m.x(), evalX, m.labels(), evalLabels)).floatValue();
            System.out.printf("[Soak] %d runs on %d threads in %.2fs; loss %.4f -> %.4f; %d cached plans%n",
                    runs.get(), THREADS, secs, lossBefore, lossAfter, s.numCachedPlans());
            assertTrue(problems.isEmpty(), problems.size() + " bad results, first: " + problems.peek());
            assertEquals(THREADS * RUNS_PER_THREAD, runs.get());
            assertTrue(runs.get() >= 10_000);
            assertTrue(lossAfter < lossBefore / 2, "training under load still learns: " + lossBefore + " -> " + lossAfter);
            assertTrue(s.numCachedPlans() <= 4, s.numCachedPlans() + " plans for 3 signatures");
        }
    }

    @Test
    void hundredThousandCachedRunsDoNotGrowTheHeap() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Model m = Model.build();
            Tensor x = batch(new SplittableRandom(1), 4);
            try (Session s = new Session(m.g(), SessionOptions.cpuOnly().intraOpThreads(1))) {
                s.run(m.init());
                Map<Output, Tensor> feed = Map.of(m.x(), x);
                for (int i = 0; i < 2_000; i++) {
                    s.run(m.y(), feed);
                }
                long before = usedHeapAfterGc();
                double checksum = 0;
                for (int i = 0; i < 100_000; i++) {
                    checksum += s.run(m.y(), feed).floats()[0];
                }
                long after = usedHeapAfterGc();
                double growthMb = (after - before) / (1024.0 * 1024.0);
                System.out.printf("[Leak] heap used after GC: %.1f MB before, %.1f MB after 100,000 runs"
                                + " (growth %.2f MB); %d cached plan(s)%n",
                        before / 1048576.0, after / 1048576.0, growthMb, s.numCachedPlans());
                assertTrue(Double.isFinite(checksum));
                assertEquals(2, s.numCachedPlans(), "the initializer's plan and the inference plan");
                assertTrue(growthMb < 8, "heap grew by " + growthMb + " MB over 100,000 runs of one cached plan");
            }
        });
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
        }
        return best;
    }
}
