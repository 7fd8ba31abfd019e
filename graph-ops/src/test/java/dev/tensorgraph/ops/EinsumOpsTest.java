package dev.tensorgraph.ops;

import static dev.tensorgraph.ops.ArrayTestSupport.assertError;
import static dev.tensorgraph.ops.ArrayTestSupport.assertTensor;
import static dev.tensorgraph.ops.ArrayTestSupport.random;
import static dev.tensorgraph.ops.ArrayTestSupport.run;
import static dev.tensorgraph.ops.ArrayTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.math.EinsumOps;
import dev.tensorgraph.testing.GradientChecker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Einsum against a brute-force sum over every assignment of the labels (traces, diagonals, transposes,
 * contractions, outer products, broadcast {@code ...} dimensions, repeated output labels), in four dtypes; its
 * gradient against finite differences; {@code tf.einsum}'s implicit form, spaces and chains of operands; errors.
 */
class EinsumOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    /** Each subscript with its ellipsis spelled out as labels '0'.. (right-aligned over the broadcast dimensions). */
    private static List<String> spelled(String[] subs, long[][] shapes, String out) {
        int broadcast = 0;
        for (int i = 0; i < shapes.length; i++) {
            if (subs[i].contains("...")) {
                broadcast = Math.max(broadcast, shapes[i].length - (subs[i].length() - 3));
            }
        }
        List<String> r = new ArrayList<>();
        for (int i = 0; i <= shapes.length; i++) {
            String s = i < shapes.length ? subs[i] : out;
            int dims = i < shapes.length ? shapes[i].length - (s.length() - 3) : broadcast;
            StringBuilder labels = new StringBuilder();
            for (int d = broadcast - dims; d < broadcast; d++) {
                labels.append((char) ('0' + d));
            }
            r.add(s.replace("...", labels));
        }
        return r;
    }

    /** The definition: out[o] = sum over every assignment of the labels agreeing with o of the operands' product. */
    private static double[] naive(String equation, long[][] shapes, double[][] inputs, long[] outShape) {
        String[] sides = equation.split("->", -1);
        List<String> subs = spelled(sides[0].split(","), shapes, sides[1]);
        Map<Character, Long> size = new HashMap<>();
        for (int i = 0; i < shapes.length; i++) {
            for (int a = 0; a < shapes[i].length; a++) {
                size.merge(subs.get(i).charAt(a), shapes[i][a], Math::max);
            }
        }
        List<Character> labels = new ArrayList<>(size.keySet());
        double[] out = new double[(int) Shape.of(outShape).numElements()];
        if (size.containsValue(0L)) {
            return out;
        }
        int[] value = new int[labels.size()];
        while (true) {
            double p = 1;
            for (int i = 0; i < shapes.length; i++) {
                p *= inputs[i][offset(subs.get(i), shapes[i], labels, value)];
            }
            // a label repeated in the output addresses its diagonal, the rest stays zero
            out[offset(subs.get(shapes.length), outShape, labels, value)] += p;
            int k = 0;
            while (k < labels.size() && ++value[k] == size.get(labels.get(k))) {
                value[k++] = 0;
            }
            if (k == labels.size()) {
                return out;
            }
        }
    }

    /** The flat position a label assignment names in an operand (a broadcast axis of size 1 reads index 0). */
    private static int offset(String sub, long[] dims, List<Character> labels, int[] value) {
        int off = 0;
        for (int a = 0; a < dims.length; a++) {
            int v = value[labels.indexOf(sub.charAt(a))];
            off = off * (int) dims[a] + (dims[a] == 1 ? 0 : v);
        }
        return off;
    }

    private static final String[][] CASES = {
        {"ij->ji", "2,3"}, {"ij->j", "2,3"}, {"ij->", "2,3"}, {"ii->i", "3,3"}, {"ii->", "3,3"}, {"iij->ji", "2,2,3"},
        {"i->ii", "3"}, {"ij->jii", "2,3"}, {"...ij->...ji", "2,1,2,3"}, {"a...->...", "2,3,4"}, {"ij->ij", "2,3"},
        {"ij,jk->ik", "2,3;3,4"}, {"ij,kj->ik", "2,3;4,3"}, {"ji,jk->ik", "3,2;3,4"}, {"bij,bjk->bik", "2,2,3;2,3,4"},
        {"bij,bkj->bki", "2,2,3;2,4,3"}, {"bhqd,bhkd->bhqk", "2,2,3,4;2,2,5,4"}, {"ij,j->i", "2,3;3"}, {"i,i->", "4;4"},
        {"i,j->ij", "3;2"}, {"ij,ij->ij", "2,3;2,3"}, {"ij,ij->", "2,3;2,3"}, {"ij,kl->", "2,3;3,4"},
        {"ii,ij->j", "3,3;3,2"}, {"ij,jk->ikk", "2,3;3,4"}, {"...ij,...jk->...ik", "2,1,2,3;5,3,4"},
        {"ij,...jk->...ik", "2,3;2,3,4"}, {"abc,cd->ad", "2,3,4;4,2"}, {"ab,cd->ac", "2,3;4,2"}, {"i...,...->i...", "2,3;1"},
        {"...,...->...", "2,1;3"}, {"bij,jk->bik", "2,2,3;3,4"}, {"ij,jk->ki", "2,3;3,4"}, {"ij,jk->", "2,0;0,4"},
    };

    private static long[][] shapes(String spec) {
        String[] parts = spec.split(";");
        long[][] r = new long[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            r[i] = parts[i].isEmpty() ? new long[0] : java.util.Arrays.stream(parts[i].split(",")).mapToLong(Long::parseLong)
                    .toArray();
        }
        return r;
    }

    @Test
    void everyEquationFormMatchesTheDefinition() {
        int seed = 0;
        for (String[] c : CASES) {
            long[][] shapes = shapes(c[1]);
            for (DType t : ArrayTestSupport.NUMBER_TYPES) {
                List<Output> in = new ArrayList<>();
                double[][] vals = new double[shapes.length][];
                for (int i = 0; i < shapes.length; i++) {
                    Tensor x = random(++seed, t, shapes[i]);
                    vals[i] = values(x);
                    in.add(tf.constant(x));
                }
                Output y = EinsumOps.einsumOp(g, in, c[0], null);
                long[] outShape = y.shape().dims();
                double[] want = naive(c[0], shapes, vals, outShape);
                assertTensor(ArrayTestSupport.of(t, Shape.of(outShape), want), run(g, y), c[0] + " " + t);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        int seed = 100;
        for (String[] c : CASES) {
            long[][] shapes = shapes(c[1]);
            Tensor[] in = new Tensor[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                in[i] = GradientChecker.random(++seed, -1, 1, shapes[i]);
            }
            String eq = c[0];
            GradientChecker.check((tf, x) -> EinsumOps.einsumOp(tf.graph(), x, eq, null), in);
        }
    }

    @Test
    void facadeResolvesTheEquationAsTensorFlowPython() {
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(2, 3), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(3, 4), "b");
        Output c = tf.placeholder(DType.FLOAT32, Shape.of(4, 5), "c");
        Output implicit = tf.einsum("ij,jk", a, b);
        assertEquals("einsum/Einsum", implicit.op().name());
        assertEquals("ij,jk->ik", implicit.op().attrString("equation"));
        assertEquals(Shape.of(2, 4), implicit.shape());
        assertEquals("ij,jk->ik", tf.einsum(" ij , jk -> ik ", a, b).op().attrString("equation"));
        assertEquals("ba->ab", tf.einsum("ba", tf.placeholder(DType.FLOAT32, Shape.of(3, 2), "t")).op()
                .attrString("equation"));
        assertEquals("...ij->...i", tf.einsum("...ij->...i", a).op().attrString("equation"));
        Output chain = tf.einsum("ij,jk,kl->il", a, b, c);
        List<String> equations = new ArrayList<>();
        for (Operation op : g.operations()) {
            if (op.type().equals("Einsum") && op.name().startsWith("einsum_4/")) {
                equations.add(op.attrString("equation"));
            }
        }
        assertEquals(List.of("ij,jk->ik", "ik,kl->il"), equations);
        assertEquals(Shape.of(2, 5), chain.shape());
        Tensor av = random(1, DType.FLOAT32, 2, 3);
        Tensor bv = random(2, DType.FLOAT32, 3, 4);
        Tensor cv = random(3, DType.FLOAT32, 4, 5);
        try (var s = new dev.tensorgraph.Session(g, dev.tensorgraph.SessionOptions.cpuOnly())) {
            Tensor got = s.run(chain, Map.of(a, av, b, bv, c, cv));
            double[] ab = naive("ij,jk->ik", new long[][] {{2, 3}, {3, 4}}, new double[][] {values(av), values(bv)},
                    new long[] {2, 4});
            double[] abc = naive("ik,kl->il", new long[][] {{2, 4}, {4, 5}}, new double[][] {ab, values(cv)},
                    new long[] {2, 5});
            assertTensor(ArrayTestSupport.of(DType.FLOAT32, Shape.of(2, 5), abc), got, "chain");
        }
    }

    @Test
    void badEquationsAndShapesFail() {
        Output a = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Output b = tf.constant(new float[][] {{1, 2}, {3, 4}});
        assertError(InvalidArgumentException.class, () -> tf.einsum("ij,jk->ii", a, a), "appearing more than once");
        assertError(InvalidArgumentException.class, () -> tf.einsum("ij->k", a), "label k not present");
        assertError(InvalidArgumentException.class, () -> tf.einsum("ij,jk->ik", a), "Got 1 inputs", "expecting 2");
        assertError(InvalidArgumentException.class, () -> tf.einsum("i-j", a), "incorrect format");
        assertError(InvalidArgumentException.class, () -> tf.einsum("ij,jk->ik", a, b), "Einsum op",
                "Expected dimension 3 at axis 0 of the input shaped [2,2] but got dimension 2");
        assertError(InvalidArgumentException.class, () -> tf.einsum("ijk->i", a), "Einsum op",
                "Expected input 0 to have rank 3 but got: 2");
        assertError(InvalidArgumentException.class, () -> EinsumOps.einsumOp(g, List.of(a), "...i->", null), "Einsum op",
                "Output contains 1 broadcasting dimension(s) but no ellipsis");
        assertError(InvalidArgumentException.class, () -> EinsumOps.einsumOp(g, List.of(a), "ij", null), "Einsum op",
                "Expecting exactly one '->'");
        assertError(InvalidArgumentException.class, () -> EinsumOps.einsumOp(g, List.of(a, a, a), "i,i,i->i", null),
                "Einsum op", "Expecting 1 or 2 input subscripts");
        assertError(InvalidArgumentException.class, () -> tf.einsum("ij->i", tf.constant(new boolean[] {true})),
                "Einsum op", "bool");
        Output fed = tf.placeholder(DType.FLOAT32, Shape.of(-1, -1), "fed");
        Output y = tf.einsum("ij,jk->ik", fed, b);
        assertError(InvalidArgumentException.class, () -> {
            try (var s = new dev.tensorgraph.Session(g, dev.tensorgraph.SessionOptions.cpuOnly())) {
                s.run(y, Map.of(fed, Tensor.zeros(DType.FLOAT32, Shape.of(2, 3))));
            }
        }, "Expected dimension", "Einsum");
    }
}
