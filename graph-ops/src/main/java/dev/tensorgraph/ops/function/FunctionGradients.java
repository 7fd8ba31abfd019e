package dev.tensorgraph.ops.function;

import dev.tensorgraph.DType;
import dev.tensorgraph.FunctionRef;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.grad.Gradients;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.control.CondOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.control.Switch;
import dev.tensorgraph.ops.control.WhileLoop;
import dev.tensorgraph.ops.control.WhileOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The gradients of the functional ops of {@link FunctionalOps}. A call's gradient is a {@code SymbolicGradient} of
 * its function (which computes the forward values again, then their gradients); a conditional's is the
 * {@code SymbolicGradient} of the branch that ran, chosen by Switch and Merge on the same predicate (a
 * {@code Case}'s likewise, on its index); a while loop's
 * is that of the same loop in TensorFlow 1.x's form. A function
 * with random ops gives the gradient of a second draw, as TensorFlow's {@code SymbolicGradient} does.
 */
final class FunctionGradients {
    private FunctionGradients() {}

    static List<Output> call(Operation op, List<Output> dy) {
        List<Output> args = op.inputs();
        List<Output> grads = FunctionalOps.symbolicGradient(op.graph(), withUpstream(op, args, dy),
                (FunctionRef) op.attr("f"), dtypes(args), null);
        return keepDifferentiable(args, grads, 0);
    }

    /**
     * The loop again in TensorFlow 1.x's form (a v1 while loop whose condition and body call the While's
     * functions), differentiated as v1 loops are: each iteration's loop variables on stacks, and a backward loop
     * running the body's SymbolicGradient on them. The forward values are computed a second time.
     */
    static List<Output> whileLoop(Operation op, List<Output> dy) {
        Graph g = op.graph();
        List<Output> vars = op.inputs();
        List<Output> ys = new ArrayList<>();
        List<Output> upstream = new ArrayList<>();
        for (int j = 0; j < op.numOutputs(); j++) {
            if (dy.get(j) != null && backpropagates(op.output(j).dtype())) {
                upstream.add(dy.get(j));
                ys.add(null);
            }
        }
        if (upstream.isEmpty()) {
            return Arrays.asList(new Output[vars.size()]);
        }
        FunctionRef cond = (FunctionRef) op.attr("cond");
        FunctionRef body = (FunctionRef) op.attr("body");
        DType[] types = dtypes(vars);
        List<DType> condResults = g.functions().instantiate(cond, List.of(types)).resultDtypes();
        if (!condResults.equals(List.of(DType.BOOL))) {
            throw new UnimplementedException("the gradient of " + op.type() + " op '" + op.name()
                    + "' needs a cond function giving one bool, it gives " + condResults);
        }
        String call = op.def().isStateful() ? "StatefulPartitionedCall" : "PartitionedCall";
        // one distinct tensor per loop variable: a tensor fed to several (a captured input is often also an
        // initial value) must get each one's gradient once, not the sum of all of them per variable
        List<Output> starts = new ArrayList<>();
        for (Output v : vars) {
            starts.add(ControlOps.identity(g, v, null));
        }
        List<Output> replica = WhileLoop.build(g,
                v -> FunctionalOps.call(g, call, v, cond, new DType[] {DType.BOOL}, null).get(0),
                v -> FunctionalOps.call(g, call, v, body, types, null), starts,
                WhileOptions.create().withShapeInvariants(Collections.nCopies(vars.size(), Shape.unknown()))
                        .withName("replica"));
        int k = 0;
        for (int j = 0; j < op.numOutputs(); j++) {
            if (dy.get(j) != null && backpropagates(op.output(j).dtype())) {
                ys.set(k++, replica.get(j));
            }
        }
        List<Output> grads = Gradients.builder(ys, starts).gradYs(upstream).unconnectedZeros(true).build();
        return keepDifferentiable(vars, grads, 0);
    }

    static List<Output> conditional(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output pred = op.input(0);
        if (pred.dtype() != DType.BOOL) {
            throw new UnimplementedException("the gradient of " + op.type() + " op '" + op.name()
                    + "' needs a bool cond, got " + pred.dtype());
        }
        List<Output> args = op.inputs().subList(1, op.numInputs());
        List<Output> values = withUpstream(op, args, dy);
        DType[] types = dtypes(args);
        List<Output> thenGrads = gradientWhen(g, values, pred, true, (FunctionRef) op.attr("then_branch"), types);
        List<Output> elseGrads = gradientWhen(g, values, pred, false, (FunctionRef) op.attr("else_branch"), types);
        List<Output> merged = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            merged.add(CondOps.merge(g, List.of(elseGrads.get(i), thenGrads.get(i)), null).output());
        }
        return keepDifferentiable(op.inputs(), merged, 1);
    }

    /**
     * The gradient of {@code Case}: branch k (k below the last) ran when the index is k, the last one otherwise
     * (an index out of range runs it); each branch's SymbolicGradient runs only when it did, and a Merge takes
     * the one that ran.
     */
    static List<Output> switchCase(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output index = op.input(0);
        FunctionRef[] branches = (FunctionRef[]) op.attr("branches");
        List<Output> args = op.inputs().subList(1, op.numInputs());
        List<Output> values = withUpstream(op, args, dy);
        DType[] types = dtypes(args);
        int last = branches.length - 1;
        List<List<Output>> perBranch = new ArrayList<>();
        for (int k = 0; k <= last; k++) {
            Output ran = k < last ? ComparisonOps.equal(g, index, ConstantOps.constant(g, Tensor.of(k), null), null)
                    : ComparisonOps.logicalOr(g, ComparisonOps.less(g, index, ConstantOps.constant(g, Tensor.of(0), null),
                            null), ComparisonOps.greaterEqual(g, index, ConstantOps.constant(g, Tensor.of(last), null),
                            null), null);
            perBranch.add(gradientWhen(g, values, ran, true, branches[k], types));
        }
        List<Output> merged = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            List<Output> alternatives = new ArrayList<>();
            for (List<Output> grads : perBranch) {
                alternatives.add(grads.get(i));
            }
            merged.add(CondOps.merge(g, alternatives, null).output());
        }
        return keepDifferentiable(op.inputs(), merged, 1);
    }

    /** The SymbolicGradient of {@code branch} on {@code values}, alive only when {@code pred} is {@code when}. */
    private static List<Output> gradientWhen(Graph g, List<Output> values, Output pred, boolean when,
                                             FunctionRef branch, DType[] types) {
        List<Output> routed = new ArrayList<>();
        for (Output v : values) {
            Switch sw = CondOps.switchOp(g, v, pred, null);
            routed.add(when ? sw.outputTrue() : sw.outputFalse());
        }
        return FunctionalOps.symbolicGradient(g, routed, branch, types, null);
    }

    /** {@code args} and then one upstream gradient per output of {@code op}: zeros where none came. */
    private static List<Output> withUpstream(Operation op, List<Output> args, List<Output> dy) {
        List<Output> in = new ArrayList<>(args);
        for (int j = 0; j < op.numOutputs(); j++) {
            in.add(dy.get(j) != null ? dy.get(j) : ConstantOps.zerosLike(op.graph(), op.output(j), null));
        }
        return in;
    }

    /** One gradient per op input: {@code grads} from input {@code first} on, null where gradients do not flow. */
    private static List<Output> keepDifferentiable(List<Output> inputs, List<Output> grads, int first) {
        Output[] result = new Output[inputs.size()];
        for (int i = first; i < inputs.size(); i++) {
            DType t = inputs.get(i).dtype();
            result[i] = backpropagates(t) ? grads.get(i - first) : null;
        }
        return Arrays.asList(result);
    }

    private static boolean backpropagates(DType t) {
        return t.isFloating() || t == DType.VARIANT;
    }

    private static DType[] dtypes(List<Output> values) {
        return values.stream().map(Output::dtype).toArray(DType[]::new);
    }

    private static UnimplementedException unimplemented(Operation op) {
        return new UnimplementedException("the gradient of " + op.type() + " op '" + op.name() + "' is not supported");
    }
}
