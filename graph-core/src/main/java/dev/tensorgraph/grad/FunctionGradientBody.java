package dev.tensorgraph.grad;

import dev.tensorgraph.DType;
import dev.tensorgraph.FunctionBody;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.op.OpRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient of a function as a function of its own (what TensorFlow's {@code SymbolicGradient} runs): the
 * forward body with one more argument per result, the upstream gradient, and as results the gradients for the
 * forward arguments (zeros where a result does not depend on one). The forward values are computed again inside,
 * so the caller keeps nothing of the forward call.
 */
public final class FunctionGradientBody {
    private FunctionGradientBody() {}

    /** The gradient body built on {@code forward}, a fresh instantiation this takes over. */
    public static FunctionBody of(FunctionBody forward) {
        Graph g = forward.graph();
        String argType = OpRegistry.global().functionArgument().type();
        int n = forward.args().size();
        List<Output> args = new ArrayList<>(forward.args());
        List<Output> ys = new ArrayList<>();
        List<Output> dys = new ArrayList<>();
        for (int j = 0; j < forward.results().size(); j++) {
            Output y = forward.results().get(j);
            Output dy = g.opBuilder(argType, "dy_" + j).setAttr("T", y.dtype()).setAttr("index", (long) (n + j)).build()
                    .output(0);
            args.add(dy);
            if (y.dtype().isFloating() || y.dtype() == DType.VARIANT) {
                ys.add(y);
                dys.add(dy);
            }
        }
        if (ys.isEmpty()) {
            throw new UnimplementedException("the gradient of " + forward + ": it has no floating result");
        }
        List<Output> grads = Gradients.builder(ys, forward.args()).gradYs(dys).unconnectedZeros(true).build();
        return new FunctionBody(forward.name() + " gradient", g, args, grads, forward.controlResults(),
                forward.stateful());
    }
}
