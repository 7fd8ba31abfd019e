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

/**
 * The stacks TensorFlow 1.x's while-loop gradients keep forward values on: {@code StackV2(max_size)} makes an
 * empty stack for the run and returns its handle (a {@link DType#RESOURCE} of shape [2], as TensorFlow shapes
 * it); {@code StackPushV2(handle, elem)} pushes a value and returns it; {@code StackPopV2(handle)} pops the
 * last one pushed; {@code StackCloseV2(handle)} frees the stack. None passes a gradient.
 */
public final class StackOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("StackV2").input("max_size").attr("elem_type", AttrType.TYPE)
                .attr("stack_name", AttrType.STRING, "")
                .shape(c -> {
                    if (c.inputDtype(0) != DType.INT32) {
                        throw c.fail("max_size must be int32, got " + c.inputDtype(0));
                    }
                    c.setOutput(0, DType.RESOURCE, Shape.of(2));
                })
                .notDifferentiable().stateful().build());
        r.register(OpDef.builder("StackPushV2").input("handle").input("elem").attr("T", AttrType.TYPE)
                .attr("swap_memory", AttrType.BOOL, false)
                .shape(c -> {
                    requireHandle(c, 0);
                    c.setOutput(0, c.inputDtype(1), c.inputShape(1));
                })
                .notDifferentiable().stateful().build());
        r.register(OpDef.builder("StackPopV2").input("handle").attr("elem_type", AttrType.TYPE)
                .shape(c -> {
                    requireHandle(c, 0);
                    c.setOutput(0, c.attrType("elem_type"), Shape.unknown());
                })
                .notDifferentiable().stateful().build());
        r.register(OpDef.builder("StackCloseV2").input("handle")
                .shape(c -> requireHandle(c, 0))
                .notDifferentiable().stateful().build());
    }

    static void requireHandle(dev.tensorgraph.op.ShapeContext c, int i) {
        if (c.inputDtype(i) != DType.RESOURCE) {
            throw c.fail("input " + i + " must be a resource handle, got " + c.inputDtype(i));
        }
    }

    // ---- typed constructors ----

    /** {@code StackV2}: an empty stack of {@code elemType} values, unbounded when {@code maxSize} is -1. */
    public static Output stack(Graph g, Output maxSize, DType elemType, String name) {
        return g.opBuilder("StackV2", name).addInput(maxSize).setAttr("elem_type", elemType).build().output(0);
    }

    public static Output push(Graph g, Output handle, Output elem, boolean swapMemory, String name) {
        return g.opBuilder("StackPushV2", name).addInput(handle).addInput(elem).setAttr("T", elem.dtype())
                .setAttr("swap_memory", swapMemory).build().output(0);
    }

    /** {@code StackPopV2}, whose result gets {@code shape} (what was pushed), as TensorFlow sets it. */
    public static Output pop(Graph g, Output handle, DType elemType, Shape shape, String name) {
        return g.opBuilder("StackPopV2", name).addInput(handle).setAttr("elem_type", elemType)
                .refineOutputShape(0, shape).build().output(0);
    }

    public static Operation close(Graph g, Output handle, String name) {
        return g.opBuilder("StackCloseV2", name).addInput(handle).build();
    }
}
