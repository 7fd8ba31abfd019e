package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The GPU's fused epilogue steps against the CPU: an addition then Relu (a residual block's end; same shapes in
 * one pass, broadcast shapes through the broadcasting addition) and BiasAdd then Relu6 (a depthwise layer's
 * folded batch norm), in float32 (exact: one rounding per element, as the CPU) and in bfloat16 and float16
 * (within 2^-7 of each element's magnitude: both devices round the float32 result once, so they should agree
 * exactly); each must show as a fused step in the plan.
 */
class FusedEpilogueGpuTest {
    private final Random random = new Random(2727);

    /** The graph's result and its inputs; {@code type} the dtype the fused ops compute in. */
    private record Case(Graph g, Output y, Map<Output, Tensor> feeds) {}

    private Case addRelu(DType type, long[] a, long[] b) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x1 = tf.placeholder(DType.FLOAT32, Shape.of(a), "a");
        Output x2 = tf.placeholder(DType.FLOAT32, Shape.of(b), "b");
        Output sum = tf.add(in(tf, x1, type), in(tf, x2, type));
        Output y = out(tf, tf.nn.relu(sum), type);
        return new Case(g, y, Map.of(x1, uniform(random, -1, 1, a), x2, uniform(random, -1, 1, b)));
    }

    private Case biasRelu6(DType type, long[] shape) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        long channels = shape[shape.length - 1];
        Output v = tf.placeholder(DType.FLOAT32, Shape.of(shape), "v");
        Output bias = tf.placeholder(DType.FLOAT32, Shape.of(channels), "bias");
        Output y = out(tf, tf.nn.relu6(tf.nn.biasAdd(in(tf, v, type), in(tf, bias, type))), type);
        return new Case(g, y, Map.of(v, uniform(random, -8, 8, shape), bias, uniform(random, -1, 1, channels)));
    }

    private static Output in(Tf tf, Output x, DType type) {
        return type == DType.FLOAT32 ? x : tf.cast(x, type);
    }

    private static Output out(Tf tf, Output y, DType type) {
        return type == DType.FLOAT32 ? y : tf.cast(y, DType.FLOAT32);
    }

    private static void check(Case c, DType type, String fusedOp) {
        Output fetched = type == DType.FLOAT32 ? c.y() : c.y().op().input(0);
        Tolerance tol = type == DType.FLOAT32 ? Tolerance.exact() : Tolerance.relative(Math.pow(2, -7), 0);
        compare(c.g(), c.feeds(), tol, c.y());
        try (Session s = gpuSession(c.g())) {
            List<String> plan = s.describePlan(List.of(c.y()), c.feeds().keySet(), List.of());
            String text = String.join("\n", plan);
            assertTrue(plan.stream().anyMatch(l -> l.startsWith(fetched.op().name() + " (" + fetched.op().type() + ") @ GPU")
                    && l.contains("fused with")), type + ": " + fusedOp + " is not a fused GPU step:\n" + text);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "BFLOAT16", "HALF"})
    void addThenReluOfOneShapeAndBroadcastMatchesTheCpu(DType type) {
        assumeGpu();
        check(addRelu(type, new long[] {4, 14, 14, 64}, new long[] {4, 14, 14, 64}), type, "AddV2 then Relu");
        check(addRelu(type, new long[] {3, 5, 7, 9}, new long[] {9}), type, "broadcast AddV2 then Relu");
        check(addRelu(type, new long[] {3, 1, 7, 1}, new long[] {3, 5, 1, 9}), type, "two-way broadcast AddV2 then Relu");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "BFLOAT16", "HALF"})
    void biasAddThenRelu6MatchesTheCpu(DType type) {
        assumeGpu();
        check(biasRelu6(type, new long[] {4, 14, 14, 96}), type, "BiasAdd then Relu6");
        check(biasRelu6(type, new long[] {2, 3, 3, 7}), type, "BiasAdd then Relu6, odd channels");
    }

    @Test
    void emptyTensorsGiveEmptyResults() {
        assumeGpu();
        check(addRelu(DType.FLOAT32, new long[] {0, 4}, new long[] {0, 4}), DType.FLOAT32, "empty AddV2 then Relu");
    }
}
