package dev.tensorgraph.benchmarks;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One layer's forward op and its gradient op, run through a {@link Session} on W4's conv output
 * ([64, 26, 26, 16] NHWC): max-pool 2x2 (MaxPool + MaxPoolGrad), ReLU (Relu + ReluGrad) and bias
 * (BiasAdd + BiasAddGrad). Each run feeds the input and fetches the input's gradient; the graph's few
 * shape ops and the executor's per-run work (about 2 us) are included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LayerOpBenchmark {
    @Param({"maxpool", "relu", "bias"})
    public String layer;

    private Session session;
    private Output input;
    private Output gradient;
    private Tensor batch;

    @Setup
    public void setUp() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        input = tf.placeholder(DType.FLOAT32, Shape.of(64, 26, 26, 16), "x");
        Output y = switch (layer) {
            case "maxpool" -> tf.nn.maxPool(input, new int[] {2, 2}, new int[] {2, 2}, "VALID");
            case "relu" -> tf.nn.relu(input);
            case "bias" -> tf.nn.biasAdd(input, tf.constant(new float[16]));
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        };
        gradient = tf.gradients(List.of(y), List.of(input)).get(0);
        float[] values = new float[64 * 26 * 26 * 16];
        Random r = new Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) r.nextGaussian();
        }
        batch = Tensor.of(DType.FLOAT32, Shape.of(64, 26, 26, 16), values);
        session = new Session(g, SessionOptions.cpuOnly());
    }

    @TearDown
    public void tearDown() {
        session.close();
    }

    @Benchmark
    public Tensor forwardAndGradient() {
        return session.run(gradient, Map.of(input, batch));
    }
}
