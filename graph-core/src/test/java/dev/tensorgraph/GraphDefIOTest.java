package dev.tensorgraph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.TensorProto;
import dev.tensorgraph.proto.TensorShapeProto;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GraphDef import and export on ops registered here (graph-core has no op library): attribute and tensor
 * encodings, input naming, ordering, and every kind of bad input.
 */
class GraphDefIOTest {
    @BeforeAll
    static void registerOps() {
        OpRegistry r = OpRegistry.global();
        if (r.contains("GdioConst")) {
            return;
        }
        r.register(OpDef.builder("GdioConst").attr("value", AttrType.TENSOR).attr("dtype", AttrType.TYPE)
                .shape(c -> c.setOutput(0, c.attrType("dtype"), ((Tensor) c.attr("value")).shape()))
                .notDifferentiable().build());
        r.register(OpDef.builder("GdioAdd").input("x").input("y").attr("T", AttrType.TYPE)
                .shape(c -> {
                    if (!c.inputShape(0).isCompatibleWith(c.inputShape(1))) {
                        throw c.fail("shapes " + c.inputShape(0) + " and " + c.inputShape(1) + " differ");
                    }
                    c.setOutput(0, c.inputDtype(0), c.inputShape(0));
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("GdioSplit2").input("x").attr("T", AttrType.TYPE)
                .shape(c -> {
                    c.setOutput(0, c.inputDtype(0), c.inputShape(0));
                    c.setOutput(1, c.inputDtype(0), c.inputShape(0));
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("GdioAttrs")
                .attr("i", AttrType.INT).attr("f", AttrType.FLOAT).attr("b", AttrType.BOOL)
                .attr("s", AttrType.STRING).attr("t", AttrType.TYPE).attr("shape", AttrType.SHAPE)
                .attr("li", AttrType.LIST_INT).attr("lf", AttrType.LIST_FLOAT).attr("lt", AttrType.LIST_TYPE)
                .attr("ls", AttrType.LIST_SHAPE).attr("lstr", AttrType.LIST_STRING)
                .attr("fn", AttrType.FUNC)
                .attr("opt", AttrType.INT, 7L)
                .shape(c -> c.setOutput(0, DType.FLOAT32, Shape.scalar()))
                .notDifferentiable().build());
        r.register(OpDef.builder("GdioNoOp").shape(c -> { }).notDifferentiable().build());
    }

    private static Output constant(Graph g, Tensor t, String name) {
        return g.opBuilder("GdioConst", name).setAttr("value", t).setAttr("dtype", t.dtype()).build().output(0);
    }

    private static NodeDef.Builder node(String name, String op, String... inputs) {
        return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(Arrays.asList(inputs));
    }

    private static NodeDef constNode(String name, Tensor t) {
        return node(name, "GdioConst")
                .putAttr("value", AttrValue.newBuilder().setTensor(GraphDefTensors.toProto(t)).build())
                .putAttr("dtype", AttrValue.newBuilder().setTypeValue(t.dtype().code()).build()).build();
    }

    private static NodeDef addNode(String name, String x, String y) {
        return node(name, "GdioAdd", x, y).putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build()).build();
    }

    /** A GraphDef of {@code nodes}, with the function {@code my_fn} the sample's function attribute names. */
    private static byte[] graphDef(NodeDef... nodes) {
        return GraphDef.newBuilder().addAllNode(Arrays.asList(nodes)).setLibrary(dev.tensorgraph.proto.FunctionDefLibrary
                .newBuilder().addFunction(MY_FN)).build().toByteArray();
    }

    private static final dev.tensorgraph.proto.FunctionDef MY_FN = dev.tensorgraph.proto.FunctionDef.newBuilder()
            .setSignature(dev.tensorgraph.proto.OpDef.newBuilder().setName("my_fn")).build();

    @SuppressWarnings("try")
    private static Graph sample() {
        Graph g = new Graph();
        Output a = constant(g, Tensor.of(new float[] {1, 2}), "a");
        Output b = constant(g, Tensor.of(new float[] {3, 4}), "b");
        Operation split;
        try (var d = g.device("/cpu:0")) {
            split = g.opBuilder("GdioSplit2", "split").addInput(a).build();
        }
        Operation init = g.opBuilder("GdioNoOp", "init").build();
        g.opBuilder("GdioAdd", "scope/sum").addInput(split.output(1)).addInput(b).addControlInput(init).build();
        g.functions().add(MY_FN);
        g.opBuilder("GdioAttrs", "attrs")
                .setAttr("i", -5L).setAttr("f", 2.5f).setAttr("b", true).setAttr("s", "héllo")
                .setAttr("t", DType.INT64).setAttr("shape", Shape.of(-1, 3))
                .setAttr("li", new long[] {1, -2, 3}).setAttr("lf", new float[] {0.5f})
                .setAttr("lt", new DType[] {DType.BOOL, DType.UINT8})
                .setAttr("ls", new Shape[] {Shape.unknown(), Shape.scalar(), Shape.of(2)})
                .setAttr("lstr", new String[] {"x", ""}).setAttr("fn", "my_fn").build();
        constant(g, Tensor.of(DType.INT64, Shape.of(2, 1), new long[] {Long.MIN_VALUE, 9}), "c64");
        constant(g, Tensor.of(DType.FLOAT64, Shape.of(1), new double[] {Math.PI}), "c_f64");
        constant(g, Tensor.of(DType.INT32, Shape.of(3), new int[] {-1, 0, 1}), "c_i32");
        constant(g, Tensor.of(DType.BOOL, Shape.of(3), new boolean[] {true, false, true}), "c_bool");
        constant(g, Tensor.of(DType.UINT8, Shape.of(2), new byte[] {(byte) 255, 7}), "c_u8");
        constant(g, Tensor.ofString("naïve"), "c_str");
        constant(g, Tensor.of(DType.FLOAT32, Shape.of(0, 3), new float[0]), "c_empty");
        return g;
    }

    /** Same names, types, devices, inputs, control inputs and attribute values. */
    static void assertSameGraph(Graph expected, Graph actual) {
        List<Operation> e = expected.operations();
        assertEquals(e.size(), actual.numOperations());
        for (Operation x : e) {
            Operation y = actual.operation(x.name());
            assertNotNull(y, "missing op " + x.name());
            assertEquals(x.type(), y.type(), x.name());
            assertEquals(x.device(), y.device(), x.name());
            assertEquals(x.inputs().stream().map(Output::name).toList(), y.inputs().stream().map(Output::name).toList());
            assertEquals(x.controlInputs().stream().map(Operation::name).toList(),
                    y.controlInputs().stream().map(Operation::name).toList());
            assertEquals(x.attrs().keySet(), y.attrs().keySet(), x.name());
            for (String k : x.attrs().keySet()) {
                assertAttrEquals(x.attr(k), y.attr(k), x.name() + "." + k);
            }
            for (int i = 0; i < x.numOutputs(); i++) {
                assertEquals(x.output(i).dtype(), y.output(i).dtype());
                assertEquals(x.output(i).shape(), y.output(i).shape());
            }
        }
    }

    static void assertAttrEquals(Object a, Object b, String what) {
        if (a instanceof Tensor t) {
            Tensor u = (Tensor) b;
            assertEquals(t.dtype(), u.dtype(), what);
            assertEquals(t.shape(), u.shape(), what);
            if (t.dtype() == DType.STRING) {
                assertArrayEquals(t.strings(), u.strings(), what);
            } else {
                assertTrue(java.util.Objects.deepEquals(t.array(), u.array()), what);
            }
        } else {
            assertTrue(java.util.Objects.deepEquals(a, b), what + ": " + a + " vs " + b);
        }
    }

    @Test
    void roundTripKeepsNamesInputsDevicesAndAttributes() {
        Graph g = sample();
        Graph h = Graph.fromGraphDef(g.toGraphDef());
        assertSameGraph(g, h);
        assertEquals(List.of("split:1", "b:0"),
                h.operation("scope/sum").inputs().stream().map(Output::name).toList());
        assertEquals("/cpu:0", h.operation("split").device());
        assertEquals(7L, h.operation("attrs").attrLong("opt"));
        // Export of the import is byte for byte the same.
        assertArrayEquals(g.toGraphDef(), h.toGraphDef());
    }

    @Test
    void exportWritesTensorFlowEncodings() throws Exception {
        GraphDef def = GraphDef.parseFrom(sample().toGraphDef());
        assertEquals(GraphDefIO.PRODUCER, def.getVersions().getProducer());
        NodeDef sum = def.getNodeList().stream().filter(n -> n.getName().equals("scope/sum")).findFirst().orElseThrow();
        assertEquals(List.of("split:1", "b", "^init"), sum.getInputList());
        assertEquals(DataType.DT_FLOAT, sum.getAttrOrThrow("T").getType());
        NodeDef attrs = def.getNodeList().stream().filter(n -> n.getName().equals("attrs")).findFirst().orElseThrow();
        assertEquals("my_fn", attrs.getAttrOrThrow("fn").getFunc().getName());
        assertEquals(ByteString.copyFromUtf8("héllo"), attrs.getAttrOrThrow("s").getS());
        assertTrue(attrs.getAttrOrThrow("ls").getList().getShape(0).getUnknownRank());
        assertEquals(-1, attrs.getAttrOrThrow("shape").getShape().getDim(0).getSize());
        TensorProto a = def.getNode(0).getAttrOrThrow("value").getTensor();
        // 1.0f and 2.0f little-endian
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}, a.getTensorContent().toByteArray());
        for (int i = 1; i < def.getNodeCount(); i++) {
            for (String in : def.getNode(i).getInputList()) {
                String src = in.replaceFirst("^\\^", "").replaceFirst(":\\d+$", "");
                boolean earlier = def.getNodeList().subList(0, i).stream().anyMatch(n -> n.getName().equals(src));
                assertTrue(earlier, "nodes are in topological order: " + in);
            }
        }
    }

    @Test
    void textFormatRoundTrip() {
        Graph g = sample();
        String text = GraphDefText.toText(g);
        assertTrue(text.contains("name: \"scope/sum\""), text);
        assertTrue(text.contains("input: \"^init\""), text);
        Graph h = GraphDefText.fromText(text);
        assertSameGraph(g, h);
        assertEquals(text, GraphDefText.toText(h));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> GraphDefText.fromText("node { name: "));
        assertTrue(e.getMessage().contains("GraphDef"), e.getMessage());
    }

    @Test
    void nodesInAnyOrderAreSortedAndImportedUnderPrefix() {
        byte[] pb = graphDef(addNode("sum", "a", "b:0"), constNode("b", Tensor.of(new float[] {1})),
                constNode("a", Tensor.of(new float[] {2})));
        Graph g = new Graph();
        constant(g, Tensor.of(1f), "a");
        g.importGraphDef(pb, "imp");
        assertEquals(4, g.numOperations());
        Operation sum = g.operation("imp/sum");
        assertEquals(List.of("imp/a:0", "imp/b:0"), sum.inputs().stream().map(Output::name).toList());
        assertTrue(sum.id() > g.operation("imp/a").id() && sum.id() > g.operation("imp/b").id());
        // A GraphDef already in order keeps it.
        Graph h = Graph.fromGraphDef(graphDef(constNode("z", Tensor.of(1f)), constNode("y", Tensor.of(2f)),
                addNode("x", "z", "y")));
        assertEquals(List.of("z", "y", "x"), h.operations().stream().map(Operation::name).toList());
    }

    @Test
    void hundredThousandNodesInReverseOrderImportWithoutRecursion() {
        int n = 100_000;
        GraphDef.Builder b = GraphDef.newBuilder();
        for (int i = n - 1; i >= 1; i--) {
            b.addNode(addNode("n" + i, "n" + (i - 1), "n" + (i - 1)));
        }
        b.addNode(constNode("n0", Tensor.of(new float[] {1})));
        Graph g = Graph.fromGraphDef(b.build().toByteArray());
        assertEquals(n, g.numOperations());
        assertEquals("n99998:0", g.operation("n99999").input(0).name());
        assertEquals("n0", g.operations().get(0).name());
    }

    @Test
    void typedValuesRepeatTheirLastValue() {
        TensorProto p = TensorProto.newBuilder().setDtype(DataType.DT_INT32)
                .setTensorShape(shape(2, 3)).addIntVal(4).addIntVal(5).build();
        assertArrayEquals(new int[] {4, 5, 5, 5, 5, 5}, GraphDefTensors.fromProto(p).ints());
        TensorProto zeros = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(3)).build();
        assertArrayEquals(new float[] {0, 0, 0}, GraphDefTensors.fromProto(zeros).floats());
        TensorProto ref = TensorProto.newBuilder().setDtypeValue(DataType.DT_DOUBLE_REF_VALUE)
                .addDoubleVal(1.5).build();
        Tensor scalar = GraphDefTensors.fromProto(ref);
        assertEquals(DType.FLOAT64, scalar.dtype());
        assertEquals(Shape.scalar(), scalar.shape());
        TensorProto strings = TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(2))
                .addStringVal(ByteString.copyFromUtf8("ab")).build();
        assertArrayEquals(new String[] {"ab", "ab"}, GraphDefTensors.fromProto(strings).strings());
        TensorProto tooMany = TensorProto.newBuilder().setDtype(DataType.DT_INT64).setTensorShape(shape(1))
                .addInt64Val(1).addInt64Val(2).build();
        assertThrows(InvalidArgumentException.class, () -> GraphDefTensors.fromProto(tooMany));
    }

    private static TensorShapeProto shape(long... dims) {
        return AttrValues.shapeToProto(Shape.of(dims));
    }

    // ---- bad input: each error has the right type, names the node, and leaves the graph unchanged ----

    private static <T extends RuntimeException> T assertImportFails(Class<T> type, byte[] pb, String... mentions) {
        Graph g = new Graph();
        constant(g, Tensor.of(1f), "existing");
        T e = assertThrows(type, () -> g.importGraphDef(pb, ""));
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), "'" + e.getMessage() + "' should mention " + m);
        }
        assertEquals(1, g.numOperations(), "a failed import leaves the graph unchanged");
        return e;
    }

    @Test
    void truncatedBytesAreRejected() {
        byte[] pb = sample().toGraphDef();
        assertImportFails(InvalidArgumentException.class, Arrays.copyOf(pb, pb.length - 3), "GraphDef");
    }

    @Test
    void garbageIsRejected() {
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 0xff);
        assertImportFails(InvalidArgumentException.class, garbage, "GraphDef");
        assertThrows(InvalidArgumentException.class, () -> Graph.fromGraphDef(null));
    }

    @Test
    void cycleIsRejectedNamingANodeOnIt() {
        byte[] pb = graphDef(constNode("c", Tensor.of(new float[] {1})), addNode("after", "p", "c"),
                addNode("p", "c", "q"), addNode("q", "p", "c"));
        InvalidArgumentException e = assertImportFails(InvalidArgumentException.class, pb, "cycle");
        assertTrue(e.getMessage().contains("'p'") || e.getMessage().contains("'q'"), e.getMessage());
        assertImportFails(InvalidArgumentException.class, graphDef(addNode("self", "self", "self")), "cycle", "'self'");
        byte[] controlCycle = graphDef(node("n1", "GdioNoOp", "^n2").build(), node("n2", "GdioNoOp", "^n1").build());
        assertImportFails(InvalidArgumentException.class, controlCycle, "cycle", "'n");
    }

    @Test
    void missingInputIsRejected() {
        assertImportFails(InvalidArgumentException.class,
                graphDef(constNode("c", Tensor.of(1f)), addNode("sum", "c", "ghost:0")), "'sum'", "ghost");
        assertImportFails(InvalidArgumentException.class,
                graphDef(node("n", "GdioNoOp", "^nothere").build()), "'n'", "nothere");
        assertImportFails(InvalidArgumentException.class,
                graphDef(constNode("c", Tensor.of(1f)), addNode("sum", "c", "c:1")), "sum", "output 1");
    }

    @Test
    void unknownOpTypeIsNotFound() {
        assertImportFails(NotFoundException.class,
                graphDef(constNode("c", Tensor.of(1f)), node("weird", "NoSuchOpType", "c").build()),
                "Op type not registered 'NoSuchOpType'", "'weird'");
    }

    @Test
    void wrongAttributeTypeIsRejected() {
        NodeDef bad = node("sum", "GdioAdd", "c", "c").putAttr("T", AttrValue.newBuilder().setI(1).build()).build();
        assertImportFails(InvalidArgumentException.class, graphDef(constNode("c", Tensor.of(1f)), bad),
                "'sum'", "'T'", "type", "int");
        NodeDef badList = node("a", "GdioAttrs").putAllAttr(validAttrs())
                .putAttr("li", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder().addF(1f)).build()).build();
        assertImportFails(InvalidArgumentException.class, graphDef(badList), "'a'", "'li'", "list(int)", "list(float)");
    }

    private static java.util.Map<String, AttrValue> validAttrs() {
        GraphDef def;
        try {
            def = GraphDef.parseFrom(sample().toGraphDef());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return def.getNodeList().stream().filter(n -> n.getName().equals("attrs")).findFirst().orElseThrow().getAttrMap();
    }

    @Test
    void unknownAttributesAreDroppedWhenInternalAndRejectedOtherwise() {
        NodeDef internal = node("a", "GdioAttrs").putAllAttr(validAttrs())
                .putAttr("_output_shapes", AttrValue.newBuilder().setS(ByteString.copyFromUtf8("x")).build()).build();
        Graph g = Graph.fromGraphDef(graphDef(internal));
        assertFalse(g.operation("a").hasAttr("_output_shapes"));
        NodeDef unknown = node("a", "GdioAttrs").putAllAttr(validAttrs())
                .putAttr("bogus", AttrValue.newBuilder().setI(1).build()).build();
        assertImportFails(InvalidArgumentException.class, graphDef(unknown), "'a'", "'bogus'");
        NodeDef missing = node("a", "GdioAttrs").putAllAttr(validAttrs()).removeAttr("shape").build();
        assertImportFails(InvalidArgumentException.class, graphDef(missing), "'a'", "'shape'");
    }

    @Test
    void duplicateNodeNameIsRejected() {
        assertImportFails(InvalidArgumentException.class,
                graphDef(constNode("c", Tensor.of(1f)), constNode("c", Tensor.of(2f))), "'c'", "unique");
        Graph g = new Graph();
        constant(g, Tensor.of(1f), "c");
        assertThrows(InvalidArgumentException.class, () -> g.importGraphDef(graphDef(constNode("c", Tensor.of(1f))), ""));
        assertEquals(1, g.numOperations());
    }

    @Test
    void hugeDeclaredTensorShapeWithTinyContentIsRejected() {
        TensorProto huge = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(1 << 20, 1 << 20))
                .setTensorContent(ByteString.copyFrom(new byte[8])).build();
        assertImportFails(InvalidArgumentException.class, graphDef(tensorNode("big", huge)), "'big'", "elements");
        TensorProto bigButUnderLimit = TensorProto.newBuilder().setDtype(DataType.DT_INT64)
                .setTensorShape(shape(1 << 30)).setTensorContent(ByteString.copyFrom(new byte[8])).build();
        byte[] pb = graphDef(tensorNode("liar", bigButUnderLimit));
        assertTrue(pb.length < 100);
        assertImportFails(InvalidArgumentException.class, pb, "'liar'", "bytes");
        TensorProto expand = TensorProto.newBuilder().setDtype(DataType.DT_INT64)
                .setTensorShape(shape(1 << 30)).addInt64Val(3).build();
        assertImportFails(ResourceExhaustedException.class, graphDef(tensorNode("expand", expand)), "'expand'",
                "tensorgraph.limits.maxExpandedBytes");
        TensorProto overflow = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
                .setTensorShape(shape(Long.MAX_VALUE, 4)).build();
        assertImportFails(InvalidArgumentException.class, graphDef(tensorNode("ovf", overflow)), "'ovf'");
    }

    @Test
    void elementLimitIsConfigurable() {
        try {
            InputLimits.setMaxTensorElements(3);
            TensorProto four = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(4))
                    .setTensorContent(ByteString.copyFrom(new byte[16])).build();
            assertImportFails(InvalidArgumentException.class, graphDef(tensorNode("four", four)), "'four'", "limit");
        } finally {
            InputLimits.setMaxTensorElements(-1);
        }
    }

    private static NodeDef tensorNode(String name, TensorProto t) {
        return node(name, "GdioConst").putAttr("value", AttrValue.newBuilder().setTensor(t).build())
                .putAttr("dtype", AttrValue.newBuilder().setTypeValue(t.getDtypeValue()).build()).build();
    }

    @Test
    void shapeErrorsLeaveTheGraphUnchanged() {
        byte[] pb = graphDef(constNode("a", Tensor.of(new float[] {1, 2})), constNode("b", Tensor.of(new float[] {1, 2, 3})),
                addNode("sum", "a", "b"));
        assertImportFails(InvalidArgumentException.class, pb, "sum");
    }

    @Test
    void controlInputBeforeDataInputIsRejected() {
        assertImportFails(InvalidArgumentException.class, graphDef(constNode("c", Tensor.of(1f)),
                node("n", "GdioNoOp").build(), addNode("sum", "^n", "c").toBuilder().addInput("c").build()), "'sum'");
    }
}
