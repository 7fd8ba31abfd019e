package dev.tensorgraph.benchmarks;

import dev.tensorgraph.cpu.KernelInternals;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The convolution kernels on the workloads' layers: W4's first layer (28x28x1, 16@3x3 VALID, batch 64,
 * the direct kernels) and AlexNet's third layer at W5's CPU batch (13x13x256, 384@3x3 SAME, batch 16,
 * patches times the filter).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConvBenchmark {
    @Param({"w4-conv1", "alexnet-conv3"})
    public String layer;

    @Param({"2"})
    public int threads;

    private KernelInternals.Conv2d conv;
    private float[] x;
    private float[] f;
    private float[] y;
    private float[] dy;
    private float[] dx;
    private float[] df;

    @Setup
    public void setUp() {
        // (n, h, w, c, kh, kw, o, sh, sw, dh, dw, oh, ow, padTop, padLeft)
        conv = switch (layer) {
            case "w4-conv1" -> new KernelInternals.Conv2d(64, 28, 28, 1, 3, 3, 16, 1, 1, 1, 1, 26, 26, 0, 0);
            case "alexnet-conv3" -> new KernelInternals.Conv2d(16, 13, 13, 256, 3, 3, 384, 1, 1, 1, 1, 13, 13, 1, 1);
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        };
        Random r = new Random(1);
        x = random(r, conv.inputSize());
        f = random(r, conv.filterSize());
        y = new float[conv.outputSize()];
        dy = random(r, y.length);
        dx = new float[x.length];
        df = new float[f.length];
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Benchmark
    public float[] forward() {
        conv.forward(x, f, y, threads);
        return y;
    }

    @Benchmark
    public float[] backpropFilter() {
        Arrays.fill(df, 0f);
        conv.backpropFilter(x, dy, df, threads);
        return df;
    }

    @Benchmark
    public float[] backpropInput() {
        Arrays.fill(dx, 0f);
        conv.backpropInput(f, dy, dx, threads);
        return dx;
    }
}
