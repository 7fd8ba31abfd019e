package dev.tensorgraph.ops.array;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.support.ShapeArgs;

/** {@code Unique(x)}: the distinct values of a vector in order of first occurrence, and each element's index. */
public final class UniqueOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Unique").input("x")
                .attr("T", AttrType.TYPE).attr("out_idx", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    if (c.inputShape(0).rank() > 1) {
                        throw c.fail("x must be a vector, got shape " + c.inputShape(0));
                    }
                    c.setOutput(0, c.inputDtype(0), Shape.of(-1));
                    c.setOutput(1, ShapeArgs.indexType(c, "out_idx"),
                            c.inputShape(0).hasKnownRank() ? c.inputShape(0) : Shape.of(-1));
                })
                .notDifferentiable().build());
    }

    /** {@code Unique(x)} with int32 or int64 indices. */
    public static Unique unique(Graph g, Output x, DType outIdx, String name) {
        Operation u = g.opBuilder("Unique", name).addInput(x).setAttr("out_idx", outIdx).build();
        return new Unique(u.output(0), u.output(1));
    }
}
