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
 * The argument and result nodes of a function body, {@code _Arg} and {@code _Retval}. A function's body, as
 * {@code dev.tensorgraph.FunctionLibrary} builds it, has an {@code _Arg} per argument tensor (with the shape
 * TensorFlow recorded for it, when it did), fed when the function runs. Graphs cut out of functions (some frozen
 * graphs) still hold them too: {@code _Arg} stands for argument {@code index} and must be fed,
 * like a placeholder; {@code _Retval} takes result {@code index} and does nothing with it when it runs, so such a
 * graph imports and runs by feeding its arguments and fetching the tensors its results read.
 */
public final class FunctionArgOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("_Arg").attr("T", AttrType.TYPE).attr("index", AttrType.INT)
                .optionalAttr(OpDef.OUTPUT_SHAPES_ATTR, AttrType.LIST_SHAPE)
                .shape(c -> {
                    checkIndex(c.attrLong("index"), c);
                    Shape[] recorded = (Shape[]) c.attrs().get(OpDef.OUTPUT_SHAPES_ATTR);
                    c.setOutput(0, c.attrType("T"), recorded != null && recorded.length == 1 ? recorded[0] : Shape.unknown());
                })
                .functionArgument().stateful().notDifferentiable().build());
        r.register(OpDef.builder("_Retval").input("input").attr("T", AttrType.TYPE).attr("index", AttrType.INT)
                .shape(c -> checkIndex(c.attrLong("index"), c))
                .stateful().notDifferentiable().build());
    }

    private static void checkIndex(long index, dev.tensorgraph.op.ShapeContext c) {
        if (index < 0) {
            throw c.fail("index must be non-negative, got " + index);
        }
    }

    /** {@code _Arg} of function argument {@code index}, of {@code dtype}; fed when the graph runs. */
    public static Output arg(Graph g, DType dtype, long index, String name) {
        return g.opBuilder("_Arg", name).setAttr("T", dtype).setAttr("index", index).build().output(0);
    }

    /** {@code _Retval} of function result {@code index}. */
    public static Operation retval(Graph g, Output value, long index, String name) {
        return g.opBuilder("_Retval", name).addInput(value).setAttr("index", index).build();
    }
}
