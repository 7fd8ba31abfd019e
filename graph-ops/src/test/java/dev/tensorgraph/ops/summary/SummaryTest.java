package dev.tensorgraph.ops.summary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.proto.Event;
import dev.tensorgraph.proto.HistogramProto;
import dev.tensorgraph.proto.Summary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ScalarSummary, HistogramSummary, MergeSummary, tf.summary naming, FileWriter and event files. */
class SummaryTest {
    @TempDir
    Path dir;

    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final TfSummary summary = new TfSummary(tf.graph());

    private Tensor run(Output o, Map<Output, Tensor> feeds) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.run(o, feeds);
        }
    }

    private static Summary parse(Tensor t) throws Exception {
        assertEquals(DType.STRING, t.dtype());
        assertEquals(Shape.scalar(), t.shape());
        return Summary.parseFrom(((byte[][]) t.array())[0]);
    }

    @Test
    void scalarNamingFollowsTensorFlow() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.scalar(), "x");
        Output a;
        Output b;
        try (var s = tf.nameScope("train")) {
            a = summary.scalar("loss", x);
            b = summary.scalar("loss", x);
        }
        assertEquals("train/loss", a.op().name());
        assertEquals("ScalarSummary", a.op().type());
        assertEquals("train/loss/tags", a.op().input(0).op().name());
        assertEquals("train/loss_1", b.op().name());
        assertEquals(DType.FLOAT32, a.op().attrType("T"));
        Output c = summary.scalar("acc: top 1", x, null, "eval");
        assertEquals("eval/acc__top_1", c.op().name());
        assertEquals(List.of(a, b, c), g.collection(GraphKeys.SUMMARIES));
        Output d = summary.scalar("private", x, List.of(), null);
        assertFalse(g.collection(GraphKeys.SUMMARIES).contains(d));
        assertEquals("a_b_c", TfSummary.cleanTag("/a b:c"));
        assertEquals(DType.STRING, a.dtype());
        assertEquals(Shape.scalar(), a.shape());
        assertThrows(InvalidArgumentException.class, () -> summary.scalar("v", tf.placeholder(DType.FLOAT32, Shape.of(3))));
    }

    @Test
    void scalarValuesAndTags() throws Exception {
        Output x = tf.placeholder(DType.FLOAT64, Shape.scalar(), "x");
        Output a;
        try (var s = tf.nameScope("train")) {
            a = summary.scalar("loss", x);
        }
        Output c = summary.scalar("count", tf.constant(7), null, "fam");
        Summary sa = parse(run(a, Map.of(x, Tensor.of(2.5))));
        assertEquals(1, sa.getValueCount());
        assertEquals("train/loss", sa.getValue(0).getTag());
        assertEquals(2.5f, sa.getValue(0).getSimpleValue());
        Summary sc = parse(run(c, Map.of()));
        // TF1's summary_scope prefixes the family to both the scope and the tag.
        assertEquals("fam/fam/count", sc.getValue(0).getTag());
        assertEquals(7f, sc.getValue(0).getSimpleValue());
        // The raw op takes a vector of tags with a vector of values.
        Output raw = g.opBuilder("ScalarSummary", "raw")
                .addInput(tf.constant(Tensor.of(DType.STRING, Shape.of(2), new byte[][] {"a".getBytes(), "b".getBytes()})))
                .addInput(tf.constant(new float[] {1, -2})).setAttr("T", DType.FLOAT32).build().output(0);
        Summary sr = parse(run(raw, Map.of()));
        assertEquals("a", sr.getValue(0).getTag());
        assertEquals(-2f, sr.getValue(1).getSimpleValue());
        assertThrows(InvalidArgumentException.class, () -> g.opBuilder("ScalarSummary", "bad")
                .addInput(tf.constant(Tensor.ofString("t"))).addInput(tf.constant(new float[] {1, 2}))
                .setAttr("T", DType.FLOAT32).build());
        // T is not inferred from the string tags.
        assertThrows(InvalidArgumentException.class, () -> g.opBuilder("ScalarSummary", "noT")
                .addInput(tf.constant(Tensor.ofString("t"))).addInput(tf.constant(1f)).build());
    }

    @Test
    void histogramBuckets() throws Exception {
        Output v = tf.placeholder(DType.FLOAT64, Shape.of(-1), "v");
        Output h = summary.histogram("weights", v);
        assertEquals("weights", h.op().name());
        assertEquals("weights/tag", h.op().input(0).op().name());
        assertEquals(DType.FLOAT64, h.op().attrType("T"));
        double[] values = {-1, 0, 0.5, 2, 2, 1e-13};
        Summary s = parse(run(h, Map.of(v, Tensor.of(values))));
        assertEquals("weights", s.getValue(0).getTag());
        HistogramProto p = s.getValue(0).getHisto();
        assertEquals(-1, p.getMin());
        assertEquals(2, p.getMax());
        assertEquals(6, p.getNum());
        assertEquals(3.5 + 1e-13, p.getSum(), 1e-15);
        assertEquals(9.25, p.getSumSquares(), 1e-12);
        // Empty runs collapse: [empty, -1, empty, {0, 1e-13}, empty, 0.5, empty, {2, 2}, empty up to DBL_MAX].
        assertArrayEquals(new double[] {0, 1, 0, 2, 0, 1, 0, 2, 0},
                p.getBucketList().stream().mapToDouble(Double::doubleValue).toArray());
        double[] limits = p.getBucketLimitList().stream().mapToDouble(Double::doubleValue).toArray();
        assertEquals(p.getNum(), p.getBucketList().stream().mapToDouble(Double::doubleValue).sum());
        // Each value lies below its bucket's limit and the bucket is at most 10% wide (buckets grow by 1.1).
        assertTrue(limits[1] > -1 && limits[1] <= -1 / 1.1 + 1e-12, "limit of -1: " + limits[1]);
        assertEquals(0.0, limits[2]);
        assertEquals(1e-12, limits[3], 1e-24);
        assertTrue(limits[5] > 0.5 && limits[5] <= 0.55 + 1e-12, "limit of 0.5: " + limits[5]);
        assertTrue(limits[7] > 2 && limits[7] <= 2.2 + 1e-12, "limit of 2: " + limits[7]);
        assertEquals(Double.MAX_VALUE, limits[8]);
        // The leading empty run ends at the limit just below -1's bucket: its predecessor in the 1.1 series.
        assertEquals(limits[1] * 1.1, limits[0], 1e-9);

        Summary empty = parse(run(h, Map.of(v, Tensor.of(new double[0]))));
        HistogramProto e = empty.getValue(0).getHisto();
        assertEquals(0, e.getNum());
        assertEquals(Double.MAX_VALUE, e.getMin());
        assertEquals(-Double.MAX_VALUE, e.getMax());
        assertEquals(List.of(Double.MAX_VALUE), e.getBucketLimitList());
        assertEquals(List.of(0.0), e.getBucketList());

        InvalidArgumentException nan = assertThrows(InvalidArgumentException.class,
                () -> run(h, Map.of(v, Tensor.of(new double[] {1, Double.NaN}))));
        assertTrue(nan.getMessage().contains("Nan in summary histogram for: weights"), nan.getMessage());
        InvalidArgumentException inf = assertThrows(InvalidArgumentException.class,
                () -> run(h, Map.of(v, Tensor.of(new double[] {Double.NEGATIVE_INFINITY}))));
        assertTrue(inf.getMessage().contains("Infinity"), inf.getMessage());
    }

    @Test
    void histogramOfManyValuesCountsAddUp() throws Exception {
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (Math.sin(i) * Math.exp(i % 40 - 20));
        }
        Output h = summary.histogram("many", tf.constant(Tensor.of(DType.FLOAT32, Shape.of(10, 100), values)));
        HistogramProto p = parse(run(h, Map.of())).getValue(0).getHisto();
        assertEquals(1000, p.getNum());
        assertEquals(1000, p.getBucketList().stream().mapToDouble(Double::doubleValue).sum());
        assertEquals(p.getBucketCount(), p.getBucketLimitCount());
        List<Double> l = p.getBucketLimitList();
        for (int i = 1; i < l.size(); i++) {
            assertTrue(l.get(i) > l.get(i - 1));
        }
    }

    @Test
    void mergeAll() throws Exception {
        assertNull(summary.mergeAll());
        Output x = tf.placeholder(DType.FLOAT32, Shape.scalar(), "x");
        summary.scalar("loss", x);
        summary.histogram("hist", tf.constant(new float[] {1, 2, 3}));
        Output merged = summary.mergeAll();
        assertEquals("Merge/MergeSummary", merged.op().name());
        assertEquals(2L, merged.op().attrLong("N"));
        Summary s = parse(run(merged, Map.of(x, Tensor.of(0.25f))));
        assertEquals(2, s.getValueCount());
        assertEquals("loss", s.getValue(0).getTag());
        assertEquals(0.25f, s.getValue(0).getSimpleValue());
        assertEquals("hist", s.getValue(1).getTag());
        assertEquals(3, s.getValue(1).getHisto().getNum());
        // merge(list, name): scope and op both take the name, as TF1's merge does.
        Output named = summary.merge(List.of(merged), null, "merged");
        assertEquals("merged/merged", named.op().name());
        Output dup = summary.merge(List.of(merged, merged));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> run(dup, Map.of(x, Tensor.of(1f))));
        assertTrue(e.getMessage().contains("Duplicate tag loss found in summary inputs"), e.getMessage());
    }

    @Test
    void fileWriterWritesEventsTheReaderReadsBack() throws Exception {
        Output x = tf.placeholder(DType.FLOAT32, Shape.scalar(), "x");
        summary.scalar("loss", x);
        Output merged = summary.mergeAll();
        Path logdir = dir.resolve("logs/run1");
        Path file;
        try (FileWriter w = new FileWriter(logdir, g); Session s = new Session(g, SessionOptions.cpuOnly())) {
            file = w.path();
            for (long step = 1; step <= 2; step++) {
                w.addSummary(s.run(merged, Map.of(x, Tensor.of(step * 0.5f))), step);
            }
            w.addScalar("lr", 0.125, 3);
            w.flush();
            assertEquals(5, EventFileReader.readAll(file).size());
            w.addSummary(Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag("late").setSimpleValue(1))
                    .build().toByteArray(), 10);
        }
        assertEquals(logdir, file.getParent());
        assertTrue(file.getFileName().toString().matches("events\\.out\\.tfevents\\.\\d{10}\\..+"), file.toString());
        List<Event> events = EventFileReader.readAll(file);
        assertEquals(6, events.size());
        assertEquals("brain.Event:2", events.get(0).getFileVersion());
        assertTrue(events.get(0).getWallTime() > 1.5e9);
        assertArrayEquals(g.toGraphDef(), events.get(1).getGraphDef().toByteArray());
        Graph imported = Graph.fromGraphDef(events.get(1).getGraphDef().toByteArray());
        assertEquals(DType.FLOAT32, imported.operation("loss").attrType("T"));
        assertEquals("MergeSummary", imported.operation("Merge/MergeSummary").type());
        long[] steps = {1, 2, 3, 10};
        String[] tags = {"loss", "loss", "lr", "late"};
        float[] vals = {0.5f, 1f, 0.125f, 1f};
        for (int i = 0; i < 4; i++) {
            Event e = events.get(2 + i);
            assertTrue(e.hasSummary());
            assertEquals(steps[i], e.getStep());
            assertEquals(tags[i], e.getSummary().getValue(0).getTag());
            assertEquals(vals[i], e.getSummary().getValue(0).getSimpleValue());
            assertTrue(e.getWallTime() >= events.get(0).getWallTime());
        }
        assertTrue(Files.size(file) > 0);
        assertThrows(InvalidArgumentException.class, () -> {
            try (FileWriter w = new FileWriter(logdir)) {
                w.addSummary(Tensor.of(1f), 0);
            }
        });
    }
}
