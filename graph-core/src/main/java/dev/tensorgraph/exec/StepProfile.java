package dev.tensorgraph.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where run time goes, by op type: switched on with {@code -Dtensorgraph.profile=true}, printed to stderr
 * when the JVM exits, leaving out each plan's first runs. Device steps are waited for one by one, so device time is charged to its op (and runs
 * are slower); recorded device work is not replayed while profiling.
 */
final class StepProfile {
    static final boolean ENABLED = Boolean.getBoolean("tensorgraph.profile");
    /**
     * Each plan's first runs compile kernels and tune algorithms: not what later runs cost. Three by default;
     * {@code -Dtensorgraph.profile.skipRuns=N} leaves out more, since the JIT compiles a kernel's loops over its
     * first hundreds of runs, and averages that include them charge a small op several times its steady cost
     * (W3's 128x512 ReluGrad+BiasAddGrad: 115 us on average after 3 runs, 33 us after 600).
     */
    static final long SKIPPED_RUNS = Long.getLong("tensorgraph.profile.skipRuns", 3);
    /**
     * {@code -Dtensorgraph.profile.shapes=true} adds the shapes of each step's host inputs to its row, which
     * tells the convolutions of one network apart (W8's 1x1 and 3x3 layers at each resolution).
     */
    static final boolean BY_SHAPE = Boolean.getBoolean("tensorgraph.profile.shapes");
    private static final Map<String, LongAdder[]> BY_TYPE = new ConcurrentHashMap<>();

    static {
        if (ENABLED) {
            Runtime.getRuntime().addShutdownHook(new Thread(StepProfile::print, "tensorgraph-profile"));
        }
    }

    private StepProfile() {}

    static void add(String key, long nanos) {
        LongAdder[] a = BY_TYPE.computeIfAbsent(key, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].add(nanos);
        a[1].increment();
    }

    private static void print() {
        List<Map.Entry<String, LongAdder[]>> rows = new ArrayList<>(BY_TYPE.entrySet());
        rows.sort((x, y) -> Long.compare(y.getValue()[0].sum(), x.getValue()[0].sum()));
        double total = rows.stream().mapToLong(e -> e.getValue()[0].sum()).sum();
        System.err.printf("%-60s %12s %8s %10s %6s%n", "step (device)", "total ms", "count", "us each", "%");
        for (Map.Entry<String, LongAdder[]> e : rows) {
            long ns = e.getValue()[0].sum();
            long n = e.getValue()[1].sum();
            System.err.printf("%-60s %12.1f %8d %10.1f %6.1f%n", e.getKey(), ns / 1e6, n, ns / 1e3 / n, 100 * ns / total);
        }
    }
}
