package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.TensorgraphVersion;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.control.ControlFlowContext;
import dev.tensorgraph.ops.control.ImportedContext;
import dev.tensorgraph.ops.control.WhileContextWriter;
import dev.tensorgraph.proto.CollectionDef;
import dev.tensorgraph.proto.CondContextDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.VersionDef;
import dev.tensorgraph.proto.WhileContextDef;
import dev.tensorgraph.testing.TensorJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Collections of a MetaGraph round trip: the kinds Tensorgraph does not interpret byte for byte, the control-flow
 * contexts as TensorFlow writes them ({@code cond_context} entries of TensorFlow's file come back with their own
 * bytes; conds built here are written with TensorFlow's names and values); and the writer is named in
 * {@code meta_info_def}.
 */
class MetaGraphCollectionsTest {
    private static final Path CASE = TensorJson.resource("/tf-plumbing-2.21/cond_meta");

    private static MetaGraphDef tensorFlowsFile() throws Exception {
        return MetaGraph.parse(Files.readAllBytes(CASE.resolve("model.meta")), "model.meta");
    }

    @Test
    void everyCollectionOfTensorFlowsFileIsWrittenBackAsItWasRead() throws Exception {
        MetaGraphDef theirs = tensorFlowsFile();
        // the file holds each kind: cond contexts larger than 127 bytes (length prefixes that are not UTF-8),
        // bytes that are not UTF-8, an Any, int64, float and node lists, VariableDefs
        assertTrue(theirs.getCollectionDefOrThrow("cond_context").getBytesList().getValue(0).size() > 127);
        assertFalse(theirs.getCollectionDefOrThrow("cond_context").getBytesList().getValue(0).isValidUtf8());
        assertFalse(theirs.getCollectionDefOrThrow("my_bytes").getBytesList().getValue(0).isValidUtf8());
        Graph g = MetaGraph.fromMetaGraphDef(theirs.toByteArray());
        MetaGraphDef ours = MetaGraph.toProto(g, null);
        assertEquals(new TreeSet<>(theirs.getCollectionDefMap().keySet()), new TreeSet<>(ours.getCollectionDefMap().keySet()));
        for (Map.Entry<String, CollectionDef> e : theirs.getCollectionDefMap().entrySet()) {
            assertEquals(e.getValue().toByteString(), ours.getCollectionDefOrThrow(e.getKey()).toByteString(), e.getKey());
        }
        assertInstanceOf(ImportedContext.class, g.collection(GraphKeys.COND_CONTEXT).get(0));
        assertEquals("cond/cond_text", ((ImportedContext) g.collection(GraphKeys.COND_CONTEXT).get(0)).contextName());
        assertInstanceOf(CollectionBytes.class, g.collection("my_bytes").get(0));
        assertInstanceOf(Any.class, g.collection("my_any").get(0));
        assertEquals(42, g.collectionItem("my_any", 0, Any.class).unpack(VersionDef.class).getProducer());

        // and what TensorFlow wrote when it imported the same file and exported it again is what we write
        MetaGraphDef again = MetaGraph.parse(Files.readAllBytes(CASE.resolve("reexported.meta")), "reexported.meta");
        for (String key : List.of("cond_context", "my_bytes", "my_any", "my_ints", "my_floats", "my_nodes", "my_strings")) {
            assertEquals(again.getCollectionDefOrThrow(key), ours.getCollectionDefOrThrow(key), key);
        }
    }

    @Test
    void importScopePrefixesEveryNameOfAContext() throws Exception {
        Graph g = new Graph();
        MetaGraph.importMetaGraph(g, tensorFlowsFile().toByteArray(), "imported", "model.meta");
        ControlFlowContext c = (ControlFlowContext) g.collection(GraphKeys.COND_CONTEXT).get(0);
        CondContextDef def = CondContextDef.parseFrom(c.entryBytes());
        assertEquals("imported/cond/cond_text", def.getContextName());
        assertEquals("imported/cond/pred_id:0", def.getPredName());
        assertTrue(def.getValuesDef().getValuesList().stream().allMatch(v -> v.startsWith("imported/")));
        assertEquals("imported/cond/cond/cond_text", def.getNestedContexts(0).getCondCtxt().getContextName());
        def.getValuesDef().getExternalValuesMap().forEach((k, v) -> {
            assertTrue(k.startsWith("imported/") && v.startsWith("imported/"), k + " -> " + v);
            g.output(v);
        });
    }

    @Test
    void condsBuiltHereAreWrittenAsTensorFlowWritesThem() throws Exception {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        Output q = tf.placeholder(DType.BOOL, Shape.scalar(), "q");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output y = tf.placeholder(DType.FLOAT32, Shape.of(2), "y");
        tf.cond(p, () -> tf.cond(q, () -> tf.multiply(x, 2f), () -> tf.add(y, x)), () -> tf.subtract(x, 3f));
        List<ByteString> entries = MetaGraph.toProto(g, null).getCollectionDefOrThrow(GraphKeys.COND_CONTEXT)
                .getBytesList().getValueList();
        // TensorFlow's contexts for the same cond (the first one of its file)
        List<ByteString> theirEntries = tensorFlowsFile().getCollectionDefOrThrow(GraphKeys.COND_CONTEXT).getBytesList()
                .getValueList().subList(0, 2);
        assertEquals(2, entries.size(), "the outer cond's two branches; the inner cond is nested in the true branch");
        for (int i = 0; i < 2; i++) {
            CondContextDef ours = CondContextDef.parseFrom(entries.get(i));
            CondContextDef theirs = CondContextDef.parseFrom(theirEntries.get(i));
            assertSameContext(theirs, ours, g);
            assertEquals(theirs.getNestedContextsCount(), ours.getNestedContextsCount());
            for (int k = 0; k < ours.getNestedContextsCount(); k++) {
                assertSameContext(theirs.getNestedContexts(k).getCondCtxt(), ours.getNestedContexts(k).getCondCtxt(), g);
            }
        }
        // TensorFlow reads it back: the entries parse and name tensors of the graph (see also the tf-interop check)
        Graph again = MetaGraph.fromMetaGraphDef(MetaGraph.toMetaGraphDef(g, null));
        assertEquals(entries.get(0), ((ControlFlowContext) again.collection(GraphKeys.COND_CONTEXT).get(0)).entryBytes());
    }

    /**
     * Names, predicate, pivot and branch as TensorFlow's; as many values, and the same outside tensors, as its (the
     * Switch ops that route them in are named differently); every name a tensor of our graph.
     */
    private static void assertSameContext(CondContextDef theirs, CondContextDef ours, Graph g) {
        assertEquals(theirs.getContextName(), ours.getContextName());
        assertEquals(theirs.getPredName(), ours.getPredName());
        assertEquals(theirs.getPivotName(), ours.getPivotName());
        assertEquals(theirs.getBranch(), ours.getBranch());
        assertEquals(theirs.getValuesDef().getValuesCount(), ours.getValuesDef().getValuesCount(), ours.getContextName());
        assertEquals(theirs.getValuesDef().getExternalValuesMap().keySet().stream().filter(k -> !k.contains("Switch")).sorted().toList(),
                ours.getValuesDef().getExternalValuesMap().keySet().stream().filter(k -> !k.contains("Switch")).sorted().toList());
        ours.getValuesDef().getValuesList().forEach(g::output);
        ours.getValuesDef().getExternalValuesMap().values().forEach(g::output);
    }

    @Test
    void whileContextsWrittenThroughTheWriterRoundTrip() throws Exception {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.scalar(), "x");
        Output enter = tf.identity(x, "while/Enter");
        Output merge = tf.identity(enter, "while/Merge");
        Output cond = tf.less(merge, tf.constant(3f), "while/Less");
        Output loopCond = tf.identity(cond, "while/LoopCond");
        Output body = tf.identity(merge, "while/Identity");
        Output exit = tf.identity(body, "while/Exit");
        WhileContextWriter w = WhileContextWriter.named(g.uniqueName("while/while_context")).parallelIterations(10)
                .pivot(loopCond).pivotForPred(merge).pivotForBody(body).addLoopEnter(enter).addLoopExit(exit);
        w.values().add(x.name());
        w.values().add(enter.name());
        w.values().putExternal(x.name(), enter.name());
        g.addToCollection(WhileContextWriter.COLLECTION, w);
        MetaGraphDef meta = MetaGraph.toProto(g, null);
        ByteString entry = meta.getCollectionDefOrThrow("while_context").getBytesList().getValue(0);
        WhileContextDef def = WhileContextDef.parseFrom(entry);
        assertEquals("while/while_context", def.getContextName());
        assertEquals("while/LoopCond:0", def.getPivotName());
        assertEquals(List.of("while/Enter:0"), def.getLoopEnterNamesList());
        assertEquals(Map.of("x:0", "while/Enter:0"), def.getValuesDef().getExternalValuesMap());
        assertTrue(def.getBackProp());
        assertEquals(10, def.getParallelIterations());
        Graph again = MetaGraph.fromMetaGraphDef(meta.toByteArray());
        assertEquals(entry, MetaGraph.toProto(again, null).getCollectionDefOrThrow("while_context").getBytesList().getValue(0));
    }

    @Test
    void aContextNamingMissingTensorsIsRefusedAndLeavesTheGraphUnchanged() throws Exception {
        MetaGraphDef theirs = tensorFlowsFile();
        CondContextDef bad = CondContextDef.parseFrom(theirs.getCollectionDefOrThrow("cond_context").getBytesList()
                .getValue(1)).toBuilder().setPivotName("nowhere/switch_f:0").build();
        MetaGraphDef forged = theirs.toBuilder().putCollectionDef("cond_context", CollectionDef.newBuilder()
                .setBytesList(CollectionDef.BytesList.newBuilder().addValue(bad.toByteString())).build()).build();
        Graph g = new Graph();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> MetaGraph.importMetaGraph(g, forged.toByteArray(), "", "forged.meta"));
        assertTrue(e.getMessage().contains("collection 'cond_context'") && e.getMessage().contains("nowhere/switch_f:0"),
                e.getMessage());
        assertEquals(0, g.numOperations());
        MetaGraphDef garbage = theirs.toBuilder().putCollectionDef("cond_context", CollectionDef.newBuilder()
                .setBytesList(CollectionDef.BytesList.newBuilder().addValue(ByteString.copyFrom(new byte[] {(byte) 0xff})))
                .build()).build();
        assertThrows(InvalidArgumentException.class, () -> MetaGraph.fromMetaGraphDef(garbage.toByteArray()));
    }

    @Test
    void metaInfoNamesTheWriter() {
        Graph g = new Graph();
        Tf.of(g).constant(1f, "c");
        MetaGraphDef.MetaInfoDef info = MetaGraph.toProto(g, null).getMetaInfoDef();
        // TensorFlow's importer parses tensorflow_version as a version number, so it holds the format's release
        assertTrue(info.getTensorflowVersion().matches("\\d+\\.\\d+\\.\\d+"), info.getTensorflowVersion());
        assertEquals("tensorgraph " + TensorgraphVersion.get(), info.getTensorflowGitVersion());
        assertFalse(TensorgraphVersion.get().equals("unknown"), "the build records its version");
    }
}
