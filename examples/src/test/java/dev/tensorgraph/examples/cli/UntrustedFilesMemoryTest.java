package dev.tensorgraph.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.examples.Main;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.TensorProto;
import dev.tensorgraph.proto.TensorShapeProto;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool on files built to exhaust memory, each in its own JVM with a 512 MiB heap (as a user would run it,
 * and so that an OutOfMemoryError cannot take the test JVM down): expansion bombs and files of 3 GiB end in a
 * one-line error naming the node or file and the limit. Big files are sparse and take no disk space.
 */
class UntrustedFilesMemoryTest {
    private static final String HEAP = "512m";

    @TempDir
    Path dir;

    /** Runs {@code tensorgraph args...} in a fresh JVM with a 512 MiB heap. */
    private CliFixture.Result tool(String... args) throws Exception {
        return tool(List.of(), args);
    }

    private CliFixture.Result tool(List<String> jvmOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tensorgraph " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new CliFixture.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void assertCleanError(CliFixture.Result r, String... mentions) {
        String all = r.err().replace("\r", "");
        assertEquals(1, r.exitCode(), all);
        assertFalse(all.contains("OutOfMemoryError") || all.contains("Exception") || all.contains("\tat "), all);
        String err = all.substring(Math.max(0, all.indexOf("error: ")));
        assertTrue(err.startsWith("error: ") && err.indexOf('\n') == err.length() - 1, "one line: " + all);
        for (String m : mentions) {
            assertTrue(err.contains(m), "'" + err + "' should mention " + m);
        }
    }

    /** A GraphDef of Const nodes that each declare {@code dims} of {@code dtype} from one repeated value. */
    private static byte[] bomb(DataType dtype, int nodes, long dims, TensorProto.Builder oneValue) {
        GraphDef.Builder g = GraphDef.newBuilder();
        for (int i = 0; i < nodes; i++) {
            TensorProto t = oneValue.clone().setDtype(dtype)
                    .setTensorShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(dims)))
                    .build();
            g.addNode(NodeDef.newBuilder().setName("bomb_" + i).setOp("Const")
                    .putAttr("dtype", AttrValue.newBuilder().setType(dtype).build())
                    .putAttr("value", AttrValue.newBuilder().setTensor(t).build()));
        }
        return g.build().toByteArray();
    }

    @Test
    void float64ConstantsFromOneRepeatedValue() throws Exception {
        byte[] pb = bomb(DataType.DT_DOUBLE, 30, 1L << 24, TensorProto.newBuilder().addDoubleVal(1.5));
        assertTrue(pb.length < 2048, pb.length + " bytes");
        Path file = Files.write(dir.resolve("bomb.pb"), pb);
        assertCleanError(tool("run", file.toString(), "--fetch", "bomb_0:0"), "node 'bomb_", "float64[16777216]",
                "tensorgraph.limits.maxExpandedBytes");
    }

    @Test
    void theExpansionLimitIsRaisedWithItsProperty() throws Exception {
        // Two float64[2^24] constants expand to 256 MiB: beyond the default under this heap (a quarter of it).
        Path file = Files.write(dir.resolve("two.pb"), bomb(DataType.DT_DOUBLE, 2, 1L << 24,
                TensorProto.newBuilder().addDoubleVal(1.5)));
        assertCleanError(tool("run", file.toString(), "--fetch", "bomb_1:0"), "node 'bomb_",
                "bytes one file may expand to");
        CliFixture.Result raised = tool(List.of("-Dtensorgraph.limits.maxExpandedBytes=300m"), "run", file.toString(),
                "--fetch", "bomb_1:0");
        assertEquals(0, raised.exitCode(), raised.err());
        assertTrue(raised.out().startsWith("bomb_1:0 float64[16777216]\n[1.5, 1.5, "), raised.out());
    }

    @Test
    void stringConstantsFromOneRepeatedValue() throws Exception {
        byte[] pb = bomb(DataType.DT_STRING, 16, 1L << 24,
                TensorProto.newBuilder().addStringVal(ByteString.copyFrom(new byte[1024])));
        Path file = Files.write(dir.resolve("strings.pb"), pb);
        assertCleanError(tool("run", file.toString(), "--fetch", "bomb_0:0"), "node 'bomb_", "string[16777216]",
                "tensorgraph.limits.maxExpandedBytes");
    }

    @Test
    void threeGibFilesAreRefusedFromTheirSize() throws Exception {
        for (String name : List.of("huge.pb", "huge.meta")) {
            Path file = dir.resolve(name);
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(3L << 30);
            }
            for (String command : List.of("run", "dot", "inspect")) {
                List<String> args = new ArrayList<>(List.of(command, file.toString()));
                if (command.equals("run")) {
                    args.addAll(List.of("--fetch", "x:0"));
                }
                assertCleanError(tool(args.toArray(String[]::new)), file.toString(), "is 3221225472 bytes",
                        "tensorgraph.limits.maxFileBytes");
            }
        }
    }

    @Test
    void aGzipIdxFileThatInflatesToOneGib() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path mini = Path.of(getClass().getResource("/fashion-mnist-mini/train-images-idx3-ubyte.gz").toURI())
                .getParent();
        for (String f : List.of("train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(mini.resolve(f), data.resolve(f));
        }
        Path images = data.resolve("train-images-idx3-ubyte.gz");
        int count = (1 << 30) / (28 * 28);
        writeGzipBomb(images, count);
        assertTrue(Files.size(images) < 2L << 20, Files.size(images) + " bytes");
        assertCleanError(tool("train", "--data", data.toString(), "--out", dir.resolve("out").toString()),
                images.toString(), "the gzip data", "tensorgraph.limits.maxExpandedBytes");
    }

    /**
     * An IDX header for {@code count} 28x28 images and 1 GiB of zeros, as gzip: one member holding 1 MiB of
     * zeros, repeated (readers inflate concatenated members as one stream), so it is made in milliseconds.
     */
    private static void writeGzipBomb(Path file, int count) throws Exception {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(header))) {
            d.writeInt(0x0803);
            d.writeInt(count);
            d.writeInt(28);
            d.writeInt(28);
        }
        ByteArrayOutputStream zeros = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(zeros)) {
            z.write(new byte[1 << 20]);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            header.writeTo(out);
            for (int i = 0; i < 1024; i++) {
                zeros.writeTo(out);
            }
        }
    }
}
