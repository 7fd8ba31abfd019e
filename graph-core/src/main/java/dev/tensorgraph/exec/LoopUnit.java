package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One while loop of a plan, as TensorFlow 1.x builds it: Enter ops bring values in (loop variables, or
 * constants with {@code is_constant}), a Merge per loop variable joins the entering value with the
 * NextIteration of the previous iteration, a LoopCond holds the predicate, Switch ops on it send values to
 * the body or to the Exit ops. Its ops (nested loops included) compile into one iteration, a plan of their
 * own ({@link PlanScope}), and the loop into one step of the enclosing plan whose inputs are the values the
 * loop reads from outside and whose outputs are its Exit values.
 */
final class LoopUnit {
    /** A loop variable: its Merge, the Enter that gives its first value, the NextIteration that gives the next. */
    record LoopVariable(Operation merge, Operation enter, Operation nextIteration) {}

    final String frameName;
    final List<Operation> members;
    final List<LoopVariable> variables = new ArrayList<>();
    final List<Operation> constantEnters = new ArrayList<>();
    final List<Operation> exits = new ArrayList<>();
    final Operation loopCond;
    /** Values read from outside by ops of the loop other than its own Enter ops. */
    final List<Output> captures = new ArrayList<>();
    private final List<Output> externalInputs;
    private final List<Operation> externalControls;

    private LoopUnit(String frameName, List<Operation> members, Operation loopCond, List<Output> externalInputs,
                     List<Operation> externalControls) {
        this.frameName = frameName;
        this.members = members;
        this.loopCond = loopCond;
        this.externalInputs = externalInputs;
        this.externalControls = externalControls;
    }

    /**
     * The loop of frame {@code frame} with ops {@code members} (in run order; nested loops' ops included),
     * checked to have TensorFlow's structure.
     */
    static LoopUnit of(String frameName, List<Operation> members, IdentityHashMap<Operation, LoopFrames.Frame> frameOf,
                       LoopFrames.Frame frame, LoopRoles roles) {
        Set<Operation> inLoop = Collections.newSetFromMap(new IdentityHashMap<>());
        inLoop.addAll(members);
        Operation loopCond = null;
        LinkedHashSet<Output> external = new LinkedHashSet<>();
        LinkedHashSet<Operation> externalControls = new LinkedHashSet<>();
        for (Operation op : members) {
            boolean own = frameOf.get(op) == frame;
            if (own && roles.isLoopCondition(op)) {
                if (loopCond != null) {
                    throw new InvalidArgumentException("while loop '" + frameName + "' has two LoopCond ops, '"
                            + loopCond.name() + "' and '" + op.name() + "'");
                }
                loopCond = op;
            }
            for (int i = 0; i < op.numInputs(); i++) {
                if (!inLoop.contains(op.input(i).op())) {
                    external.add(op.input(i));
                }
            }
            for (Operation c : op.controlInputs()) {
                if (!inLoop.contains(c)) {
                    externalControls.add(c);
                }
            }
        }
        if (loopCond == null) {
            throw new InvalidArgumentException("while loop '" + frameName + "' has no LoopCond op, so nothing ends it");
        }
        LoopUnit u = new LoopUnit(frameName, members, loopCond, new ArrayList<>(external),
                new ArrayList<>(externalControls));
        u.classify(frameOf, frame, inLoop, roles);
        return u;
    }

    private void classify(IdentityHashMap<Operation, LoopFrames.Frame> frameOf, LoopFrames.Frame frame,
                          Set<Operation> inLoop, LoopRoles roles) {
        IdentityHashMap<Operation, Operation> mergeOfEnter = new IdentityHashMap<>();
        for (Operation op : members) {
            boolean own = frameOf.get(op) == frame;
            if (own && roles.isEnter(op)) {
                if (Boolean.TRUE.equals(op.attrs().get("is_constant"))) {
                    constantEnters.add(op);
                }
            } else if (own && roles.isExit(op)) {
                exits.add(op);
            } else if (own && roles.isMerge(op) && hasBackEdge(op, roles)) {
                LoopVariable v = loopVariable(op, frameOf, frame, roles);
                variables.add(v);
                mergeOfEnter.put(v.enter(), op);
            }
            if (!(own && roles.isEnter(op))) {
                for (int i = 0; i < op.numInputs(); i++) {
                    Output in = op.input(i);
                    if (!inLoop.contains(in.op()) && !captures.contains(in)) {
                        captures.add(in);
                    }
                }
            }
        }
        if (exits.isEmpty()) {
            throw new InvalidArgumentException("while loop '" + frameName + "' is needed, but none of its Exit ops is");
        }
        for (Operation op : members) {
            for (int i = 0; i < op.numInputs(); i++) {
                Operation src = op.input(i).op();
                if (roles.isEnter(src) && frameOf.get(src) == frame && !constantEnters.contains(src)
                        && mergeOfEnter.get(src) != op) {
                    throw new UnimplementedException("Enter op '" + src.name() + "' of while loop '" + frameName
                            + "' is not constant but feeds " + op.type() + " op '" + op.name()
                            + "'; only a loop variable's Merge may read a non-constant Enter");
                }
            }
        }
    }

    private static boolean hasBackEdge(Operation merge, LoopRoles roles) {
        for (int i = 0; i < merge.numInputs(); i++) {
            if (roles.isBackEdge(merge, i)) {
                return true;
            }
        }
        return false;
    }

    private LoopVariable loopVariable(Operation merge, IdentityHashMap<Operation, LoopFrames.Frame> frameOf,
                                      LoopFrames.Frame frame, LoopRoles roles) {
        Operation enter = null;
        Operation next = null;
        if (merge.numInputs() == 2) {
            for (int i = 0; i < 2; i++) {
                Operation src = merge.input(i).op();
                if (roles.isBackEdge(merge, i)) {
                    next = frameOf.get(src) == frame ? src : null;
                } else if (roles.isEnter(src) && frameOf.get(src) == frame
                        && !Boolean.TRUE.equals(src.attrs().get("is_constant"))) {
                    enter = src;
                }
            }
        }
        if (enter == null || next == null) {
            throw new UnimplementedException("Merge op '" + merge.name() + "' of while loop '" + frameName + "' must "
                    + "join one non-constant Enter of the loop and one NextIteration of the loop; it reads "
                    + merge.inputs().stream().map(Output::name).toList());
        }
        return new LoopVariable(merge, enter, next);
    }

    /** The op whose place in the enclosing plan's order the loop's step takes. */
    Operation representative() {
        return exits.get(0);
    }

    /** Values from outside the loop that its ops read (its Enter ops' inputs and captures), in first-use order. */
    List<Output> externalInputs() {
        return externalInputs;
    }

    /** Ops outside the loop that ops of the loop wait for. */
    List<Operation> externalControls() {
        return externalControls;
    }

    /**
     * The scope of one iteration: feeds are each loop variable's Merge outputs, each constant Enter's output
     * and each capture, in that order; fetches are the predicate, each loop variable's next value and each
     * Exit's input; targets are the ops the NextIteration and Exit ops wait for.
     *
     * @param externalOnDevice where each of {@link #externalInputs()} arrives
     * @param nextWhereProduced whether next values are fetched where the body makes them (to find out where
     *     that is), rather than where the loop variable lives
     */
    PlanScope iterationScope(boolean[] externalOnDevice, boolean nextWhereProduced) {
        List<Output> feeds = new ArrayList<>();
        List<Boolean> feedOnDevice = new ArrayList<>();
        for (LoopVariable v : variables) {
            feeds.add(v.merge().output(0));
            feedOnDevice.add(externalOnDevice[externalInputs.indexOf(v.enter().input(0))]);
            feeds.add(v.merge().output(1));
            feedOnDevice.add(false);
        }
        for (Operation e : constantEnters) {
            feeds.add(e.output(0));
            feedOnDevice.add(externalOnDevice[externalInputs.indexOf(e.input(0))]);
        }
        for (Output c : captures) {
            feeds.add(c);
            feedOnDevice.add(externalOnDevice[externalInputs.indexOf(c)]);
        }
        boolean[] onDevice = new boolean[feeds.size()];
        for (int i = 0; i < onDevice.length; i++) {
            onDevice[i] = feedOnDevice.get(i);
        }
        List<Output> fetches = new ArrayList<>();
        List<Boolean> fetchOnDevice = new ArrayList<>();
        fetches.add(loopCond.output(0));
        fetchOnDevice.add(Boolean.FALSE);
        for (int i = 0; i < variables.size(); i++) {
            fetches.add(variables.get(i).nextIteration().input(0));
            fetchOnDevice.add(nextWhereProduced ? null : onDevice[2 * i]);
        }
        for (Operation x : exits) {
            fetches.add(x.input(0));
            fetchOnDevice.add(null);
        }
        Set<Operation> inLoop = Collections.newSetFromMap(new IdentityHashMap<>());
        inLoop.addAll(members);
        List<Operation> targets = new ArrayList<>();
        Set<Operation> boundary = Collections.newSetFromMap(new IdentityHashMap<>());
        for (LoopVariable v : variables) {
            boundary.add(v.merge());
            boundary.add(v.enter());
            boundary.add(v.nextIteration());
            addTargets(v.nextIteration(), inLoop, targets);
        }
        boundary.addAll(constantEnters);
        for (Operation x : exits) {
            boundary.add(x);
            addTargets(x, inLoop, targets);
        }
        return new PlanScope(feeds, onDevice, fetches, fetchOnDevice.toArray(new Boolean[0]), targets, boundary, inLoop,
                frameName);
    }

    private static void addTargets(Operation op, Set<Operation> inLoop, List<Operation> targets) {
        for (Operation c : op.controlInputs()) {
            if (inLoop.contains(c) && !targets.contains(c)) {
                targets.add(c);
            }
        }
    }

    @Override
    public String toString() {
        return "while loop '" + frameName + "'";
    }
}
