package dev.tensorgraph.ops.control;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.GradientFunction;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.List;

/**
 * The reference forms of the control ops that TensorFlow 1.x writes when a variable itself (not a read of it) passes
 * through them, as in an {@code Assign} inside a {@code tf.cond} branch:
 * <ul>
 *   <li>{@code RefSwitch(data, pred)}: Switch of a variable reference; the op reading the taken output updates the
 *   variable itself, the one reading the other output is skipped.</li>
 *   <li>{@code RefMerge(inputs..., N)}: Merge of references.</li>
 *   <li>{@code RefIdentity(input)}: the reference passed on.</li>
 * </ul>
 * An op taking a reference input reads the variable behind any chain of these ({@code forwardsRef}). Their gradients are those of
 * Switch, Merge and Identity, as TensorFlow registers them.
 */
public final class RefOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("RefSwitch").outputNames("output_false", "output_true").refInput("data").input("pred").attr("T", AttrType.TYPE)
                .shape(CondOps::switchShape).gradient(sameAs("Switch")).forwardsRef().build());
        r.register(OpDef.builder("RefMerge").outputNames("output", "value_index").inputList("inputs").attr("T", AttrType.TYPE).attr("N", AttrType.INT)
                .shape(CondOps::mergeShape).gradient(sameAs("Merge")).forwardsRef().build());
        r.register(OpDef.builder("RefIdentity").refInput("input").attr("T", AttrType.TYPE)
                .shape(ShapeFns.UNCHANGED).gradient((op, dy) -> List.of(dy.get(0))).forwardsRef().build());
    }

    /** The gradient registered for {@code type}, looked up when it is needed. */
    private static GradientFunction sameAs(String type) {
        return (op, dy) -> OpRegistry.global().lookup(type).gradient().gradients(op, dy);
    }

    /** {@code RefSwitch(data, pred)} of a variable reference {@code data}. */
    public static Switch refSwitch(Graph g, Output data, Output pred, String name) {
        Operation sw = g.opBuilder("RefSwitch", name).addInput(data).addInput(pred).build();
        return new Switch(sw.output(0), sw.output(1));
    }

    /** {@code RefMerge(inputs)}: the first live reference and its index. */
    public static Merge refMerge(Graph g, List<Output> inputs, String name) {
        Operation m = g.opBuilder("RefMerge", name).addInputList(inputs).build();
        return new Merge(m.output(0), m.output(1));
    }

    /** {@code RefIdentity(input)}: the reference {@code input} passed on. */
    public static Output refIdentity(Graph g, Output input, String name) {
        return g.opBuilder("RefIdentity", name).addInput(input).build().output(0);
    }
}
