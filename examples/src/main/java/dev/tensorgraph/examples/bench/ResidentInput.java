package dev.tensorgraph.examples.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.TensorShapeProto;

/**
 * Rewrites a GraphDef so that its input placeholder reads one batch kept in a variable instead of a feed, as the
 * PyTorch peer keeps its input on the GPU: the placeholder becomes an {@code Identity} of the reference variable
 * {@code resident_images}, which {@code resident_images/Assign} fills once from the placeholder
 * {@code resident_images_source}. Everything else of the graph stays as written.
 */
final class ResidentInput {
    static final String VARIABLE = "resident_images";
    static final String SOURCE = "resident_images_source";
    static final String ASSIGN = "resident_images/Assign";

    private ResidentInput() {}

    /** The rewritten GraphDef; {@code input} is the placeholder's op name, {@code shape} the batch's. */
    static byte[] rewrite(byte[] graphDef, String input, long[] shape) {
        GraphDef g;
        try {
            g = GraphDef.parseFrom(graphDef);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException("not a GraphDef: " + e.getMessage());
        }
        GraphDef.Builder out = g.toBuilder();
        int at = -1;
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getName().equals(input)) {
                at = i;
            }
        }
        if (at < 0) {
            throw new NotFoundException("the graph has no node '" + input + "' to keep resident");
        }
        NodeDef placeholder = g.getNode(at);
        if (!placeholder.getOp().equals("Placeholder")) {
            throw new InvalidArgumentException("'" + input + "' is a " + placeholder.getOp() + ", not a Placeholder");
        }
        AttrValue dtype = placeholder.getAttrOrDefault("dtype", AttrValue.getDefaultInstance());
        if (dtype.getType() != DataType.DT_FLOAT) {
            throw new InvalidArgumentException("'" + input + "' is of " + dtype.getType() + "; only float inputs");
        }
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        for (long d : shape) {
            dims.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        AttrValue shapeAttr = AttrValue.newBuilder().setShape(dims).build();
        AttrValue no = AttrValue.newBuilder().setB(false).build();
        AttrValue yes = AttrValue.newBuilder().setB(true).build();
        AttrValue empty = AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build();
        out.setNode(at, NodeDef.newBuilder().setName(input).setOp("Identity").addInput(VARIABLE)
                .putAttr("T", dtype));
        out.addNode(NodeDef.newBuilder().setName(SOURCE).setOp("Placeholder").putAttr("dtype", dtype)
                .putAttr("shape", shapeAttr));
        out.addNode(NodeDef.newBuilder().setName(VARIABLE).setOp("VariableV2").putAttr("dtype", dtype)
                .putAttr("shape", shapeAttr).putAttr("container", empty).putAttr("shared_name", empty));
        out.addNode(NodeDef.newBuilder().setName(ASSIGN).setOp("Assign").addInput(VARIABLE).addInput(SOURCE)
                .putAttr("T", dtype).putAttr("validate_shape", yes).putAttr("use_locking", no));
        return out.build().toByteArray();
    }
}
