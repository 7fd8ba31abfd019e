package dev.tensorgraph.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.CollectionDef;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.VariableDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tensorgraph run} and friends on hand-made files, as a hostile user would feed them: graphs that try to
 * write, overwrite or read files elsewhere, SaverDefs and VariableDefs that name the wrong ops, feeds out of range,
 * bad paths and names. Every one ends in a one-line error with exit code 1 and leaves files as they were.
 */
class UntrustedFilesCliTest {
    @TempDir
    Path dir;

    private static void assertOneLineError(CliFixture.Result r, String... mentions) {
        assertEquals(1, r.exitCode(), r.out() + r.err());
        String all = r.err().replace("\r", "");
        // Notes such as "restored ..." may come first; the error is the last line, and one line.
        String err = all.contains("error: ") ? all.substring(all.indexOf("error: ")) : all;
        assertTrue(err.startsWith("error: ") && err.indexOf('\n') == err.length() - 1, "one line: " + all);
        for (String m : mentions) {
            assertTrue(err.contains(m), "'" + err + "' should mention " + m);
        }
        assertFalse(err.contains("Exception"), "no raw exception: " + err);
    }

    private static byte[] checkpointBytes(Path prefix) throws Exception {
        byte[] index = Files.readAllBytes(CheckpointFiles.indexFile(prefix));
        byte[] data = Files.readAllBytes(CheckpointFiles.dataFile(prefix));
        byte[] both = java.util.Arrays.copyOf(index, index.length + data.length);
        System.arraycopy(data, 0, both, index.length, data.length);
        return both;
    }

    /** model.meta with its SaverDef or VariableDefs changed, written beside the real checkpoint as forged.meta. */
    private Path forgedMeta(java.util.function.UnaryOperator<MetaGraphDef> forge) throws Exception {
        Path prefix = CliFixture.writeModel(dir);
        MetaGraphDef def = MetaGraph.parse(Files.readAllBytes(Path.of(prefix + ".meta")), "model.meta");
        Path forged = dir.resolve("model.meta");
        Files.write(forged, forge.apply(def).toByteArray());
        return forged;
    }

    // ---------------------------------------------------------------- file access

    @Test
    void runSaysWhichOpRestoredTheCheckpoint() throws Exception {
        CliFixture.writeModel(dir);
        CliFixture.Result r = CliFixture.run("run", dir.resolve("model.meta").toString(), "--feed", "x=[[1, 1]]",
                "--fetch", "out:0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("restored " + dir.resolve("model") + " through the MetaGraph's SaverDef: ran "
                + "'save/restore_all' (NoOp), which assigns 2 variables"), r.err());
        CliFixture.Result pb = CliFixture.run("run", dir.resolve("graph.pb").toString(), "--checkpoint",
                dir.resolve("model").toString(), "--feed", "x=[[1, 1]]", "--fetch", "out:0");
        assertTrue(pb.err().contains("through save/restore_all, the restore op tf.train.Saver adds"), pb.err());
        CliFixture.Result plain = CliFixture.run("run", dir.resolve("plain.pb").toString(), "--checkpoint",
                dir.resolve("model").toString(), "--feed", "x=[[1, 1]]", "--fetch", "out:0");
        assertTrue(plain.err().contains("variable by variable op name (the file has no restore op): 2 variables"),
                plain.err());
    }

    @Test
    void aRestoreOpThatSavesIsNotRunAndTheCheckpointStaysAsItWas() throws Exception {
        for (String forged : List.of("save/SaveV2", "save/control_dependency")) {
            Path meta = forgedMeta(d -> d.toBuilder().setSaverDef(d.getSaverDef().toBuilder()
                    .setRestoreOpName(forged)).build());
            byte[] before = checkpointBytes(dir.resolve("model"));
            CliFixture.Result r = CliFixture.run("run", meta.toString(), "--feed", "x=[[1, 1]]", "--fetch", "out:0");
            assertOneLineError(r, "SaverDef.restore_op_name names '" + forged + "'", "not a restore", "not run");
            assertArrayEquals(before, checkpointBytes(dir.resolve("model")));
        }
    }

    @Test
    void aMetaGraphMayReadItsCheckpointButNotWriteItNorReadAnother() throws Exception {
        Path prefix = CliFixture.writeModel(dir);
        Path other = Files.createDirectories(dir.resolve("other"));
        CliFixture.writeModel(other);
        byte[] before = checkpointBytes(prefix);
        String meta = prefix + ".meta";
        // The graph's own SaveV2, fed the checkpoint beside it: the overwrite that replaced a trained model.
        assertOneLineError(CliFixture.run("run", meta, "--feed", "save/Const:0=\"" + prefix + "\"", "--fetch",
                        "save/control_dependency:0"),
                "op 'save/SaveV2' (SaveV2) may not write", "reading '" + prefix + "'");
        assertArrayEquals(before, checkpointBytes(prefix));
        // Its RestoreV2 pointed at a checkpoint elsewhere.
        assertOneLineError(CliFixture.run("run", meta, "--feed", "save/Const:0=\"" + other.resolve("model") + "\"",
                "--fetch", "save/RestoreV2:0"), "op 'save/RestoreV2' (RestoreV2) may not read");
        // The checkpoint it restores is readable through its ops too.
        CliFixture.Result own = CliFixture.run("run", meta, "--feed", "save/Const:0=\"" + prefix + "\"", "--fetch",
                "save/RestoreV2:1");
        assertEquals(0, own.exitCode(), own.err());
        assertTrue(own.out().contains("[[2.0, 0.0], [0.0, 2.0]]"), own.out());
    }

    @Test
    void aSaverDefNamingMissingOpsFailsInsteadOfFallingBack() throws Exception {
        Path meta = forgedMeta(d -> d.toBuilder().setSaverDef(d.getSaverDef().toBuilder()
                .setRestoreOpName("save/missing")).build());
        assertOneLineError(CliFixture.run("run", meta.toString(), "--feed", "x=[[1, 1]]", "--fetch", "out:0"),
                "SaverDef.restore_op_name 'save/missing' names no op");
        Path meta2 = forgedMeta(d -> d.toBuilder().setSaverDef(d.getSaverDef().toBuilder()
                .setFilenameTensorName("nope:0")).build());
        assertOneLineError(CliFixture.run("run", meta2.toString(), "--feed", "x=[[1, 1]]", "--fetch", "out:0"),
                "SaverDef.filename_tensor_name 'nope:0'");
    }

    @Test
    void anInitializerThatIsNotAnAssignIsNotRun() throws Exception {
        Path meta = forgedMeta(d -> {
            CollectionDef vars = d.getCollectionDefOrThrow(GraphKeys.GLOBAL_VARIABLES);
            CollectionDef.BytesList.Builder forged = CollectionDef.BytesList.newBuilder();
            for (com.google.protobuf.ByteString b : vars.getBytesList().getValueList()) {
                try {
                    forged.addValue(VariableDef.parseFrom(b).toBuilder().setInitializerName("save/SaveV2").build()
                            .toByteString());
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
            return d.toBuilder().putCollectionDef(GraphKeys.GLOBAL_VARIABLES,
                    CollectionDef.newBuilder().setBytesList(forged).build()).build();
        });
        byte[] before = checkpointBytes(dir.resolve("model"));
        CliFixture.Result r = CliFixture.run("run", meta.toString(), "--init", "--feed", "x=[[1, 1]]", "--fetch",
                "out:0");
        assertOneLineError(r, "the initializer of variable", "'save/SaveV2' (SaveV2), not an Assign", "not run");
        assertArrayEquals(before, checkpointBytes(dir.resolve("model")));
    }

    @Test
    void aVariableDefNamingAnotherOpIsAnErrorNotANullPointer() throws Exception {
        Path meta = forgedMeta(d -> d.toBuilder().putCollectionDef(GraphKeys.GLOBAL_VARIABLES,
                CollectionDef.newBuilder().setBytesList(CollectionDef.BytesList.newBuilder().addValue(
                        VariableDef.newBuilder().setVariableName("x:0").build().toByteString())).build()).build());
        assertOneLineError(CliFixture.run("run", meta.toString(), "--init", "--fetch", "out:0"),
                "'x:0'", "Placeholder op, not a variable");
    }

    @Test
    void aGraphThatWritesElsewhereNeedsAllowFileIo() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path target = elsewhere.resolve("made/up/model");
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output names = tf.constant(Tensor.of(DType.STRING, Shape.of(1), new byte[][] {"v".getBytes()}), "names");
        Output slices = tf.constant(Tensor.of(DType.STRING, Shape.of(1), new byte[][] {new byte[0]}), "slices");
        g.opBuilder("SaveV2", "writer").addInput(tf.constant(Tensor.ofString(target.toString()), "where"))
                .addInput(names).addInput(slices).addInputList(List.of(tf.constant(new float[] {1, 2}, "v")))
                .setAttr("dtypes", new DType[] {DType.FLOAT32}).build();
        Path pb = Files.write(dir.resolve("writer.pb"), g.toGraphDef());

        assertOneLineError(CliFixture.run("run", pb.toString(), "--target", "writer"),
                "op 'writer' (SaveV2) may not write", target.toString(), "--allow-file-io");
        assertFalse(Files.exists(elsewhere.resolve("made")), "nothing is created");
        CliFixture.Result allowed = CliFixture.run("run", pb.toString(), "--target", "writer", "--allow-file-io",
                elsewhere.toString());
        assertEquals(0, allowed.exitCode(), allowed.err());
        assertArrayEquals(new float[] {1, 2}, CheckpointFiles.read(target, null).get("v").floats());
    }

    @Test
    void aMismatchedCheckpointIsRefusedNamingTheVariableAndBothShapes() throws Exception {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable v = tf.variable(tf.constant(new float[] {1, 2}), "v");
        tf.identity(v.value(), "out");
        Saver saver = new Saver(g);
        try (Session s = new Session(g)) {
            s.run(tf.globalVariablesInitializer());
            saver.save(s, dir.resolve("model"));
        }
        CheckpointFiles.write(dir.resolve("model"), Map.of("v", Tensor.of(new float[] {7, 8, 9})));
        assertOneLineError(CliFixture.run("run", dir.resolve("model.meta").toString(), "--fetch", "out:0"),
                "Assign requires shapes of both tensors to match. lhs shape= [2] rhs shape= [3]", "variable v");
    }

    // ---------------------------------------------------------------- feeds, paths and names

    @Test
    void jsonFeedsAreExactAndInRangeOrAnError() throws Exception {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        tf.identity(tf.placeholder(DType.INT32, Shape.of(-1), "i"), "i_out");
        tf.identity(tf.placeholder(DType.INT64, Shape.of(-1), "l"), "l_out");
        tf.identity(tf.placeholder(DType.UINT8, Shape.of(-1), "u"), "u_out");
        tf.identity(tf.placeholder(DType.FLOAT32, Shape.of(-1), "f"), "f_out");
        tf.identity(tf.placeholder(DType.STRING, Shape.of(-1), "s"), "s_out");
        String pb = Files.write(dir.resolve("feeds.pb"), g.toGraphDef()).toString();

        assertOneLineError(CliFixture.run("run", pb, "--feed", "i=[3000000000]", "--fetch", "i_out:0"),
                "--feed 'i'", "3000000000 is out of range for int32");
        assertOneLineError(CliFixture.run("run", pb, "--feed", "u=[256]", "--fetch", "u_out:0"), "out of range for uint8");
        assertOneLineError(CliFixture.run("run", pb, "--feed", "f=[1e39]", "--fetch", "f_out:0"),
                "out of range for float32");
        assertOneLineError(CliFixture.run("run", pb, "--feed", "l=[1e999999999]", "--fetch", "l_out:0"),
                "out of any dtype's range");
        assertOneLineError(CliFixture.run("run", pb, "--feed", "i=[1.5]", "--fetch", "i_out:0"), "not an integer");
        assertOneLineError(CliFixture.run("run", pb, "--feed", "s=[\"\\uZZZZ\"]", "--fetch", "s_out:0"),
                "bad \\u escape");
        assertOneLineError(CliFixture.run("run", pb, "--feed", "s=[\"\\u12\"]", "--fetch", "s_out:0"),
                "bad \\u escape");
        CliFixture.Result exact = CliFixture.run("run", pb, "--feed", "l=[9007199254740993, -2147483649]", "--fetch",
                "l_out:0", "--feed", "i=[2147483647, -2147483648]", "--fetch", "i_out:0", "--feed",
                "s=[\"\\u00e9\"]", "--fetch", "s_out:0");
        assertEquals(0, exact.exitCode(), exact.err());
        assertTrue(exact.out().contains("[9007199254740993, -2147483649]"), "not rounded through a double: " + exact.out());
        assertTrue(exact.out().contains("[2147483647, -2147483648]") && exact.out().contains("\"\u00e9\""), exact.out());
    }

    @Test
    void pathsWithANulCharacterAreOneLineErrors() throws Exception {
        CliFixture.writeModel(dir);
        String meta = dir.resolve("model.meta").toString();
        assertOneLineError(CliFixture.run("run", meta, "--feed", "x=in\0put.npy", "--fetch", "out:0"),
                "--feed 'x'", "in\\u0000put.npy", "is not a valid path");
        assertOneLineError(CliFixture.run("run", meta, "--feed", "x=in\0put.json", "--fetch", "out:0"),
                "is not a valid path");
        for (String command : List.of("run", "dot", "inspect")) {
            CliFixture.Result r = CliFixture.run(command, dir + "/mo\0del.meta");
            assertEquals(2, r.exitCode(), "a usage error: " + r.err());
            assertFalse(r.err().contains("InvalidPathException"), command + ": " + r.err());
            assertTrue(r.err().contains("mo\\u0000del.meta' is not a valid path"), r.err());
        }
    }

    @Test
    void aNodeNameWithANewlineStaysOnOneLine() throws Exception {
        NodeDef bad = NodeDef.newBuilder().setName("evil\nname").setOp("Const")
                .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
                .putAttr("value", AttrValue.newBuilder().setTensor(dev.tensorgraph.proto.TensorProto.newBuilder()
                        .setDtype(DataType.DT_FLOAT).addFloatVal(1)).build()).build();
        Path pb = Files.write(dir.resolve("newline.pb"), GraphDef.newBuilder().addNode(bad).build().toByteArray());
        assertOneLineError(CliFixture.run("run", pb.toString(), "--fetch", "x:0"), "'evil\\nname'");
    }

    @Test
    void trainWithAMissingOrTruncatedDataSetIsOneLine() throws Exception {
        Path missing = dir.resolve("no-such-dir");
        assertOneLineError(CliFixture.run("train", "--data", missing.toString(), "--out", dir.resolve("o").toString()),
                "not found in " + missing);
        Path data = Files.createDirectories(dir.resolve("cut"));
        Path mini = Path.of(getClass().getResource("/fashion-mnist-mini/train-images-idx3-ubyte.gz").toURI())
                .getParent();
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(mini.resolve(f), data.resolve(f));
        }
        byte[] images = Files.readAllBytes(data.resolve("train-images-idx3-ubyte.gz"));
        Files.write(data.resolve("train-images-idx3-ubyte.gz"), java.util.Arrays.copyOf(images, images.length / 2));
        assertOneLineError(CliFixture.run("train", "--data", data.toString(), "--out", dir.resolve("o").toString()),
                "train-images-idx3-ubyte.gz");
    }

    @Test
    void dotWritesAMillionDeepScopesWithoutRecursion() throws Exception {
        int depth = 1_000_000;
        String name = "s/".repeat(depth) + "leaf";
        NodeDef deep = NodeDef.newBuilder().setName(name).setOp("NoOp").build();
        NodeDef top = NodeDef.newBuilder().setName("top").setOp("NoOp").addInput("^" + name).build();
        Path pb = Files.write(dir.resolve("deep.pb"), GraphDef.newBuilder().addNode(deep).addNode(top).build()
                .toByteArray());
        Path out = dir.resolve("deep.dot");
        CliFixture.Result r = CliFixture.run("dot", pb.toString(), "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        String dot = Files.readString(out);
        assertEquals(depth + 1, dot.split("subgraph ", -1).length, "one cluster per scope");
        assertTrue(dot.contains("subgraph \"cluster_s/s\" {") && dot.contains("\"top\" [label=\"top\\nNoOp\"];"));
        long maxLine = dot.lines().mapToLong(String::length).max().orElse(0);
        assertTrue(maxLine < 2 * name.length() + 100, "indentation stays bounded: " + maxLine);
    }
}
