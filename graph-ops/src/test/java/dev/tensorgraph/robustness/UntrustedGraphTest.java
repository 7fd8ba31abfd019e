package dev.tensorgraph.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.FileAccessPolicy.Access;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.PermissionDeniedException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.SaverDefRestore;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.proto.CollectionDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.SaverDef;
import dev.tensorgraph.proto.VariableDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs and MetaGraphs from elsewhere replayed through the API: a graph's file ops touch only what the
 * application granted, a SaverDef's restore op runs only if it is a restore, restores check every shape before
 * any variable changes, and malformed collections and VariableDefs are named errors.
 */
class UntrustedGraphTest {
    @TempDir
    Path root;
    private Path work;
    private Path elsewhere;

    @BeforeEach
    void dirs() throws Exception {
        work = Files.createDirectories(root.resolve("work"));
        elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    }

    /** A model with a = [1, 2] and b = [3, 4, 5], its Saver, and a checkpoint of a = [10, 20], b = [30, 40, 50]. */
    private record Model(Graph g, Variable a, Variable b, Saver saver, Path prefix) {}

    private Model model(Path dir, float[] aSaved) throws java.io.IOException {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable a = tf.variable(tf.constant(new float[] {1, 2}), "a");
        Variable b = tf.variable(tf.constant(new float[] {3, 4, 5}), "b");
        Saver saver = new Saver(g);
        Path prefix;
        try (Session s = new Session(g)) {
            s.run(tf.globalVariablesInitializer());
            s.setVariableValue(b, Tensor.of(new float[] {30, 40, 50}));
            prefix = dir.resolve("model");
            if (aSaved.length == 2) {
                s.setVariableValue(a, Tensor.of(aSaved));
                saver.save(s, prefix);
            }
        }
        if (aSaved.length != 2) {
            // The same names with a of another shape, as a checkpoint of a different model would hold.
            CheckpointFiles.write(prefix, Map.of("a", Tensor.of(aSaved), "b",
                    Tensor.of(new float[] {30, 40, 50})));
        }
        return new Model(g, a, b, saver, prefix);
    }

    // ---------------------------------------------------------------- restores check shapes first

    @Test
    void saverRefusesAShapeMismatchNamingTheVariableAndBothShapesAndChangesNothing() throws Exception {
        Model m = model(work, new float[] {7, 8, 9});
        try (Session s = new Session(m.g())) {
            s.run(Tf.of(m.g()).globalVariablesInitializer());
            String msg = assertThrows(InvalidArgumentException.class, () -> m.saver().restore(s, m.prefix()))
                    .getMessage();
            assertTrue(msg.contains("Assign requires shapes of both tensors to match. lhs shape= [2] rhs shape= [3]")
                    && msg.contains("variable a"), msg);
            assertArrayEquals(new float[] {1, 2}, s.variableValue(m.a()).floats());
            assertArrayEquals(new float[] {3, 4, 5}, s.variableValue(m.b()).floats(), "b is not restored either");
        }
        try (Session fresh = new Session(m.g())) {
            assertThrows(InvalidArgumentException.class, () -> m.saver().restore(fresh, m.prefix()));
            assertNull(fresh.variableValue(m.b()), "an uninitialized session stays uninitialized");
        }
    }

    @Test
    void restoreThroughTheSaverDefChecksEveryShapeBeforeAnyAssign() throws Exception {
        Model m = model(work, new float[] {7, 8, 9});
        SaverDef sd = m.saver().saverDef();
        try (Session s = new Session(m.g())) {
            s.run(Tf.of(m.g()).globalVariablesInitializer());
            String msg = assertThrows(InvalidArgumentException.class, () -> SaverDefRestore.restore(s, sd, m.prefix()))
                    .getMessage();
            assertTrue(msg.contains("lhs shape= [2] rhs shape= [3]") && msg.contains("variable a")
                    && msg.contains("no variable was changed"), msg);
            assertArrayEquals(new float[] {3, 4, 5}, s.variableValue(m.b()).floats());
        }
    }

    @Test
    void theAssignKernelChecksTheDeclaredShapeOfAnUninitializedVariable() throws Exception {
        // Running the restore op directly (TensorFlow's way) fails in the Assign instead of storing 3 values.
        Model m = model(work, new float[] {7, 8, 9});
        SaverDef sd = m.saver().saverDef();
        SessionOptions readWork = SessionOptions.defaults().fileAccess(FileAccessPolicy.none()
                .allowDirectory(work, Access.READ));
        try (Session s = new Session(m.g(), readWork)) {
            String msg = assertThrows(InvalidArgumentException.class, () -> s.runner()
                    .feed(sd.getFilenameTensorName(), Tensor.ofString(m.prefix().toString()))
                    .target(sd.getRestoreOpName()).run()).getMessage();
            assertTrue(msg.startsWith("Assign requires shapes of both tensors to match. lhs shape= [2] rhs shape= [3]")
                    && msg.contains("variable a"), msg);
            assertNull(s.variableValue(m.a()));
        }
    }

    @Test
    void saverDefRestoreRestoresAndSaysWhatItRan() throws Exception {
        Model m = model(work, new float[] {10, 20});
        try (Session s = new Session(m.g())) {
            SaverDefRestore.Result r = SaverDefRestore.restore(s, m.saver().saverDef(), m.prefix());
            assertEquals("ran 'save/restore_all' (NoOp), which assigns 2 variables", r.describe());
            assertArrayEquals(new float[] {10, 20}, s.variableValue(m.a()).floats());
            assertArrayEquals(new float[] {30, 40, 50}, s.variableValue(m.b()).floats());
            // The read was granted for that run only: the session itself still lets the graph touch nothing.
            assertThrows(PermissionDeniedException.class, () -> s.runner()
                    .feed(m.saver().saverDef().getFilenameTensorName(), Tensor.ofString(m.prefix().toString()))
                    .target(m.saver().saverDef().getRestoreOpName()).run());
        }
    }

    @Test
    void aSaverDefRunsOnlyARestore() throws Exception {
        Model m = model(work, new float[] {10, 20});
        byte[] before = Files.readAllBytes(CheckpointFiles.dataFile(m.prefix()));
        SaverDef good = m.saver().saverDef();
        try (Session s = new Session(m.g(), SessionOptions.defaults().fileAccess(FileAccessPolicy.unrestricted()))) {
            s.run(Tf.of(m.g()).globalVariablesInitializer());
            for (String forged : List.of("save/SaveV2", "save/control_dependency")) {
                SaverDef sd = good.toBuilder().setRestoreOpName(forged).build();
                String msg = assertThrows(InvalidArgumentException.class, () -> SaverDefRestore.restore(s, sd,
                        m.prefix())).getMessage();
                assertTrue(msg.contains("SaverDef.restore_op_name names '" + forged + "'") && msg.contains("not run"),
                        msg);
            }
            // A restore op that also reaches a SaveV2 through a control dependency is not run either.
            m.g().opBuilder("NoOp", "sneaky").addControlInput(m.g().operation("save/restore_all"))
                    .addControlInput(m.g().operation("save/SaveV2")).build();
            SaverDef sneaky = good.toBuilder().setRestoreOpName("sneaky").build();
            String msg = assertThrows(InvalidArgumentException.class, () -> SaverDefRestore.restore(s, sneaky,
                    m.prefix())).getMessage();
            assertTrue(msg.contains("which would run 'save/SaveV2' (SaveV2)"), msg);
            SaverDef noReads = good.toBuilder().setRestoreOpName("a/Assign").build();
            assertTrue(assertThrows(InvalidArgumentException.class, () -> SaverDefRestore.restore(s, noReads,
                    m.prefix())).getMessage().contains("reads no checkpoint"));
            SaverDef missingOp = good.toBuilder().setRestoreOpName("save/nothing").build();
            assertTrue(assertThrows(NotFoundException.class, () -> SaverDefRestore.restore(s, missingOp, m.prefix()))
                    .getMessage().contains("SaverDef.restore_op_name 'save/nothing'"));
            SaverDef missingFile = good.toBuilder().setFilenameTensorName("save/nothing:0").build();
            assertTrue(assertThrows(NotFoundException.class, () -> SaverDefRestore.restore(s, missingFile,
                    m.prefix())).getMessage().contains("SaverDef.filename_tensor_name 'save/nothing:0'"));
            assertArrayEquals(new float[] {1, 2}, s.variableValue(m.a()).floats());
        }
        assertArrayEquals(before, Files.readAllBytes(CheckpointFiles.dataFile(m.prefix())), "the checkpoint is untouched");
    }

    // ---------------------------------------------------------------- a graph's file ops

    /** A graph whose SaveV2 writes [6, 6, 6] as {@code b} to a prefix it chose, and whose RestoreV2 reads {@code b}. */
    private static Graph fileOps(Object savePrefix, Object restorePrefix) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.constant(new float[] {6, 6, 6}, "x");
        Output names = tf.constant(Tensor.of(DType.STRING, Shape.of(1), new byte[][] {"b".getBytes()}), "names");
        Output slices = tf.constant(Tensor.of(DType.STRING, Shape.of(1), new byte[][] {new byte[0]}), "slices");
        g.opBuilder("SaveV2", "save").addInput(tf.constant(Tensor.ofString(savePrefix.toString()), "save_prefix"))
                .addInput(names).addInput(slices).addInputList(List.of(x))
                .setAttr("dtypes", new DType[] {DType.FLOAT32}).build();
        g.opBuilder("RestoreV2", "restore")
                .addInput(tf.constant(Tensor.ofString(restorePrefix.toString()), "restore_prefix"))
                .addInput(names).addInput(slices).setAttr("dtypes", new DType[] {DType.FLOAT32}).build();
        return g;
    }

    @Test
    void aGraphWritesNoFileTheApplicationDidNotGrant() throws Exception {
        Path target = elsewhere.resolve("new/dirs/model");
        Graph g = fileOps(target, target);
        try (Session s = new Session(g)) {
            PermissionDeniedException e = assertThrows(PermissionDeniedException.class, () -> s.run(g.operation("save")));
            assertTrue(e.getMessage().contains("op 'save' (SaveV2) may not write") && e.getMessage()
                    .contains(target.toString()), e.getMessage());
        }
        assertFalse(Files.exists(elsewhere.resolve("new")), "not even a directory is created");

        try (Session s = new Session(g, SessionOptions.defaults().fileAccess(
                FileAccessPolicy.none().allowDirectory(elsewhere, Access.READ)))) {
            assertThrows(PermissionDeniedException.class, () -> s.run(g.operation("save")), "read is not write");
        }
        try (Session s = new Session(g, SessionOptions.defaults().fileAccess(
                FileAccessPolicy.none().allowDirectory(elsewhere, Access.READ_WRITE)))) {
            s.run(g.operation("save"));
            assertArrayEquals(new float[] {6, 6, 6}, s.run(g.operation("restore").output(0)).floats());
        }
    }

    @Test
    void aGraphNeitherOverwritesNorReadsACheckpointElsewhere() throws Exception {
        Model victim = model(elsewhere, new float[] {10, 20});
        byte[] index = Files.readAllBytes(CheckpointFiles.indexFile(victim.prefix()));
        byte[] data = Files.readAllBytes(CheckpointFiles.dataFile(victim.prefix()));
        Graph g = fileOps(victim.prefix(), victim.prefix());
        SessionOptions workOnly = SessionOptions.defaults().fileAccess(
                FileAccessPolicy.none().allowDirectory(work, Access.READ_WRITE));
        try (Session s = new Session(g, workOnly)) {
            assertThrows(PermissionDeniedException.class, () -> s.run(g.operation("save")));
            String read = assertThrows(PermissionDeniedException.class, () -> s.run(g.operation("restore").output(0)))
                    .getMessage();
            assertTrue(read.contains("op 'restore' (RestoreV2) may not read"), read);
            // The application may grant one run what the session does not allow.
            Tensor b = s.runner().fetch(g.operation("restore").output(0))
                    .fileAccess(FileAccessPolicy.none().allowFile(victim.prefix(), Access.READ)).run().get(0);
            assertArrayEquals(new float[] {30, 40, 50}, b.floats());
        }
        assertArrayEquals(index, Files.readAllBytes(CheckpointFiles.indexFile(victim.prefix())));
        assertArrayEquals(data, Files.readAllBytes(CheckpointFiles.dataFile(victim.prefix())));
    }

    @Test
    void aPrefixThatIsNoPathIsAnInvalidArgument() throws Exception {
        Graph g = fileOps(work + "/a\0b", work + "/a\0b");
        try (Session s = new Session(g, SessionOptions.defaults().fileAccess(FileAccessPolicy.unrestricted()))) {
            String m = assertThrows(InvalidArgumentException.class, () -> s.run(g.operation("save"))).getMessage();
            assertTrue(m.contains("is not a valid path") && m.contains("\\u0000"), m);
        }
    }

    // ---------------------------------------------------------------- MetaGraph contents

    @Test
    void aCollectionOfTheWrongKindIsANamedError() throws Exception {
        Model m = model(work, new float[] {10, 20});
        MetaGraphDef def = MetaGraph.toProto(m.g(), m.saver()).toBuilder()
                .putCollectionDef(GraphKeys.TRAIN_OP, CollectionDef.newBuilder().setBytesList(
                        CollectionDef.BytesList.newBuilder().addValue(com.google.protobuf.ByteString.copyFromUtf8("x")))
                        .build())
                .putCollectionDef("tensors", CollectionDef.newBuilder().setNodeList(
                        CollectionDef.NodeList.newBuilder().addValue("a/read:0")).build())
                .build();
        Graph g = MetaGraph.importMetaGraph(def.toByteArray());
        String m1 = assertThrows(InvalidArgumentException.class,
                () -> g.collectionItem(GraphKeys.TRAIN_OP, 0, Operation.class)).getMessage();
        assertTrue(m1.contains("item 0 of collection 'train_op' is a CollectionBytes ('x'), not Operation"), m1);
        String m2 = assertThrows(InvalidArgumentException.class,
                () -> g.collectionItem("tensors", 0, Operation.class)).getMessage();
        assertTrue(m2.contains("run its op: 'a/read'"), m2);
        assertThrows(NotFoundException.class, () -> g.collectionItem("tensors", 1, Output.class));
        assertThrows(NotFoundException.class, () -> g.collectionItem("none", 0, Output.class));
        assertEquals("a/read:0", g.collectionItem("tensors", 0, Output.class).name());
    }

    @Test
    void aVariableDefMustNameAVariable() throws Exception {
        Model m = model(work, new float[] {10, 20});
        MetaGraphDef def = MetaGraph.toProto(m.g(), m.saver());
        VariableDef notAVariable = VariableDef.newBuilder().setVariableName("a/read:0")
                .setInitializerName("save/SaveV2").build();
        MetaGraphDef forged = def.toBuilder().putCollectionDef(GraphKeys.GLOBAL_VARIABLES, CollectionDef.newBuilder()
                .setBytesList(CollectionDef.BytesList.newBuilder().addValue(notAVariable.toByteString())).build())
                .build();
        String msg = assertThrows(InvalidArgumentException.class,
                () -> MetaGraph.importMetaGraph(forged.toByteArray())).getMessage();
        assertTrue(msg.contains("'a/read:0'") && msg.contains("Identity op, not a variable"), msg);
    }

    @Test
    void savingAfterCloseSaysTheSessionIsClosed() throws Exception {
        Model m = model(work, new float[] {10, 20});
        Session s = new Session(m.g());
        s.run(Tf.of(m.g()).globalVariablesInitializer());
        s.close();
        String msg = assertThrows(FailedPreconditionException.class, () -> m.saver().save(s, work.resolve("again")))
                .getMessage();
        assertTrue(msg.contains("closed Session"), msg);
        assertThrows(FailedPreconditionException.class, () -> s.variableValue(m.a()));
        assertFalse(CheckpointFiles.exists(work.resolve("again")));
    }

    @Test
    void nullTargetsAndFetchesAreNamedErrors() throws Exception {
        Model m = model(work, new float[] {10, 20});
        try (Session s = new Session(m.g())) {
            assertThrows(InvalidArgumentException.class, () -> s.run((Operation) null));
            assertThrows(InvalidArgumentException.class, () -> s.run((Output) null));
            assertThrows(InvalidArgumentException.class, () -> s.runner().fileAccess(null));
        }
    }
}
