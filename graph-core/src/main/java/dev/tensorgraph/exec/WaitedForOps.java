package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.kernel.KernelFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ops of a plan that other ops only wait for: no op of the plan reads their outputs and none is fetched, so
 * computing them changes no value anybody sees. The plan runs each as a NoOp that waits for what the op
 * itself waits for (the producers of its inputs and its control inputs), which keeps the order and a
 * conditional's deadness. TensorFlow's grappler turns such ops into NoOps too (its dependency optimizer); the
 * case that matters is {@code minimize}'s gating: {@code tf.tuple} makes every gradient wait for all
 * gradients of the same op, so the gradient of a first layer's input (a matrix product or a convolution's
 * input gradient as big as the forward pass) would otherwise be computed every step for nothing.
 *
 * <p>Only ops free of effects qualify: not stateful (assertions and numerics checks are: they fail on purpose),
 * no reference inputs, not a variable, not a conditional's or loop's own op, not a functional op, and reading
 * no conditional's switch (a switch marks one output dead, which a wait on the switch would not see). Ops
 * without inputs are left alone: they cost nothing, and a placeholder must still say that it was not fed.
 */
final class WaitedForOps {
    private WaitedForOps() {}

    /**
     * The ops of {@code pruned} to run as NoOps, each with the ops it waits for instead, in no particular
     * order; empty when every op is read or has effects.
     */
    static Map<Operation, List<Operation>> find(List<Operation> pruned, Set<Output> fed, List<Output> fetches,
                                                 List<Operation> targets, Placement placement) {
        Set<Operation> inPlan = Collections.newSetFromMap(new IdentityHashMap<>());
        inPlan.addAll(pruned);
        Map<Operation, int[]> readers = new IdentityHashMap<>();
        for (Operation op : pruned) {
            for (Output in : op.inputs()) {
                if (!fed.contains(in) && inPlan.contains(in.op())) {
                    readers.computeIfAbsent(in.op(), k -> new int[1])[0]++;
                }
            }
        }
        Set<Operation> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(targets);
        for (Output f : fetches) {
            kept.add(f.op());
        }
        ArrayDeque<Operation> unread = new ArrayDeque<>();
        for (Operation op : pruned) {
            if (!readers.containsKey(op)) {
                unread.add(op);
            }
        }
        Map<Operation, List<Operation>> skipped = new IdentityHashMap<>();
        while (!unread.isEmpty()) {
            Operation op = unread.poll();
            if (kept.contains(op) || skipped.containsKey(op) || !freeOfEffects(op, placement)) {
                continue;
            }
            List<Operation> waitsFor = new ArrayList<>(op.controlInputs());
            for (Output in : op.inputs()) {
                if (fed.contains(in) || !inPlan.contains(in.op())) {
                    continue;
                }
                if (!waitsFor.contains(in.op())) {
                    waitsFor.add(in.op());
                }
                // Waited for instead of read: the producer may now be unread itself.
                if (--readers.get(in.op())[0] == 0) {
                    unread.add(in.op());
                }
            }
            skipped.put(op, waitsFor);
        }
        return skipped;
    }

    private static boolean freeOfEffects(Operation op, Placement placement) {
        if (op.numInputs() == 0 || op.numOutputs() == 0 || op.def().isStateful() || op.def().functional() != null
                || placement.role(op) != KernelFactory.Role.ORDINARY) {
            return false;
        }
        for (int i = 0; i < op.numInputs(); i++) {
            if (op.def().isRefInput(i)) {
                return false;
            }
            KernelFactory.Role producer = placement.role(op.input(i).op());
            if (producer != KernelFactory.Role.ORDINARY && producer != KernelFactory.Role.VARIABLE
                    && producer != KernelFactory.Role.RUNS_ON_ANY_LIVE_INPUT) {
                return false;
            }
        }
        return true;
    }
}
