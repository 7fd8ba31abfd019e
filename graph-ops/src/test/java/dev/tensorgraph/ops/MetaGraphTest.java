package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphDefText;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.ops.train.GlobalStep;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.SaverDef;
import dev.tensorgraph.proto.VariableDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaGraphTest {
    private static final float[][] X = {{1, 2, 0.5f}, {-1, 0.25f, 3}, {0.5f, -2, 1}, {2, 1, -1}};
    private static final float[][] LABELS = {{1, 0}, {0, 1}, {1, 0}, {0, 1}};

    @TempDir
    Path dir;

    /** A softmax regression with a getVariable weight, a plain bias, a global step and user collections. */
    private static Operation buildModel(Graph g) {
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "x");
        Output labels = tf.placeholder(DType.FLOAT32, Shape.of(-1, 2), "labels");
        Variable w;
        try (var scope = tf.variableScope("layer")) {
            w = tf.getVariable("W", Shape.of(3, 2), Initializers.constant(0.1));
        }
        Variable b = tf.variable(tf.constant(new float[] {0.5f, -0.5f}), "b");
        Output logits = tf.nn.biasAdd(tf.matmul(x, w.value()), b.value());
        Output loss = tf.reduceSum(tf.nn.softmaxCrossEntropyWithLogits(labels, logits), "loss");
        Variable step = GlobalStep.createGlobalStep(tf.graph());
        Operation train = new GradientDescentOptimizer(0.5).minimize(loss, step);
        g.addToCollection(GraphKeys.TRAIN_OP, train);
        g.addToCollection(GraphKeys.LOSSES, loss);
        g.addToCollection("my_things", train);
        g.addToCollection("my_things", logits);
        g.addToCollection("my_strings", "hello");
        g.addToCollection("my_strings", "wörld");
        g.addToCollection("my_ints", 7L);
        g.addToCollection("my_ints", 42);
        g.addToCollection("my_floats", 0.25f);
        return train;
    }

    private static void train(Session s, Operation train, int steps) {
        for (int i = 0; i < steps; i++) {
            s.runner().feed("x:0", Tensor.of(X)).feed("labels:0", Tensor.of(LABELS)).target(train).run();
        }
    }

    private static Map<String, Object> values(Graph g, Session s) {
        Map<String, Object> m = new java.util.TreeMap<>();
        for (Variable v : Tf.of(g).globalVariables()) {
            Tensor t = s.variableValue(v);
            m.put(v.opName(), t.dtype() == DType.FLOAT32 ? t.floats() : t.longs());
        }
        return m;
    }

    private static void assertBitIdentical(Map<String, Object> expected, Map<String, Object> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            Object e = expected.get(k);
            Object a = actual.get(k);
            if (e instanceof float[] f) {
                // Arrays.equals on float[] compares bit patterns: exact equality.
                assertTrue(Arrays.equals(f, (float[]) a), k + ": " + Arrays.toString(f) + " vs " + Arrays.toString((float[]) a));
            } else {
                assertArrayEquals((long[]) e, (long[]) a, k);
            }
        }
    }

    private Map<String, Object> twentyStepsUninterrupted() {
        Graph g = new Graph();
        Operation train = buildModel(g);
        try (Session s = new Session(g)) {
            s.run(Tf.of(g).globalVariablesInitializer());
            train(s, train, 20);
            return values(g, s);
        }
    }

    private Path trainTenAndSave(Graph g) {
        Operation train = buildModel(g);
        Saver saver = new Saver(g);
        try (Session s = new Session(g)) {
            s.run(Tf.of(g).globalVariablesInitializer());
            train(s, train, 10);
            return saver.save(s, dir.resolve("model"));
        }
    }

    @Test
    void resumedTrainingFromMetaGraphIsBitIdenticalToUninterrupted() {
        Path prefix = trainTenAndSave(new Graph());
        assertTrue(Files.isRegularFile(Path.of(prefix + ".meta")));
        assertTrue(CheckpointFiles.exists(prefix));

        Graph g2 = MetaGraph.importMetaGraph(Path.of(prefix + ".meta"));
        Operation train = g2.collectionItem(GraphKeys.TRAIN_OP, 0, Operation.class);
        try (Session s2 = new Session(g2)) {
            new Saver(g2).restore(s2, prefix);
            train(s2, train, 10);
            Map<String, Object> resumed = values(g2, s2);
            assertBitIdentical(twentyStepsUninterrupted(), resumed);
            assertEquals(20L, ((long[]) resumed.get("global_step"))[0]);
        }
    }

    @Test
    void tensorflowStyleRestoreThroughSaverDefOps() {
        Path prefix = trainTenAndSave(new Graph());
        Graph g2 = MetaGraph.importMetaGraph(Path.of(prefix + ".meta"));
        MetaGraphDef def = MetaGraph.parse(readAll(Path.of(prefix + ".meta")), "model.meta");
        SaverDef sd = def.getSaverDef();
        assertEquals("save/Const:0", sd.getFilenameTensorName());
        assertEquals("save/control_dependency:0", sd.getSaveTensorName());
        assertEquals("save/restore_all", sd.getRestoreOpName());
        assertEquals(SaverDef.CheckpointFormatVersion.V2, sd.getVersion());
        assertEquals(5, sd.getMaxToKeep());
        assertEquals(10000f, sd.getKeepCheckpointEveryNHours());

        Operation train = g2.collectionItem(GraphKeys.TRAIN_OP, 0, Operation.class);
        // The graph's own SaveV2 and RestoreV2 touch files only where the application lets them.
        SessionOptions options = SessionOptions.defaults()
                .fileAccess(FileAccessPolicy.none().allowDirectory(dir, FileAccessPolicy.Access.READ_WRITE));
        try (Session s2 = new Session(g2, options)) {
            s2.runner().feed(sd.getFilenameTensorName(), Tensor.ofString(prefix.toString()))
                    .target(sd.getRestoreOpName()).run();
            train(s2, train, 10);
            Map<String, Object> resumed = values(g2, s2);
            assertBitIdentical(twentyStepsUninterrupted(), resumed);

            // Saving through the graph's SaveV2 writes a checkpoint that the Java path reads back.
            Path again = dir.resolve("via_graph");
            Tensor saved = s2.runner().feed(sd.getFilenameTensorName(), Tensor.ofString(again.toString()))
                    .fetch(sd.getSaveTensorName()).run().get(0);
            assertEquals(again.toString(), saved.strings()[0]);
            Map<String, Tensor> read = CheckpointFiles.read(again, null);
            assertEquals(List.of("b", "global_step", "layer/W"), List.copyOf(read.keySet()));
            assertTrue(Arrays.equals((float[]) resumed.get("layer/W"), read.get("layer/W").floats()));
        }
    }

    @Test
    void metaGraphContentMatchesTensorFlowLayout() {
        Path prefix = trainTenAndSave(new Graph());
        MetaGraphDef def = MetaGraph.parse(readAll(Path.of(prefix + ".meta")), "model.meta");
        assertTrue(def.getMetaInfoDef().getTagsList().isEmpty());
        assertTrue(def.getGraphDef().getNodeList().stream().anyMatch(n -> n.getName().equals("save/SaveV2")
                && n.getOp().equals("SaveV2") && n.getInput(0).equals("save/Const")));
        assertTrue(def.getGraphDef().getNodeList().stream().anyMatch(n -> n.getName().equals("save/RestoreV2")));
        assertTrue(def.getCollectionDefOrThrow("variables").hasBytesList());
        VariableDef w = parseVariableDefs(def, "trainable_variables").get(0);
        assertEquals("layer/W:0", w.getVariableName());
        assertEquals("layer/W/Assign", w.getInitializerName());
        assertEquals("layer/W/read:0", w.getSnapshotName());
        assertTrue(w.getTrainable());
        assertEquals(List.of("layer/W:0", "b:0"), parseVariableDefs(def, "trainable_variables").stream()
                .map(VariableDef::getVariableName).toList());
        VariableDef step = parseVariableDefs(def, "global_step").get(0);
        assertEquals("global_step:0", step.getVariableName());
        assertTrue(!step.getTrainable());
        assertEquals(List.of("loss:0"), def.getCollectionDefOrThrow("losses").getNodeList().getValueList());
        assertEquals(List.of(7L, 42L), def.getCollectionDefOrThrow("my_ints").getInt64List().getValueList());
        assertEquals(List.of(0.25f), def.getCollectionDefOrThrow("my_floats").getFloatList().getValueList());
        assertEquals("hello", def.getCollectionDefOrThrow("my_strings").getBytesList().getValue(0).toStringUtf8());
    }

    private static List<VariableDef> parseVariableDefs(MetaGraphDef def, String key) {
        return def.getCollectionDefOrThrow(key).getBytesList().getValueList().stream().map(b -> {
            try {
                return VariableDef.parseFrom(b);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void collectionsAreRebuiltWithJavaObjects() {
        Graph g = new Graph();
        buildModel(g);
        Graph g2 = MetaGraph.fromMetaGraphDef(MetaGraph.toMetaGraphDef(g, null));
        Tf tf2 = Tf.of(g2);

        assertEquals(List.of("layer/W", "b", "global_step"),
                tf2.globalVariables().stream().map(Variable::opName).toList());
        assertEquals(List.of("layer/W", "b"), tf2.trainableVariables().stream().map(Variable::opName).toList());
        Variable w = tf2.trainableVariables().get(0);
        assertSame(w, tf2.globalVariables().get(0));
        assertEquals("layer/W/read:0", w.value().name());
        assertEquals("layer/W/Assign", w.initializer().name());
        assertEquals(Shape.of(3, 2), w.shape());
        assertSame(tf2.globalVariables().get(2), g2.collection(GraphKeys.GLOBAL_STEP).get(0));

        List<Object> things = g2.collection("my_things");
        assertInstanceOf(Operation.class, things.get(0));
        assertSame(g2.operation(((Operation) g.collection("my_things").get(0)).name()), things.get(0));
        assertEquals(g2.output("BiasAdd:0"), things.get(1));
        // Strings travel as bytes_list and come back as their bytes, as TensorFlow's Python gives bytes back.
        assertEquals(List.of(CollectionBytes.of("hello".getBytes(StandardCharsets.UTF_8)),
                CollectionBytes.of("wörld".getBytes(StandardCharsets.UTF_8))), g2.collection("my_strings"));
        assertEquals("wörld", g2.collectionItem("my_strings", 1, CollectionBytes.class).toStringUtf8());
        assertEquals(List.of(7L, 42L), g2.collection("my_ints"));
        assertEquals(List.of(0.25f), g2.collection("my_floats"));
        assertEquals(g2.output("loss:0"), g2.collection(GraphKeys.LOSSES).get(0));

        // getVariable with reuse finds the imported variable.
        try (var scope = tf2.variableScope("layer", Reuse.TRUE)) {
            assertSame(w, tf2.getVariable("W"));
        }
        // The initializer of the imported graph works.
        try (Session s = new Session(g2)) {
            s.run(tf2.globalVariablesInitializer());
            assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f}, s.variableValue(w).floats());
        }
    }

    @Test
    void graphDefWrittenByUsLoadsBack() {
        Graph g = new Graph();
        buildModel(g);
        new Saver(g);
        Graph binary = Graph.fromGraphDef(g.toGraphDef());
        Graph text = GraphDefText.fromText(GraphDefText.toText(g));
        List<String> names = g.operations().stream().map(Operation::name).toList();
        assertEquals(names, binary.operations().stream().map(Operation::name).toList());
        assertEquals(names, text.operations().stream().map(Operation::name).toList());
        assertEquals("SaveV2", binary.operation("save/SaveV2").type());
        assertEquals(3, binary.operation("save/RestoreV2").numOutputs());
    }

    @Test
    void truncatedOrGarbageMetaIsAnErrorNamingTheFile() throws Exception {
        Path prefix = trainTenAndSave(new Graph());
        byte[] bytes = readAll(Path.of(prefix + ".meta"));
        Path truncated = dir.resolve("truncated.meta");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        InvalidArgumentException e1 = assertThrows(InvalidArgumentException.class,
                () -> MetaGraph.importMetaGraph(truncated));
        assertTrue(e1.getMessage().contains(truncated.toString()), e1.getMessage());

        Path garbage = dir.resolve("garbage.meta");
        byte[] junk = new byte[300];
        new java.util.Random(3).nextBytes(junk);
        Files.write(garbage, junk);
        InvalidArgumentException e2 = assertThrows(InvalidArgumentException.class,
                () -> MetaGraph.importMetaGraph(garbage));
        assertTrue(e2.getMessage().contains(garbage.toString()), e2.getMessage());

        Path empty = dir.resolve("empty.meta");
        Files.write(empty, new byte[0]);
        InvalidArgumentException e3 = assertThrows(InvalidArgumentException.class, () -> MetaGraph.importMetaGraph(empty));
        assertTrue(e3.getMessage().contains("empty.meta") && e3.getMessage().contains("graph_def"), e3.getMessage());

        assertThrows(NotFoundException.class, () -> MetaGraph.importMetaGraph(dir.resolve("missing.meta")));
    }

    @Test
    void restoreWithMissingVariableOrWrongShapeNamesTheTensorAndChangesNothing() {
        Path prefix = trainTenAndSave(new Graph());

        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable b = tf.variable(tf.constant(new float[] {9, 9}), "b");
        Variable extra = tf.variable(tf.constant(new float[] {1, 2, 3}), "extra");
        try (Session s = new Session(g)) {
            s.run(tf.globalVariablesInitializer());
            NotFoundException e = assertThrows(NotFoundException.class, () -> new Saver(g).restore(s, prefix));
            assertTrue(e.getMessage().contains("extra"), e.getMessage());
            assertArrayEquals(new float[] {9, 9}, s.variableValue(b).floats());
            assertArrayEquals(new float[] {1, 2, 3}, s.variableValue(extra).floats());
        }

        Graph h = new Graph();
        Tf th = Tf.of(h);
        Variable hb = th.variable(th.constant(new float[] {9, 9}), "b");
        Variable w;
        try (var scope = th.variableScope("layer")) {
            w = th.getVariable("W", Shape.of(2, 3), Initializers.constant(4));
        }
        try (Session s = new Session(h)) {
            s.run(th.globalVariablesInitializer());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> new Saver(List.of(hb, w)).restore(s, prefix));
            assertTrue(e.getMessage().contains("layer/W"), e.getMessage());
            assertArrayEquals(new float[] {9, 9}, s.variableValue(hb).floats());
            assertArrayEquals(new float[] {4, 4, 4, 4, 4, 4}, s.variableValue(w).floats());
        }
    }

    @Test
    void importUnderScopePrefixesOpsAndCollections() {
        Graph g = new Graph();
        buildModel(g);
        Graph target = new Graph();
        MetaGraph.importMetaGraph(target, MetaGraph.toMetaGraphDef(g, null), "imported", "bytes");
        assertNotNull(target.operation("imported/layer/W"));
        assertEquals("imported/layer/W", Tf.of(target).trainableVariables().get(0).opName());
        assertEquals(target.output("imported/loss:0"), target.collection(GraphKeys.LOSSES).get(0));
    }

    @Test
    void secondSaverUsesItsOwnScopeAndWriteMetaGraphCanBeTurnedOff() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        tf.variable(tf.constant(new float[] {1, 2}), "v");
        Saver first = new Saver(g);
        Saver second = new Saver(g).writeMetaGraph(false);
        assertEquals("save/restore_all", first.saverDef().getRestoreOpName());
        assertEquals("save_1/Const:0", second.saverDef().getFilenameTensorName());
        try (Session s = new Session(g)) {
            s.run(tf.globalVariablesInitializer());
            Path p = second.save(s, dir.resolve("nometa"));
            assertTrue(CheckpointFiles.exists(p));
            assertTrue(!Files.exists(Path.of(p + ".meta")));
        }
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
