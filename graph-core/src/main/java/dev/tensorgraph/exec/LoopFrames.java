package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The while loops of a pruned plan, found as TensorFlow's executor finds its frames: an {@code Enter} starts
 * the frame its {@code frame_name} attribute names, inside the frame of its input; an {@code Exit} leaves its
 * frame to the enclosing one; every other op runs in the innermost frame its inputs and control inputs come
 * from (an op with none runs at the top). An op may read values of enclosing frames directly (TensorFlow would
 * want an Enter there; reading such a value is well defined, the same in every iteration), but not values of
 * a frame it is not inside.
 *
 * <p>Each frame directly inside the plan's own becomes one {@link LoopUnit}: one step of the plan, placed in
 * the order by its inputs. The order of the remaining ops is their creation order where it can be, so a plan
 * without loops never comes here and keeps its order exactly.
 */
final class LoopFrames {
    /** One frame: its name and the frame it was entered from ({@code null} at the top). */
    static final class Frame {
        final String name;
        final Frame parent;
        final int depth;
        private final Map<String, Frame> children = new HashMap<>();

        Frame(String name, Frame parent) {
            this.name = name;
            this.parent = parent;
            this.depth = parent == null ? 0 : parent.depth + 1;
        }

        Frame child(String childName) {
            return children.computeIfAbsent(childName, n -> new Frame(n, this));
        }

        boolean isWithin(Frame other) {
            Frame f = this;
            while (f != null && f.depth > other.depth) {
                f = f.parent;
            }
            return f == other;
        }

        String describe() {
            return name == null ? "the top level" : "while loop '" + name + "'";
        }
    }

    private final List<Operation> order;
    private final IdentityHashMap<Operation, LoopUnit> unitAt;

    private LoopFrames(List<Operation> order, IdentityHashMap<Operation, LoopUnit> unitAt) {
        this.order = order;
        this.unitAt = unitAt;
    }

    /**
     * The loops of {@code pruned} (the ops one scope needs), or null when it has none. Fetches and targets
     * must be outside every loop; a loop's results leave it through its Exit ops.
     */
    static LoopFrames analyze(List<Operation> pruned, PlanScope scope, LoopRoles roles) {
        if (!roles.anyLoop(pruned)) {
            return null;
        }
        Set<Operation> inPlan = Collections.newSetFromMap(new IdentityHashMap<>());
        inPlan.addAll(pruned);
        List<Operation> topo = topologicalOrder(pruned, inPlan, roles);
        Frame top = new Frame(scope.frameName(), null);
        IdentityHashMap<Operation, Frame> frameOf = new IdentityHashMap<>();
        for (Operation op : topo) {
            Frame in = top;
            for (int i = 0; i < op.numInputs(); i++) {
                Operation p = op.input(i).op();
                if (inPlan.contains(p) && !roles.isBackEdge(op, i)) {
                    in = deeper(in, resultFrame(p, frameOf, roles), op, p);
                }
            }
            for (Operation p : op.controlInputs()) {
                if (inPlan.contains(p)) {
                    in = deeper(in, resultFrame(p, frameOf, roles), op, p);
                }
            }
            frameOf.put(op, roles.isEnter(op) ? in.child(frameName(op)) : in);
        }
        for (Output f : scope.fetches()) {
            Operation p = f.op();
            if (inPlan.contains(p) && resultFrame(p, frameOf, roles) != top) {
                throw new InvalidArgumentException("cannot fetch '" + f.name() + "': it is computed inside "
                        + frameOf.get(p).describe() + "; fetch a value the loop returns (an Exit) instead");
            }
        }
        for (Operation t : scope.targets()) {
            if (resultFrame(t, frameOf, roles) != top) {
                throw new InvalidArgumentException("cannot run '" + t.name() + "' as a target: it is inside "
                        + frameOf.get(t).describe());
            }
        }
        return group(topo, top, frameOf, inPlan, roles);
    }

    /** The frame an op's outputs live in: an Exit's is the one its loop was entered from. */
    private static Frame resultFrame(Operation p, IdentityHashMap<Operation, Frame> frameOf, LoopRoles roles) {
        Frame f = frameOf.get(p);
        if (roles.isExit(p)) {
            if (f.parent == null || f.depth == 0) {
                throw new InvalidArgumentException("Exit op '" + p.name() + "' is not inside a while loop: no Enter op "
                        + "leads to it");
            }
            return f.parent;
        }
        return f;
    }

    private static Frame deeper(Frame a, Frame b, Operation op, Operation from) {
        if (b.isWithin(a)) {
            return b;
        }
        if (a.isWithin(b)) {
            return a;
        }
        throw new InvalidArgumentException("op '" + op.name() + "' (" + op.type() + ") reads values of two different "
                + "loops: " + a.describe() + " and, through '" + from.name() + "', " + b.describe());
    }

    private static String frameName(Operation enter) {
        Object name = enter.attrs().get("frame_name");
        if (!(name instanceof String s) || s.isEmpty()) {
            throw new InvalidArgumentException(enter.type() + " op '" + enter.name() + "' has no frame_name");
        }
        return s;
    }

    /** Kahn's algorithm over data edges (back edges left out) and control edges, lowest op id first. */
    private static List<Operation> topologicalOrder(List<Operation> ops, Set<Operation> inPlan, LoopRoles roles) {
        IdentityHashMap<Operation, Integer> pending = new IdentityHashMap<>();
        IdentityHashMap<Operation, List<Operation>> consumers = new IdentityHashMap<>();
        for (Operation op : ops) {
            int n = 0;
            for (int i = 0; i < op.numInputs(); i++) {
                Operation p = op.input(i).op();
                if (inPlan.contains(p) && !roles.isBackEdge(op, i)) {
                    n++;
                    consumers.computeIfAbsent(p, k -> new ArrayList<>()).add(op);
                }
            }
            for (Operation p : op.controlInputs()) {
                if (inPlan.contains(p)) {
                    n++;
                    consumers.computeIfAbsent(p, k -> new ArrayList<>()).add(op);
                }
            }
            pending.put(op, n);
        }
        return kahn(ops, pending, consumers, Operation::id, "ops");
    }

    private static <T> List<T> kahn(List<T> nodes, Map<T, Integer> pending, Map<T, List<T>> consumers,
                                    java.util.function.ToIntFunction<T> priority, String what) {
        PriorityQueue<T> ready = new PriorityQueue<>(Comparator.comparingInt(priority));
        for (T n : nodes) {
            if (pending.get(n) == 0) {
                ready.add(n);
            }
        }
        List<T> out = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            T n = ready.poll();
            out.add(n);
            for (T c : consumers.getOrDefault(n, List.of())) {
                if (pending.merge(c, -1, Integer::sum) == 0) {
                    ready.add(c);
                }
            }
        }
        if (out.size() != nodes.size()) {
            throw new InvalidArgumentException("the " + what + " of this run form a cycle that is not a while loop "
                    + "(a loop's only cycle runs from NextIteration back into its Merge)");
        }
        return out;
    }

    /** Groups the ops of each loop directly inside {@code top} into a unit and orders units and the other ops. */
    private static LoopFrames group(List<Operation> topo, Frame top, IdentityHashMap<Operation, Frame> frameOf,
                                    Set<Operation> inPlan, LoopRoles roles) {
        LinkedHashMap<Frame, List<Operation>> members = new LinkedHashMap<>();
        IdentityHashMap<Operation, Frame> loopOf = new IdentityHashMap<>();
        List<Object> nodes = new ArrayList<>();
        for (Operation op : topo) {
            Frame f = frameOf.get(op);
            if (f == top) {
                nodes.add(op);
                continue;
            }
            while (f.parent != top) {
                f = f.parent;
            }
            loopOf.put(op, f);
            members.computeIfAbsent(f, k -> new ArrayList<>()).add(op);
        }
        IdentityHashMap<Frame, LoopUnit> units = new IdentityHashMap<>();
        for (Map.Entry<Frame, List<Operation>> e : members.entrySet()) {
            LoopUnit u = LoopUnit.of(e.getKey().name, e.getValue(), frameOf, e.getKey(), roles);
            units.put(e.getKey(), u);
            nodes.add(u);
        }
        // Order units and top-level ops by what they read.
        Map<Object, Integer> pending = new IdentityHashMap<>();
        Map<Object, List<Object>> consumers = new IdentityHashMap<>();
        for (Object n : nodes) {
            List<Operation> producers = new ArrayList<>();
            if (n instanceof Operation op) {
                for (int i = 0; i < op.numInputs(); i++) {
                    producers.add(op.input(i).op());
                }
                producers.addAll(op.controlInputs());
            } else {
                LoopUnit u = (LoopUnit) n;
                for (Output o : u.externalInputs()) {
                    producers.add(o.op());
                }
                producers.addAll(u.externalControls());
            }
            int count = 0;
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Operation p : producers) {
                if (!inPlan.contains(p)) {
                    continue;
                }
                Frame lf = loopOf.get(p);
                Object src = lf == null ? p : units.get(lf);
                if (src != n && seen.add(src)) {
                    count++;
                    consumers.computeIfAbsent(src, k -> new ArrayList<>()).add(n);
                }
            }
            pending.put(n, count);
        }
        List<Object> ordered = kahn(nodes, pending, consumers,
                n -> n instanceof Operation op ? op.id() : ((LoopUnit) n).representative().id(), "ops and loops");
        List<Operation> order = new ArrayList<>(ordered.size());
        IdentityHashMap<Operation, LoopUnit> unitAt = new IdentityHashMap<>();
        for (Object n : ordered) {
            if (n instanceof Operation op) {
                order.add(op);
            } else {
                LoopUnit u = (LoopUnit) n;
                order.add(u.representative());
                unitAt.put(u.representative(), u);
            }
        }
        return new LoopFrames(order, unitAt);
    }

    /** The scope's own ops, with each loop in it represented by one of its Exit ops, in run order. */
    List<Operation> order() {
        return order;
    }

    /** The loop whose step is at {@code op}'s place in {@link #order()}, or null for an ordinary op. */
    LoopUnit unitAt(Operation op) {
        return unitAt.get(op);
    }
}
