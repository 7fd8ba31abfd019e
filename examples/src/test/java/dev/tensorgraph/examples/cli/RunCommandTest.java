package dev.tensorgraph.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.Npy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void metaGraphRestoresTheCheckpointBesideItAndPrintsFetches() throws Exception {
        CliFixture.writeModel(dir);
        // out = x . W + b with the saved W = [[2, 0], [0, 2]], b = [0.5, -0.5].
        CliFixture.Result r = CliFixture.run("run", dir.resolve("model.meta").toString(),
                "--feed", "x=[[1, 1], [3, -1]]", "--fetch", "out:0");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("out:0 float32[2,2]\n[[2.5, 1.5], [6.5, -2.5]]\n", r.out().replace("\r", ""));
    }

    @Test
    void initRunsInitializersInsteadOfRestoring() throws Exception {
        CliFixture.writeModel(dir);
        // The initial W = [[1, 2], [3, 4]]: [1, 1] . W + b = [4.5, 5.5].
        CliFixture.Result r = CliFixture.run("run", dir.resolve("model.meta").toString(), "--init",
                "--feed", "x=[[1, 1]]", "--fetch", "out");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("[[4.5, 5.5]]"), r.out());
    }

    @Test
    void graphDefWithNpyFeedAndExplicitCheckpointWritesNpy() throws Exception {
        Path prefix = CliFixture.writeModel(dir);
        Npy.write(dir.resolve("x.npy"), Tensor.of(DType.FLOAT32, Shape.of(1, 2), new float[] {1, 2}));
        Path out = dir.resolve("results");
        CliFixture.Result r = CliFixture.run("run", dir.resolve("graph.pb").toString(),
                "--checkpoint", prefix.toString(), "--feed", "x:0=" + dir.resolve("x.npy"),
                "--fetch", "out:0", "--fetch", "layer/W:0", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        Tensor y = Npy.read(out.resolve("out_0.npy"));
        assertEquals(Shape.of(1, 2), y.shape());
        assertArrayEquals(new float[] {2.5f, 3.5f}, y.floats());
        assertArrayEquals(new float[] {2, 0, 0, 2}, Npy.read(out.resolve("layer_W_0.npy")).floats());
        assertTrue(r.out().contains("out:0 float32[1,2] -> "), r.out());
    }

    @Test
    void graphDefWithoutSaverOpsRestoresByVariableName() throws Exception {
        Path prefix = CliFixture.writeModel(dir);
        CliFixture.Result r = CliFixture.run("run", dir.resolve("plain.pb").toString(), "--checkpoint", prefix.toString(),
                "--feed", "x=[[1, 1]]", "--fetch", "out:0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("[[2.5, 1.5]]"), r.out());
    }

    @Test
    void badFeedsAreErrors() throws Exception {
        CliFixture.writeModel(dir);
        String meta = dir.resolve("model.meta").toString();
        CliFixture.Result ragged = CliFixture.run("run", meta, "--feed", "x=[[1, 2], [3]]", "--fetch", "out:0");
        assertEquals(1, ragged.exitCode());
        assertTrue(ragged.err().contains("ragged"), ragged.err());
        CliFixture.Result unknown = CliFixture.run("run", meta, "--feed", "nope=[1]", "--fetch", "out:0");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("nope"), unknown.err());
        assertTrue(unknown.err().contains("The graph's placeholders: x (float32[?,2])"), unknown.err());
        CliFixture.Result nothing = CliFixture.run("run", meta);
        assertEquals(1, nothing.exitCode());
    }

    @Test
    void graphWithVariablesButNoValuesHintsAtCheckpointAndInitNamingTheMatchingOne() throws Exception {
        CliFixture.writeModel(dir);
        Path graph = dir.resolve("graph.pb");
        CliFixture.Result r = CliFixture.run("run", graph.toString(), "--feed", "x=[[1, 1]]", "--fetch", "out:0");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("error: Attempting to use uninitialized value"), r.err());
        assertTrue(r.err().contains("restore them with --checkpoint PREFIX or run their initializers with --init; "
                + "checkpoints beside it that match: " + dir.resolve("model")), r.err());
    }

    @Test
    void checkpointOfAnotherGraphIsRefusedNamingTheDifferenceAndTheOneThatMatches() throws Exception {
        CliFixture.writeModel(dir);
        // Another model's checkpoint in the same folder: layer/W is 3x3 there, and b is missing.
        dev.tensorgraph.io.CheckpointFiles.write(dir.resolve("other-10"), java.util.Map.of("layer/W",
                Tensor.of(DType.FLOAT32, Shape.of(3, 3), new float[9])));
        CliFixture.Result r = CliFixture.run("run", dir.resolve("graph.pb").toString(), "--checkpoint",
                dir.resolve("other-10").toString(), "--feed", "x=[[1, 1]]", "--fetch", "out:0");
        assertEquals(1, r.exitCode());
        // The restore's own error (TensorFlow's wording, the variable, both shapes) comes first, then the comparison.
        assertTrue(r.err().startsWith("error: Restoring checkpoint tensor layer/W from " + dir.resolve("other-10")
                + ": Assign requires shapes of both tensors to match. lhs shape= [2,2] rhs shape= [3,3]"), r.err());
        assertTrue(r.err().endsWith("; checkpoint " + dir.resolve("other-10") + " does not match " + dir.resolve("graph.pb")
                + ": layer/W is float32[3,3] there but float32[2,2] in the graph; it has no tensor b; "
                + "checkpoints beside it that match: " + dir.resolve("model") + "\n"), r.err());
    }
}
