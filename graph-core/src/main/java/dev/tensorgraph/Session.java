package dev.tensorgraph;

import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.exec.Executor;
import dev.tensorgraph.exec.Plan;
import dev.tensorgraph.exec.Planner;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.kernel.VariableHandle;
import dev.tensorgraph.kernel.VariableSlot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Runs parts of a {@link Graph}. Each distinct (feeds, fetches, targets) signature is compiled once into a
 * cached plan; later runs with the same signature do no graph work. Variables live here, one value per
 * session. Safe to use from many threads at once.
 */
public final class Session implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Session.class);
    private final Graph graph;
    private final SessionOptions options;
    private final ConcurrentHashMap<PlanKey, Plan> plans = new ConcurrentHashMap<>();
    /** With mixed precision, each plan's fed tensors in the rewritten graph it runs, by the caller's tensor. */
    private final ConcurrentHashMap<PlanKey, Map<Output, Output>> rewrittenFeeds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, VariableSlot> variables = new ConcurrentHashMap<>();
    /** Resource variables by {@link VariableHandle#sessionKey container and shared name}. */
    private final ConcurrentHashMap<String, VariableSlot> resourceVariables = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Operation, Object> opStates = new ConcurrentHashMap<>();
    private final DeviceContext device;
    private final Executor.SessionResources resources;
    private volatile boolean closed;

    private record PlanKey(Set<Output> feeds, List<Output> fetches, List<Operation> targets) {
        // Written out: a record's generated equals and hashCode are linked through invokedynamic on first use,
        // which costs milliseconds on the first run of every program.
        @Override
        public boolean equals(Object o) {
            return o instanceof PlanKey k && feeds.equals(k.feeds) && fetches.equals(k.fetches)
                    && targets.equals(k.targets);
        }

        @Override
        public int hashCode() {
            return (feeds.hashCode() * 31 + fetches.hashCode()) * 31 + targets.hashCode();
        }
    }

    public Session(Graph graph) {
        this(graph, SessionOptions.defaults());
    }

    public Session(Graph graph, SessionOptions options) {
        if (graph == null || options == null) {
            throw new InvalidArgumentException("Session needs a graph and options, got null");
        }
        this.graph = graph;
        this.options = options;
        this.device = Devices.open(options);
        this.resources = new Resources(options.fileAccess());
    }

    /** What the executor sees of this session; one per run where the run widens file access. */
    private final class Resources implements Executor.SessionResources {
        private final FileAccessPolicy fileAccess;

        Resources(FileAccessPolicy fileAccess) {
            this.fileAccess = fileAccess;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T opState(Operation op, Supplier<T> create) {
            return (T) opStates.computeIfAbsent(op, k -> create.get());
        }

        @Override
        public int intraOpThreads() {
            return options.intraOpThreads();
        }

        @Override
        public boolean checkNumerics() {
            return options.checkNumerics();
        }

        @Override
        public long loopIterationLimit() {
            return options.loopIterationLimit();
        }

        @Override
        public FileAccessPolicy fileAccess() {
            return fileAccess;
        }

        @Override
        public VariableSlot sharedVariable(String container, String sharedName) {
            return resourceVariables.computeIfAbsent(VariableHandle.sessionKey(container, sharedName),
                    k -> new VariableSlot(sharedName));
        }
    }

    public Graph graph() {
        return graph;
    }

    public SessionOptions options() {
        return options;
    }

    /** Runs {@code fetch} with no feeds. */
    public Tensor run(Output fetch) {
        return run(fetch, Map.of());
    }

    public Tensor run(Output fetch, Map<Output, Tensor> feeds) {
        if (fetch == null) {
            throw new InvalidArgumentException("the tensor to fetch is null");
        }
        return run(List.of(fetch), feeds, List.of()).get(0);
    }

    /** Runs a tensor given by name, such as {@code "sum_c:0"}. */
    public Tensor run(String fetchName) {
        return run(graph.output(fetchName));
    }

    /** Runs {@code target} for its effect. */
    public void run(Operation target) {
        run(target, Map.of());
    }

    public void run(Operation target, Map<Output, Tensor> feeds) {
        if (target == null) {
            throw new InvalidArgumentException("the target to run is null");
        }
        run(List.of(), feeds, List.of(target));
    }

    public List<Tensor> run(List<Output> fetches, Map<Output, Tensor> feeds) {
        return run(fetches, feeds, List.of());
    }

    /** The general form: feed, fetch and run targets in one step. */
    public List<Tensor> run(List<Output> fetches, Map<Output, Tensor> feeds, List<Operation> targets) {
        return run(fetches, feeds, targets, false, null, null);
    }

    private List<Tensor> run(List<Output> fetchesAsGiven, Map<Output, Tensor> feedsAsGiven, List<Operation> targets,
                             boolean checkNumerics, FileAccessPolicy extraFileAccess, FetchListener fetchListener) {
        checkOpen();
        checkArguments(fetchesAsGiven, feedsAsGiven, targets);
        List<Output> fetches = snapshotsOfResourceVariables(fetchesAsGiven);
        Map<Output, Tensor> feeds = feedsAsGiven;
        for (Output f : feedsAsGiven.keySet()) {
            if (f instanceof Variable v && v.isResource()) {
                feeds = new LinkedHashMap<>();
                for (Map.Entry<Output, Tensor> e : feedsAsGiven.entrySet()) {
                    feeds.put(snapshotOf(e.getKey()), e.getValue());
                }
                break;
            }
        }
        PlanKey key = new PlanKey(feeds.keySet(), fetches, targets);
        Plan plan = plans.get(key);
        if (plan == null) {
            PlanKey owned = new PlanKey(Set.copyOf(feeds.keySet()), List.copyOf(fetches), List.copyOf(targets));
            plan = plans.computeIfAbsent(owned, this::buildPlan);
        }
        Map<Output, Output> rewritten = options.mixedPrecision() == null ? null : rewrittenFeeds.get(key);
        if (rewritten != null) {
            Map<Output, Tensor> translated = new HashMap<>();
            feeds.forEach((t, v) -> translated.put(rewritten.get(t), v));
            feeds = translated;
        }
        Executor.SessionResources run = extraFileAccess == null ? resources
                : new Resources(options.fileAccess().and(extraFileAccess));
        if (fetchListener != null) {
            return Executor.run(plan, feeds, run, checkNumerics, fetchListener);
        }
        return checkNumerics ? Executor.runCheckingNumerics(plan, feeds, run) : Executor.run(plan, feeds, run);
    }

    /**
     * {@code fetches} with each resource variable replaced by its snapshot read ({@code <name>/Read/ReadVariableOp}),
     * as TensorFlow fetches and feeds a resource variable's graph element.
     */
    private static List<Output> snapshotsOfResourceVariables(List<Output> fetches) {
        for (Output f : fetches) {
            if (f instanceof Variable v && v.isResource()) {
                List<Output> r = new ArrayList<>(fetches.size());
                for (Output o : fetches) {
                    r.add(snapshotOf(o));
                }
                return r;
            }
        }
        return fetches;
    }

    private static Output snapshotOf(Output o) {
        if (o instanceof Variable v && v.isResource()) {
            if (v.snapshot() == null) {
                throw new InvalidArgumentException("resource variable " + v.opName() + " has no snapshot read to fetch"
                        + " or feed; fetch a read of it instead");
            }
            return v.snapshot();
        }
        return o;
    }

    /**
     * Compiles a signature; with mixed precision, on a rewritten copy of the graph (see
     * {@link MixedPrecisionRewrite}) whose ops have the same names, so variables are shared by name.
     */
    private Plan buildPlan(PlanKey k) {
        if (options.mixedPrecision() == null) {
            return Planner.build(new ArrayList<>(k.feeds()), k.fetches(), k.targets(), this::variableSlot, device,
                    options.deviceGraphs(), options.fuseOps());
        }
        Set<String> preserved = new HashSet<>();
        k.feeds().forEach(o -> preserved.add(o.op().name()));
        k.fetches().forEach(o -> preserved.add(o.op().name()));
        Graph rewritten = MixedPrecisionRewrite.rewrite(graph, options.mixedPrecision(), preserved);
        Map<Output, Output> feedMap = new HashMap<>();
        for (Output f : k.feeds()) {
            feedMap.put(f, rewritten.output(f.name()));
        }
        rewrittenFeeds.put(k, feedMap);
        List<Output> fetches = k.fetches().stream().map(o -> rewritten.output(o.name())).toList();
        List<Operation> targets = k.targets().stream().map(t -> rewritten.operation(t.name())).toList();
        return Planner.build(new ArrayList<>(feedMap.values()), fetches, targets, this::variableSlot, device,
                options.deviceGraphs(), options.fuseOps());
    }

    private void checkOpen() {
        if (closed) {
            throw new FailedPreconditionException("Attempted to use a closed Session.");
        }
    }

    private DeviceContext planDevice() {
        return device;
    }

    /** The device this session runs ops on besides the CPU, or null when it uses the CPU only. */
    public DeviceContext device() {
        return device;
    }

    /** Where each step of the plan for these fetches and targets runs (building the plan if needed). */
    public List<String> describePlan(List<Output> fetches, Set<Output> feeds, List<Operation> targets) {
        PlanKey owned = new PlanKey(Set.copyOf(feeds), List.copyOf(fetches), List.copyOf(targets));
        Plan plan = plans.computeIfAbsent(owned, this::buildPlan);
        List<String> r = new ArrayList<>(plan.describe());
        if (device != null) {
            r.add("device graphs: " + plan.captureStatus() + " (" + plan.numRecordings() + " recorded)");
        }
        return r;
    }

    private void checkArguments(List<Output> fetches, Map<Output, Tensor> feeds, List<Operation> targets) {
        if (fetches == null || feeds == null || targets == null) {
            throw new InvalidArgumentException("fetches, feeds and targets must not be null (use empty collections)");
        }
        for (Output f : fetches) {
            if (f == null) {
                throw new InvalidArgumentException("a fetch is null");
            }
            if (f.graph() != graph) {
                throw new InvalidArgumentException("fetch '" + f.name() + "' belongs to another graph than this session's");
            }
        }
        for (Operation t : targets) {
            if (t == null) {
                throw new InvalidArgumentException("a target is null");
            }
            if (t.graph() != graph) {
                throw new InvalidArgumentException("target '" + t.name() + "' belongs to another graph than this session's");
            }
        }
        for (Map.Entry<Output, Tensor> e : feeds.entrySet()) {
            checkFeed(e.getKey(), e.getValue());
        }
    }

    private void checkFeed(Output target, Tensor value) {
        if (target == null) {
            throw new InvalidArgumentException("a feed key is null");
        }
        if (target.graph() != graph) {
            throw new InvalidArgumentException("fed tensor '" + target.name() + "' belongs to another graph than this session's");
        }
        if (value == null) {
            throw new InvalidArgumentException("the value fed for '" + target.name() + "' is null");
        }
        if (value.dtype() != target.dtype()) {
            throw new InvalidArgumentException("Cannot feed a " + value.dtype() + " tensor for '" + target.name()
                    + "', which has dtype " + target.dtype());
        }
        if (!value.shape().isCompatibleWith(target.shape())) {
            throw new InvalidArgumentException("Cannot feed value of shape " + value.shape() + " for Tensor '"
                    + target.name() + "', which has shape " + target.shape());
        }
    }

    /**
     * Starts moving {@code value}, to be fed to {@code fed} by a later run, to this session's device now (a
     * {@link FeedStaging}): the copy overlaps whatever the device computes meanwhile, and the run that feeds this
     * same tensor finds it there. Checks the value as a feed (dtype and shape against {@code fed}, naming it).
     * Without a device, or for a value the device does not copy ahead (under 4 KiB on a GPU), returns
     * {@link StagedFeed#NONE}. May be called from any thread while runs go on.
     */
    public StagedFeed stageFeed(Output fed, Tensor value) {
        checkOpen();
        checkFeed(fed, value);
        return device == null ? StagedFeed.NONE : device.stage(value);
    }

    VariableSlot variableSlot(String variableOpName) {
        return variables.computeIfAbsent(variableOpName, VariableSlot::new);
    }

    /** The current value of a variable in this session, or null when it was never initialized. */
    public Tensor variableValue(Variable v) {
        checkOpen();
        if (v == null) {
            throw new InvalidArgumentException("variableValue: the variable is null");
        }
        VariableSlot slot = v.isResource() ? resourceVariables.get(resourceKey(v)) : variables.get(v.opName());
        if (slot == null) {
            return null;
        }
        if (device == null) {
            Tensor t = slot.peek();
            return t == null ? null : t.copy();
        }
        ReentrantLock lock = device.runLock();
        lock.lock();
        try {
            return slot.snapshot();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets a variable's value directly, as restoring a checkpoint does; the dtype must match and, unless the
     * variable's static shape is unknown, the shape too.
     */
    public void setVariableValue(Variable v, Tensor value) {
        checkOpen();
        if (v == null || value == null) {
            throw new InvalidArgumentException("setVariableValue: the variable and the value must not be null");
        }
        if (v.graph() != graph) {
            throw new InvalidArgumentException("variable '" + v.opName() + "' belongs to another graph than this session's");
        }
        if (value.dtype() != v.dtype()) {
            throw new InvalidArgumentException("variable '" + v.opName() + "' is " + v.dtype() + " but the value is " + value.dtype());
        }
        if (!value.shape().isCompatibleWith(v.shape())) {
            throw new InvalidArgumentException("variable '" + v.opName() + "' has shape " + v.shape()
                    + " but the value has shape " + value.shape());
        }
        VariableSlot slot = v.isResource()
                ? resourceVariables.computeIfAbsent(resourceKey(v), k -> new VariableSlot(VariableHandle.sharedNameOf(v.op())))
                : variableSlot(v.opName());
        if (device == null) {
            slot.set(value.copy());
            return;
        }
        ReentrantLock lock = device.runLock();
        lock.lock();
        try {
            slot.set(value.copy());
        } finally {
            lock.unlock();
        }
    }

    private static String resourceKey(Variable v) {
        return VariableHandle.sessionKey(VariableHandle.containerOf(v.op()), VariableHandle.sharedNameOf(v.op()));
    }

    /** Number of compiled plans held, for tests and tools. */
    public int numCachedPlans() {
        return plans.size();
    }

    /** Starts a run that names feeds, fetches and targets one by one. */
    public Runner runner() {
        return new Runner();
    }

    /** Frees plans, variables and buffers, device memory included. Runs after close fail. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (device == null) {
            plans.clear();
            variables.clear();
            resourceVariables.clear();
            opStates.clear();
            return;
        }
        ReentrantLock lock = device.runLock();
        lock.lock();
        try {
            plans.values().forEach(Plan::close);
            plans.clear();
            variables.values().forEach(VariableSlot::clear);
            variables.clear();
            resourceVariables.values().forEach(VariableSlot::clear);
            resourceVariables.clear();
            for (Object state : opStates.values()) {
                if (state instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        LOG.warn("closing the state of an op failed", e);
                    }
                }
            }
            opStates.clear();
        } finally {
            lock.unlock();
            device.close();
        }
    }

    /** Collects one run's feeds, fetches and targets, as TensorFlow's {@code Session.run(fetches, feed_dict)}. */
    public final class Runner {
        private final Map<Output, Tensor> feeds = new LinkedHashMap<>();
        private final List<Output> fetches = new ArrayList<>();
        private final List<Operation> targets = new ArrayList<>();
        private final Set<Output> fedCheck = new HashSet<>();
        private boolean checkNumerics;
        private FileAccessPolicy fileAccess;
        private FetchListener fetchListener;
        private final List<StagedFeed> staged = new ArrayList<>(1);

        private Runner() {}

        public Runner feed(Output t, Tensor value) {
            if (t == null) {
                throw new InvalidArgumentException("feed: tensor is null");
            }
            if (!fedCheck.add(t)) {
                throw new InvalidArgumentException("tensor '" + t.name() + "' is fed twice");
            }
            feeds.put(t, value);
            return this;
        }

        public Runner feed(String tensorName, Tensor value) {
            return feed(graph.output(tensorName), value);
        }

        /**
         * {@link #feed} whose copy to the device starts now ({@link Session#stageFeed}), not when this runner runs:
         * build the next step's runner with it before running the current one, and the next batch travels while
         * the current step computes. A wrong dtype or shape fails here, naming {@code t}. The device copy is given
         * back after {@link #run}, or when the session closes if this runner never runs.
         */
        public Runner feedAsync(Output t, Tensor value) {
            StagedFeed s = stageFeed(t, value);
            try {
                feed(t, value);
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            if (s.staged()) {
                staged.add(s);
            }
            return this;
        }

        public Runner fetch(Output t) {
            fetches.add(t);
            return this;
        }

        public Runner fetch(String tensorName) {
            return fetch(graph.output(tensorName));
        }

        public Runner target(Operation op) {
            targets.add(op);
            return this;
        }

        /** A target by op name, or by tensor name (whose op is run). */
        public Runner target(String name) {
            Operation op = graph.operation(name);
            return target(op != null ? op : graph.output(name).op());
        }

        /**
         * Checks every op's floating outputs in this run and fails on the first NaN or Inf, naming the op (the
         * per-run form of {@link SessionOptions#checkNumerics}, like TensorFlow's debugger's has_inf_or_nan).
         */
        public Runner checkNumerics() {
            this.checkNumerics = true;
            return this;
        }

        /**
         * Lets this run's ops also touch what {@code policy} allows, beyond the session's
         * {@link SessionOptions#fileAccess}: for a path the application names for one run, such as the checkpoint
         * a restore op reads.
         */
        public Runner fileAccess(FileAccessPolicy policy) {
            if (policy == null) {
                throw new InvalidArgumentException("fileAccess: the policy is null");
            }
            this.fileAccess = fileAccess == null ? policy : fileAccess.and(policy);
            return this;
        }

        /**
         * Tells {@code listener} of each fetch of this run as soon as it is computed, while the run's later ops still
         * run (a fetch computed on a device is copied to the host right then); {@link #run} still returns them all.
         * A data-parallel trainer fetches the gradients this way and sums the first ones with other replicas while
         * the backward pass computes the rest. Such a run is not replayed from a device recording.
         */
        public Runner onFetchReady(FetchListener listener) {
            if (listener == null) {
                throw new InvalidArgumentException("onFetchReady: the listener is null");
            }
            this.fetchListener = listener;
            return this;
        }

        public List<Tensor> run() {
            try {
                return Session.this.run(fetches, feeds, targets, checkNumerics, fileAccess, fetchListener);
            } finally {
                staged.forEach(StagedFeed::close);
                staged.clear();
            }
        }
    }
}
