package dev.tensorgraph.ops.control;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Collection;
import java.util.List;

/**
 * The ops that order or pass values without computing: {@code Identity} (its gradient is the incoming one),
 * {@code IdentityN} (several values at once; a custom gradient the graph's library records, else the incoming ones),
 * {@code NoOp} (a target that runs its control inputs), {@code StopGradient} (no gradient passes), and
 * {@code tf.group} and {@code tf.tuple} on top of NoOp and Identity.
 */
public final class ControlOps implements OpLibrary {
    /**
     * The internal attribute naming the gradient an op was built with ({@code tf.custom_gradient}); the graph's
     * library may hold the function that computes it (see {@link dev.tensorgraph.FunctionLibrary#registeredGradient}).
     */
    public static final String GRADIENT_OP_TYPE = "_gradient_op_type";

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Identity").input("input").attr("T", AttrType.TYPE)
                .shape(ShapeFns.UNCHANGED).passesThroughInput(0)
                .gradient((op, dy) -> List.of(dy.get(0))).build());
        r.register(OpDef.builder("NoOp").shape(ShapeFns.NONE).notDifferentiable().build());
        r.register(OpDef.builder("IdentityN").inputList("input").attr("T", AttrType.LIST_TYPE)
                .optionalAttr(GRADIENT_OP_TYPE, AttrType.STRING)
                .shape(c -> {
                    for (int i = 0; i < c.numInputs(); i++) {
                        c.setOutput(i, c.inputDtype(i), c.inputShape(i));
                    }
                })
                .gradient(IdentityNGradient::gradients).build());
        r.register(OpDef.builder("StopGradient").input("input").attr("T", AttrType.TYPE)
                .shape(ShapeFns.UNCHANGED).passesThroughInput(0).notDifferentiable().build());
    }

    /** {@code Identity(x)}; a null name means "Identity". */
    public static Output identity(Graph g, Output x, String name) {
        return g.opBuilder("Identity", name).addInput(x).build().output(0);
    }

    /**
     * {@code IdentityN(values)}: each value unchanged, as one op (what {@code tf.custom_gradient} puts on the
     * forward path); {@code gradientOpType}, when not null, names its custom gradient.
     */
    public static List<Output> identityN(Graph g, List<Output> values, String gradientOpType, String name) {
        var b = g.opBuilder("IdentityN", name).addInputList(values)
                .setAttr("T", values.stream().map(Output::dtype).toArray(dev.tensorgraph.DType[]::new));
        if (gradientOpType != null) {
            b.setAttr(GRADIENT_OP_TYPE, gradientOpType);
        }
        return b.build().outputs();
    }

    /** The tensor behind any chain of Identity ops that ends at {@code x}. */
    public static Output throughIdentities(Output x) {
        Output o = x;
        while (o.op().type().equals("Identity")) {
            o = o.op().input(0);
        }
        return o;
    }

    /** {@code NoOp}, run only for its control inputs. */
    public static Operation noOp(Graph g, String name) {
        return g.opBuilder("NoOp", name).build();
    }

    /** {@code StopGradient(x)}: x, through which no gradient flows. */
    public static Output stopGradient(Graph g, Output x, String name) {
        return g.opBuilder("StopGradient", name).addInput(x).build().output(0);
    }

    /**
     * {@code tf.group(inputs)}: a NoOp (default name {@code group_deps}) that runs after every input (Operations or
     * Outputs); inputs on several devices get a NoOp per device under the group's name, as TensorFlow builds it.
     */
    public static Operation group(Graph g, Collection<?> inputs, String name) {
        return Gating.group(g, inputs, name);
    }

    /**
     * {@code tf.tuple(tensors, name, control_inputs)}: each tensor through an Identity
     * ({@code tuple/control_dependency}, {@code _1}, ...) that runs only after all of them (and
     * {@code controlInputs}) are computed; null entries stay null.
     */
    public static List<Output> tuple(Graph g, List<Output> tensors, Collection<?> controlInputs, String name) {
        return Gating.tuple(g, tensors, name, controlInputs);
    }

    /**
     * TensorFlow's {@code with_dependencies(dependencies, t, name)}: {@code t} through an Identity (default name
     * {@code control_dependency}) that runs only after {@code dependencies} (Operations or Outputs).
     */
    public static Output withDependencies(Graph g, Collection<?> dependencies, Output t, String name) {
        return Gating.withDependencies(g, dependencies, t, name);
    }
}
