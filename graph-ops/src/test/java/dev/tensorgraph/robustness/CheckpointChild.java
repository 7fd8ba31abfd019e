package dev.tensorgraph.robustness;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.GlobalStep;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link CrashSafeSaveTest}: resumes from the newest checkpoint in a folder (or starts
 * fresh), then trains a small linear model one deterministic step at a time and saves after every step,
 * printing {@code saved <step> <checksum>} once each save has returned. The parent kills it at random.
 * The state after step n is the same in every process, so any checkpoint can be checked against a replay.
 */
public final class CheckpointChild {
    static final int N = 96;

    /** The model: y = x W + b fitted to fixed targets, with a global step. */
    record Model(Graph g, Variable w, Variable b, Variable step, Operation train, Operation init) {
        static Model build() {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            float[] xv = new float[8 * N];
            float[] tv = new float[8 * N];
            for (int i = 0; i < xv.length; i++) {
                xv[i] = ((i * 37) % 23 - 11) / 11f;
                tv[i] = ((i * 11) % 17 - 8) / 8f;
            }
            Output x = tf.constant(Tensor.of(DType.FLOAT32, Shape.of(8, N), xv), "x");
            Output target = tf.constant(Tensor.of(DType.FLOAT32, Shape.of(8, N), tv), "target");
            Variable w = tf.variable(tf.constant(Tensor.zeros(DType.FLOAT32, Shape.of(N, N))), "w");
            Variable b = tf.variable(tf.constant(Tensor.zeros(DType.FLOAT32, Shape.of(N))), "b");
            Variable step = GlobalStep.createGlobalStep(tf.graph());
            Output loss = tf.reduceMean(tf.square(tf.subtract(tf.add(tf.matmul(x, w), b), target)), "loss");
            Operation train = new GradientDescentOptimizer(0.01).minimize(loss, step);
            return new Model(g, w, b, step, train, tf.globalVariablesInitializer());
        }

        Session newSession() {
            return new Session(g, SessionOptions.cpuOnly().intraOpThreads(1));
        }

        long stepValue(Session s) {
            return s.variableValue(step).longValue();
        }

        /** A hash of the exact bits of every variable. */
        long checksum(Session s) {
            long h = 1125899906842597L;
            for (Variable v : List.of(w, b)) {
                for (float f : s.variableValue(v).floats()) {
                    h = 31 * h + Float.floatToRawIntBits(f);
                }
            }
            return 31 * h + stepValue(s);
        }
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Model m = Model.build();
        Saver saver = new Saver(m.g()).writeMetaGraph(false);
        try (Session s = m.newSession()) {
            Path latest = Saver.latestCheckpoint(dir);
            if (latest == null) {
                s.run(m.init());
            } else {
                saver.restore(s, latest);
            }
            System.out.println("ready " + m.stepValue(s));
            System.out.flush();
            for (int i = 0; i < 1_000_000; i++) {
                s.run(m.train());
                long step = m.stepValue(s);
                saver.save(s, dir.resolve("model"), step);
                System.out.println("saved " + step + " " + m.checksum(s));
                System.out.flush();
            }
        }
    }

    private CheckpointChild() {}
}
