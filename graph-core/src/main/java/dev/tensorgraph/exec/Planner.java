package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.RunRecorder;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
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
        PlanScope root = PlanScope.root(feeds, fetches, targets);
        PlanRewriter.Rewritten r = fuseOps
                ? PlanRewrites.apply(feeds, fetches, targets,
                        prune(new HashSet<>(feeds), fetches, targets, root.boundary(), root.within()),
                        device == null ? KernelRegistry.CPU : device.deviceType())
                : null;
        if (r != null) {
            Plan plan = compile(PlanScope.root(r.feeds(), r.fetches(), r.targets()), variables, device,
                    recordDeviceWork, true, feeds);
            plan.stateOwners = r.origins();
            return plan;
        }
        return compile(root, variables, device, recordDeviceWork, fuseOps, feeds);
    }

    /** Compiles one scope: a session's run, or one iteration of a while loop (see {@link LoopUnit}). */
    static Plan compile(PlanScope scope, Function<String, VariableSlot> variables, DeviceContext device,
                        boolean recordDeviceWork, boolean fuseOps) {
        return compile(scope, variables, device, recordDeviceWork, fuseOps, scope.feeds());
    }

    /** As above, the plan's feed slots keyed by {@code feedKeys} (the caller's feeds, in the scope's order). */
    private static Plan compile(PlanScope scope, Function<String, VariableSlot> variables, DeviceContext device,
                                boolean recordDeviceWork, boolean fuseOps, List<Output> feedKeys) {
        List<Output> feeds = scope.feeds();
        List<Output> fetches = scope.fetches();
        Set<Output> fed = new HashSet<>(feeds);
        List<Operation> pruned = prune(fed, fetches, scope.targets(), scope.boundary(), scope.within());
        Placement placement = device == null || pruned.isEmpty() ? Placement.cpuOnly()
                : Placement.forDevice(device.deviceType(), pruned.get(0).graph());
        LoopFrames loops = LoopFrames.analyze(pruned, scope, new LoopRoles(placement::role));
        List<Operation> order = loops == null ? pruned : loops.order();
        Map<Operation, List<Operation>> waitedFor = fuseOps && loops == null && scope.isRoot()
                ? WaitedForOps.find(pruned, fed, fetches, scope.targets(), placement) : Map.of();
        Builder b = new Builder(device);

        Map<Output, Integer> slotOf = new HashMap<>();
        Map<Output, Integer> feedSlots = new HashMap<>();
        for (int i = 0; i < feeds.size(); i++) {
            int slot = b.newSlot(scope.feedOnDevice()[i]);
            feedSlots.put(feedKeys.get(i), slot);
            slotOf.put(feeds.get(i), slot);
        }
        // Reads by ops inside loops count too: a value a loop reads must not be fused away.
        Map<Operation, OpFusion.Pair> fusible = fuseOps
                ? OpFusion.candidates(pruned, fed, fetches, placement.fusionPatternTiers()) : Map.of();
        if (!waitedFor.isEmpty() && !fusible.isEmpty()) {
            fusible = new IdentityHashMap<>(fusible);
            fusible.values().removeIf(pair -> waitedFor.containsKey(pair.producer())
                    || waitedFor.containsKey(pair.consumer()));
        }
        if (loops != null && !fusible.isEmpty()) {
            Set<Operation> inOrder = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            inOrder.addAll(order);
            fusible = new IdentityHashMap<>(fusible);
            fusible.values().removeIf(pair -> !inOrder.contains(pair.producer()) || !inOrder.contains(pair.consumer()));
        }
        Set<Operation> absorbed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Placement.Placed[] placed = new Placement.Placed[order.size()];
        OpFusion.Pair[] fusedAt = new OpFusion.Pair[order.size()];
        LoopStepBuilder[] loopAt = new LoopStepBuilder[order.size()];
        FunctionalStepBuilder[] functionalAt = new FunctionalStepBuilder[order.size()];
        for (int s = 0; s < order.size(); s++) {
            Operation op = order.get(s);
            if (absorbed.contains(op) || waitedFor.containsKey(op)) {
                continue;
            }
            if (op.def().functional() != null) {
                functionalAt[s] = new FunctionalStepBuilder(op, i -> {
                    Integer slot = slotOf.get(op.input(i));
                    return slot != null && b.slotOnDevice.get(slot);
                }, variables, device, fuseOps);
                for (Output o : op.outputs()) {
                    if (!fed.contains(o)) {
                        slotOf.put(o, b.newSlot(functionalAt[s].outputOnDevice(o.index())));
                    }
                }
                continue;
            }
            LoopUnit unit = loops == null ? null : loops.unitAt(op);
            if (unit != null) {
                loopAt[s] = new LoopStepBuilder(unit, slotOf, b.slotOnDevice, variables, device, fuseOps);
                for (int i = 0; i < unit.exits.size(); i++) {
                    slotOf.put(unit.exits.get(i).output(0), b.newSlot(loopAt[s].exitOnDevice(i)));
                }
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
        // Loops decide deadness too: a loop's values are dead when it is (inside an untaken cond branch).
        boolean deadness = !scope.isRoot() || loops != null;
        String loopReason = null;
        for (int s = 0; s < order.size(); s++) {
            Operation op = order.get(s);
            if (loopAt[s] != null) {
                List<Output> external = loopAt[s].unit.externalInputs();
                int[] in = new int[external.size()];
                for (int i = 0; i < in.length; i++) {
                    int slot = slotOf.get(external.get(i));
                    in[i] = b.locate(slot, loopAt[s].externalOnDevice(i), external.get(i), feedSlots.containsValue(slot));
                }
                Step step = loopAt[s].step(in, slotOf);
                for (Operation x : loopAt[s].unit.exits) {
                    stepOf.put(x, step);
                }
                b.body.add(step);
                loopReason = loopReason != null ? loopReason : "while loop '" + loopAt[s].unit.frameName
                        + "' runs a number of iterations that depends on data";
                continue;
            }
            List<Operation> waits = waitedFor.get(op);
            if (waits != null) {
                Step step = Step.waitOnly(op, waits);
                stepOf.put(op, step);
                b.body.add(step);
                continue;
            }
            if (functionalAt[s] != null) {
                Step step = functionalStep(op, functionalAt[s], b, slotOf, feedSlots, fed);
                stepOf.put(op, step);
                b.body.add(step);
                continue;
            }
            Placement.Placed p = placed[s];
            if (p == null) {
                continue;
            }
            OpFusion.Pair pair = fusedAt[s];
            int[] in = new int[op.numInputs()];
            VariableSlot[] refs = new VariableSlot[op.numInputs()];
            VariableSlot[] variableValues = null;
            for (int i = 0; i < in.length; i++) {
                Output src = op.input(i);
                int slot = slotOf.get(src);
                boolean fedInput = feedSlots.containsValue(slot);
                if (!op.def().isRefInput(i) && !fedInput && !p.onDevice()) {
                    Operation variable = variableBehind(src, placement);
                    if (variable != null) {
                        if (variableValues == null) {
                            variableValues = new VariableSlot[in.length];
                        }
                        variableValues[i] = variables.apply(variable.name());
                    }
                }
                if (op.def().isRefInput(i)) {
                    Operation variable = variableBehind(src, placement);
                    if (variable == null) {
                        throw new InvalidArgumentException("input " + i + " of " + op.type() + " op '" + op.name()
                                + "' must be a variable, but comes from " + src.op().type() + " op '" + src.op().name() + "'");
                    }
                    refs[i] = variables.apply(variable.name());
                }
                boolean wantDevice = p.onDevice() && !p.factory().inputOnHost(op, i);
                in[i] = b.locate(slot, wantDevice, src, fedInput);
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
                    : new Step(op, p.kernel(), p.factory(), p.onDevice(), in, out, controls, refs, own, role);
            step.variableValues = variableValues;
            stepOf.put(op, step);
            if (pair != null) {
                stepOf.put(pair.consumer(), step);
            }
            b.body.add(step);
        }

        int[] fetchSlots = new int[fetches.size()];
        for (int i = 0; i < fetchSlots.length; i++) {
            Output f = fetches.get(i);
            fetchSlots[i] = b.fetch(slotOf.get(f), f, scope.fetchOnDevice()[i]);
        }

        Step[] steps = b.steps();
        IdentityHashMap<Step, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < steps.length; i++) {
            index.put(steps[i], i);
        }
        for (Step st : steps) {
            if (st.kind != Step.Kind.UPLOAD && st.kind != Step.Kind.DOWNLOAD) {
                mapControls(st, stepOf, index, slotOf);
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
        CaptureSpec capture = device != null && recordDeviceWork && device.supportsCapture() && scope.isRoot()
                ? CaptureSpec.analyze(steps, b.prefix.size(), b.suffix.size(), fetchSlots, feedSlots, b.onDevice())
                : CaptureSpec.NONE;
        if (loopReason != null && capture.capturable) {
            capture = CaptureSpec.notCapturable(loopReason);
        }
        if (b.copies > 0 && LOG.isDebugEnabled()) {
            for (Step st : steps) {
                if (st.kind == Step.Kind.UPLOAD || st.kind == Step.Kind.DOWNLOAD) {
                    LOG.debug("plan step: {}", st.description);
                }
            }
        }
        RunRecorder recorder = capture.capturable ? device.newRecorder() : null;
        return new Plan(steps, b.numSlots(), feedSlots, List.copyOf(feedKeys), fetchSlots,
                planVariables.toArray(new VariableSlot[0]), deadness, device, b.onDevice(), capture, recorder);
    }

    /** The step of a functional op, its inputs copied to where its functions want them. */
    private static Step functionalStep(Operation op, FunctionalStepBuilder fb, Builder b, Map<Output, Integer> slotOf,
                                       Map<Output, Integer> feedSlots, Set<Output> fed) {
        int[] in = new int[op.numInputs()];
        for (int i = 0; i < in.length; i++) {
            int slot = slotOf.get(op.input(i));
            in[i] = b.locate(slot, fb.inputOnDevice(i), op.input(i), feedSlots.containsValue(slot));
        }
        int[] out = new int[op.numOutputs()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fed.contains(op.output(i)) ? -1 : slotOf.get(op.output(i));
        }
        return fb.step(in, out);
    }

    /**
     * Resolves a step's control inputs to step indices. A control input on an op the scope's caller stands in
     * for (a loop's Merge or Enter) makes the step dead exactly when that op's value is.
     */
    private static void mapControls(Step st, IdentityHashMap<Operation, Step> stepOf, IdentityHashMap<Step, Integer> index,
                                    Map<Output, Integer> slotOf) {
        List<Operation> cs = st.controlOps;
        List<Integer> steps = new ArrayList<>(cs.size());
        List<Integer> deadSlots = new ArrayList<>();
        for (Operation c : cs) {
            Step cst = stepOf.get(c);
            if (cst != null) {
                steps.add(index.get(cst));
            } else if (c.numOutputs() > 0 && slotOf.containsKey(c.output(0))) {
                deadSlots.add(slotOf.get(c.output(0)));
            }
        }
        st.controlSteps = steps.stream().mapToInt(Integer::intValue).toArray();
        st.controlDeadSlots = deadSlots.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The variable op a ref input reads: its producer, or the variable behind ops that pass a reference on
     * (ops that declare {@link dev.tensorgraph.op.OpDef#forwardsRef}, such as RefSwitch and RefIdentity, and ops
     * that take input 0 by reference, such as a loop's RefEnter or Assign); null when a ref input does not come
     * from a variable.
     */
    static Operation variableBehind(Output ref, Placement placement) {
        Operation op = ref.op();
        for (int hops = 0; hops < 1000 && !placement.isVariable(op); hops++) {
            if (op.numInputs() == 0 || !(op.def().forwardsRef() || op.def().isRefInput(0))) {
                return null;
            }
            op = op.input(0).op();
        }
        return placement.isVariable(op) ? op : null;
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

        /**
         * The slot a fetch reads, where {@code wantDevice} asks for it (null: where it is), adding a copy at the
         * end when it is on the other side.
         */
        int fetch(int slot, Output value, Boolean wantDevice) {
            if (wantDevice == null || slotOnDevice.get(slot) == wantDevice) {
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
            suffix.add(Step.copy(wantDevice, value.op(), value.name(), device.name(), slot, to));
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

    /**
     * Ops the fetches and targets need, in creation order (topological but for loops); fed tensors, the ops
     * the scope's caller stands in for and, in a loop's iteration, the loop's edge cut the walk.
     */
    private static List<Operation> prune(Set<Output> fed, List<Output> fetches, List<Operation> targets,
                                         Set<Operation> boundary, Set<Operation> within) {
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
            if (boundary.contains(op) || (within != null && !within.contains(op)) || !needed.add(op)) {
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
