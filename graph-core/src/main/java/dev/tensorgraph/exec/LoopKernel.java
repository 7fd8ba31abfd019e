package dev.tensorgraph.exec;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.OutOfRangeException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelContext;
import java.util.List;

/**
 * Runs a while loop's iterations one after another on the calling thread, each a run of the loop's
 * iteration plan in the same run state as the enclosing plan (buffers, reference counts, device). A loop
 * variable's value passes from the iteration's fetches to the next iteration's feeds without a copy; the
 * iteration plan's release points free everything else an iteration made, so memory stays bounded however
 * many iterations run, unless stacks keep values for gradients.
 *
 * <p>TensorFlow may overlap up to {@code parallel_iterations} iterations; running them in order computes
 * the same values, so that attribute is honoured as 1. Nested loops are steps of the iteration plan, so the
 * Java stack grows with the nesting of loops in the graph, never with the number of iterations.
 */
final class LoopKernel implements Kernel {
    private static final Tensor FIRST = Tensor.of(DType.INT32, Shape.scalar(), new int[] {0});
    private static final Tensor LATER = Tensor.of(DType.INT32, Shape.scalar(), new int[] {1});

    private final LoopUnit unit;
    final Plan iteration;
    /** Per loop variable: the step input of its first value, and the iteration's feed slots and fetch slot. */
    private final int[] varInput;
    private final int[] varSlot;
    private final int[] varIndexSlot;
    private final int[] varNextSlot;
    private final Shape[] varShape;
    /** Constant Enters and captures: the step input and the iteration's feed slot. */
    private final int[] fixedInput;
    private final int[] fixedSlot;
    private final int predSlot;
    private final int[] exitSlot;
    /** Fetch slots cleared after each iteration (deduplicated, none that is also a feed). */
    private final int[] iterationFetchSlots;

    LoopKernel(LoopUnit unit, Plan iteration) {
        this.unit = unit;
        this.iteration = iteration;
        List<Output> external = unit.externalInputs();
        int nv = unit.variables.size();
        varInput = new int[nv];
        varSlot = new int[nv];
        varIndexSlot = new int[nv];
        varNextSlot = new int[nv];
        varShape = new Shape[nv];
        for (int j = 0; j < nv; j++) {
            LoopUnit.LoopVariable v = unit.variables.get(j);
            varInput[j] = external.indexOf(v.enter().input(0));
            varSlot[j] = iteration.feedSlots.get(v.merge().output(0));
            varIndexSlot[j] = iteration.feedSlots.get(v.merge().output(1));
            varNextSlot[j] = iteration.fetchSlots[1 + j];
            varShape[j] = v.merge().output(0).shape();
        }
        int nf = unit.constantEnters.size() + unit.captures.size();
        fixedInput = new int[nf];
        fixedSlot = new int[nf];
        int k = 0;
        for (Operation e : unit.constantEnters) {
            fixedInput[k] = external.indexOf(e.input(0));
            fixedSlot[k++] = iteration.feedSlots.get(e.output(0));
        }
        for (Output c : unit.captures) {
            fixedInput[k] = external.indexOf(c);
            fixedSlot[k++] = iteration.feedSlots.get(c);
        }
        predSlot = iteration.fetchSlots[0];
        exitSlot = new int[unit.exits.size()];
        for (int i = 0; i < exitSlot.length; i++) {
            exitSlot[i] = iteration.fetchSlots[1 + nv + i];
        }
        java.util.Set<Integer> feeds = new java.util.HashSet<>(iteration.feedSlots.values());
        iterationFetchSlots = java.util.Arrays.stream(iteration.fetchSlots).distinct().filter(s -> !feeds.contains(s))
                .toArray();
    }

    String frameName() {
        return unit.frameName;
    }

    @Override
    public void compute(KernelContext ctx) {
        Executor outer = (Executor) ctx;
        Executor it = outer.subRun(iteration);
        long limit = outer.loopIterationLimit();
        try {
            for (int k = 0; k < fixedSlot.length; k++) {
                it.putInput(fixedSlot[k], outer, fixedInput[k]);
            }
            for (int j = 0; j < varSlot.length; j++) {
                it.putInput(varSlot[j], outer, varInput[j]);
                it.put(varIndexSlot[j], FIRST);
            }
            long n = 0;
            while (true) {
                it.runAll();
                if (!predicate(it)) {
                    break;
                }
                if (++n > limit) {
                    throw new OutOfRangeException("while loop '" + unit.frameName + "' wants to run more than " + limit
                            + " iterations, the session's limit (SessionOptions.loopIterationLimit)");
                }
                advance(it, n);
            }
            for (int i = 0; i < exitSlot.length; i++) {
                if (it.isDead(exitSlot[i])) {
                    outer.setOutputDead(i);
                } else {
                    outer.setOutputValue(i, it.value(exitSlot[i]));
                }
            }
        } finally {
            it.releaseAll();
        }
    }

    private boolean predicate(Executor it) {
        if (it.isDead(predSlot)) {
            return false;
        }
        Object p = it.value(predSlot);
        if (!(p instanceof Tensor t) || t.dtype() != DType.BOOL || t.numElements() != 1) {
            throw new InternalException("the predicate of while loop '" + unit.frameName + "' is not a host bool scalar");
        }
        return ((boolean[]) t.array())[0];
    }

    /** Moves each loop variable's next value into its feed slot and clears what the iteration fetched. */
    private void advance(Executor it, long n) {
        for (int j = 0; j < varSlot.length; j++) {
            if (it.isDead(varNextSlot[j])) {
                it.clear(varSlot[j]);
                it.markDead(varSlot[j]);
            } else {
                Object next = it.value(varNextSlot[j]);
                checkInvariant(j, next, n);
                it.put(varSlot[j], next);
            }
            if (n == 1) {
                it.put(varIndexSlot[j], LATER);
            }
        }
        for (int slot : iterationFetchSlots) {
            it.clear(slot);
        }
        it.resetDeadness(varSlot);
    }

    private void checkInvariant(int j, Object value, long n) {
        Shape actual = value instanceof Tensor t ? t.shape() : ((DeviceTensor) value).shape();
        if (!actual.isCompatibleWith(varShape[j])) {
            LoopUnit.LoopVariable v = unit.variables.get(j);
            throw new InvalidArgumentException("while loop '" + unit.frameName + "': loop variable '"
                    + v.enter().input(0).name() + "' (Merge '" + v.merge().name() + "') has shape " + actual
                    + " after iteration " + n + ", but its shape invariant is " + varShape[j]
                    + "; give the loop a less specific shape invariant to let it change");
        }
    }
}
