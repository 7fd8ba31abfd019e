package dev.tensorgraph.ops.optional;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import java.util.Arrays;
import java.util.List;

/**
 * TensorFlow's optional values: a {@link DType#VARIANT} scalar that holds a tuple of tensors or nothing. Control
 * flow v2 writes them into the gradients of {@code If}: each branch hands its intermediates out as optionals
 * (the untaken branch's are {@code OptionalNone}) and the gradient branch takes the values back out.
 */
public final class OptionalOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("OptionalFromValue").inputList("components").attr("Toutput_types", AttrType.LIST_TYPE)
                .shape(c -> c.setOutput(0, DType.VARIANT, Shape.scalar()))
                .gradient((op, dy) -> {
                    // the value's gradient is the gradient of what OptionalGetValue took out
                    List<Output> grads = dy.get(0) == null ? null
                            : optionalGetValue(op.graph(), dy.get(0), inputTypes(op), null);
                    Output[] g = new Output[op.numInputs()];
                    for (int i = 0; grads != null && i < g.length; i++) {
                        g[i] = grads.get(i);
                    }
                    return Arrays.asList(g);
                }).build());
        r.register(OpDef.builder("OptionalNone")
                .shape(c -> c.setOutput(0, DType.VARIANT, Shape.scalar())).notDifferentiable().build());
        r.register(OpDef.builder("OptionalHasValue").input("optional")
                .shape(c -> {
                    requireVariant(c.inputDtype(0), c);
                    c.setOutput(0, DType.BOOL, Shape.scalar());
                }).notDifferentiable().build());
        r.register(OpDef.builder("OptionalGetValue").input("optional").attr("output_types", AttrType.LIST_TYPE)
                .attr("output_shapes", AttrType.LIST_SHAPE)
                .shape(c -> {
                    requireVariant(c.inputDtype(0), c);
                    DType[] types = (DType[]) c.attr("output_types");
                    Shape[] shapes = (Shape[]) c.attr("output_shapes");
                    if (types.length == 0 || types.length != shapes.length) {
                        throw c.fail("output_types (" + types.length + ") and output_shapes (" + shapes.length
                                + ") must be as many, and at least one");
                    }
                    for (int i = 0; i < types.length; i++) {
                        c.setOutput(i, types[i], shapes[i]);
                    }
                })
                .gradient((op, dy) -> List.of(optionalFromValue(op.graph(), filled(op, dy), null))).build());
    }

    private static void requireVariant(DType t, dev.tensorgraph.op.ShapeContext c) {
        if (t != DType.VARIANT) {
            throw c.fail("the optional must be a variant, got " + t);
        }
    }

    private static DType[] inputTypes(dev.tensorgraph.Operation op) {
        DType[] t = new DType[op.numInputs()];
        for (int i = 0; i < t.length; i++) {
            t[i] = op.input(i).dtype();
        }
        return t;
    }

    /** The gradients of OptionalGetValue's outputs, zeros where none came. */
    private static List<Output> filled(dev.tensorgraph.Operation op, List<Output> dy) {
        Output[] g = new Output[op.numOutputs()];
        for (int i = 0; i < g.length; i++) {
            g[i] = dy.get(i) != null ? dy.get(i)
                    : dev.tensorgraph.ops.array.ConstantOps.zerosLike(op.graph(), op.output(i), null);
        }
        return Arrays.asList(g);
    }

    /** {@code OptionalFromValue}: an optional holding {@code components}. */
    public static Output optionalFromValue(Graph g, List<Output> components, String name) {
        DType[] types = new DType[components.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = components.get(i).dtype();
        }
        return g.opBuilder("OptionalFromValue", name).addInputList(components).setAttr("Toutput_types", types).build()
                .output(0);
    }

    /** {@code OptionalNone}: an optional holding nothing. */
    public static Output optionalNone(Graph g, String name) {
        return g.opBuilder("OptionalNone", name).build().output(0);
    }

    /** {@code OptionalHasValue}: whether {@code optional} holds a value. */
    public static Output optionalHasValue(Graph g, Output optional, String name) {
        return g.opBuilder("OptionalHasValue", name).addInput(optional).build().output(0);
    }

    /** {@code OptionalGetValue}: the tensors {@code optional} holds, of {@code types} (shapes unknown). */
    public static List<Output> optionalGetValue(Graph g, Output optional, DType[] types, String name) {
        Shape[] shapes = new Shape[types.length];
        Arrays.fill(shapes, Shape.unknown());
        return g.opBuilder("OptionalGetValue", name).addInput(optional).setAttr("output_types", types)
                .setAttr("output_shapes", shapes).build().outputs();
    }
}
