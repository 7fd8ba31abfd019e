package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.rnn.DynamicRnn;
import dev.tensorgraph.ops.rnn.LSTMCell;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * While loops on the GPU: the body's kernels on the device, the loop's bookkeeping and predicate on the host,
 * the same results as the CPU, no recording (with the reason in the plan), and an LSTM trained through
 * {@code dynamic_rnn} giving the CPU's losses.
 */
class LoopGpuTest {
    @Test
    void aLoopGivesTheCpusResultWithItsBodyOnTheGpu() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(64, 64), "x");
        Output w = tf.constant(uniform(new java.util.Random(5), -0.1, 0.1, 64, 64));
        List<Output> r = tf.whileLoop(v -> tf.less(v.get(0), 20),
                v -> List.of(tf.addV2(v.get(0), 1, "add"), tf.tanh(tf.add(tf.matmul(v.get(1), w), v.get(1)))),
                List.of(tf.constant(0), x));
        Tensor in = uniform(new java.util.Random(6), -1, 1, 64, 64);
        Tensor want;
        try (Session cpu = new Session(g, SessionOptions.cpuOnly())) {
            want = cpu.run(r.get(1), Map.of(x, in));
        }
        try (Session s = gpuSession(g)) {
            Tensor got = s.run(r.get(1), Map.of(x, in));
            assertArrayEquals(want.floats(), got.floats(), 1e-5f);
            List<String> plan = s.describePlan(List.of(r.get(1)), Set.of(x), List.of());
            assertTrue(plan.stream().anyMatch(l -> l.contains("| while/MatMul (MatMul) @ GPU")), String.join("\n", plan));
            assertTrue(plan.get(plan.size() - 1).contains("not recordable: while loop 'while/while_context'"),
                    plan.get(plan.size() - 1));
        }
    }

    @Test
    void anLstmTrainsOnTheGpuAsOnTheCpu() {
        assumeGpu();
        Graph g = new Graph();
        g.setSeed(7L);
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(8, 10, 4), "x");
        Output y = tf.placeholder(DType.FLOAT32, Shape.of(8, 10, 16), "y");
        DynamicRnn.Result rnn = tf.nn.dynamicRnn(LSTMCell.create(16), x, DynamicRnn.Options.create().dtype(DType.FLOAT32));
        Output loss = tf.reduceMean(tf.square(tf.subtract(rnn.outputs(), y)));
        Operation train = new GradientDescentOptimizer(0.5).minimize(loss);
        Map<Output, Tensor> feeds = Map.of(x, uniform(new java.util.Random(8), -1, 1, 8, 10, 4),
                y, uniform(new java.util.Random(9), -0.5, 0.5, 8, 10, 16));
        List<Float> cpuLosses = new ArrayList<>();
        List<Tensor> initial = new ArrayList<>();
        List<Variable> vars = g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class);
        try (Session cpu = new Session(g, SessionOptions.cpuOnly())) {
            cpu.run(tf.globalVariablesInitializer());
            for (Variable v : vars) {
                initial.add(cpu.variableValue(v));
            }
            for (int i = 0; i < 5; i++) {
                cpuLosses.add(cpu.run(List.of(loss), feeds, List.of(train)).get(0).floatValue());
            }
        }
        try (Session s = gpuSession(g)) {
            s.run(tf.globalVariablesInitializer());
            for (int i = 0; i < vars.size(); i++) {
                s.setVariableValue(vars.get(i), initial.get(i));
            }
            for (int i = 0; i < 5; i++) {
                float l = s.run(List.of(loss), feeds, List.of(train)).get(0).floatValue();
                assertEquals(cpuLosses.get(i), l, 1e-5f * Math.abs(cpuLosses.get(i)), "loss of step " + (i + 1));
            }
        }
    }
}
