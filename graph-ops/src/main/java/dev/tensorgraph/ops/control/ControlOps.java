package dev.tensorgraph.ops.control;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Collection;
import java.util.List;

/**
 * The ops that order or pass values without computing: {@code Identity} (its gradient is the incoming one),
 * {@code NoOp} (a target that runs its control inputs), {@code StopGradient} (no gradient passes), and
 * {@code tf.group} on top of NoOp.
 */
public final class ControlOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Identity").input("input").attr("T", AttrType.TYPE)
                .shape(ShapeFns.UNCHANGED).passesThroughInput(0)
                .gradient((op, dy) -> List.of(dy.get(0))).build());
        r.register(OpDef.builder("NoOp").shape(ShapeFns.NONE).notDifferentiable().build());
        r.register(OpDef.builder("StopGradient").input("input").attr("T", AttrType.TYPE)
                .shape(ShapeFns.UNCHANGED).passesThroughInput(0).notDifferentiable().build());
    }

    /** {@code Identity(x)}; a null name means "Identity". */
    public static Output identity(Graph g, Output x, String name) {
        return g.opBuilder("Identity", name).addInput(x).build().output(0);
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

    /** {@code tf.group(inputs)}: a NoOp (default name {@code group_deps}) that runs after every input. */
    public static Operation group(Graph g, Collection<?> inputs, String name) {
        var b = g.opBuilder("NoOp", name == null ? "group_deps" : name);
        for (Object o : inputs) {
            if (o instanceof Operation op) {
                b.addControlInput(op);
            } else if (o instanceof Output out) {
                b.addControlInput(out.op());
            } else {
                throw new InvalidArgumentException("tf.group expects Operations or Outputs, got "
                        + (o == null ? "null" : o.getClass().getSimpleName()));
            }
        }
        return b.build();
    }
}
