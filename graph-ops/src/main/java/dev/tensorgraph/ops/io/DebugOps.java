package dev.tensorgraph.ops.io;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.Output;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import java.util.List;

/**
 * The debugging op {@code CheckNumerics}: passes its floating input through unchanged and fails the run with
 * {@code InvalidArgumentException("<message> : Tensor had NaN values")} (or {@code Inf}, or {@code Inf and NaN})
 * when the tensor holds a non-finite value. Its gradient checks the incoming gradient the same way, with
 * TensorFlow's message for gradients. Stateful, as in TensorFlow, so no pass folds it away. Also
 * {@code tf.debugging.assert_all_finite}.
 */
public final class DebugOps implements OpLibrary {
    /** TensorFlow's prefix for the message of a gradient's check. */
    public static final String GRADIENT_MESSAGE = "Not a number (NaN) or infinity (Inf) values detected in gradient. ";

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("CheckNumerics").input("tensor")
                .attr("T", AttrType.TYPE).attr("message", AttrType.STRING)
                .shape(c -> {
                    if (!c.inputDtype(0).isFloating()) {
                        throw c.fail("CheckNumerics needs a floating tensor, got " + c.inputDtype(0));
                    }
                    c.setOutput(0, c.inputDtype(0), c.inputShape(0));
                })
                .gradient(DebugOps::checkNumericsGrad)
                .stateful().build());
    }

    private static List<Output> checkNumericsGrad(Operation op, List<Output> dy) {
        return List.of(checkNumerics(op.graph(), dy.get(0), GRADIENT_MESSAGE + op.attrString("message"), null));
    }

    /** {@code CheckNumerics(x)}: x unchanged, or an error naming {@code message} when it holds NaN or Inf. */
    public static Output checkNumerics(Graph g, Output x, String message, String name) {
        return g.opBuilder("CheckNumerics", name).addInput(x).setAttr("message", message).build().output(0);
    }

    /**
     * {@code tf.debugging.assert_all_finite} (TensorFlow's {@code verify_tensor_all_finite}): an identity of x
     * named {@code control_dependency} that runs a CheckNumerics of it first, in the scope {@code VerifyFinite}.
     */
    public static Output assertAllFinite(Graph g, Output x, String message, String name) {
        try (var s = g.nameScope(name == null ? "VerifyFinite" : name)) {
            Output check = checkNumerics(g, x, message, null);
            try (var deps = g.controlDependencies(List.of(check.op()))) {
                return ControlOps.identity(g, x, "control_dependency");
            }
        }
    }
}
