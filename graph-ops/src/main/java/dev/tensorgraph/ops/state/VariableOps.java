package dev.tensorgraph.ops.state;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;

/**
 * Reference variables and their updates: {@code VariableV2} (the value lives in the session) and
 * {@code Assign}, {@code AssignAdd}, {@code AssignSub}, which update a variable in place through a ref input
 * and return its new value; {@code IsVariableInitialized}, whether a variable has a value. Stateful; no gradient.
 */
public final class VariableOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("VariableV2")
                .attr("shape", AttrType.SHAPE).attr("dtype", AttrType.TYPE)
                .attr("container", AttrType.STRING, "").attr("shared_name", AttrType.STRING, "")
                .shape(c -> c.setOutput(0, c.attrType("dtype"), c.attrShape("shape")))
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("Assign").refInput("ref").input("value")
                .attr("T", AttrType.TYPE).attr("validate_shape", AttrType.BOOL, true)
                .attr("use_locking", AttrType.BOOL, true)
                .shape(c -> {
                    ShapeFns.sameDtype(c, 0, 1);
                    boolean validate = c.attrBool("validate_shape");
                    if (validate && !c.inputShape(0).isCompatibleWith(c.inputShape(1))) {
                        throw c.fail("Shapes must be equal rank/size, variable has shape " + c.inputShape(0)
                                + " and the assigned value has shape " + c.inputShape(1));
                    }
                    c.setOutput(0, c.inputDtype(0), validate ? c.inputShape(0).mergeWith(c.inputShape(1)) : c.inputShape(1));
                })
                .stateful().notDifferentiable().build());
        for (String t : Arrays.asList("AssignAdd", "AssignSub")) {
            r.register(OpDef.builder(t).refInput("ref").input("value")
                    .attr("T", AttrType.TYPE).attr("use_locking", AttrType.BOOL, false)
                    .shape(c -> {
                        ShapeFns.sameDtype(c, 0, 1);
                        if (!c.inputShape(0).isCompatibleWith(c.inputShape(1))) {
                            throw c.fail("variable has shape " + c.inputShape(0) + " but the update has shape " + c.inputShape(1));
                        }
                        c.setOutput(0, c.inputDtype(0), c.inputShape(0));
                    })
                    .stateful().notDifferentiable().build());
        }
        r.register(OpDef.builder("IsVariableInitialized").refInput("ref").attr("dtype", AttrType.TYPE)
                .shape(c -> c.setOutput(0, dev.tensorgraph.DType.BOOL, dev.tensorgraph.Shape.scalar()))
                .notDifferentiable().build());
    }

    /**
     * {@code IsVariableInitialized(ref)}: a bool scalar, true once the variable (or the variable behind the
     * reference {@code ref}) has a value in the session; {@code tf.is_variable_initialized}.
     */
    public static Output isVariableInitialized(Graph g, Output ref, String name) {
        return g.opBuilder("IsVariableInitialized", name).addInput(ref).setAttr("dtype", ref.dtype()).build().output(0);
    }

    /** {@code VariableV2} of a fully defined shape; its value is set by running an Assign. */
    public static Operation variableV2(Graph g, dev.tensorgraph.Shape shape, dev.tensorgraph.DType dtype, String name) {
        return g.opBuilder("VariableV2", name).setAttr("shape", shape).setAttr("dtype", dtype).build();
    }

    /** {@code Assign(ref, value)}: sets the variable (or any ref) {@code ref}; returns the op. */
    public static Operation assign(Graph g, Output ref, Output value, boolean validateShape, boolean useLocking,
                                   String name) {
        return g.opBuilder("Assign", name).addInput(ref).addInput(value).setAttr("validate_shape", validateShape)
                .setAttr("use_locking", useLocking).build();
    }

    /** {@code AssignAdd(ref, value)}: {@code ref += value}. */
    public static Operation assignAdd(Graph g, Output ref, Output value, boolean useLocking, String name) {
        return g.opBuilder("AssignAdd", name).addInput(ref).addInput(value).setAttr("use_locking", useLocking).build();
    }

    /** {@code AssignSub(ref, value)}: {@code ref -= value}. */
    public static Operation assignSub(Graph g, Output ref, Output value, boolean useLocking, String name) {
        return g.opBuilder("AssignSub", name).addInput(ref).addInput(value).setAttr("use_locking", useLocking).build();
    }
}
