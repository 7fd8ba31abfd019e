package dev.tensorgraph.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.data.Examples;
import dev.tensorgraph.data.FeatureSpec;
import dev.tensorgraph.data.TfRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.op.io.TfRecordReader;
import org.tensorflow.op.io.ParseSingleExample;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * TFRecord files with {@code tf.train.Example}s both ways through TensorFlow's own kernels: TensorFlow's
 * TFRecordReader and ParseSingleExample read the files our writer wrote (plain and GZIP), and our reader and
 * parser read the files TensorFlow's DatasetToTFRecord wrote from Examples built with TensorFlow's proto classes.
 * Record i holds label i, weights [i/2, i + 1/4, -i], name "item-i", i % 3 tags and ids 0..i-1.
 */
class TfRecordInteropTest {
    private static final int RECORDS = 6;

    @TempDir
    Path dir;

    /** Record i's features as our data module builds them. */
    private static Map<String, dev.tensorgraph.Tensor> ours(int i) {
        Map<String, dev.tensorgraph.Tensor> e = new LinkedHashMap<>();
        e.put("label", dev.tensorgraph.Tensor.of((long) i));
        e.put("weights", dev.tensorgraph.Tensor.of(new float[] {i * 0.5f, i + 0.25f, -(float) i}));
        e.put("name", dev.tensorgraph.Tensor.ofString("item-" + i));
        byte[][] tags = new byte[i % 3][];
        for (int j = 0; j < tags.length; j++) {
            tags[j] = ("t" + j).getBytes(StandardCharsets.UTF_8);
        }
        e.put("tags", dev.tensorgraph.Tensor.wrap(DType.STRING, dev.tensorgraph.Shape.of(tags.length), tags));
        long[] ids = new long[i];
        for (int j = 0; j < i; j++) {
            ids[j] = j;
        }
        e.put("ids", dev.tensorgraph.Tensor.of(ids));
        return e;
    }

    /** The same record built with TensorFlow's proto classes. */
    private static byte[] theirs(int i) {
        BytesList.Builder tags = BytesList.newBuilder();
        for (int j = 0; j < i % 3; j++) {
            tags.addValue(com.google.protobuf.ByteString.copyFromUtf8("t" + j));
        }
        Int64List.Builder ids = Int64List.newBuilder();
        for (int j = 0; j < i; j++) {
            ids.addValue(j);
        }
        return Example.newBuilder().setFeatures(Features.newBuilder()
                .putFeature("label", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(i)).build())
                .putFeature("weights", Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(i * 0.5f)
                        .addValue(i + 0.25f).addValue(-(float) i)).build())
                .putFeature("name", Feature.newBuilder().setBytesList(BytesList.newBuilder()
                        .addValue(com.google.protobuf.ByteString.copyFromUtf8("item-" + i))).build())
                .putFeature("tags", Feature.newBuilder().setBytesList(tags).build())
                .putFeature("ids", Feature.newBuilder().setInt64List(ids).build()))
                .build().toByteArray();
    }

    @Test
    void tensorFlowReadsAndParsesOurFiles() {
        for (TfRecords.Compression c : new TfRecords.Compression[] {TfRecords.Compression.NONE,
                TfRecords.Compression.GZIP}) {
            Path file = dir.resolve("ours-" + c + ".tfrecord");
            try (TfRecords.Writer w = TfRecords.writer(file, c)) {
                for (int i = 0; i < RECORDS; i++) {
                    w.write(Examples.encode(ours(i)));
                }
            }
            int read = 0;
            try (Graph g = new Graph()) {
                Ops tf = Ops.create(g);
                // TensorFlow 1.x's reader: a queue of file names and a TFRecordReader. (Graph-mode
                // TFRecordDatasetV2 fails to serialize itself for MakeIterator in this binding.)
                FifoQueue files = tf.io.fifoQueue(List.of(TString.class));
                var enqueue = tf.io.queueEnqueue(files, List.of(tf.constant(file.toString())));
                var close = tf.io.queueClose(files);
                TfRecordReader reader = tf.io.tfRecordReader(TfRecordReader.compressionType(
                        c == TfRecords.Compression.GZIP ? "GZIP" : ""));
                Operand<TString> record = tf.io.readerRead(reader, files).value();
                ParseSingleExample parsed = tf.io.parseSingleExample(record,
                        List.of(tf.constant(new long[0]), tf.constant(new float[0]), tf.fill(tf.constant(new long[] {0}), tf.constant(""))),
                        2L, List.of("ids", "tags"), List.of("label", "weights", "name"),
                        List.of(TInt64.class, TString.class),
                        List.of(Shape.scalar(), Shape.of(3), Shape.scalar()));
                try (Session s = new Session(g)) {
                    s.run(enqueue);
                    s.run(close);
                    while (true) {
                        try (Result r = s.runner().fetch(parsed.denseValues().get(0)).fetch(parsed.denseValues().get(1))
                                .fetch(parsed.denseValues().get(2)).fetch(parsed.sparseValues().get(0))
                                .fetch(parsed.sparseValues().get(1)).run()) {
                            Map<String, dev.tensorgraph.Tensor> want = ours(read);
                            assertEquals(read, ((TInt64) r.get(0)).getLong(), c + " label of record " + read);
                            float[] w = new float[3];
                            for (int k = 0; k < 3; k++) {
                                w[k] = ((TFloat32) r.get(1)).getFloat(k);
                            }
                            assertArrayEquals(want.get("weights").floats(), w, c + " weights of record " + read);
                            assertEquals("item-" + read, new String(((TString) r.get(2)).asBytes().getObject(),
                                    StandardCharsets.UTF_8));
                            assertEquals(read, ((TInt64) r.get(3)).size(), "ids of record " + read);
                            assertEquals(read % 3, ((TString) r.get(4)).size(), "tags of record " + read);
                            read++;
                        } catch (TFOutOfRangeException end) {
                            break;
                        }
                    }
                }
            }
            assertEquals(RECORDS, read, c.toString());
        }
    }

    @Test
    void weReadAndParseTensorFlowsFiles() {
        for (String compression : new String[] {"", "GZIP"}) {
            Path file = dir.resolve("theirs-" + compression + ".tfrecord");
            byte[][] records = new byte[RECORDS][];
            for (int i = 0; i < RECORDS; i++) {
                records[i] = theirs(i);
            }
            try (Graph g = new Graph(); TString values = TString.tensorOfBytes(NdArrays.vectorOfObjects(records))) {
                Ops tf = Ops.create(g);
                Operand<?> constant = g.opBuilder("Const", "records", tf.scope()).setAttr("value", values)
                        .setAttr("dtype", values.dataType()).build().output(0);
                Operand<?> ds = tf.data.tensorSliceDataset(List.of(constant), List.of(Shape.scalar()));
                var write = tf.data.datasetToTfRecord(ds, tf.constant(file.toString()), tf.constant(compression));
                try (Session s = new Session(g)) {
                    s.run(write);
                }
            }
            List<Map<String, dev.tensorgraph.Tensor>> parsed = new ArrayList<>();
            Dataset.tfRecordDataset(List.of(file), TfRecords.Compression.of(compression)).map(Examples.parseExample(Map.of(
                    "label", FeatureSpec.fixedLen(dev.tensorgraph.Shape.scalar(), DType.INT64),
                    "weights", FeatureSpec.fixedLen(dev.tensorgraph.Shape.of(3), DType.FLOAT32),
                    "name", FeatureSpec.fixedLen(dev.tensorgraph.Shape.scalar(), DType.STRING),
                    "tags", FeatureSpec.varLen(DType.STRING),
                    "ids", FeatureSpec.varLen(DType.INT64)))).forEach(parsed::add);
            assertEquals(RECORDS, parsed.size(), "records in TensorFlow's " + compression + " file");
            for (int i = 0; i < RECORDS; i++) {
                Map<String, dev.tensorgraph.Tensor> want = ours(i);
                Map<String, dev.tensorgraph.Tensor> got = parsed.get(i);
                assertEquals(i, got.get("label").longValue());
                assertArrayEquals(want.get("weights").floats(), got.get("weights").floats());
                assertArrayEquals(want.get("name").strings(), got.get("name").strings());
                assertArrayEquals(want.get("tags").strings(), got.get("tags").strings());
                assertArrayEquals(want.get("ids").longs(), got.get("ids").longs());
            }
        }
    }
}
