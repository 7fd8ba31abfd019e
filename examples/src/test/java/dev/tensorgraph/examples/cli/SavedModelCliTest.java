package dev.tensorgraph.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.data.Npy;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.savedmodel.SavedModelBuilder;
import dev.tensorgraph.ops.savedmodel.Signatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect DIR} and {@code run DIR --input ...} on SavedModel directories. */
class SavedModelCliTest {
    @TempDir
    Path tmp;

    /** x [?, 2] -> y = x W + b with W = [[2, 0], [0, 2]], b = [0.5, -0.5]; count = size of x (int32). */
    private Path writeSavedModel() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 2), "x");
        Variable w = tf.variable(tf.constant(new float[][] {{2, 0}, {0, 2}}), "W");
        Variable b = tf.variable(tf.constant(new float[] {0.5f, -0.5f}), "b");
        Output y = tf.add(tf.matmul(x, w), b, "y");
        Output count = tf.size(x, DType.INT32, "count");
        Path dir = tmp.resolve("model");
        try (Session s = new Session(g)) {
            s.run(tf.globalVariablesInitializer());
            SavedModelBuilder.create(dir).addMetaGraphAndVariables(s, Set.of("serve"), Map.of(
                    "serving_default", Signatures.predict(Map.of("x", x), Map.of("y", y, "count", count))))
                    .save();
        }
        return dir;
    }

    @Test
    void inspectListsTagSetsAndSignaturesAsSavedModelCliDoes() {
        Path dir = writeSavedModel();
        CliFixture.Result r = CliFixture.run("inspect", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("MetaGraphDef with tag-set: 'serve' contains the following SignatureDefs:"), out);
        assertTrue(out.contains("signature_def['serving_default']:"), out);
        assertTrue(out.contains("    inputs['x'] tensor_info:\n        dtype: DT_FLOAT\n        shape: (-1, 2)\n"
                + "        name: x:0\n"), out);
        assertTrue(out.contains("    outputs['count'] tensor_info:\n        dtype: DT_INT32\n        shape: ()\n"), out);
        assertTrue(out.contains("  Method name is: tensorflow/serving/predict"), out);
    }

    private static Path tf2SavedModel() {
        Path dir = Path.of("..", "graph-ops", "src", "test", "resources", "tf-cases-2.21", "saved-model",
                "tf_module_two_signatures", "saved_model");
        Assumptions.assumeTrue(Files.isDirectory(dir), "the reference cases are beside this module");
        return dir;
    }

    /** TensorFlow 2's SavedModels are described from the file: signatures and the object graph's variables. */
    @Test
    void inspectDescribesATensorFlow2SavedModel() {
        Path dir = tf2SavedModel();
        CliFixture.Result r = CliFixture.run("inspect", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("signature_def['scaled_power']:"), r.out());
        assertTrue(r.out().contains("variables: w DT_FLOAT (3, 2), b DT_FLOAT (2), scale DT_FLOAT ()"), r.out());
        assertTrue(r.out().contains("    inputs['power'] tensor_info:\n        dtype: DT_INT32\n        shape: ()\n"),
                r.out());
    }

    /** A tf.Module's scaled_power signature (a function call over a restored variable) gives TensorFlow's results. */
    @Test
    void runServesATensorFlow2SavedModelsSignature() {
        CliFixture.Result r = CliFixture.run("run", tf2SavedModel().toString(), "--signature", "scaled_power",
                "--input", "values=[1.5,-2.0,0.5]", "--input", "power=3");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("count int32[]\n3"), r.out());
        assertTrue(r.out().contains("scaled float32[3]\n[5.0625, -12.0, 0.1875]"), r.out());
    }

    @Test
    void runFeedsInputsByKeyAndPrintsOrWritesOutputsByKey() throws Exception {
        Path dir = writeSavedModel();
        CliFixture.Result r = CliFixture.run("run", dir.toString(), "--input", "x=[[1,2],[3,4]]");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("count int32[]\n4"), r.out());
        assertTrue(r.out().contains("y float32[2,2]\n[[2.5, 3.5], [6.5, 7.5]]"), r.out());
        Path out = tmp.resolve("out");
        CliFixture.Result w = CliFixture.run("run", dir.toString(), "--tag", "serve", "--signature",
                "serving_default", "--input", "x=[[1,1]]", "--out", out.toString());
        assertEquals(0, w.exitCode(), w.err());
        float[] y = Npy.read(out.resolve("y.npy")).floats();
        assertEquals(2.5f, y[0]);
        assertEquals(1.5f, y[1]);
    }

    @Test
    void badTagsSignaturesAndInputsAreErrorsNamingThem() {
        Path dir = writeSavedModel();
        CliFixture.Result tag = CliFixture.run("run", dir.toString(), "--tag", "train", "--input", "x=[[1,1]]");
        assertEquals(1, tag.exitCode());
        assertTrue(tag.err().contains("[train]"), tag.err());
        CliFixture.Result sig = CliFixture.run("run", dir.toString(), "--signature", "predict", "--input", "x=[[1,1]]");
        assertEquals(1, sig.exitCode());
        assertTrue(sig.err().contains("'predict'"), sig.err());
        CliFixture.Result key = CliFixture.run("run", dir.toString(), "--input", "images=[[1,1]]");
        assertEquals(1, key.exitCode());
        assertTrue(key.err().contains("'images'") && key.err().contains("[x]"), key.err());
        CliFixture.Result missing = CliFixture.run("run", dir.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("input 'x' is missing"), missing.err());
    }
}
