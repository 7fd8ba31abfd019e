package dev.tensorgraph.examples.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * The timing rule of docs/benchmarks.md: warm up for at least {@code minWarmRuns} runs and at least
 * {@code minWarmSeconds}, as the TensorFlow Java peer's {@code Bench.measure} does, and then on until the JIT compilers
 * have finished nothing for {@link #JIT_QUIET_SECONDS} (at most {@link #MAX_JIT_WAIT_SECONDS} more); then time
 * {@code rounds} rounds of {@code perRound} runs each; each round gives one seconds-per-run figure.
 *
 * <p>The warm-up is where JIT compilation is meant to happen, but on two cores the compilers took longer than two
 * seconds over W3's kernels: C2 compiled for 2.7 s of a 4 s {@code bench --workloads W3}, and at 2.5 s still used
 * about a third of a core. In eight such runs the first three of seven rounds ran 416-643 steps/s, the last three
 * 553-736.
 *
 * <pre>{@code
 * Measurement.Samples s = Measurement.measure(() -> session.run(y, feeds), new Measurement.Budget(2000, 2.0, 5000, 7));
 * Measurement.Stats us = s.stats(t -> t * 1e6);   // median, min, max in microseconds per run
 * }</pre>
 */
public final class Measurement {
    /** How long the compilers must have finished nothing before the warm-up ends. */
    static final double JIT_QUIET_SECONDS = 0.5;
    /** The longest the warm-up goes on past its minimum waiting for the compilers. */
    static final double MAX_JIT_WAIT_SECONDS = 10;

    private Measurement() {}

    /** One timed unit of work (a {@code Session.run}). */
    @FunctionalInterface
    public interface Step {
        void run();
    }

    /** How long to warm up and how much to measure. */
    public record Budget(int minWarmRuns, double minWarmSeconds, int perRound, int rounds) {
        public Budget {
            if (minWarmRuns < 0 || minWarmSeconds < 0 || perRound < 1 || rounds < 1) {
                throw new IllegalArgumentException("bad measurement budget: warm-up " + minWarmRuns + " runs / "
                        + minWarmSeconds + " s, " + rounds + " rounds x " + perRound + " runs");
            }
        }
    }

    /** Seconds per run of each round, and what the warm-up took. */
    public record Samples(double[] secondsPerRun, int warmRuns, double warmSeconds, int perRound) {
        /** Median, min and max of {@code f(seconds per run)} over the rounds (e.g. {@code t -> 1 / t} for runs/s). */
        public Stats stats(DoubleUnaryOperator f) {
            double[] v = new double[secondsPerRun.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = f.applyAsDouble(secondsPerRun[i]);
            }
            return Stats.of(v);
        }
    }

    /** Median with min-max of per-round values; {@code values} in round order. */
    public record Stats(double median, double min, double max, double[] values) {
        public static Stats of(double[] values) {
            if (values.length == 0) {
                throw new IllegalArgumentException("no values");
            }
            double[] c = values.clone();
            Arrays.sort(c);
            int m = c.length / 2;
            double med = c.length % 2 == 1 ? c[m] : (c[m - 1] + c[m]) / 2;
            return new Stats(med, c[0], c[c.length - 1], values.clone());
        }
    }

    public static Samples measure(Step step, Budget b) {
        return measure(step, b, () -> {});
    }

    /**
     * As {@link #measure(Step, Budget)}, calling {@code drain} at the end of the warm-up and of every round,
     * inside the timing: on a GPU, runs return once their work is queued, so a round ends when the device
     * has finished it (as the PyTorch peer synchronizes once per round).
     */
    public static Samples measure(Step step, Budget b, Runnable drain) {
        long t0 = System.nanoTime();
        long minWarmNanos = (long) (b.minWarmSeconds() * 1e9);
        int n = 0;
        while (n < b.minWarmRuns() || System.nanoTime() - t0 < minWarmNanos) {
            step.run();
            n++;
        }
        n += untilCompilersQuiet(step, b.minWarmSeconds() > 0);
        drain.run();
        double warm = (System.nanoTime() - t0) / 1e9;
        double[] per = new double[b.rounds()];
        for (int r = 0; r < b.rounds(); r++) {
            long a = System.nanoTime();
            for (int i = 0; i < b.perRound(); i++) {
                step.run();
            }
            drain.run();
            per[r] = (System.nanoTime() - a) / 1e9 / b.perRound();
        }
        return new Samples(per, n, warm, b.perRound());
    }

    /**
     * Runs {@code step} until the JIT compilers' accumulated time has not moved for {@link #JIT_QUIET_SECONDS}, at
     * most {@link #MAX_JIT_WAIT_SECONDS}; returns the runs. Nothing where the JVM keeps no compilation time, or where
     * {@code wait} is false (a quick run).
     */
    private static int untilCompilersQuiet(Step step, boolean wait) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (!wait || jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return 0;
        }
        long start = System.nanoTime();
        long quietSince = start;
        long compiled = jit.getTotalCompilationTime();
        int n = 0;
        while (System.nanoTime() - quietSince < JIT_QUIET_SECONDS * 1e9
                && System.nanoTime() - start < MAX_JIT_WAIT_SECONDS * 1e9) {
            step.run();
            n++;
            long now = jit.getTotalCompilationTime();
            if (now != compiled) {
                compiled = now;
                quietSince = System.nanoTime();
            }
        }
        return n;
    }
}
