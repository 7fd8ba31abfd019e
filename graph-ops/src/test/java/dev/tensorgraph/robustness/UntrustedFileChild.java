package dev.tensorgraph.robustness;

import com.google.protobuf.ByteString;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.io.MaskedCrc32c;
import dev.tensorgraph.io.TableWriter;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.BundleEntryProto;
import dev.tensorgraph.proto.BundleHeaderProto;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.TensorProto;
import dev.tensorgraph.proto.TensorShapeProto;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The child process of {@link UntrustedFileMemoryTest}: runs one case against the API on a small heap and prints
 * {@code ok <detail>} or {@code typed <error class>: <message>}. An OutOfMemoryError ends it with a stack trace
 * and a non-zero exit code, which the parent reports.
 */
public final class UntrustedFileChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        try {
            System.out.println("ok " + run(args[0], dir));
        } catch (TensorgraphException e) {
            System.out.println("typed " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static String run(String which, Path dir) throws Exception {
        switch (which) {
            case "graphdef-float64" -> {
                Graph.fromGraphDef(bomb(DataType.DT_DOUBLE, 30, TensorProto.newBuilder().addDoubleVal(1.5)));
                return "imported";
            }
            case "graphdef-string" -> {
                Graph.fromGraphDef(bomb(DataType.DT_STRING, 16,
                        TensorProto.newBuilder().addStringVal(ByteString.copyFrom(new byte[1024]))));
                return "imported";
            }
            case "metagraph-float64" -> {
                GraphDef g = GraphDef.parseFrom(bomb(DataType.DT_DOUBLE, 30,
                        TensorProto.newBuilder().addDoubleVal(1.5)));
                Path meta = Files.write(dir.resolve("bomb.meta"), MetaGraphDef.newBuilder().setGraphDef(g).build()
                        .toByteArray());
                MetaGraph.importMetaGraph(meta);
                return "imported";
            }
            case "metagraph-3gib" -> {
                Path meta = dir.resolve("huge.meta");
                try (RandomAccessFile f = new RandomAccessFile(meta.toFile(), "rw")) {
                    f.setLength(3L << 30);
                }
                MetaGraph.importMetaGraph(meta);
                return "imported";
            }
            case "restore-past-2gib" -> {
                return restorePastTwoGib(dir);
            }
            default -> throw new IllegalArgumentException("no case " + which);
        }
    }

    /** A 2 KB GraphDef of Const nodes that each declare [2^24] elements from one value. */
    static byte[] bomb(DataType dtype, int nodes, TensorProto.Builder oneValue) {
        GraphDef.Builder g = GraphDef.newBuilder();
        for (int i = 0; i < nodes; i++) {
            TensorProto t = oneValue.clone().setDtype(dtype).setTensorShape(TensorShapeProto.newBuilder()
                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(1L << 24))).build();
            g.addNode(NodeDef.newBuilder().setName("bomb_" + i).setOp("Const")
                    .putAttr("dtype", AttrValue.newBuilder().setType(dtype).build())
                    .putAttr("value", AttrValue.newBuilder().setTensor(t).build()));
        }
        return g.build().toByteArray();
    }

    /**
     * Saver.restore from a sparse 3 GiB data file whose variables lie at offsets past 2^31, on a heap far
     * smaller than the file: the data file is read at the tensors' offsets, never whole.
     */
    private static String restorePastTwoGib(Path dir) throws Exception {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(new float[1000]), "w");
        Path prefix = dir.resolve("model");
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i / 8f;
        }
        ByteBuffer bytes = ByteBuffer.allocate(4000).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        long offset = (5L << 29) + 3;
        try (RandomAccessFile f = new RandomAccessFile(CheckpointFiles.dataFile(prefix).toFile(), "rw")) {
            f.setLength(3L << 30);
            f.seek(offset);
            f.write(bytes.array());
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.array());
        TableWriter index = new TableWriter();
        index.add("", BundleHeaderProto.newBuilder().setNumShards(1).build().toByteArray());
        index.add("w", BundleEntryProto.newBuilder().setDtype(DataType.DT_FLOAT)
                .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(1000)))
                .setOffset(offset).setSize(4000).setCrc32C(MaskedCrc32c.mask((int) crc.getValue())).build()
                .toByteArray());
        Files.write(CheckpointFiles.indexFile(prefix), index.finish());
        try (Session s = new Session(g)) {
            new Saver(g).restore(s, prefix);
            if (!Arrays.equals(values, s.variableValue(w).floats())) {
                throw new AssertionError("restored values differ");
            }
        }
        return "restored w from offset " + offset;
    }

    private UntrustedFileChild() {}
}
