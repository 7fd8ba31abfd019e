package dev.tensorgraph.ops.strings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.PermissionDeniedException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.SaverDefRestore;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.io.CheckpointOps;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.SavedModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The string and file ops of TensorFlow's sharded save graph (StaticRegexFullMatch, StringJoin, ShardedFilename,
 * MergeV2Checkpoints): the save op of a MetaGraph TensorFlow 2.21 wrote runs here and writes the checkpoint
 * TensorFlow would, within the file access granted; and each op on its own, bad input included.
 */
class SaveGraphOpsTest {
    @TempDir
    Path tmp;

    private static Tensor strings(String... s) {
        byte[][] b = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            b[i] = s[i].getBytes(StandardCharsets.UTF_8);
        }
        return Tensor.of(DType.STRING, Shape.of(s.length), b);
    }

    private static MetaGraphDef simpleSaveMetaGraph() throws Exception {
        Path dir = Path.of(SaveGraphOpsTest.class.getResource("/tf-cases-2.21/saved-model/tf1_simple_save/saved_model")
                .toURI());
        return SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb"))).getMetaGraphs(0);
    }

    private static Path variables() throws Exception {
        return Path.of(SaveGraphOpsTest.class.getResource("/tf-cases-2.21/saved-model/tf1_simple_save/saved_model")
                .toURI()).resolve("variables/variables");
    }

    @Test
    void tensorFlowsShardedSaveGraphWritesTheCheckpointHere() throws Exception {
        MetaGraphDef meta = simpleSaveMetaGraph();
        Graph g = MetaGraph.fromMetaGraphDef(meta.toByteArray());
        Path prefix = tmp.resolve("ckpt").resolve("model");
        SessionOptions options = SessionOptions.cpuOnly()
                .fileAccess(FileAccessPolicy.none().allowDirectory(tmp, FileAccessPolicy.Access.READ_WRITE));
        try (Session s = new Session(g, options)) {
            SaverDefRestore.restore(s, meta.getSaverDef(), variables());
            List<Tensor> r = s.runner().feed("save/Const:0", Tensor.ofString(prefix.toString()))
                    .fetch("save/ShardedFilename:0").fetch(meta.getSaverDef().getSaveTensorName()).run();
            assertEquals(prefix + "_temp/part-00000-of-00001", r.get(0).strings()[0]);
            assertEquals(prefix.toString(), r.get(1).strings()[0]);
        }
        assertFalse(Files.exists(tmp.resolve("ckpt").resolve("model_temp")), "the shard's folder is removed");
        Map<String, Tensor> want = CheckpointFiles.read(variables(), null);
        Map<String, Tensor> got = CheckpointFiles.read(prefix, null);
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertArrayEquals(want.get(k).floats(), got.get(k).floats(), k);
        }
    }

    @Test
    void theSaveGraphTouchesNoFileWithoutAGrant() throws Exception {
        MetaGraphDef meta = simpleSaveMetaGraph();
        Graph g = MetaGraph.fromMetaGraphDef(meta.toByteArray());
        Path prefix = tmp.resolve("model");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            SaverDefRestore.restore(s, meta.getSaverDef(), variables());
            PermissionDeniedException e = assertThrows(PermissionDeniedException.class, () -> s.runner()
                    .feed("save/Const:0", Tensor.ofString(prefix.toString()))
                    .fetch(meta.getSaverDef().getSaveTensorName()).run());
            assertTrue(e.getMessage().contains("save/SaveV2"), e.getMessage());
        }
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void stringJoinRepeatsScalarsAndRefusesMismatchedShapes() {
        Graph g = new Graph();
        Output a = ConstantOps.constant(g, strings("a", "bc"), "a");
        Output sep = ConstantOps.constant(g, Tensor.ofString("/"), "s");
        Output joined = StringOps.stringJoin(g, List.of(sep, a, a), "-", null);
        assertEquals(Shape.of(2), joined.shape());
        Output three = ConstantOps.constant(g, strings("x", "y", "z"), "three");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> StringOps.stringJoin(g, List.of(a, three), "", "bad"));
        assertTrue(e.getMessage().contains("bad"), e.getMessage());
        Output matches = StringOps.staticRegexFullMatch(g, ConstantOps.constant(g,
                strings("s3://bucket/model", "runs/s3://x", "s3:/"), "paths"), "^s3://.*", null);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertArrayEquals(new String[] {"/-a-a", "/-bc-bc"}, s.run(joined).strings());
            assertArrayEquals(new boolean[] {true, false, false}, s.run(matches).booleans());
        }
        assertThrows(InvalidArgumentException.class, () -> StringOps.staticRegexFullMatch(g, a, "(", "badPattern"));
    }

    /**
     * A pattern from a graph written elsewhere is matched in time linear in the text, as by TensorFlow's RE2: a
     * backtracking matcher would try the 60 a's in about 10^12 ways of splitting them before failing at the end. RE2's syntax: a backreference is no regular expression, and the error names the op.
     */
    @Test
    void staticRegexFullMatchTakesLinearTimeAndRe2sSyntax() {
        Graph g = new Graph();
        String text = "a".repeat(60) + "!";
        Output matches = StringOps.staticRegexFullMatch(g, ConstantOps.constant(g, strings(text, "aaab"), "texts"),
                "(a|aa)*b", null);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            boolean[] got = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> s.run(matches).booleans());
            assertArrayEquals(new boolean[] {false, true}, got);
        }
        Output a = ConstantOps.constant(g, strings("aa"), "a");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> StringOps.staticRegexFullMatch(g, a, "(a)\\1", "backreference"));
        assertTrue(e.getMessage().contains("backreference"), e.getMessage());
    }

    @Test
    void shardedFilenameNumbersInFiveDigitsAndChecksTheShard() {
        Graph g = new Graph();
        Output base = ConstantOps.constant(g, Tensor.ofString("ckpt/model"), "base");
        Output name = CheckpointOps.shardedFilename(g, base, ConstantOps.constant(g, Tensor.of(3), "k"),
                ConstantOps.constant(g, Tensor.of(12), "n"), null);
        Output bad = CheckpointOps.shardedFilename(g, base, ConstantOps.constant(g, Tensor.of(2), "k2"),
                ConstantOps.constant(g, Tensor.of(2), "n2"), "bad");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals("ckpt/model-00003-of-00012", s.run(name).strings()[0]);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.run(bad));
            assertTrue(e.getMessage().contains("bad"), e.getMessage());
        }
    }

    @Test
    void mergeV2CheckpointsMakesOneCheckpointOfSeveralShards() throws Exception {
        Path a = tmp.resolve("parts/a");
        Path b = tmp.resolve("parts/b");
        CheckpointFiles.write(a, Map.of("w", Tensor.of(new float[] {1, 2}), "label", Tensor.ofString("x")));
        CheckpointFiles.write(b, Map.of("step", Tensor.of(7L)));
        Path dest = tmp.resolve("model");
        Graph g = new Graph();
        var merge = CheckpointOps.mergeV2Checkpoints(g, ConstantOps.constant(g, strings(a.toString(), b.toString()),
                "sources"), ConstantOps.constant(g, Tensor.ofString(dest.toString()), "dest"), true, false, null);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertThrows(PermissionDeniedException.class, () -> s.runner().target(merge).run());
            assertTrue(CheckpointFiles.exists(a), "a refused merge leaves the shards");
            s.runner().target(merge).fileAccess(FileAccessPolicy.none().allowDirectory(tmp,
                    FileAccessPolicy.Access.READ_WRITE)).run();
        }
        Map<String, Tensor> got = CheckpointFiles.read(dest, null);
        assertArrayEquals(new float[] {1, 2}, got.get("w").floats());
        assertEquals(7L, got.get("step").longs()[0]);
        assertEquals("x", got.get("label").strings()[0]);
        assertFalse(Files.exists(tmp.resolve("parts")), "the emptied shard folder is removed");
    }
}
