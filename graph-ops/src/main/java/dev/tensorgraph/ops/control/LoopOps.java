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
import dev.tensorgraph.op.ShapeContext;

/**
 * The frame primitives of TensorFlow 1.x while loops, as {@code tf.while_loop} builds on them (with Switch and
 * Merge, see {@link CondOps}):
 * <ul>
 *   <li>{@code Enter(data; frame_name, is_constant, parallel_iterations)}: makes {@code data} available inside
 *   the loop frame {@code frame_name}, to the first iteration, or to every iteration when {@code is_constant}.
 *   Its static shape is unknown unless constant: a loop variable's shape may change from one iteration to
 *   the next, and the loop builder refines it to the variable's shape invariant.</li>
 *   <li>{@code Exit(data)}: hands a value out of its frame when the loop ends.</li>
 *   <li>{@code NextIteration(data)}: hands a value to the next iteration (into a loop variable's Merge).</li>
 *   <li>{@code LoopCond(input)}: the loop predicate (a bool scalar) that the loop's Switch ops read.</li>
 *   <li>{@code ControlTrigger()}: a no-op that runs even where what it waits for is dead.</li>
 * </ul>
 * The {@code Ref} forms take and give a variable reference. Gradients follow TensorFlow 1.x's
 * {@code control_flow_grad.py}: see {@link WhileGradients}.
 */
public final class LoopOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        for (String type : new String[] {"Enter", "RefEnter"}) {
            r.register(forwarding(type).attr("frame_name", AttrType.STRING).attr("is_constant", AttrType.BOOL, false)
                    .attr("parallel_iterations", AttrType.INT, 10L)
                    .shape(LoopOps::enterShape).gradient(WhileGradients::enterGrad).build());
        }
        for (String type : new String[] {"Exit", "RefExit"}) {
            r.register(forwarding(type).shape(LoopOps::sameShape).gradient(WhileGradients::exitGrad)
                    .loopRole(OpDef.LoopRole.EXIT).build());
        }
        for (String type : new String[] {"NextIteration", "RefNextIteration"}) {
            r.register(forwarding(type).shape(LoopOps::sameShape)
                    .gradient((op, dy) -> java.util.Arrays.asList(dy.get(0))).loopRole(OpDef.LoopRole.NEXT_ITERATION)
                    .build());
        }
        r.register(OpDef.builder("LoopCond").input("input")
                .shape(c -> {
                    if (c.inputDtype(0) != DType.BOOL) {
                        throw c.fail("input must be bool, got " + c.inputDtype(0));
                    }
                    Shape s = c.inputShape(0);
                    if (s.hasKnownRank() && s.rank() != 0) {
                        throw c.fail("input must be a scalar, got shape " + s);
                    }
                    c.setOutput(0, DType.BOOL, Shape.scalar());
                })
                .notDifferentiable()
                .build());
        r.register(OpDef.builder("ControlTrigger").shape(c -> { }).notDifferentiable().loopRole(OpDef.LoopRole.TRIGGER)
                .build());
    }

    /** An op of one input {@code data} of type {@code T}, a variable reference for the {@code Ref} forms. */
    private static OpDef.Builder forwarding(String type) {
        OpDef.Builder b = OpDef.builder(type);
        return (type.startsWith("Ref") ? b.refInput("data") : b.input("data")).attr("T", AttrType.TYPE);
    }

    private static void enterShape(ShapeContext c) {
        boolean constant = (Boolean) c.attrs().getOrDefault("is_constant", false);
        c.setOutput(0, c.inputDtype(0), constant ? c.inputShape(0) : Shape.unknown());
    }

    private static void sameShape(ShapeContext c) {
        c.setOutput(0, c.inputDtype(0), c.inputShape(0));
    }

    static boolean isEnter(Operation op) {
        return op.type().equals("Enter") || op.type().equals("RefEnter");
    }

    static boolean isExit(Operation op) {
        return op.type().equals("Exit") || op.type().equals("RefExit");
    }

    static boolean isNextIteration(Operation op) {
        return op.type().equals("NextIteration") || op.type().equals("RefNextIteration");
    }

    // ---- typed constructors ----

    /** {@code Enter(data)} into frame {@code frameName}; {@code name} null for the default name. */
    public static Output enter(Graph g, Output data, String frameName, boolean isConstant, int parallelIterations,
                               String name) {
        return g.opBuilder("Enter", name).addInput(data)
                .setAttr("frame_name", frameName).setAttr("is_constant", isConstant)
                .setAttr("parallel_iterations", (long) parallelIterations).build().output(0);
    }

    public static Output exit(Graph g, Output data, String name) {
        return g.opBuilder("Exit", name).addInput(data).build().output(0);
    }

    public static Output nextIteration(Graph g, Output data, String name) {
        return g.opBuilder("NextIteration", name).addInput(data).build().output(0);
    }

    public static Output loopCond(Graph g, Output pred, String name) {
        return g.opBuilder("LoopCond", name).addInput(pred).build().output(0);
    }

    public static Operation controlTrigger(Graph g, String name) {
        return g.opBuilder("ControlTrigger", name).build();
    }
}
