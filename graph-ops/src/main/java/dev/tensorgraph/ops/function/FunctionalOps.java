package dev.tensorgraph.ops.function;

import dev.tensorgraph.DType;
import dev.tensorgraph.FunctionRef;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.FunctionalForm;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.List;

/**
 * TensorFlow 2's functional ops, which run functions of the graph's {@link dev.tensorgraph.FunctionLibrary}
 * (control flow v2): {@code PartitionedCall} and {@code StatefulPartitionedCall} call one,
 * {@code While}/{@code StatelessWhile} run a condition and a body function over loop variables,
 * {@code If}/{@code StatelessIf} run one of two branch functions, {@code Case}/{@code StatelessCase} one of a
 * list. Each declares its {@link FunctionalForm}: the executor runs it as one step that runs the functions'
 * plans (iterations one after another, so {@code parallel_iterations} is honoured as 1, with the same results),
 * so these ops have no kernels of their own. A call marked {@code _XlaMustCompile} runs as an ordinary call.
 * Their gradients are in {@link FunctionGradients}.
 */
public final class FunctionalOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        for (String type : List.of("PartitionedCall", "StatefulPartitionedCall")) {
            OpDef.Builder b = OpDef.builder(type).inputList("args").attr("Tin", AttrType.LIST_TYPE)
                    .attr("Tout", AttrType.LIST_TYPE).attr("f", AttrType.FUNC).attr("config", AttrType.STRING, "")
                    .attr("config_proto", AttrType.STRING, "").attr("executor_type", AttrType.STRING, "")
                    .optionalAttr("_XlaMustCompile", AttrType.BOOL)
                    .functional(FunctionalForm.call("f"))
                    .shape(c -> {
                        checkInputs(c, 0, "Tin");
                        outputs(c, "Tout", null);
                    })
                    .gradient(FunctionGradients::call);
            r.register((type.startsWith("Stateful") ? b.stateful() : b).build());
        }
        r.register(OpDef.builder("SymbolicGradient").inputList("input").attr("Tin", AttrType.LIST_TYPE)
                .attr("Tout", AttrType.LIST_TYPE).attr("f", AttrType.FUNC)
                .functional(FunctionalForm.symbolicGradient("f"))
                .shape(c -> {
                    checkInputs(c, 0, "Tin");
                    DType[] types = (DType[]) c.attr("Tout");
                    if (types.length > c.numInputs()) {
                        throw c.fail("Tout lists " + types.length + " gradients for " + c.numInputs() + " inputs");
                    }
                    for (int i = 0; i < types.length; i++) {
                        // the gradient for argument i is shaped as argument i
                        c.setOutput(i, types[i], c.inputShape(i));
                    }
                })
                .notDifferentiable().build());
        for (String type : List.of("While", "StatelessWhile")) {
            OpDef.Builder b = OpDef.builder(type).inputList("input").attr("T", AttrType.LIST_TYPE)
                    .attr("cond", AttrType.FUNC).attr("body", AttrType.FUNC)
                    .attr("output_shapes", AttrType.LIST_SHAPE, new Shape[0])
                    .attr("parallel_iterations", AttrType.INT, 10L)
                    .functional(FunctionalForm.whileLoop("cond", "body"))
                    .shape(c -> {
                        checkInputs(c, 0, "T");
                        outputs(c, "T", "output_shapes");
                    })
                    .gradient(FunctionGradients::whileLoop);
            r.register((type.equals("While") ? b.stateful() : b).build());
        }
        for (String type : List.of("If", "StatelessIf")) {
            OpDef.Builder b = OpDef.builder(type).input("cond").inputList("input").attr("Tcond", AttrType.TYPE)
                    .attr("Tin", AttrType.LIST_TYPE).attr("Tout", AttrType.LIST_TYPE)
                    .attr("then_branch", AttrType.FUNC).attr("else_branch", AttrType.FUNC)
                    .attr("output_shapes", AttrType.LIST_SHAPE, new Shape[0])
                    .functional(FunctionalForm.conditional("then_branch", "else_branch"))
                    .shape(c -> {
                        if (c.inputDtype(0) != c.attrType("Tcond")) {
                            throw c.fail("cond is " + c.inputDtype(0) + " but Tcond is " + c.attrType("Tcond"));
                        }
                        checkInputs(c, 1, "Tin");
                        outputs(c, "Tout", "output_shapes");
                    })
                    .gradient(FunctionGradients::conditional);
            r.register((type.equals("If") ? b.stateful() : b).build());
        }
        for (String type : List.of("Case", "StatelessCase")) {
            OpDef.Builder b = OpDef.builder(type).input("branch_index").inputList("input")
                    .attr("Tin", AttrType.LIST_TYPE).attr("Tout", AttrType.LIST_TYPE)
                    .attr("branches", AttrType.LIST_FUNC).attr("output_shapes", AttrType.LIST_SHAPE, new Shape[0])
                    .functional(FunctionalForm.switchCase("branches"))
                    .shape(c -> {
                        if (c.inputDtype(0) != DType.INT32) {
                            throw c.fail("branch_index must be int32, got " + c.inputDtype(0));
                        }
                        Shape s = c.inputShape(0);
                        if (s.hasKnownRank() && s.rank() != 0) {
                            throw c.fail("branch_index must be a scalar, got shape " + s);
                        }
                        if (((FunctionRef[]) c.attr("branches")).length == 0) {
                            throw c.fail("branches must name at least one function");
                        }
                        checkInputs(c, 1, "Tin");
                        outputs(c, "Tout", "output_shapes");
                    })
                    .gradient(FunctionGradients::switchCase);
            r.register((type.equals("Case") ? b.stateful() : b).build());
        }
    }

    /** The inputs from {@code first} on have the dtypes the list attribute {@code typesAttr} gives. */
    private static void checkInputs(ShapeContext c, int first, String typesAttr) {
        DType[] types = (DType[]) c.attr(typesAttr);
        if (c.numInputs() - first != types.length) {
            throw c.fail(typesAttr + " lists " + types.length + " types but the op has " + (c.numInputs() - first)
                    + " inputs");
        }
        for (int i = 0; i < types.length; i++) {
            if (c.inputDtype(first + i) != types[i]) {
                throw c.fail("input " + (first + i) + " is " + c.inputDtype(first + i) + " but " + typesAttr + "[" + i
                        + "] is " + types[i]);
            }
        }
    }

    /** One output per type of {@code typesAttr}, shaped as {@code shapesAttr} says when it lists one per output. */
    private static void outputs(ShapeContext c, String typesAttr, String shapesAttr) {
        DType[] types = (DType[]) c.attr(typesAttr);
        Shape[] shapes = shapesAttr == null ? new Shape[0] : (Shape[]) c.attr(shapesAttr);
        if (shapes.length != 0 && shapes.length != types.length) {
            throw c.fail(shapesAttr + " lists " + shapes.length + " shapes for " + types.length + " outputs");
        }
        for (int i = 0; i < types.length; i++) {
            c.setOutput(i, types[i], shapes.length == 0 ? Shape.unknown() : shapes[i]);
        }
    }

    private static DType[] dtypes(List<Output> values) {
        return values.stream().map(Output::dtype).toArray(DType[]::new);
    }

    /** {@code PartitionedCall} of {@code f} on {@code args}, giving results of {@code resultTypes}. */
    public static List<Output> partitionedCall(Graph g, List<Output> args, FunctionRef f, DType[] resultTypes,
                                               String name) {
        return call(g, "PartitionedCall", args, f, resultTypes, name);
    }

    /** {@code StatefulPartitionedCall}: as {@link #partitionedCall}, for a function with side effects. */
    public static List<Output> statefulPartitionedCall(Graph g, List<Output> args, FunctionRef f,
                                                       DType[] resultTypes, String name) {
        return call(g, "StatefulPartitionedCall", args, f, resultTypes, name);
    }

    static List<Output> call(Graph g, String type, List<Output> args, FunctionRef f, DType[] resultTypes,
                                     String name) {
        return g.opBuilder(type, name).addInputList(args).setAttr("Tin", dtypes(args)).setAttr("Tout", resultTypes)
                .setAttr("f", f).build().outputs();
    }

    /** {@code StatelessWhile} of {@code cond} and {@code body} over the loop variables {@code input}. */
    public static List<Output> statelessWhile(Graph g, List<Output> input, FunctionRef cond, FunctionRef body,
                                              Shape[] outputShapes, String name) {
        return g.opBuilder("StatelessWhile", name).addInputList(input).setAttr("T", dtypes(input))
                .setAttr("cond", cond).setAttr("body", body).setAttr("output_shapes", outputShapes).build().outputs();
    }

    /** {@code StatelessIf}: {@code thenBranch} of {@code input} when {@code cond} is true, else {@code elseBranch}. */
    public static List<Output> statelessIf(Graph g, Output cond, List<Output> input, FunctionRef thenBranch,
                                           FunctionRef elseBranch, DType[] resultTypes, String name) {
        return g.opBuilder("StatelessIf", name).addInput(cond).addInputList(input).setAttr("Tcond", cond.dtype())
                .setAttr("Tin", dtypes(input)).setAttr("Tout", resultTypes).setAttr("then_branch", thenBranch)
                .setAttr("else_branch", elseBranch).build().outputs();
    }

    /**
     * {@code SymbolicGradient} of {@code f}: {@code input} is f's arguments then one upstream gradient per result;
     * the outputs, of {@code gradientTypes}, are the gradients for the arguments.
     */
    public static List<Output> symbolicGradient(Graph g, List<Output> input, FunctionRef f, DType[] gradientTypes,
                                                String name) {
        return g.opBuilder("SymbolicGradient", name).addInputList(input).setAttr("Tin", dtypes(input))
                .setAttr("Tout", gradientTypes).setAttr("f", f).build().outputs();
    }
}
