package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.RunRecorder;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.VariableSlot;
import dev.tensorgraph.rewrite.PlanRewriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a signature into a {@link Plan}: prunes to the ops the fetches and targets need (stopping at fed
 * tensors), orders them, gives every value a slot, selects kernels and works out where each value dies.
 */
public final class Planner {
    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
    private Planner() {}

    public static Plan build(List<Output> feeds, List<Output> fetches, List<Operation> targets,
                             Function<String, VariableSlot> variables, DeviceContext device) {
        return build(feeds, fetches, targets, variables, device, true);
    }

    /** As above; {@code recordDeviceWork} false keeps runs from being recorded and replayed on the device. */
    public static Plan build(List<Output> feeds, List<Output> fetches, List<Operation> targets,
                             Function<String, VariableSlot> variables, DeviceContext device, boolean recordDeviceWork) {
        return build(feeds, fetches, targets, variables, device, recordDeviceWork, true);
    }

    /**
     * As above; {@code fuseOps} false runs every op as a step of its own (see {@link OpFusion}) and the graph
     * as written, without the device's plan passes ({@link PlanRewrites}).
     */
    public static Plan build(List<Output> feeds, List<Output> fetches, List<Operation> targets,
                             Function<String, VariableSlot> variables, DeviceContext device, boolean recordDeviceWork,
                             boolean fuseOps) {
        PlanRewriter.Rewritten r = fuseOps && device == null
                ? PlanRewrites.apply(feeds, fetches, targets, prune(new HashSet<>(feeds), fetches, targets)) : null;
        if (r != null) {
            return build(r.feeds(), r.fetches(), r.targets(), variables, device, recordDeviceWork, true, feeds);
        }
        return build(feeds, fetches, targets, variables, device, recordDeviceWork, fuseOps, feeds);
    }

    /** The plan of the given graph's ops, its feed slots keyed by {@code feedKeys} (the caller's feeds, same order). */
    private static Plan build(List<Output> feeds, List<Output> fetches, List<Operation> targets,
                              Function<String, VariableSlot> variables, DeviceContext device, boolean recordDeviceWork,
                              boolean fuseOps, List<Output> feedKeys) {
        Set<Output> fed = new HashSet<>(feeds);
        List<Operation> order = prune(fed, fetches, targets);
        Placement placement = device == null || order.isEmpty() ? Placement.cpuOnly()
                : Placement.forDevice(device.deviceType(), order.get(0).graph());
        Builder b = new Builder(device);

        Map<Output, Integer> slotOf = new HashMap<>();
        Map<Output, Integer> feedSlots = new HashMap<>();
        for (int i = 0; i < feeds.size(); i++) {
            int slot = b.newSlot(false);
            feedSlots.put(feedKeys.get(i), slot);
            slotOf.put(feeds.get(i), slot);
        }
        Map<Operation, OpFusion.Pair> fusible = fuseOps
                ? OpFusion.candidates(order, fed, fetches, placement.fusionPatterns()) : Map.of();
        Set<Operation> absorbed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Placement.Placed[] placed = new Placement.Placed[order.size()];
        OpFusion.Pair[] fusedAt = new OpFusion.Pair[order.size()];
        for (int s = 0; s < order.size(); s++) {
            Operation op = order.get(s);
            if (absorbed.contains(op)) {
                continue;
            }
            placed[s] = placement.place(op, i -> {
                Integer slot = slotOf.get(op.input(i));
                return slot != null && b.slotOnDevice.get(slot);
            });
            OpFusion.Pair pair = fusible.get(op);
            Placement.Placed fused = pair == null ? null : placement.placeFused(pair, placed[s]);
            if (fused != null) {
                placed[s] = fused;
                fusedAt[s] = pair;
                absorbed.add(pair.consumer());
            }
            for (Output o : fused != null ? pair.outputs() : op.outputs()) {
                if (!fed.contains(o)) {
                    boolean onDevice = placed[s].onDevice() && !placed[s].factory().outputOnHost(o.op(), o.index());
                    slotOf.put(o, b.newSlot(onDevice));
                }
            }
        }

        IdentityHashMap<Operation, Step> stepOf = new IdentityHashMap<>();
        List<VariableSlot> planVariables = new ArrayList<>();
        boolean deadness = false;
        for (int s = 0; s < order.size(); s++) {
            Operation op = order.get(s);
            Placement.Placed p = placed[s];
            if (p == null) {
                continue;
            }
            OpFusion.Pair pair = fusedAt[s];
            int[] in = new int[op.numInputs()];
            VariableSlot[] refs = new VariableSlot[op.numInputs()];
            for (int i = 0; i < in.length; i++) {
                Output src = op.input(i);
                int slot = slotOf.get(src);
                if (op.def().isRefInput(i)) {
                    if (!placement.isVariable(src.op())) {
                        throw new InvalidArgumentException("input " + i + " of " + op.type() + " op '" + op.name()
                                + "' must be a variable, but comes from " + src.op().type() + " op '" + src.op().name() + "'");
                    }
                    refs[i] = variables.apply(src.op().name());
                }
                boolean wantDevice = p.onDevice() && !p.factory().inputOnHost(op, i);
                in[i] = b.locate(slot, wantDevice, src, feedSlots.containsValue(slot));
            }
            List<Output> produced = pair != null ? pair.outputs() : op.outputs();
            int[] out = new int[produced.size()];
            for (int i = 0; i < out.length; i++) {
                Output o = produced.get(i);
                out[i] = fed.contains(o) ? -1 : slotOf.get(o);
            }
            int[] controls = new int[op.controlInputs().size()];
            VariableSlot own = null;
            if (placement.isVariable(op)) {
                own = variables.apply(op.name());
                planVariables.add(own);
            }
            KernelFactory.Role role = placement.role(op);
            boolean merges = role == KernelFactory.Role.RUNS_ON_ANY_LIVE_INPUT;
            deadness |= merges || role == KernelFactory.Role.MARKS_OUTPUTS_DEAD;
            Step step = pair != null
                    ? Step.fused(op, pair.consumer(), p.kernel(), p.factory(), p.onDevice(), in, out, controls)
                    : new Step(op, p.kernel(), p.factory(), p.onDevice(), in, out, controls, refs, own, merges);
            stepOf.put(op, step);
            if (pair != null) {
                stepOf.put(pair.consumer(), step);
            }
            b.body.add(step);
        }

        int[] fetchSlots = new int[fetches.size()];
        for (int i = 0; i < fetchSlots.length; i++) {
            Output f = fetches.get(i);
            fetchSlots[i] = b.fetch(slotOf.get(f), f);
        }

        Step[] steps = b.steps();
        IdentityHashMap<Step, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < steps.length; i++) {
            index.put(steps[i], i);
        }
        for (Step st : steps) {
            if (st.kind == Step.Kind.OP) {
                List<Operation> cs = st.op.controlInputs();
                for (int i = 0; i < cs.size(); i++) {
                    st.controlSteps[i] = index.get(stepOf.get(cs.get(i)));
                }
            }
        }
        boolean[] pinned = new boolean[b.numSlots()];
        for (int slot : fetchSlots) {
            pinned[slot] = true;
        }
        for (int slot : feedSlots.values()) {
            pinned[slot] = true;
        }
        assignReleasePoints(steps, b.numSlots(), pinned);
        CaptureSpec capture = device != null && recordDeviceWork && device.supportsCapture()
                ? CaptureSpec.analyze(steps, b.prefix.size(), b.suffix.size(), fetchSlots, feedSlots, b.onDevice())
                : CaptureSpec.NONE;
        if (b.copies > 0 && LOG.isDebugEnabled()) {
            for (Step st : steps) {
                if (st.kind != Step.Kind.OP) {
                    LOG.debug("plan step: {}", st.description);
                }
            }
        }
        RunRecorder recorder = capture.capturable ? device.newRecorder() : null;
        return new Plan(steps, b.numSlots(), feedSlots, List.copyOf(feedKeys), fetchSlots,
                planVariables.toArray(new VariableSlot[0]), deadness, device, b.onDevice(), capture, recorder);
    }

    /** Accumulates slots and steps: feed uploads first, then ops with the copies they need, then downloads of fetches. */
    private static final class Builder {
        final DeviceContext device;
        final List<Boolean> slotOnDevice = new ArrayList<>();
        final List<Step> prefix = new ArrayList<>();
        final List<Step> body = new ArrayList<>();
        final List<Step> suffix = new ArrayList<>();
        final Map<Long, Integer> copyOf = new HashMap<>();
        int copies;

        Builder(DeviceContext device) {
            this.device = device;
        }

        int newSlot(boolean onDevice) {
            slotOnDevice.add(onDevice);
            return slotOnDevice.size() - 1;
        }

        int numSlots() {
            return slotOnDevice.size();
        }

        boolean[] onDevice() {
            boolean[] r = new boolean[slotOnDevice.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = slotOnDevice.get(i);
            }
            return r;
        }

        /** The slot holding {@code slot}'s value where a reader wants it, adding a copy step on first need. */
        int locate(int slot, boolean wantDevice, Output value, boolean isFeed) {
            if (slotOnDevice.get(slot) == wantDevice) {
                return slot;
            }
            long key = ((long) slot << 1) | (wantDevice ? 1 : 0);
            Integer existing = copyOf.get(key);
            if (existing != null) {
                return existing;
            }
            int to = newSlot(wantDevice);
            copyOf.put(key, to);
            copies++;
            Step copy = Step.copy(wantDevice, value.op(), value.name(), device.name(), slot, to);
            (isFeed ? prefix : body).add(copy);
            return to;
        }

        /** The host slot a fetch reads, adding a download at the end for a device value. */
        int fetch(int slot, Output value) {
            if (!slotOnDevice.get(slot)) {
                return slot;
            }
            long key = ((long) slot << 1);
            Integer existing = copyOf.get(key);
            if (existing != null) {
                return existing;
            }
            int to = newSlot(false);
            copyOf.put(key, to);
            copies++;
            suffix.add(Step.copy(false, value.op(), value.name(), device.name(), slot, to));
            return to;
        }

        Step[] steps() {
            List<Step> all = new ArrayList<>(prefix.size() + body.size() + suffix.size());
            all.addAll(prefix);
            all.addAll(body);
            all.addAll(suffix);
            return all.toArray(new Step[0]);
        }
    }

    /** Ops the fetches and targets need, in creation (hence topological) order; fed tensors cut the walk. */
    private static List<Operation> prune(Set<Output> fed, List<Output> fetches, List<Operation> targets) {
        Set<Operation> needed = new HashSet<>();
        ArrayDeque<Operation> stack = new ArrayDeque<>();
        for (Output f : fetches) {
            if (!fed.contains(f)) {
                stack.push(f.op());
            }
        }
        for (Operation t : targets) {
            stack.push(t);
        }
        while (!stack.isEmpty()) {
            Operation op = stack.pop();
            if (!needed.add(op)) {
                continue;
            }
            for (Output in : op.inputs()) {
                if (!fed.contains(in) && !needed.contains(in.op())) {
                    stack.push(in.op());
                }
            }
            for (Operation c : op.controlInputs()) {
                if (!needed.contains(c)) {
                    stack.push(c);
                }
            }
        }
        List<Operation> order = new ArrayList<>(needed);
        order.sort(Comparator.comparingInt(Operation::id));
        return order;
    }

    /** Each slot is released after its last reader; slots nobody reads die right after their producer. */
    private static void assignReleasePoints(Step[] steps, int numSlots, boolean[] pinned) {
        int[] last = new int[numSlots];
        Arrays.fill(last, -1);
        for (int s = 0; s < steps.length; s++) {
            for (int slot : steps[s].outputs) {
                if (slot >= 0) {
                    last[slot] = s;
                }
            }
            for (int slot : steps[s].inputs) {
                last[slot] = s;
            }
        }
        List<List<Integer>> release = new ArrayList<>();
        for (int s = 0; s < steps.length; s++) {
            release.add(new ArrayList<>());
        }
        for (int slot = 0; slot < numSlots; slot++) {
            if (!pinned[slot] && last[slot] >= 0) {
                release.get(last[slot]).add(slot);
            }
        }
        for (int s = 0; s < steps.length; s++) {
            steps[s].releaseAfter = release.get(s).stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
