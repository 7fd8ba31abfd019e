package dev.tensorgraph.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.savedmodel.SavedModel;
import dev.tensorgraph.ops.savedmodel.SavedModelBuilder;
import dev.tensorgraph.ops.savedmodel.Signatures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.SignatureDef;

/**
 * A SavedModel written here (dense layer + softmax, variables assigned after init, a main op, reference or resource
 * variables) loads in TensorFlow's Java binding ({@code SavedModelBundle.load}, TensorFlow's C++ loader: tags,
 * variables restored through our SaverDef, main op run: the logits hold the offset it sets) and its signature
 * gives our outputs.
 */
class TensorFlowLoadsOurSavedModelTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void tensorFlowServesOurSavedModelWithOurOutputs(boolean resource) throws Exception {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "x");
        Variable w = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(3, 4), new float[12])), true, "dense/kernel", resource);
        Variable b = tf.variable(tf.constant(new float[4]), true, "dense/bias", resource);
        Variable offset = tf.variable(tf.constant(0f), false, "offset", resource);
        Output logits = tf.add(tf.add(tf.matmul(x, w), b), offset, "logits");
        Output probs = tf.identity(tf.nn.softmax(logits), "probs");
        var main = tf.group(List.of(offset.assign(tf.constant(0.25f))), "main_op");
        float[] kernel = new float[12];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (float) Math.sin(i + 1);
        }
        Path dir = tmp.resolve("model");
        try (dev.tensorgraph.Session s = new dev.tensorgraph.Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            s.run(w.assign(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(3, 4), kernel))));
            s.run(b.assign(tf.constant(new float[] {0.1f, -0.2f, 0.3f, -0.4f})));
            SavedModelBuilder.create(dir).mainOp(main)
                    .addMetaGraphAndVariables(s, Set.of("serve"), Map.of("serving_default",
                            Signatures.predict(Map.of("x", x), Map.of("logits", logits, "probs", probs))))
                    .save();
        }
        float[] input = {1, -2, 0.5f, 3, 0, -1};
        Map<String, Tensor> ours;
        try (SavedModel model = SavedModel.load(dir, "serve")) {
            ours = model.signature("serving_default").call(Map.of("x", Tensor.of(DType.FLOAT32, Shape.of(2, 3), input)));
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
            SignatureDef sig = bundle.metaGraphDef().getSignatureDefOrThrow("serving_default");
            assertEquals("tensorflow/serving/predict", sig.getMethodName());
            try (org.tensorflow.Tensor tfInput = TfValues.toTf(new long[] {2, 3}, input);
                 Result r = bundle.session().runner().feed(sig.getInputsOrThrow("x").getName(), tfInput)
                         .fetch(sig.getOutputsOrThrow("logits").getName())
                         .fetch(sig.getOutputsOrThrow("probs").getName()).run()) {
                for (int i = 0; i < 2; i++) {
                    String key = i == 0 ? "logits" : "probs";
                    float[] theirs = (float[]) TfValues.fromTf(r.get(i));
                    float[] mine = ours.get(key).floats();
                    assertEquals(mine.length, theirs.length);
                    for (int k = 0; k < mine.length; k++) {
                        assertEquals(mine[k], theirs[k], 1e-6 + 1e-5 * Math.abs(mine[k]), key + "[" + k + "]");
                    }
                }
            }
        }
    }
}
