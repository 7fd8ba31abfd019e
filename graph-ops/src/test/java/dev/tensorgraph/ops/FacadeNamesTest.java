package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphDefText;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.layers.Conv2dOptions;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.layers.DropoutOptions;
import dev.tensorgraph.ops.math.CumulativeOptions;
import dev.tensorgraph.ops.nn.FusedBatchNorm;
import dev.tensorgraph.ops.nn.Moments;
import dev.tensorgraph.ops.train.AdamOptimizer;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The graphs the {@link Tf} facade builds have TensorFlow's node names, op types, inputs and attributes: each case
 * makes the calls of a program that TensorFlow 2.21 built in graph mode (control flow v1, reference variables) and
 * wrote as a text GraphDef ({@code facade-names/<case>.pbtxt}, by {@code tf-interop/python/facade_names.py}), and
 * the two graphs are compared node by node (attributes after defaults are filled in, floats to 6 digits).
 *
 * <p>Where the facade builds another construction than TensorFlow 2.21, {@code facade-names/<case>.differences}
 * lists every difference, one a line as this test words it, under comments ({@code #}) that say why. The list must
 * match exactly: a new difference fails the case, and so does a listed one that is gone (then shorten the list).
 */
class FacadeNamesTest {
    /** One program, built with the facade as TensorFlow's twin in {@code facade_names.py} builds it. */
    record Case(String name, Consumer<Tf> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("conv2d_layers", tf -> {
                    Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 8, 8, 3), "x");
                    Output h = tf.layers.conv2d(x, 4, new int[] {3, 3}, Conv2dOptions.create().activation(tf.nn::relu));
                    tf.layers.conv2d(h, 2, new int[] {2, 2}, Conv2dOptions.create().strides(2, 2).padding("same"));
                }),
                new Case("dense_layers", tf -> {
                    Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 5), "x");
                    Output h = tf.layers.dense(x, 3, DenseOptions.create().activation(tf.nn::relu));
                    tf.layers.dense(h, 2, DenseOptions.create().useBias(false).name("logits"));
                }),
                new Case("moments_batch_norm", tf -> {
                    Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 4, 4, 3), "x");
                    Moments m = tf.nn.moments(x, new int[] {0, 1, 2});
                    Output offset = tf.constant(new float[] {0.1f, 0.2f, 0.3f}, "offset");
                    Output scale = tf.constant(new float[] {1.5f, 1.0f, 0.5f}, "scale");
                    tf.nn.batchNormalization(x, m.mean(), m.variance(), offset, scale, 0.001f);
                }),
                new Case("fused_batch_norm", tf -> {
                    Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 4, 4, 3), "x");
                    Output scale = tf.constant(new float[] {1.5f, 1.0f, 0.5f}, "scale");
                    Output offset = tf.constant(new float[] {0.1f, 0.2f, 0.3f}, "offset");
                    FusedBatchNorm train = tf.nn.fusedBatchNorm(x, scale, offset, null, null, 0.001f, "NHWC", true);
                    tf.nn.fusedBatchNorm(x, scale, offset, train.batchMean(), train.batchVariance(), 0.001f, "NHWC",
                            false);
                }),
                new Case("dropout", tf -> {
                    Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 5), "x");
                    tf.layers.dropout(x, DropoutOptions.create().rate(0.3).training(true));
                    tf.nn.dropoutRate(x, 0.3f);
                }),
                new Case("minimize_gradient_descent", tf -> new GradientDescentOptimizer(0.1).minimize(denseLoss(tf))),
                new Case("minimize_adam", tf -> new AdamOptimizer(0.001).minimize(denseLoss(tf))),
                new Case("cond", tf -> {
                    Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
                    Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
                    tf.cond(p, () -> tf.multiply(x, 2.0), () -> tf.add(x, 1.0));
                }),
                new Case("array_indexing", FacadeNamesTest::arrayIndexing),
                new Case("math_array", FacadeNamesTest::mathArray));
    }

    /** The twin of facade_names.py's array_indexing. */
    private static void arrayIndexing(Tf tf) {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4, 3), "x");
        Output i = tf.placeholder(DType.INT32, Shape.of(2, 1), "i");
        Output u = tf.placeholder(DType.FLOAT32, Shape.of(2, 3), "u");
        Output v = tf.placeholder(DType.INT32, Shape.of(5), "v");
        tf.gatherNd(x, i);
        tf.scatterNd(i, u, new long[] {6, 3});
        tf.tensorScatterUpdate(x, i, u);
        tf.tensorScatterAdd(x, i, u);
        tf.tensorScatterSub(x, i, u);
        tf.tensorScatterNdMax(x, i, u);
        tf.tensorScatterNdMin(x, i, u);
        tf.shapeN(List.of(x, u));
        tf.pad(x, new int[][] {{1, 2}, {0, 1}}, "REFLECT");
        tf.pad(x, new int[][] {{1, 2}, {0, 1}}, "symmetric");
        tf.reverse(x, new int[] {0, -1});
        tf.roll(x, new int[] {1, -2}, new int[] {0, 1});
        tf.roll(x, 2, 1);
        tf.uniqueWithCounts(v);
        tf.setdiff1d(v, v);
        tf.broadcastTo(v, new int[] {2, 5});
    }

    /** The twin of facade_names.py's math_array. */
    private static void mathArray(Tf tf) {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4, 3), "x");
        Output ids = tf.placeholder(DType.INT32, Shape.of(4), "ids");
        Output w = tf.placeholder(DType.FLOAT32, Shape.of(3, 2), "w");
        Output z = tf.placeholder(DType.FLOAT32, Shape.of(2, 5), "z");
        Output weights = tf.placeholder(DType.FLOAT32, Shape.of(4), "weights");
        tf.math.unsortedSegmentSum(x, ids, 3);
        tf.math.unsortedSegmentMax(x, ids, 3);
        tf.math.unsortedSegmentMin(x, ids, 3);
        tf.math.unsortedSegmentProd(x, ids, 3);
        tf.math.segmentSum(x, ids);
        tf.math.segmentMean(x, ids);
        tf.math.segmentMax(x, ids);
        tf.math.segmentMin(x, ids);
        tf.math.segmentProd(x, ids);
        tf.cumsum(x, 1, CumulativeOptions.create().exclusive(true));
        tf.cumprod(x, 0, CumulativeOptions.create().reverse(true));
        tf.clipByValue(x, -1.0, 1.0);
        tf.einsum("ij,jk->ik", x, w);
        tf.einsum("ij,jk", x, w);
        tf.einsum("ij,jk,kl->il", x, w, z);
        tf.math.bincount(ids);
        tf.math.bincount(ids, weights, 6L, null, DType.INT32, null);
        tf.nn.topK(x, 2);
        tf.nn.inTopK(x, ids, 1);
    }

    private static Output denseLoss(Tf tf) {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 5), "x");
        return tf.reduceMean(tf.square(tf.layers.dense(x, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void facadeBuildsTensorFlowsGraph(Case c) throws IOException {
        Graph ours = new Graph();
        c.build().accept(Tf.of(ours));
        Graph theirs = GraphDefText.fromText(resource("facade-names/" + c.name() + ".pbtxt", true));
        String listed = resource("facade-names/" + c.name() + ".differences", false);
        List<String> known = listed == null ? List.of() : listed.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertEquals(String.join("\n", known), String.join("\n", differences(ours, theirs)),
                c.name() + ": the differences listed (expected) and found between the facade's graph and TensorFlow's");
    }

    /** One line per difference, sorted: nodes only one graph has, then per node its type, inputs, attributes. */
    static List<String> differences(Graph ours, Graph theirs) {
        Map<String, Operation> a = byName(ours);
        Map<String, Operation> b = byName(theirs);
        List<String> out = new ArrayList<>();
        for (String name : union(a.keySet(), b.keySet())) {
            Operation x = a.get(name);
            Operation y = b.get(name);
            if (x == null) {
                out.add("only TensorFlow has " + name + " (" + y.type() + ")");
            } else if (y == null) {
                out.add("only the facade has " + name + " (" + x.type() + ")");
            } else if (!x.type().equals(y.type())) {
                out.add(name + ": op " + x.type() + ", TensorFlow " + y.type());
            } else {
                List<String> ix = inputs(x);
                List<String> iy = inputs(y);
                if (!ix.equals(iy)) {
                    out.add(name + ": inputs " + ix + ", TensorFlow " + iy);
                }
                for (String key : union(x.attrs().keySet(), y.attrs().keySet())) {
                    String vx = show(x.attrs().get(key));
                    String vy = show(y.attrs().get(key));
                    if (!vx.equals(vy)) {
                        out.add(name + ": " + key + " = " + vx + ", TensorFlow " + vy);
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, Operation> byName(Graph g) {
        Map<String, Operation> m = new TreeMap<>();
        for (Operation op : g.operations()) {
            m.put(op.name(), op);
        }
        return m;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.addAll(b);
        return s;
    }

    /** Data inputs in order, then the control inputs as a sorted set ({@code ^name}). */
    private static List<String> inputs(Operation op) {
        List<String> r = new ArrayList<>();
        for (Output in : op.inputs()) {
            r.add(in.name());
        }
        Set<String> controls = new TreeSet<>();
        for (Operation c : op.controlInputs()) {
            controls.add("^" + c.name());
        }
        r.addAll(controls);
        return r;
    }

    /** An attribute value as text; floats to 6 significant digits (Python computes some in double). */
    private static String show(Object v) {
        if (v == null) {
            return "(none)";
        }
        if (v instanceof Tensor t) {
            StringBuilder s = new StringBuilder(t.dtype() + "" + t.shape() + "[");
            double[] d = t.toDoubles();
            for (int i = 0; i < d.length; i++) {
                s.append(i == 0 ? "" : ", ").append(String.format("%.6g", d[i]));
            }
            return s.append(']').toString();
        }
        if (v instanceof Float f) {
            return String.format("%.6g", f);
        }
        if (v instanceof long[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof float[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof Object[] a) {
            return Arrays.toString(a);
        }
        return v.toString();
    }

    private static String resource(String path, boolean required) throws IOException {
        try (InputStream in = FacadeNamesTest.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null && !required) {
                return null;
            }
            assertNotNull(in, "missing test resource " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
