package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.rewrite.RewriteGraph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Constants in a {@link RewriteGraph}: reading a {@code Const} node's value, adding one. */
final class ConstantNodes {
    static final String CONST = "Const";

    private ConstantNodes() {}

    /** The value of {@code v} when it is the output of a {@code Const} node and not fed; null otherwise. */
    static Tensor value(RewriteGraph g, RewriteGraph.Value v) {
        if (!v.node().type().equals(CONST) || g.isFed(v)) {
            return null;
        }
        return v.node().attr("value") instanceof Tensor t ? t : null;
    }

    /** A {@code Const} node holding {@code t}, named {@code name} (made unique). */
    static RewriteGraph.Value add(RewriteGraph g, String name, Tensor t) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("dtype", t.dtype());
        attrs.put("value", t);
        return g.add(CONST, name, attrs, List.of(), new DType[] {t.dtype()}, new Shape[] {t.shape()}).output(0);
    }
}
