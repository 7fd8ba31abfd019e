package dev.tensorgraph.grad;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.HalfFloats;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.op.GradientFunction;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.ServiceProviders;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode engine behind {@code tf.gradients}: finds the ops between {@code xs} and {@code ys},
 * walks them backward in dependency order (iteratively, so graph depth is no limit), calls each op's
 * registered gradient function inside a {@code <op>_grad} name scope, sums several incoming gradients,
 * and checks every returned gradient against its input's shape. The few ops the engine adds itself (zeros,
 * sums, the default {@code grad_ys}) come from the op library through {@link GradientSupport}.
 */
public final class Gradients {
    private final List<Output> ys;
    private final List<Output> xs;
    private List<Output> gradYs;
    private List<Output> stopGradients = List.of();
    private boolean unconnectedZeros;
    private boolean gateGradients;
    private String scopeName = "gradients";
    private final GradientSupport support = ServiceProviders.one(GradientSupport.class);

    private Gradients(List<Output> ys, List<Output> xs) {
        this.ys = ys;
        this.xs = xs;
    }

    public static Gradients builder(List<Output> ys, List<Output> xs) {
        if (ys == null || xs == null || ys.isEmpty()) {
            throw new InvalidArgumentException("gradients needs a non-empty ys and an xs list");
        }
        return new Gradients(List.copyOf(ys), List.copyOf(xs));
    }

    /** Initial gradients for ys; null (or a null entry) means ones of y's shape. */
    public Gradients gradYs(List<Output> g) {
        this.gradYs = g == null ? null : Collections.unmodifiableList(new ArrayList<>(g));
        return this;
    }

    /** Tensors held constant: nothing flows back through them. */
    public Gradients stopGradients(List<Output> stops) {
        this.stopGradients = stops == null ? List.of() : List.copyOf(stops);
        return this;
    }

    /** Zeros instead of null for an x that no y depends on. */
    public Gradients unconnectedZeros(boolean zeros) {
        this.unconnectedZeros = zeros;
        return this;
    }

    /**
     * TensorFlow's {@code gate_gradients}: the gradients an op's gradient function returns for its inputs pass
     * through TensorFlow's {@code tuple} ({@link GradientSupport#tuple}, under {@code <op>_grad/tuple}) when there are several, so none is used before
     * all are computed. Off by default, as in {@code tf.gradients}; optimizers turn it on (GATE_OP).
     */
    public Gradients gateGradients(boolean gate) {
        this.gateGradients = gate;
        return this;
    }

    public Gradients name(String name) {
        this.scopeName = name;
        return this;
    }

    public List<Output> build() {
        Graph g = ys.get(0).graph();
        for (Output t : concat(ys, xs, stopGradients)) {
            if (t.graph() != g) {
                throw new InvalidArgumentException("gradients: tensor '" + t.name() + "' belongs to another graph");
            }
        }
        if (gradYs != null && gradYs.size() != ys.size()) {
            throw new InvalidArgumentException("gradients: " + ys.size() + " ys but " + gradYs.size() + " gradYs");
        }
        List<Operation> ops = g.operations();
        int n = ops.size();
        boolean[] between = findBetween(ops, n);
        Set<Operation> stopOps = new HashSet<>();
        for (Output s : stopGradients) {
            stopOps.add(s.op());
        }

        Map<Output, List<Output>> grads = new HashMap<>();
        try (var scope = g.nameScope(scopeName)) {
            for (int i = 0; i < ys.size(); i++) {
                Output y = ys.get(i);
                Output gy = gradYs == null ? null : gradYs.get(i);
                if (gy == null) {
                    gy = onesLike(g, y, i);
                } else if (gy.dtype() != y.dtype() || !gy.shape().isCompatibleWith(y.shape())) {
                    throw new InvalidArgumentException("gradients: gradYs[" + i + "] is " + gy.dtype() + gy.shape()
                            + " but y '" + y.name() + "' is " + y.dtype() + y.shape());
                } else {
                    // As TensorFlow: a given gradient enters under this call's name scope, which tensor array
                    // gradients use to tell gradient computations apart.
                    gy = support.identity(g, gy, "grad_ys_" + i);
                }
                grads.computeIfAbsent(y, k -> new ArrayList<>()).add(gy);
            }
            LoopGradientState loops = beginLoops(g, ops, between);
            int[] pending = new int[n];
            for (Operation op : ops) {
                if (between[op.id()]) {
                    for (Output in : op.inputs()) {
                        if (between[in.op().id()]) {
                            pending[in.op().id()]++;
                        }
                    }
                }
            }
            ArrayDeque<Operation> ready = new ArrayDeque<>();
            Set<Operation> queued = new HashSet<>();
            Set<Operation> yOps = new HashSet<>();
            for (Output y : ys) {
                Operation op = y.op();
                yOps.add(op);
                if (between[op.id()] && pending[op.id()] == 0 && queued.add(op)) {
                    ready.add(op);
                }
            }
            LoopGradientState.Grads view = loops == null ? null : gradsView(grads, pending);
            if (loops != null) {
                for (Output exit : loops.unusedExits(yOps, view)) {
                    if (backpropagates(exit.dtype())) {
                        grads.computeIfAbsent(exit, k -> new ArrayList<>()).add(loops.zerosLikeForExit(exit));
                    }
                    ready.add(exit.op());
                }
            }
            while (!ready.isEmpty()) {
                Operation op = ready.poll();
                List<Output> inGrads = backprop(g, op, grads, between, stopOps, loops);
                for (int i = 0; i < op.numInputs(); i++) {
                    Output in = op.input(i);
                    int pid = in.op().id();
                    if (pid >= n || !between[pid]) {
                        continue;
                    }
                    Output gi = inGrads == null ? null : inGrads.get(i);
                    if (gi != null && carriesGradient(in)) {
                        grads.computeIfAbsent(in, k -> new ArrayList<>()).add(gi);
                    }
                    pending[pid]--;
                    if (loops == null) {
                        if (pending[pid] == 0 && queued.add(in.op())) {
                            ready.add(in.op());
                        }
                    } else if (pending[pid] == 0 || (pending[pid] > 0 && loops.isLoopSwitch(in.op()))) {
                        // A loop's Switch is differentiated twice: once its Exit has a gradient, once its body has.
                        if (loops.isLoopExit(in.op())) {
                            ready.addAll(loops.exitReady(in.op(), view));
                        } else {
                            ready.add(in.op());
                        }
                    }
                }
            }
            if (loops != null) {
                loops.finish();
            }
            List<Output> result = new ArrayList<>(xs.size());
            for (Output x : xs) {
                Output gx = aggregate(g, grads.get(x));
                if (gx == null && unconnectedZeros) {
                    gx = support.zerosLike(g, x);
                }
                result.add(gx);
            }
            return result;
        }
    }

    /** The loop state from the library that builds loops, or null when no op between xs and ys is a loop Exit. */
    private static LoopGradientState beginLoops(Graph g, List<Operation> ops, boolean[] between) {
        List<Operation> betweenOps = new ArrayList<>();
        boolean anyExit = false;
        for (Operation op : ops) {
            if (between[op.id()]) {
                betweenOps.add(op);
                anyExit |= op.def().loopRole() == dev.tensorgraph.op.OpDef.LoopRole.EXIT;
            }
        }
        if (!anyExit) {
            return null;
        }
        for (LoopGradientSupport support : LOOP_SUPPORT) {
            LoopGradientState state = support.begin(g, betweenOps, new LoopGradientSupport.Marker() {
                @Override
                public boolean isBetween(Operation op) {
                    return op.id() < between.length && between[op.id()];
                }

                @Override
                public void markBetween(Operation op) {
                    if (op.id() < between.length) {
                        between[op.id()] = true;
                    }
                }
            });
            if (state != null) {
                return state;
            }
        }
        return null;
    }

    private static final List<LoopGradientSupport> LOOP_SUPPORT = java.util.ServiceLoader
            .load(LoopGradientSupport.class, Gradients.class.getClassLoader()).stream()
            .map(java.util.ServiceLoader.Provider::get).toList();

    private static LoopGradientState.Grads gradsView(Map<Output, List<Output>> grads, int[] pending) {
        return new LoopGradientState.Grads() {
            @Override
            public boolean hasAny(Operation op) {
                for (Output o : op.outputs()) {
                    List<Output> l = grads.get(o);
                    if (l != null && l.stream().anyMatch(java.util.Objects::nonNull)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public void add(Output t, Output grad) {
                grads.computeIfAbsent(t, k -> new ArrayList<>()).add(grad);
            }

            @Override
            public int pending(Operation op) {
                return op.id() < pending.length ? pending[op.id()] : 0;
            }

            @Override
            public void setPending(Operation op, int count) {
                if (op.id() < pending.length) {
                    pending[op.id()] = count;
                }
            }
        };
    }

    private List<Output> backprop(Graph g, Operation op, Map<Output, List<Output>> grads, boolean[] between,
                                  Set<Operation> stopOps, LoopGradientState loops) {
        List<Output> outGrads = new ArrayList<>(op.numOutputs());
        boolean any = false;
        try (var context = loops == null ? null : loops.enterGradContext(op, true)) {
            for (Output o : op.outputs()) {
                Output agg = aggregate(g, grads.get(o));
                if (loops != null) {
                    // Keep the sum: a loop's Switch is differentiated twice and must not sum again.
                    List<Output> kept = new ArrayList<>(1);
                    if (agg != null) {
                        kept.add(agg);
                    }
                    grads.put(o, kept);
                }
                outGrads.add(agg);
                any |= agg != null;
            }
        }
        if (!any || stopOps.contains(op) || op.numInputs() == 0) {
            return null;
        }
        boolean inputNeedsGrad = false;
        for (Output in : op.inputs()) {
            inputNeedsGrad |= in.op().id() < between.length && between[in.op().id()] && carriesGradient(in);
        }
        if (!inputNeedsGrad) {
            return null;
        }
        OpDef def = op.def();
        if (!def.isDifferentiable()) {
            return null;
        }
        GradientFunction fn = def.gradient();
        if (fn == null) {
            throw new NotFoundException("No gradient defined for operation '" + op.name() + "' (op type: " + op.type() + ")");
        }
        List<Output> inGrads;
        try (var context = loops == null ? null : loops.enterGradContext(op, false);
             var scope = g.nameScope(op.name() + "_grad")) {
            for (int i = 0; i < outGrads.size(); i++) {
                Output o = op.output(i);
                if (outGrads.get(i) == null && o.dtype().isFloating()) {
                    outGrads.set(i, loops != null ? loops.zerosLike(op, i) : support.zerosLike(g, o));
                }
            }
            try {
                inGrads = fn.gradients(op, Collections.unmodifiableList(outGrads));
            } catch (TensorgraphException e) {
                throw e.atNode(op.name() + " (" + op.type() + ") gradient");
            } catch (RuntimeException e) {
                throw new InternalException("gradient function of " + op.type() + " failed for op '" + op.name() + "': " + e, e);
            }
            if (gateGradients && inGrads != null && inGrads.stream().filter(java.util.Objects::nonNull).count() > 1) {
                inGrads = support.tuple(g, inGrads);
            }
        }
        if (inGrads == null || inGrads.size() != op.numInputs()) {
            throw new InternalException("gradient of " + op.type() + " returned " + (inGrads == null ? "null" : inGrads.size())
                    + " gradients for op '" + op.name() + "' which has " + op.numInputs() + " inputs");
        }
        for (int i = 0; i < inGrads.size(); i++) {
            Output gi = inGrads.get(i);
            Output in = op.input(i);
            if (gi != null && backpropagates(in.dtype())) {
                if (!gi.shape().isCompatibleWith(in.shape())) {
                    throw new InternalException("gradient of " + op.type() + " op '" + op.name() + "' for input " + i
                            + " has shape " + gi.shape() + ", incompatible with the input's shape " + in.shape());
                }
                if (gi.dtype() != in.dtype()) {
                    throw new InternalException("gradient of " + op.type() + " op '" + op.name() + "' for input " + i
                            + " is " + gi.dtype() + " but the input is " + in.dtype());
                }
            }
        }
        return inGrads;
    }

    /**
     * Whether gradients flow through values of {@code t}: floating values, and variants (tensor lists, whose
     * gradients are lists of their elements' gradients).
     */
    private static boolean backpropagates(DType t) {
        return t.isFloating() || t == DType.VARIANT;
    }

    /** Ops on some path from an x to a y: reachable forward from xs and backward from ys. */
    private boolean[] findBetween(List<Operation> ops, int n) {
        List<List<Operation>> consumers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            consumers.add(null);
        }
        for (Operation op : ops) {
            for (Output in : op.inputs()) {
                int id = in.op().id();
                if (consumers.get(id) == null) {
                    consumers.set(id, new ArrayList<>(2));
                }
                consumers.get(id).add(op);
            }
        }
        boolean[] reached = new boolean[n];
        ArrayDeque<Operation> stack = new ArrayDeque<>();
        for (Output x : xs) {
            stack.push(x.op());
        }
        while (!stack.isEmpty()) {
            Operation op = stack.pop();
            if (reached[op.id()]) {
                continue;
            }
            reached[op.id()] = true;
            List<Operation> cs = consumers.get(op.id());
            if (cs != null) {
                for (Operation c : cs) {
                    if (!reached[c.id()]) {
                        stack.push(c);
                    }
                }
            }
        }
        boolean[] between = new boolean[n];
        for (Output y : ys) {
            stack.push(y.op());
        }
        while (!stack.isEmpty()) {
            Operation op = stack.pop();
            if (between[op.id()] || !reached[op.id()]) {
                continue;
            }
            between[op.id()] = true;
            for (Output in : op.inputs()) {
                if (!between[in.op().id()]) {
                    stack.push(in.op());
                }
            }
        }
        return between;
    }

    /**
     * Whether gradients flow into {@code t}: floats, and the handles of resource variables, whose gradient is that
     * of the variable's value (a read passes its gradient to the handle it read), as TensorFlow's
     * {@code IsTrainable} counts {@code resource} tensors.
     */
    private static boolean carriesGradient(Output t) {
        return backpropagates(t.dtype()) || t.dtype() == DType.RESOURCE;
    }

    private Output aggregate(Graph g, List<Output> list) {
        if (list == null || list.isEmpty()) {
            return null;
        }
        if (list.size() == 1) {
            return list.get(0);
        }
        return support.addN(g, list);
    }

    private Output onesLike(Graph g, Output y, int i) {
        DType dt = y.dtype();
        if (!dt.isFloating()) {
            throw new InvalidArgumentException("gradients: y '" + y.name() + "' is " + dt + "; only float ys can be differentiated");
        }
        Object one = switch (dt) {
            case FLOAT32 -> new float[] {1f};
            case BFLOAT16, HALF -> new short[] {HalfFloats.narrow(dt, 1f)};
            default -> new double[] {1d};
        };
        return support.fillLike(g, y, Tensor.of(dt, Shape.scalar(), one), "grad_ys_" + i);
    }

    @SafeVarargs
    private static List<Output> concat(List<Output>... lists) {
        List<Output> r = new ArrayList<>();
        for (List<Output> l : lists) {
            for (Output o : l) {
                if (o == null) {
                    throw new InvalidArgumentException("gradients: a tensor in ys, xs or stopGradients is null");
                }
                r.add(o);
            }
        }
        return r;
    }
}
