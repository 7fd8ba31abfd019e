package dev.tensorgraph.examples.cli;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphDefText;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.examples.Main;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Files the CLI tests read: {@code model.meta} + checkpoint of {@code out = x · layer/W + b} with
 * W = [[2, 0], [0, 2]] and b = [0.5, -0.5] saved (initial values [[1, 2], [3, 4]] and b), and the same graph
 * as {@code graph.pb} and {@code graph.pbtxt}, and as {@code plain.pb} without the saver's ops.
 */
final class CliFixture {
    static final float[][] W_SAVED = {{2, 0}, {0, 2}};

    record Result(int exitCode, String out, String err) {}

    private CliFixture() {}

    static Path writeModel(Path dir) throws IOException {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 2), "x");
        Variable w;
        try (var scope = tf.variableScope("layer")) {
            w = tf.variable(tf.constant(new float[][] {{1, 2}, {3, 4}}), "W");
        }
        Variable b = tf.variable(tf.constant(new float[] {0.5f, -0.5f}), "b");
        tf.nn.biasAdd(tf.matmul(x, w.value()), b.value(), "NHWC", "out");
        g.addToCollection("my_strings", "hello");
        Files.write(dir.resolve("plain.pb"), g.toGraphDef());
        Saver saver = new Saver(g);
        Files.write(dir.resolve("graph.pb"), g.toGraphDef());
        Files.writeString(dir.resolve("graph.pbtxt"), GraphDefText.toText(g));
        try (Session s = new Session(g)) {
            s.run(tf.globalVariablesInitializer());
            s.setVariableValue(w, Tensor.of(W_SAVED));
            return saver.save(s, dir.resolve("model"));
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int rc = cmd.execute(args);
        return new Result(rc, out.toString(), err.toString());
    }
}
