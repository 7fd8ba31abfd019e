package dev.tensorgraph.examples.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.TensorShapeProto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A saved graph file as the tool reads it: a MetaGraphDef ({@code .meta}), a text GraphDef ({@code .pbtxt},
 * {@code .txt}) or a binary GraphDef (anything else, usually {@code .pb}).
 */
record GraphFile(Path path, GraphDef graphDef, MetaGraphDef meta) {

    static GraphFile read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new NotFoundException("file not found: " + ErrorText.quote(path));
        }
        String name = path.getFileName().toString();
        byte[] bytes = InputLimits.readFile(path, name.endsWith(".meta") ? "MetaGraphDef" : "GraphDef");
        if (name.endsWith(".meta")) {
            MetaGraphDef meta = MetaGraph.parse(bytes, path.toString());
            return new GraphFile(path, meta.getGraphDef(), meta);
        }
        if (name.endsWith(".pbtxt") || name.endsWith(".txt")) {
            GraphDef.Builder b = GraphDef.newBuilder();
            try {
                TextFormat.merge(new String(bytes, StandardCharsets.UTF_8), b);
            } catch (TextFormat.ParseException e) {
                throw new InvalidArgumentException(path + " is not a text GraphDef: " + e.getMessage(), e);
            }
            return new GraphFile(path, b.build(), null);
        }
        try {
            return new GraphFile(path, GraphDef.parseFrom(bytes), null);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException(path + " is not a binary GraphDef: " + e.getMessage(), e);
        }
    }

    boolean isMeta() {
        return meta != null;
    }

    String kind() {
        return isMeta() ? "MetaGraphDef" : "GraphDef";
    }

    /** The graph with its ops (and, for a MetaGraphDef, its collections); unknown op types are an error. */
    Graph toGraph() {
        if (isMeta()) {
            Graph g = new Graph();
            MetaGraph.importMetaGraph(g, meta.toByteArray(), "", path.toString());
            return g;
        }
        Graph g = new Graph();
        g.importGraphDef(graphDef.toByteArray(), "");
        return g;
    }

    /** The TensorFlow dtype name of an attribute holding a type ({@code float32}), or its number if unknown. */
    static String dtypeName(AttrValue v) {
        if (v == null) {
            return "?";
        }
        try {
            return DType.fromCode(v.getTypeValue()).toString();
        } catch (RuntimeException e) {
            return "DataType(" + v.getTypeValue() + ")";
        }
    }

    /** A shape attribute as {@code [?,3]}, {@code []} for a scalar, {@code <unknown>} for unknown rank. */
    static String shapeText(AttrValue v) {
        if (v == null || !v.hasShape()) {
            return "<unknown>";
        }
        TensorShapeProto s = v.getShape();
        if (s.getUnknownRank()) {
            return "<unknown>";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.getDimCount(); i++) {
            if (i > 0) {
                b.append(',');
            }
            long d = s.getDim(i).getSize();
            b.append(d < 0 ? "?" : Long.toString(d));
        }
        return b.append(']').toString();
    }
}
