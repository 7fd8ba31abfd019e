package dev.tensorgraph.ops.function;

import dev.tensorgraph.DType;
import dev.tensorgraph.FunctionRef;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.CondOps;
import dev.tensorgraph.ops.control.Switch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The gradients of the functional ops of {@link FunctionalOps}. A call's gradient is a {@code SymbolicGradient} of
 * its function (which computes the forward values again, then their gradients); a conditional's is the
 * {@code SymbolicGradient} of the branch that ran, chosen by Switch and Merge on the same predicate. A function
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

    static List<Output> whileLoop(Operation op, List<Output> dy) {
        throw unimplemented(op);
    }

    static List<Output> conditional(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output pred = op.input(0);
        if (pred.dtype() != DType.BOOL) {
            throw new UnimplementedException("the gradient of " + op.type() + " op '" + op.name()
                    + "' needs a bool cond, got " + pred.dtype());
        }
        List<Output> args = op.inputs().subList(1, op.numInputs());
        List<Output> taken = withUpstream(op, args, dy);
        List<Output> whenTrue = new ArrayList<>();
        List<Output> whenFalse = new ArrayList<>();
        for (Output v : taken) {
            Switch sw = CondOps.switchOp(g, v, pred, null);
            whenTrue.add(sw.outputTrue());
            whenFalse.add(sw.outputFalse());
        }
        DType[] types = dtypes(args);
        List<Output> thenGrads = FunctionalOps.symbolicGradient(g, whenTrue, (FunctionRef) op.attr("then_branch"),
                types, null);
        List<Output> elseGrads = FunctionalOps.symbolicGradient(g, whenFalse, (FunctionRef) op.attr("else_branch"),
                types, null);
        List<Output> merged = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            merged.add(CondOps.merge(g, List.of(elseGrads.get(i), thenGrads.get(i)), null).output());
        }
        return keepDifferentiable(op.inputs(), merged, 1);
    }

    static List<Output> switchCase(Operation op, List<Output> dy) {
        throw unimplemented(op);
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
            result[i] = t.isFloating() || t == DType.VARIANT ? grads.get(i - first) : null;
        }
        return Arrays.asList(result);
    }

    private static DType[] dtypes(List<Output> values) {
        return values.stream().map(Output::dtype).toArray(DType[]::new);
    }

    private static UnimplementedException unimplemented(Operation op) {
        return new UnimplementedException("the gradient of " + op.type() + " op '" + op.name() + "' is not supported");
    }
}
