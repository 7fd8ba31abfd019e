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
 * The depthwise convolution kernels on MobileNet layers at batch 1 (inference): MobileNetV1's first depthwise
 * layer (112x112x32, 3x3 SAME stride 1), MobileNetV2's expanded stride-2 layer (56x56x144 to 28x28) and a late
 * layer (14x14x512); {@code loopNest} is the plain float64 loop nest for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DepthwiseConvBenchmark {
    @Param({"v1-dw1", "v2-dw-s2", "v1-dw-14"})
    public String layer;

    @Param({"2"})
    public int threads;

    private KernelInternals.DepthwiseConv2d conv;
    private float[] x;
    private float[] f;
    private float[] y;
    private float[] dy;
    private float[] dx;
    private float[] df;
    private double[] xd;
    private double[] fd;
    private double[] yd;

    @Setup
    public void setUp() {
        // (n, h, w, c, kh, kw, m, sh, sw, dh, dw, oh, ow, padTop, padLeft)
        conv = switch (layer) {
            case "v1-dw1" -> new KernelInternals.DepthwiseConv2d(1, 112, 112, 32, 3, 3, 1, 1, 1, 1, 1, 112, 112, 1, 1);
            case "v2-dw-s2" -> new KernelInternals.DepthwiseConv2d(1, 56, 56, 144, 3, 3, 1, 2, 2, 1, 1, 28, 28, 0, 0);
            case "v1-dw-14" -> new KernelInternals.DepthwiseConv2d(1, 14, 14, 512, 3, 3, 1, 1, 1, 1, 1, 14, 14, 1, 1);
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        };
        Random r = new Random(1);
        x = random(r, conv.inputSize());
        f = random(r, conv.filterSize());
        y = new float[conv.outputSize()];
        dy = random(r, y.length);
        dx = new float[x.length];
        df = new float[f.length];
        xd = widen(x);
        fd = widen(f);
        yd = new double[y.length];
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Benchmark
    public float[] forward() {
        conv.forward(x, f, y, threads);
        return y;
    }

    @Benchmark
    public float[] backpropInput() {
        conv.backpropInput(f, dy, dx, threads);
        return dx;
    }

    @Benchmark
    public float[] backpropFilter() {
        Arrays.fill(df, 0f);
        conv.backpropFilter(x, dy, df, threads);
        return df;
    }

    @Benchmark
    public double[] loopNest() {
        Arrays.fill(yd, 0);
        conv.forwardLoopNest(xd, fd, yd);
        return yd;
    }
}
