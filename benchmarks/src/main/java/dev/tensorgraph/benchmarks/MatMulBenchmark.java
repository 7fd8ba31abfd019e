package dev.tensorgraph.benchmarks;

import dev.tensorgraph.cpu.Gemm;
import dev.tensorgraph.cpu.KernelInternals;
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
 * Float matrix products of the workloads' shapes: W2's 1024-cube and the MLP layers of W3 (batch 128),
 * through the kernel entry point the MatMul op uses, on the native BLAS when installed or the Java loops
 * ({@code -p path=java}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MatMulBenchmark {
    /** m x n x k, with "t" for a transposed A (the weight gradient's shape). */
    @Param({"1024x1024x1024", "128x512x784", "784x512x128t"})
    public String shape;

    @Param({"default", "java"})
    public String path;

    @Param({"2"})
    public int threads;

    private int m;
    private int n;
    private int k;
    private boolean ta;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        ta = shape.endsWith("t");
        String[] d = shape.replace("t", "").split("x");
        m = Integer.parseInt(d[0]);
        n = Integer.parseInt(d[1]);
        k = Integer.parseInt(d[2]);
        Random r = new Random(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() - 0.5f;
        }
        KernelInternals.javaMatMulOnly(path.equals("java"));
    }

    @Benchmark
    public float[] product() {
        Gemm.gemm(a, 0, ta, b, 0, false, c, 0, m, n, k, threads);
        return c;
    }
}
