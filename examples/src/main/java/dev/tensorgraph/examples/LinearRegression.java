package dev.tensorgraph.examples;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.examples.cli.OptionChecks;
import dev.tensorgraph.ops.Initializers;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Fits y = 3x + 2 with hand-written gradient descent: placeholders, variables, tf.gradients and assignments,
 * the whole TensorFlow 1.x loop in a few lines.
 */
@Command(name = "linear-regression", mixinStandardHelpOptions = true,
        description = "Fit y = 3x + 2 by gradient descent and print the loss as it falls.")
public final class LinearRegression implements Callable<Integer> {
    @Option(names = "--steps", description = "Gradient steps (default ${DEFAULT-VALUE}).")
    int steps = 200;

    @Option(names = "--learning-rate", description = "Step size (default ${DEFAULT-VALUE}).")
    float learningRate = 0.1f;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OptionChecks.atLeast(spec, "--steps", steps, 0);
        OptionChecks.positive(spec, "--learning-rate", learningRate);
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1), "x");
        Output y = tf.placeholder(DType.FLOAT32, Shape.of(-1), "y");
        Variable w = tf.getVariable("w", Shape.scalar(), Initializers.zeros());
        Variable b = tf.getVariable("b", Shape.scalar(), Initializers.zeros());
        Output prediction = tf.add(tf.multiply(w, x), b, "prediction");
        Output loss = tf.reduceMean(tf.square(tf.subtract(prediction, y)), "loss");
        List<Output> grads = tf.gradients(loss, List.of(w, b));
        Output lr = tf.constant(learningRate);
        var train = tf.group(w.assignSub(tf.multiply(lr, grads.get(0))), b.assignSub(tf.multiply(lr, grads.get(1))));

        Random random = new Random(42);
        float[] xs = new float[100];
        float[] ys = new float[100];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) (random.nextGaussian());
            ys[i] = 3 * xs[i] + 2 + 0.1f * (float) random.nextGaussian();
        }
        Map<Output, Tensor> feeds = Map.of(x, Tensor.of(xs), y, Tensor.of(ys));
        try (Session s = new Session(g)) {
            s.run(tf.globalVariablesInitializer());
            for (int step = 0; step <= steps; step++) {
                if (step % Math.max(1, steps / 10) == 0) {
                    System.out.printf("step %4d  loss %.5f  w %.4f  b %.4f%n", step, s.run(loss, feeds).floatValue(),
                            s.run(w).floatValue(), s.run(b).floatValue());
                }
                s.run(train, feeds);
            }
        }
        return 0;
    }
}
