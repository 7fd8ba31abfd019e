package dev.tensorgraph.ops.precision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TensorJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * bfloat16 and float16 against files TensorFlow 2.21 wrote ({@code half-precision/}, made by
 * {@code tf-interop/python/half_precision_files.py}): its casts bit for bit (2,000 float32 values, ties,
 * subnormals, overflow, NaN; float64 and int32 sources), its elementwise results, its GraphDef constants in both
 * encodings, and its checkpoint of 16-bit variables, read, restored and written back byte for byte.
 */
class HalfPrecisionTfFilesTest {
    private static final Path DIR = TensorJson.resource("/half-precision");

    private static short[] patterns(Object list) {
        List<Object> v = Json.asList(list);
        short[] r = new short[v.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (short) ((Number) v.get(i)).intValue();
        }
        return r;
    }

    private static String key(DType d) {
        return d == DType.BFLOAT16 ? "bfloat16" : "float16";
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void castsAndElementwiseOpsMatchTensorFlowBitForBit(DType dtype) {
        Map<String, Object> doc = TensorJson.read(DIR.resolve("casts.json"));
        Map<String, Object> want = Json.asMap(doc.get(key(dtype)));
        List<Object> bits = Json.asList(doc.get("float32_bits"));
        float[] x = new float[bits.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat((int) ((Number) bits.get(i)).longValue());
        }
        double[] doubles = Json.asList(doc.get("float64")).stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
        int[] ints = Json.asList(doc.get("int32")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        short[] a = patterns(want.get("a"));
        short[] b = patterns(want.get("b"));

        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output fromFloat = tf.cast(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(x.length), x)), dtype);
        Output fromDouble = tf.cast(tf.constant(Tensor.of(DType.FLOAT64, Shape.of(doubles.length), doubles)), dtype);
        Output fromInt = tf.cast(tf.constant(Tensor.of(DType.INT32, Shape.of(ints.length), ints)), dtype);
        Output pa = tf.placeholder(dtype, Shape.of(a.length), "a");
        Output pb = tf.placeholder(dtype, Shape.of(b.length), "b");
        List<Output> fetches = List.of(fromFloat, fromDouble, fromInt, tf.add(pa, pb), tf.multiply(pa, pb), tf.nn.relu(pa));
        List<Tensor> r;
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            r = s.run(fetches, Map.of(pa, Tensor.of(dtype, Shape.of(a.length), a), pb, Tensor.of(dtype, Shape.of(b.length), b)));
        }
        String[] names = {"from_float32", "from_float64", "from_int32", "add", "mul", "relu"};
        for (int i = 0; i < names.length; i++) {
            assertArrayEquals(patterns(want.get(names[i])), r.get(i).halfBits(), dtype + " " + names[i]);
        }
    }

    @Test
    void constantsOfBothEncodingsImportAndRun() throws Exception {
        Graph g = Graph.fromGraphDef(Files.readAllBytes(DIR.resolve("consts.pb")));
        Map<String, Object> want = TensorJson.read(DIR.resolve("consts.json"));
        assertEquals(DType.BFLOAT16, g.output("bfloat16_content:0").dtype());
        assertEquals(DType.HALF, g.output("float16_filled:0").dtype());
        assertEquals(Shape.of(2, 3), g.output("float16_filled:0").shape());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            for (String name : want.keySet()) {
                float[] got = s.run(g.output(name + "_f32:0")).floats();
                double[] expected = Json.asList(want.get(name)).stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
                assertEquals(expected.length, got.length, name);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(expected[i], got[i], 0.0, name + "[" + i + "]");
                }
            }
        }
        // Written back, the GraphDef holds the same 16-bit constants.
        Graph again = Graph.fromGraphDef(g.toGraphDef());
        assertArrayEquals(g.operation("bfloat16_content").attrTensor("value").halfBits(),
                again.operation("bfloat16_content").attrTensor("value").halfBits());
    }

    @Test
    void checkpointOfSixteenBitVariablesRestoresAndIsWrittenBackByteForByte(@TempDir Path tmp) throws Exception {
        Map<String, Object> want = TensorJson.read(DIR.resolve("ckpt.json"));
        Path prefix = DIR.resolve("ckpt/model");
        Map<String, Tensor> read = CheckpointFiles.read(prefix, List.of("b", "h"));
        assertEquals(DType.BFLOAT16, read.get("b").dtype());
        assertEquals(Shape.of(2, 2), read.get("b").shape());
        assertArrayEquals(patterns(want.get("b")), read.get("b").halfBits());
        assertArrayEquals(patterns(want.get("h")), read.get("h").halfBits());

        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable b = tf.variable(tf.zeros(Shape.of(2, 2), DType.BFLOAT16), "b");
        Variable h = tf.variable(tf.zeros(Shape.of(3), DType.HALF), "h");
        Saver saver = new Saver(g).writeMetaGraph(false);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            saver.restore(s, prefix);
            assertArrayEquals(patterns(want.get("b")), s.variableValue(b).halfBits());
            assertArrayEquals(patterns(want.get("h")), s.variableValue(h).halfBits());
            Path ours = saver.save(s, tmp.resolve("model"));
            assertArrayEquals(Files.readAllBytes(CheckpointFiles.dataFile(prefix)), Files.readAllBytes(CheckpointFiles.dataFile(ours)));
        }
    }
}
