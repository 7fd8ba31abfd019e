package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.OutOfRangeException;
import dev.tensorgraph.kernel.KernelContext;
import java.util.List;

/**
 * A functional while loop ({@code While}, {@code StatelessWhile}): the condition's plan runs on the loop
 * variables, and while its result is true the body's plan runs on them and gives their next values. Iterations
 * run one after another on the calling thread (TensorFlow's {@code parallel_iterations} is honoured as 1: the
 * results are the same), each value handed from the body's results to the next iteration without a copy; what
 * an iteration computes is released by the plans' release points, so memory does not grow with the number of
 * iterations. The session's loop iteration limit and the op's output shapes (its shape invariants) are checked
 * after every iteration, with errors naming the op.
 */
final class WhileKernel extends FunctionalKernel {
    private final FunctionPlan cond;
    private final FunctionPlan body;
    private final Shape[] invariants;
    private static final int[] NONE = new int[0];

    WhileKernel(Operation op, FunctionPlan cond, FunctionPlan body) {
        super(op, List.of(cond, body));
        this.cond = cond;
        this.body = body;
        invariants = op.outputs().stream().map(o -> o.shape()).toArray(Shape[]::new);
    }

    @Override
    public void compute(KernelContext ctx) {
        Executor outer = (Executor) ctx;
        Executor c = outer.subRun(cond.plan);
        Executor b = outer.subRun(body.plan);
        long limit = outer.loopIterationLimit();
        int n = cond.argSlots.length;
        try {
            for (int i = 0; i < n; i++) {
                c.putInput(cond.argSlots[i], outer, i);
            }
            long iterations = 0;
            while (true) {
                c.resetDeadness(NONE);
                c.runAll();
                boolean more = predicate(c);
                for (int s : cond.resultOnlySlots) {
                    c.clear(s);
                }
                if (!more) {
                    break;
                }
                if (++iterations > limit) {
                    throw new OutOfRangeException(describeOp() + " wants to run more than " + limit
                            + " iterations, the session's limit (SessionOptions.loopIterationLimit)");
                }
                for (int i = 0; i < n; i++) {
                    b.put(body.argSlots[i], c.value(cond.argSlots[i]));
                }
                b.resetDeadness(NONE);
                b.runAll();
                for (int i = 0; i < n; i++) {
                    Object next = b.value(body.resultSlots[i]);
                    if (next == null) {
                        throw new InternalException(describeOp() + ": the body gave no value for loop variable " + i);
                    }
                    checkInvariant(i, next, iterations);
                    c.put(cond.argSlots[i], next);
                }
                for (int s : body.argSlots) {
                    b.clear(s);
                }
                for (int s : body.resultOnlySlots) {
                    b.clear(s);
                }
            }
            for (int i = 0; i < n; i++) {
                outer.setOutputValue(i, c.value(cond.argSlots[i]));
            }
        } finally {
            c.releaseAll();
            b.releaseAll();
        }
    }

    private boolean predicate(Executor c) {
        Object p = c.value(cond.resultSlots[0]);
        if (!(p instanceof Tensor t)) {
            throw new InternalException(describeOp() + ": the condition's result is not a host tensor");
        }
        return Truth.of(t);
    }

    private void checkInvariant(int i, Object value, long iteration) {
        Shape actual = value instanceof Tensor t ? t.shape() : ((DeviceTensor) value).shape();
        if (!actual.isCompatibleWith(invariants[i])) {
            throw new InvalidArgumentException(describeOp() + ": loop variable " + i + " has shape " + actual
                    + " after iteration " + iteration + ", but its shape invariant (output_shapes) is " + invariants[i]);
        }
    }

    @Override
    String captureObstacle() {
        return describeOp() + " runs a number of iterations that depends on data";
    }

    @Override
    String summary() {
        return "iterations one after another";
    }

    @Override
    String planTitle(int i) {
        return i == 0 ? "condition" : "body";
    }
}
