package dev.tensorgraph.ops.slim;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import dev.tensorgraph.testing.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints written by TensorFlow 2.21 under TF-Slim's variable names ({@code tf-cases-2.21/slim/}, made by
 * {@code tf-interop/python/tfref/cases_slim.py}) restored by name into graphs built here with the slim calls each
 * case lists, and run: the forward outputs, the training losses step by step and every variable after training
 * are TensorFlow's (relative 1e-5, absolute 1e-6).
 */
class SlimReferenceCasesTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final TfSlim slim = tf.slim;

    private static Path dir(String name) throws URISyntaxException {
        return Path.of(SlimReferenceCasesTest.class.getResource("/tf-cases-2.21/slim/" + name).toURI());
    }

    private static Map<String, Object> json(Path p) throws IOException {
        return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8));
    }

    /** A float32 or int64 tensor of the cases' JSON form. */
    private static Tensor tensor(Object spec) {
        Map<String, Object> m = Json.asMap(spec);
        long[] shape = Json.asList(m.get("shape")).stream().mapToLong(d -> ((Number) d).longValue()).toArray();
        List<Object> v = Json.asList(m.get("values"));
        return switch ((String) m.get("dtype")) {
            case "float32" -> {
                float[] f = new float[v.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = ((Number) v.get(i)).floatValue();
                }
                yield Tensor.of(DType.FLOAT32, Shape.of(shape), f);
            }
            case "int64" -> Tensor.of(DType.INT64, Shape.of(shape),
                    v.stream().mapToLong(x -> ((Number) x).longValue()).toArray());
            default -> throw new AssertionError("unexpected dtype " + m.get("dtype"));
        };
    }

    private List<String> sortedVariableNames() {
        return tf.globalVariables().stream().map(Variable::opName).sorted().toList();
    }

    /** Restores the case's checkpoint (whose keys must be exactly this graph's variables) and feeds its images. */
    private Tensor restoreAndRun(String name, Output images, Output logits) throws Exception {
        Path d = dir(name);
        Map<String, Object> spec = json(d.resolve("case.json"));
        assertEquals(Json.asMap(spec.get("checkpoint")).get("keys"), sortedVariableNames(), name + ": variables");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            new Saver(g).restore(s, d.resolve("model.ckpt"));
            Map<String, Object> variables = json(d.resolve("variables.json"));
            for (Variable v : tf.globalVariables()) {
                SlimTesting.assertClose(tensor(variables.get(v.opName())), s.run(v, Map.of()), 0, 0, v.opName());
            }
            return s.run(logits, Map.of(images, tensor(json(d.resolve("feeds.json")).get("images"))));
        }
    }

    private static void assertLikeTensorFlow(Object want, Tensor got, String what) {
        SlimTesting.assertClose(tensor(want), got, 1e-5, 1e-6, what);
    }

    @Test
    void namedScopesWithABatchNormalizedConvolution() throws Exception {
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(2, 8, 8, 3), "images");
        Output net = slim.conv2d(images, 4, new int[] {3, 3}, SlimArgs.create().normalizerFn(slim::batchNorm)
                .normalizerParams(SlimArgs.create().isTraining(false)).scope("conv1"));
        net = slim.maxPool2d(net, new int[] {2, 2}, SlimArgs.create().scope("pool1"));
        net = slim.flatten(net);
        Output logits = slim.fullyConnected(net, 5, SlimArgs.create().activationFn(null).scope("fc"));
        Tensor got = restoreAndRun("slim_named_scopes", images, logits);
        assertLikeTensorFlow(json(dir("slim_named_scopes").resolve("expected.json")).get("logits:0"), got, "logits");
    }

    @Test
    void defaultScopes() throws Exception {
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(2, 8, 8, 3), "images");
        Output net = slim.conv2d(images, 4, new int[] {3, 3});
        net = slim.conv2d(net, 6, new int[] {3, 3}, SlimArgs.create().normalizerFn(slim::batchNorm)
                .normalizerParams(SlimArgs.create().isTraining(false).scale(true)));
        net = slim.maxPool2d(net, new int[] {2, 2});
        net = slim.flatten(net);
        net = slim.fullyConnected(net, 8);
        Output logits = slim.fullyConnected(net, 3, SlimArgs.create().activationFn(null));
        Tensor got = restoreAndRun("slim_default_scopes", images, logits);
        assertLikeTensorFlow(json(dir("slim_default_scopes").resolve("expected.json")).get("logits:0"), got, "logits");
    }

    @Test
    void trainingStepsWithArgScopesBatchNormUpdatesAndWeightDecay() throws Exception {
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(4, 8, 8, 2), "images");
        Output labels = tf.placeholder(DType.INT64, Shape.of(4), "labels");
        Output logits;
        try (var decay = slim.argScope(List.of(SlimLayer.CONV2D, SlimLayer.FULLY_CONNECTED), SlimArgs.create()
                .weightsRegularizer(slim.l2Regularizer(0.01)))) {
            Output net;
            try (var bn = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().normalizerFn(slim::batchNorm)
                    .normalizerParams(SlimArgs.create().decay(0.9)))) {
                net = slim.repeat(images, 2, SlimLayer.CONV2D, SlimArgs.of(4, 3, 3).scope("conv1"));
            }
            net = slim.avgPool2d(net, new int[] {2, 2});
            net = slim.flatten(net);
            net = slim.stack(net, SlimLayer.FULLY_CONNECTED, List.of(SlimArgs.of(8), SlimArgs.of(6)),
                    SlimArgs.create().scope("fc"));
            logits = slim.fullyConnected(net, 3, SlimArgs.create().activationFn(null).scope("logits"));
        }
        Output loss = tf.add(tf.losses.sparseSoftmaxCrossEntropy(labels, logits), tf.losses.getRegularizationLoss());
        Operation train;
        try (var deps = tf.controlDependencies(g.collection(GraphKeys.UPDATE_OPS))) {
            train = new GradientDescentOptimizer(0.1).minimize(loss);
        }
        assertEquals(List.of("conv1/conv1_1/kernel/Regularizer/l2_regularizer:0",
                "conv1/conv1_2/kernel/Regularizer/l2_regularizer:0", "fc/fc_1/kernel/Regularizer/l2_regularizer:0",
                "fc/fc_2/kernel/Regularizer/l2_regularizer:0", "logits/kernel/Regularizer/l2_regularizer:0"),
                tf.losses.getRegularizationLosses().stream().map(Output::name).toList());
        assertEquals(4, g.collection(GraphKeys.UPDATE_OPS).size());

        Path d = dir("slim_train_steps");
        Map<String, Object> spec = json(d.resolve("case.json"));
        assertEquals(Json.asMap(spec.get("checkpoint")).get("keys"), sortedVariableNames(), "variables");
        List<Object> steps = Json.asList(json(d.resolve("steps.json")).get("steps"));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            new Saver(g).restore(s, d.resolve("model.ckpt"));
            for (int i = 0; i < steps.size(); i++) {
                Map<String, Object> step = Json.asMap(steps.get(i));
                Map<String, Object> feeds = Json.asMap(step.get("feeds"));
                Tensor got = s.runner().feed(images, tensor(feeds.get("images")))
                        .feed(labels, tensor(feeds.get("labels"))).fetch(loss).target(train).run().get(0);
                assertLikeTensorFlow(Json.asMap(step.get("expected")).get("loss:0"), got, "loss of step " + i);
            }
            Map<String, Object> after = json(d.resolve("variables.json"));
            for (Variable v : tf.globalVariables()) {
                assertLikeTensorFlow(after.get(v.opName()), s.run(v, Map.of()), v.opName() + " after training");
            }
        }
    }
}
