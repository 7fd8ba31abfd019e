package dev.tensorgraph.cuda;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;

/**
 * Times AlexNet's convolutions (forward, input gradient, filter gradient) at batch 128 in NHWC and NCHW on
 * the GPU, inputs resident on the device: which layout cuDNN is faster at for FP32. Run by hand on a GPU
 * machine: {@code java ... dev.tensorgraph.cuda.ConvLayoutProbe [tf32]}.
 */
public final class ConvLayoutProbe {
    private ConvLayoutProbe() {}

    public static void main(String[] args) {
        boolean tf32 = args.length > 0 && args[0].equals("tf32");
        int[][] convs = { // h, w, c, out, k, stride, pad
            {228, 228, 3, 96, 11, 4, 0}, {27, 27, 96, 256, 5, 1, 2}, {13, 13, 256, 384, 3, 1, 1},
            {13, 13, 384, 384, 3, 1, 1}, {13, 13, 384, 256, 3, 1, 1}};
        for (String format : new String[] {"NHWC", "NCHW"}) {
            double total = 0;
            StringBuilder line = new StringBuilder();
            for (int[] c : convs) {
                double ms = time(format, c, tf32);
                total += ms;
                line.append(String.format(" %dx%d/%d:%.3f", c[4], c[4], c[2], ms));
            }
            System.out.printf("%s tf32=%s fwd+bwd ms per conv:%s total %.3f%n", format, tf32, line, total);
        }
    }

    private static double time(String format, int[] c, boolean tf32) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        boolean nchw = format.equals("NCHW");
        Shape xs = nchw ? Shape.of(128, c[2], c[0], c[1]) : Shape.of(128, c[0], c[1], c[2]);
        Variable x = tf.variable(tf.random.normal(xs), "x");
        Variable w = tf.variable(tf.random.normal(Shape.of(c[4], c[4], c[2], c[3]), 0f, 0.01f), "w");
        int[][] pads = nchw ? new int[][] {{0, 0}, {0, 0}, {c[6], c[6]}, {c[6], c[6]}}
                : new int[][] {{0, 0}, {c[6], c[6]}, {c[6], c[6]}, {0, 0}};
        Output y = tf.nn.conv2d(x, w, new int[] {c[5], c[5]}, c[6] == 0 ? "VALID" : "SAME", format, null, "conv");
        if (c[6] > 0 && c[5] == 1 && c[4] != 2 * c[6] + 1) {
            throw new IllegalStateException("probe shapes assume SAME == symmetric padding " + List.of(pads));
        }
        List<Output> grads = tf.gradients(List.of(tf.reduceSum(tf.multiply(y, y))), List.of(x, w));
        Operation step = tf.group(grads, "step");
        try (Session s = new Session(g, SessionOptions.gpu(0).allowTf32(tf32))) {
            s.run(tf.globalVariablesInitializer());
            for (int i = 0; i < 5; i++) {
                s.run(step);
            }
            s.device().synchronize();
            int n = 20;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                s.run(step);
            }
            s.device().synchronize();
            return (System.nanoTime() - t0) / 1e6 / n;
        }
    }
}
