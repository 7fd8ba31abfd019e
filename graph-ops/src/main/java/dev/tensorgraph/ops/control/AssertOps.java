package dev.tensorgraph.ops.control;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import java.util.List;

/**
 * {@code Assert(condition, data...)}: fails the run when {@code condition} (a bool scalar) is false, printing
 * up to {@code summarize} elements of each data tensor, as {@code tf.debugging.Assert}; TensorFlow's
 * {@code dynamic_rnn} checks its sequence lengths with it.
 */
public final class AssertOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Assert").input("condition").inputList("data").attr("T", AttrType.LIST_TYPE)
                .attr("summarize", AttrType.INT, 3L)
                .shape(c -> {
                    if (c.inputDtype(0) != DType.BOOL) {
                        throw c.fail("condition must be bool, got " + c.inputDtype(0));
                    }
                    Shape s = c.inputShape(0);
                    if (s.hasKnownRank() && s.rank() != 0) {
                        throw c.fail("condition must be a scalar, got shape " + s);
                    }
                })
                .notDifferentiable().stateful().build());
    }

    /** {@code Assert(condition, data)}; a null name means "Assert". */
    public static Operation assertThat(Graph g, Output condition, List<Output> data, int summarize, String name) {
        DType[] types = data.stream().map(Output::dtype).toArray(DType[]::new);
        var b = g.opBuilder("Assert", name).addInput(condition).setAttr("T", types).setAttr("summarize", (long) summarize);
        for (Output d : data) {
            b.addInput(d);
        }
        return b.build();
    }
}
