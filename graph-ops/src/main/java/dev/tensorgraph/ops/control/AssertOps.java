package dev.tensorgraph.ops.control;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import java.util.List;

/**
 * {@code Assert(condition, data...)}: nothing when the bool scalar {@code condition} holds; otherwise the run fails
 * with {@code InvalidArgumentException} naming the op, its message {@code assertion failed: [d0] [d1] ...} listing
 * the first {@code summarize} elements of each data tensor as TensorFlow summarizes them. Like every op it runs only
 * when something the run needs depends on it (data or control). Stateful; no gradient.
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
                    DType[] types = (DType[]) c.attr("T");
                    if (types.length != c.numInputs() - 1) {
                        throw c.fail("has " + (c.numInputs() - 1) + " data tensors but T lists " + types.length);
                    }
                })
                .notDifferentiable().stateful().build());
    }

    /** The {@code Assert} op itself; a null name means "Assert". */
    public static Operation assertOp(Graph g, Output condition, List<Output> data, long summarize, String name) {
        if (condition == null || data == null || data.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidArgumentException("Assert needs a condition and a list of data tensors without nulls");
        }
        var b = g.opBuilder("Assert", name).addInput(condition)
                .setAttr("T", data.stream().map(Output::dtype).toArray(DType[]::new)).setAttr("summarize", summarize);
        data.forEach(b::addInput);
        return b.build();
    }

    /**
     * TensorFlow's {@code tf.debugging.Assert(condition, data, summarize, name)}: in the name scope {@code name}
     * (default {@code Assert}), the Assert op itself when every data tensor is a string or int32; otherwise the
     * Assert sits in the false branch of a cond on {@code condition} ({@code AssertGuard}), so data that may live on
     * a device is touched only when the check fails. Returns the op to depend on (the Assert, or the guard's Merge).
     */
    public static Operation assertThat(Graph g, Output condition, List<Output> data, long summarize, String name) {
        if (condition == null || data == null || data.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidArgumentException("Assert needs a condition and a list of data tensors without nulls");
        }
        try (var scope = g.nameScope(name == null ? "Assert" : name)) {
            boolean hostOnly = data.stream().allMatch(d -> d.dtype() == DType.STRING || d.dtype() == DType.INT32);
            if (hostOnly) {
                return assertOp(g, condition, data, summarize, "Assert");
            }
            return CondOps.condOnPivots(g, condition,
                    pivot -> List.of(afterOp(g, ControlOps.noOp(g, null), pivot)),
                    pivot -> List.of(afterOp(g, assertOp(g, condition, data, summarize, "Assert"), pivot)),
                    "AssertGuard").get(0).op();
        }
    }

    /** A branch whose result is an op: the branch's pivot, after the op (TensorFlow's {@code with_dependencies}). */
    private static Output afterOp(Graph g, Operation op, Output pivot) {
        return ControlOps.withDependencies(g, List.of(op), pivot, null);
    }
}
