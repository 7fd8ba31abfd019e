package dev.tensorgraph.ops.control;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * TensorFlow 1.x's {@code tf.while_loop} in its v1 form, with TensorFlow's op names ({@code while/Enter},
 * {@code while/Merge}, {@code while/LoopCond}, {@code while/Switch}, {@code while/Identity},
 * {@code while/NextIteration}, {@code while/Exit}; {@code while_1/...} for a second loop):
 *
 * <pre>{@code
 * List<Output> r = WhileLoop.build(g, v -> tf.less(v.get(0), 10),
 *         v -> List.of(tf.add(v.get(0), 1), tf.multiply(v.get(1), 2f)),
 *         List.of(tf.constant(0), x), WhileOptions.create());
 * }</pre>
 *
 * A tensor array is a loop variable through its flow: pass {@code ta.flow()} and use
 * {@code ta.withFlow(v)} inside, as TensorFlow does. With {@code maximumIterations} the loop also counts its
 * iterations ({@code while/iteration_counter}) and stops at the maximum.
 */
public final class WhileLoop {
    private WhileLoop() {}

    public static List<Output> build(Graph g, Function<List<Output>, Output> cond,
                                     Function<List<Output>, List<Output>> body, List<Output> loopVars,
                                     WhileOptions options) {
        if (cond == null || body == null) {
            throw new InvalidArgumentException("while_loop needs a cond and a body");
        }
        if (loopVars == null || loopVars.isEmpty()) {
            throw new InvalidArgumentException("'loop_vars' must be provided.");
        }
        for (Output v : loopVars) {
            if (v == null) {
                throw new InvalidArgumentException("while_loop: a loop variable is null");
            }
            if (v.graph() != g) {
                throw new InvalidArgumentException("while_loop: loop variable '" + v.name() + "' belongs to another graph");
            }
        }
        WhileOptions o = options == null ? WhileOptions.create() : options;
        List<Shape> invariants = new ArrayList<>();
        if (o.shapeInvariants() != null) {
            if (o.shapeInvariants().size() != loopVars.size()) {
                throw new InvalidArgumentException("while_loop: " + loopVars.size() + " loop variables but "
                        + o.shapeInvariants().size() + " shape invariants");
            }
            invariants.addAll(o.shapeInvariants());
        } else {
            for (Output v : loopVars) {
                invariants.add(v.shape());
            }
        }
        try (var scope = g.nameScope(o.name() == null ? "while" : o.name())) {
            Output max = null;
            if (o.maximumIterations() != null) {
                max = o.maximumIterations() instanceof Output m ? m
                        : ConstantOps.constant(g, Tensor.of(((Number) o.maximumIterations()).intValue()), "maximum_iterations");
                if (max.shape().hasKnownRank() && max.shape().rank() != 0) {
                    throw new InvalidArgumentException("'maximum_iterations' must be a scalar. Received shape: "
                            + max.shape());
                }
                if (max.dtype() != DType.INT32 && max.dtype() != DType.INT64) {
                    throw new InvalidArgumentException("'maximum_iterations' must be int32 or int64, got " + max.dtype());
                }
            }
            WhileContext ctx = new WhileContext(g, "while_context", o.parallelIterations(), o.backProp(),
                    o.swapMemory(), max, null);
            if (max == null) {
                return ctx.buildLoop(cond, body, loopVars, invariants);
            }
            Output limit = max;
            Output counter = max.dtype() == DType.INT32 ? ConstantOps.constant(g, Tensor.of(0), "iteration_counter")
                    : ConstantOps.constant(g, Tensor.of(0L), "iteration_counter");
            List<Output> vars = new ArrayList<>();
            vars.add(counter);
            vars.addAll(loopVars);
            invariants.add(0, Shape.scalar());
            List<Output> result = ctx.buildLoop(
                    v -> {
                        Output within = ComparisonOps.less(g, v.get(0), limit, null);
                        return ComparisonOps.logicalAnd(g, within, cond.apply(v.subList(1, v.size())), null);
                    },
                    v -> {
                        Output next = ArithmeticOps.addV2(g, v.get(0), 1, "add");
                        List<Output> r = new ArrayList<>();
                        r.add(next);
                        List<Output> user = body.apply(v.subList(1, v.size()));
                        if (user == null) {
                            throw new InvalidArgumentException("while_loop: the body returned null");
                        }
                        r.addAll(user);
                        return r;
                    },
                    vars, invariants);
            return result.subList(1, result.size());
        }
    }
}
