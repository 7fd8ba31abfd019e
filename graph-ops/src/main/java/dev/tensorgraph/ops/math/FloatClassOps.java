package dev.tensorgraph.ops.math;

import static dev.tensorgraph.ops.support.ShapeFns.FLOATS;
import static dev.tensorgraph.ops.support.ShapeFns.requireType;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import java.util.List;

/**
 * Which floating values are finite, NaN or infinite: {@code IsFinite}, {@code IsNan}, {@code IsInf}, elementwise,
 * giving bools (what {@code tf.debugging.assert_all_finite} and Keras' checks build on). Not differentiable.
 */
public final class FloatClassOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        for (String type : List.of("IsFinite", "IsNan", "IsInf")) {
            r.register(OpDef.builder(type).input("x").attr("T", AttrType.TYPE)
                    .shape(c -> {
                        requireType(c, c.inputDtype(0), FLOATS);
                        c.setOutput(0, DType.BOOL, c.inputShape(0));
                    })
                    .notDifferentiable().build());
        }
    }

    /** {@code IsFinite(x)}: neither NaN nor infinite. */
    public static Output isFinite(Graph g, Output x, String name) {
        return g.opBuilder("IsFinite", name).addInput(x).build().output(0);
    }

    /** {@code IsNan(x)}: NaN. */
    public static Output isNan(Graph g, Output x, String name) {
        return g.opBuilder("IsNan", name).addInput(x).build().output(0);
    }

    /** {@code IsInf(x)}: plus or minus infinity. */
    public static Output isInf(Graph g, Output x, String name) {
        return g.opBuilder("IsInf", name).addInput(x).build().output(0);
    }
}
