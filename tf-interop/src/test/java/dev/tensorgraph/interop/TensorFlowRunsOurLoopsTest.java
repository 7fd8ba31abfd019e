package dev.tensorgraph.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.control.WhileOptions;
import dev.tensorgraph.ops.rnn.DynamicRnn;
import dev.tensorgraph.ops.rnn.LSTMCell;
import dev.tensorgraph.ops.tensorarray.TensorArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.GraphDef;

/**
 * Loops built here run in TensorFlow: a graph with nested while loops (one with maximum_iterations), a
 * TensorArray filled in a loop, an LSTM {@code dynamic_rnn} with sequence lengths, and the gradients of all of
 * them (backward loops popping the stacks the forward loops pushed, TensorArray gradients), exported as a
 * GraphDef, imported by TensorFlow's Java binding and run there with the same feeds and variable values: every
 * fetch matches ours.
 */
class TensorFlowRunsOurLoopsTest {
    @Test
    void loopsBuiltHereRunInTensorFlowWithOurResults() throws Exception {
        dev.tensorgraph.Graph g = new dev.tensorgraph.Graph();
        g.setSeed(3L);
        Tf tf = Tf.of(g);
        Output n = tf.placeholder(DType.INT32, Shape.scalar(), "n");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3), "x");
        Output seq = tf.placeholder(DType.FLOAT32, Shape.of(2, 4, 3), "seq");
        Output lengths = tf.placeholder(DType.INT32, Shape.of(2), "lengths");

        // nested loops: for i < n: for j < i: acc = tanh(acc * 0.9 + x * j), at most 4 outer iterations
        List<Output> nested = tf.whileLoop(v -> tf.less(v.get(0), n), v -> {
            Output i = v.get(0);
            List<Output> inner = tf.whileLoop(u -> tf.less(u.get(0), i), u -> List.of(tf.addV2(u.get(0), 1),
                    tf.tanh(tf.addV2(tf.multiply(u.get(1), 0.9), tf.multiply(x, tf.cast(u.get(0), DType.FLOAT32))))),
                    List.of(tf.constant(0), v.get(1)));
            return List.of(tf.addV2(i, 1), inner.get(1));
        }, List.of(tf.constant(0), x), WhileOptions.create().withMaximumIterations(4));
        Output nestedOut = tf.identity(nested.get(1), "nested_result");

        // a TensorArray written in a loop, stacked after it: row t is x * (t + 1)^2
        TensorArray ta = TensorArray.create(g, DType.FLOAT32, 5, TensorArray.Options.create());
        List<Output> filled = tf.whileLoop(v -> tf.less(v.get(0), 5), v -> {
            Output t = tf.cast(tf.addV2(v.get(0), 1), DType.FLOAT32);
            TensorArray written = ta.withFlow(v.get(1)).write(v.get(0), tf.multiply(x, tf.multiply(t, t)));
            return List.of(tf.addV2(v.get(0), 1), written.flow());
        }, List.of(tf.constant(0), ta.flow()));
        Output stacked = tf.identity(ta.withFlow(filled.get(1)).stack(), "stacked");

        // an LSTM over sequences of different lengths
        DynamicRnn.Result rnn;
        try (var scope = tf.variableScope("model")) {
            rnn = tf.nn.dynamicRnn(LSTMCell.create(4), seq,
                    DynamicRnn.Options.create().dtype(DType.FLOAT32).sequenceLength(lengths));
        }
        Output loss = tf.add(tf.add(tf.reduceSum(tf.square(rnn.outputs())), tf.reduceSum(tf.multiply(nestedOut, nestedOut))),
                tf.reduceSum(tf.sigmoid(stacked)), "loss");

        List<Variable> variables = g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class);
        List<Output> wrt = new ArrayList<>(List.of(x, seq));
        variables.forEach(v -> wrt.add(v.value()));
        List<Output> grads = tf.gradients(loss, wrt);
        // TensorFlow gets our initial values through placeholders, as its random initializers draw others
        List<Output> setters = new ArrayList<>();
        List<Operation> assigns = new ArrayList<>();
        for (Variable v : variables) {
            Output value = tf.placeholder(DType.FLOAT32, v.value().shape(), v.opName().replace('/', '_') + "_value");
            setters.add(value);
            assigns.add(v.assign(value).op());
        }
        Operation setVariables = tf.group(assigns, "set_variables");

        List<Output> fetches = new ArrayList<>(List.of(nestedOut, stacked, rnn.outputs(), rnn.state().get(0),
                rnn.state().get(1), loss));
        fetches.addAll(grads);
        Random r = new Random(11);
        Map<Output, Tensor> feeds = new LinkedHashMap<>();
        feeds.put(n, Tensor.of(6));
        feeds.put(x, Tensor.of(new float[] {0.3f, -0.7f, 1.1f}));
        feeds.put(seq, random(r, 2, 4, 3));
        feeds.put(lengths, Tensor.of(DType.INT32, Shape.of(2), new int[] {4, 2}));
        List<Tensor> ours;
        List<Tensor> initial;
        try (dev.tensorgraph.Session s = new dev.tensorgraph.Session(g)) {
            s.run(tf.globalVariablesInitializer());
            initial = s.run(variables.stream().map(Variable::value).toList(), Map.of());
            ours = s.run(fetches, feeds);
        }
        byte[] def = g.toGraphDef();

        try (Graph tg = new Graph()) {
            tg.importGraphDef(GraphDef.parseFrom(def));
            try (Session s = new Session(tg)) {
                Session.Runner init = s.runner().addTarget(setVariables.name());
                List<org.tensorflow.Tensor> owned = new ArrayList<>();
                for (int i = 0; i < setters.size(); i++) {
                    org.tensorflow.Tensor t = toTf(initial.get(i));
                    owned.add(t);
                    init.feed(setters.get(i).name(), t);
                }
                init.run().close();
                Session.Runner run = s.runner();
                for (Map.Entry<Output, Tensor> f : feeds.entrySet()) {
                    org.tensorflow.Tensor t = toTf(f.getValue());
                    owned.add(t);
                    run.feed(f.getKey().name(), t);
                }
                fetches.forEach(f -> run.fetch(f.name()));
                try (Result res = run.run()) {
                    for (int i = 0; i < fetches.size(); i++) {
                        assertClose(fetches.get(i).name(), res.get(i), ours.get(i));
                    }
                } finally {
                    owned.forEach(org.tensorflow.Tensor::close);
                }
            }
        }
    }

    private static Tensor random(Random r, long... shape) {
        float[] a = new float[Math.toIntExact(Shape.of(shape).numElements())];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return Tensor.of(DType.FLOAT32, Shape.of(shape), a);
    }

    private static org.tensorflow.Tensor toTf(Tensor t) {
        return TfValues.toTf(t.shape().dims(), t.array());
    }

    /** TensorFlow's value is the reference: 1e-5 relative + 1e-6 absolute for floats, exact otherwise. */
    private static void assertClose(String what, org.tensorflow.Tensor tf, Tensor ours) {
        assertArrayEquals(tf.shape().asArray(), ours.shape().dims(), what + " shape");
        Object e = TfValues.fromTf(tf);
        if (e instanceof float[] f) {
            double[] a = ours.toDoubles();
            for (int i = 0; i < a.length; i++) {
                assertTrue(Math.abs(f[i] - a[i]) <= 1e-6 + 1e-5 * Math.abs(f[i]),
                        what + "[" + i + "]: TensorFlow " + f[i] + ", ours " + a[i]);
            }
        } else {
            assertArrayEquals((int[]) e, ours.ints(), what);
        }
    }
}
