package dev.tensorgraph.exec;

import dev.tensorgraph.DType;
import dev.tensorgraph.FetchListener;
import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.device.RecordableRun;
import dev.tensorgraph.device.RunRecorder;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.VariableSlot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One run of a {@link Plan}: throwaway state (value slots, deadness, the borrowed buffer pool) and the
 * {@link KernelContext} the kernels see. Steps run in plan order on the calling thread. Where the plan has
 * the device's {@link RunRecorder}, the run is handed to it as a {@link RecordableRun}, and the recorder
 * chooses between running it step by step, recording it and replaying a recording.
 */
public final class Executor implements KernelContext {
    /** Session-wide services a run needs. */
    public interface SessionResources {
        <T> T opState(Operation op, Supplier<T> create);

        int intraOpThreads();

        boolean checkNumerics();

        /** The files this run's ops may touch. */
        FileAccessPolicy fileAccess();

        /** The storage of a resource variable, created empty on first use (see {@link KernelContext#sharedVariable}). */
        VariableSlot sharedVariable(String container, String sharedName);

        /** The most iterations one run of a while loop may take before the run fails (see SessionOptions). */
        default long loopIterationLimit() {
            return Long.MAX_VALUE;
        }
    }

    private final Plan plan;
    private final SessionResources session;
    private final Tensor[] values;
    private final DeviceTensor[] deviceValues;
    private final DeviceContext device;
    private List<DeviceTensor> releaseAtEnd;
    private final boolean[] deadSlots;
    private final boolean[] deadSteps;
    /** Reference counts of this run's pooled arrays and device buffers: how many slots hold each. */
    private final IdentityHashMap<Object, int[]> pooled;
    private ArrayPool pool;
    private Step current;
    /** The run of the session's plan that this one (a loop iteration) is part of, or this. */
    private final Executor root;

    private final boolean checkNumerics;
    private final boolean profiled;
    /** Told of each fetch as it becomes final; null for a run that only returns them (and for loop iterations). */
    private FetchListener fetchListener;
    private FetchReadiness readiness;

    private Executor(Plan plan, SessionResources session, boolean checkNumerics) {
        this.plan = plan;
        this.session = session;
        this.checkNumerics = checkNumerics;
        this.values = new Tensor[plan.numSlots];
        this.device = plan.device;
        this.deviceValues = plan.usesDevice ? new DeviceTensor[plan.numSlots] : null;
        this.deadSlots = plan.hasDeadness ? new boolean[plan.numSlots] : null;
        this.deadSteps = plan.hasDeadness ? new boolean[plan.steps.length] : null;
        this.profiled = StepProfile.ENABLED && plan.runsStarted.incrementAndGet() > StepProfile.SKIPPED_RUNS;
        this.pooled = new IdentityHashMap<>();
        this.root = this;
    }

    /** A run of a loop's iteration plan inside {@code outer}'s run, sharing its buffers and reference counts. */
    private Executor(Plan plan, Executor outer) {
        this.plan = plan;
        this.session = outer.session;
        this.checkNumerics = outer.checkNumerics;
        this.values = new Tensor[plan.numSlots];
        this.device = plan.device;
        this.deviceValues = plan.usesDevice ? new DeviceTensor[plan.numSlots] : null;
        this.deadSlots = new boolean[plan.numSlots];
        this.deadSteps = new boolean[plan.steps.length];
        this.profiled = outer.profiled;
        this.pooled = outer.pooled;
        this.pool = outer.pool;
        this.root = outer.root;
    }

    /** Runs {@code plan} with {@code feeds} (already validated) and returns the fetched tensors. */
    public static List<Tensor> run(Plan plan, Map<Output, Tensor> feeds, SessionResources session) {
        return new Executor(plan, session, session.checkNumerics()).execute(feeds);
    }

    /** As {@link #run}, checking every op's floating outputs for NaN and Inf whatever the session says. */
    public static List<Tensor> runCheckingNumerics(Plan plan, Map<Output, Tensor> feeds, SessionResources session) {
        return new Executor(plan, session, true).execute(feeds);
    }

    /**
     * As {@link #run} ({@link #runCheckingNumerics} with {@code checkNumerics}), telling {@code listener} of each
     * fetch as soon as it is final. Such a run goes step by step, never from a device recording, since a
     * recording hands its fetches back only at its end.
     */
    public static List<Tensor> run(Plan plan, Map<Output, Tensor> feeds, SessionResources session,
                                   boolean checkNumerics, FetchListener listener) {
        Executor run = new Executor(plan, session, checkNumerics || session.checkNumerics());
        if (listener != null) {
            run.fetchListener = listener;
            run.readiness = plan.fetchReadiness();
        }
        return run.execute(feeds);
    }

    private List<Tensor> execute(Map<Output, Tensor> feeds) {
        for (Map.Entry<Output, Tensor> e : feeds.entrySet()) {
            values[plan.feedSlots.get(e.getKey())] = e.getValue();
        }
        if (!plan.usesDevice) {
            return executeOnHost();
        }
        ReentrantLock lock = device.runLock();
        lock.lock();
        try {
            return executeWithDevice();
        } finally {
            lock.unlock();
        }
    }

    private List<Tensor> executeOnHost() {
        pool = plan.borrowPool();
        try {
            return runStepByStep();
        } finally {
            pooled.clear();
            plan.returnPool(pool);
        }
    }

    private List<Tensor> executeWithDevice() {
        pool = plan.borrowPool();
        try {
            if (plan.recorder != null && !checkNumerics && !StepProfile.ENABLED && fetchListener == null) {
                return plan.recorder.run(new Recordable());
            }
            return runStepByStep();
        } finally {
            releaseDeviceLeftovers();
            pooled.clear();
            plan.returnPool(pool);
        }
    }

    private List<Tensor> runStepByStep() {
        if (readiness != null) {
            tellFetchesReady(readiness.atStart);
        }
        runSteps(0, plan.steps.length);
        return collectFetches();
    }

    /** After step {@code s} of a run that reports fetches: runs the download moved up to it, then tells the fetches. */
    private void afterStep(int s) {
        int download = readiness.downloadAfter(s);
        if (download >= 0) {
            Step st = plan.steps[download];
            current = st;
            if (deadSlots != null && isDead(st)) {
                deadSteps[download] = true;
                deadSlots[st.outputs[0]] = true;
            } else {
                runStep(st);
            }
        }
        int[] ready = readiness.finalAfter(s);
        if (ready != null) {
            tellFetchesReady(ready);
        }
    }

    private void tellFetchesReady(int[] fetches) {
        for (int f : fetches) {
            int slot = plan.fetchSlots[f];
            if ((deadSlots == null || !deadSlots[slot]) && values[slot] != null) {
                fetchListener.ready(f, values[slot]);
            }
        }
    }

    /** This run as the plan's {@link RunRecorder} drives it: the step ranges and slots it needs, nothing more. */
    private final class Recordable implements RecordableRun {
        @Override
        public List<Object> key() {
            return plan.capture.keyOf(values, plan.feedSlotsInOrder);
        }

        @Override
        public List<Tensor> runStepByStep() {
            return Executor.this.runStepByStep();
        }

        @Override
        public DeviceTensor[] runUploads() {
            runSteps(0, plan.capture.firstBody);
            DeviceTensor[] targets = new DeviceTensor[plan.capture.firstBody];
            for (int s = 0; s < targets.length; s++) {
                targets[s] = deviceValues[plan.steps[s].outputs[0]];
            }
            return targets;
        }

        @Override
        public void runBody() {
            runSteps(plan.capture.firstBody, plan.capture.firstSuffix);
        }

        @Override
        public Tensor[] uploadedValues() {
            Tensor[] r = new Tensor[plan.capture.firstBody];
            for (int s = 0; s < r.length; s++) {
                r[s] = values[plan.steps[s].inputs[0]];
            }
            return r;
        }

        @Override
        public DeviceTensor[] fetchSources() {
            DeviceTensor[] r = new DeviceTensor[plan.fetchSlots.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = deviceValues[plan.steps[plan.capture.fetchDownloadStep[i]].inputs[0]];
            }
            return r;
        }

        @Override
        public DeviceTensor[] variableValues() {
            DeviceTensor[] r = new DeviceTensor[plan.variables.length];
            for (int v = 0; v < r.length; v++) {
                r[v] = plan.variables[v].peekOnDevice();
            }
            return r;
        }

        @Override
        public void handOverDeviceValues() {
            forgetDeviceValues();
        }

        @Override
        public void restart() {
            forgetDeviceValues();
            resetRunState();
        }
    }

    /** Drops this run's references to device memory a recording owns (the device frees it with the recording). */
    private void forgetDeviceValues() {
        pooled.keySet().removeIf(k -> k instanceof DeviceBuffer);
        java.util.Arrays.fill(deviceValues, null);
    }

    /** Clears what a discarded recording pass left, keeping the feeds, so the run can start over. */
    private void resetRunState() {
        for (int slot = 0; slot < values.length; slot++) {
            if (!plan.feedSlots.containsValue(slot)) {
                values[slot] = null;
            }
        }
        if (deadSlots != null) {
            java.util.Arrays.fill(deadSlots, false);
            java.util.Arrays.fill(deadSteps, false);
        }
        pooled.clear();
        releaseAtEnd = null;
    }

    /** Device memory of this run still referenced (after a failure, or values nobody released). */
    private void releaseDeviceLeftovers() {
        for (Object k : pooled.keySet()) {
            if (k instanceof DeviceBuffer b) {
                device.release(b);
            }
        }
        if (releaseAtEnd != null) {
            for (DeviceTensor t : releaseAtEnd) {
                device.release(t.buffer());
            }
            releaseAtEnd = null;
        }
    }

    // ---- runs of a loop's iteration plan (see LoopKernel) ----

    Executor subRun(Plan iteration) {
        return new Executor(iteration, this);
    }

    long loopIterationLimit() {
        return session.loopIterationLimit();
    }

    void runAll() {
        runSteps(0, plan.steps.length);
    }

    /** The value in {@code slot}: a host {@link Tensor}, a {@link DeviceTensor}, or null. */
    Object value(int slot) {
        return deviceValues != null && plan.slotOnDevice[slot] ? deviceValues[slot] : values[slot];
    }

    boolean isDead(int slot) {
        return deadSlots != null && deadSlots[slot];
    }

    /** Puts input {@code i} of {@code outer}'s current step into {@code slot}. */
    void putInput(int slot, Executor outer, int i) {
        put(slot, outer.value(outer.current.inputs[i]));
    }

    /**
     * Puts {@code v} (a host tensor or a device tensor, as the slot is) into {@code slot}, counting it before
     * releasing what the slot held, so that a value may replace itself.
     */
    void put(int slot, Object v) {
        boolean onDevice = deviceValues != null && plan.slotOnDevice[slot];
        if (onDevice != v instanceof DeviceTensor) {
            throw new InternalException("a " + (onDevice ? "host" : "device") + " value was given for "
                    + (onDevice ? "device" : "host") + " slot " + slot + " of a loop iteration");
        }
        count(v instanceof DeviceTensor d ? d.buffer() : ((Tensor) v).array());
        release(slot);
        if (v instanceof DeviceTensor d) {
            deviceValues[slot] = d;
        } else {
            values[slot] = (Tensor) v;
        }
        deadSlots[slot] = false;
    }

    void markDead(int slot) {
        deadSlots[slot] = true;
    }

    /** Releases {@code slot}'s value and forgets that it was dead. */
    void clear(int slot) {
        release(slot);
        deadSlots[slot] = false;
    }

    /** Forgets which steps and slots were dead, except the dead ones among {@code keep}. */
    void resetDeadness(int[] keep) {
        boolean[] kept = new boolean[keep.length];
        for (int i = 0; i < keep.length; i++) {
            kept[i] = deadSlots[keep[i]];
        }
        Arrays.fill(deadSlots, false);
        Arrays.fill(deadSteps, false);
        for (int i = 0; i < keep.length; i++) {
            deadSlots[keep[i]] = kept[i];
        }
    }

    /** Releases every value still held (at the end of a loop, or when it fails). */
    void releaseAll() {
        for (int slot = 0; slot < values.length; slot++) {
            release(slot);
        }
    }

    /** Sets output {@code i} of the current step to {@code v}, a host tensor or a device tensor. */
    void setOutputValue(int i, Object v) {
        if (v instanceof DeviceTensor d) {
            setOutput(i, d);
        } else {
            setOutput(i, (Tensor) v);
        }
    }

    private void count(Object arrayOrBuffer) {
        int[] c = pooled.get(arrayOrBuffer);
        if (c != null) {
            c[0]++;
        }
    }

    private void runSteps(int from, int to) {
        Step[] steps = plan.steps;
        for (int s = from; s < to; s++) {
            Step st = steps[s];
            current = st;
            if (readiness != null && readiness.ranEarly(s)) {
                // computed right after its source; only its release points stay here
            } else if (deadSlots != null && isDead(st)) {
                deadSteps[s] = true;
                for (int o : st.outputs) {
                    if (o >= 0) {
                        deadSlots[o] = true;
                    }
                }
            } else {
                runStep(st);
            }
            if (readiness != null) {
                afterStep(s);
            }
            for (int slot : st.releaseAfter) {
                release(slot);
            }
        }
        current = null;
    }

    private List<Tensor> collectFetches() {
        List<Tensor> result = new ArrayList<>(plan.fetchSlots.length);
        for (int slot : plan.fetchSlots) {
            result.add(fetchValue(slot));
        }
        return result;
    }

    /** The shapes of a step's inputs held on the host, for the profile's rows. */
    private String inputShapes(Step st) {
        StringBuilder b = new StringBuilder();
        for (int slot : st.inputs) {
            Tensor t = slot >= 0 ? values[slot] : null;
            if (t != null && t.shape().rank() > 1) {
                b.append(' ').append(t.shape());
            }
        }
        return b.toString();
    }

    private void runStep(Step st) {
        long started = profiled ? System.nanoTime() : 0;
        try {
            computeMarkingRefs(st);
            if (profiled && st.kind != Step.Kind.LOOP && st.kind != Step.Kind.FUNCTION) {
                if (st.onDevice) {
                    device.synchronize();
                }
                StepProfile.add(st.kind == Step.Kind.OP ? st.profileName + (st.onDevice ? " (device)" : "")
                        + (StepProfile.BY_SHAPE ? inputShapes(st) : "") : st.kind.name(), System.nanoTime() - started);
            }
        } catch (TensorgraphException e) {
            throw e.atNode(st.description);
        } catch (OutOfMemoryError e) {
            throw new ResourceExhaustedException("out of memory while running " + st.description, e);
        } catch (RuntimeException e) {
            throw new InternalException("kernel of " + st.description + " failed: " + e, e);
        }
        for (int i = 0; i < st.outputs.length; i++) {
            int slot = st.outputs[i];
            if (slot >= 0 && values[slot] == null && (deviceValues == null || deviceValues[slot] == null)
                    && (deadSlots == null || !deadSlots[slot]) && st.ownVariable == null) {
                throw new InternalException("kernel of " + st.description + " did not produce output " + i);
            }
        }
        if (checkNumerics && st.kind == Step.Kind.OP) {
            NumericsCheck.check(st, values, deviceValues, device);
        }
    }

    /**
     * Runs the step's kernel. An op with ref inputs may write their variables in place while it runs; their versions
     * move once more when it is done ({@link VariableSlot#markWritten}), so a copy made during the write is stale.
     */
    private void computeMarkingRefs(Step st) {
        if (!st.hasRefSlots) {
            st.kernel.compute(this);
            return;
        }
        try {
            st.kernel.compute(this);
        } finally {
            for (VariableSlot v : st.refSlots) {
                if (v != null) {
                    v.markWritten();
                }
            }
        }
    }

    private boolean isDead(Step st) {
        if (st.ignoresDeadness) {
            return false;
        }
        for (int c : st.controlSteps) {
            if (deadSteps[c]) {
                return true;
            }
        }
        for (int s : st.controlDeadSlots) {
            if (deadSlots[s]) {
                return true;
            }
        }
        if (st.isMerge) {
            for (int in : st.inputs) {
                if (!deadSlots[in]) {
                    return false;
                }
            }
            return st.inputs.length > 0;
        }
        for (int in : st.inputs) {
            if (deadSlots[in]) {
                return true;
            }
        }
        return false;
    }

    private Tensor fetchValue(int slot) {
        if (deadSlots != null && deadSlots[slot]) {
            throw new InvalidArgumentException("a fetched tensor was not computed because its branch was not taken");
        }
        Tensor t = values[slot];
        if (t == null) {
            throw uninitialized(slot);
        }
        pooled.remove(t.array());
        for (VariableSlot v : plan.variables) {
            Tensor cur = v.peekHost();
            if (cur != null && cur.array() == t.array()) {
                return t.copy();
            }
        }
        return t;
    }

    private void release(int slot) {
        if (deviceValues != null && plan.slotOnDevice[slot]) {
            DeviceTensor d = deviceValues[slot];
            deviceValues[slot] = null;
            if (d != null) {
                int[] count = pooled.get(d.buffer());
                if (count != null && --count[0] == 0) {
                    pooled.remove(d.buffer());
                    device.release(d.buffer());
                }
            }
            return;
        }
        Tensor t = values[slot];
        values[slot] = null;
        if (t == null) {
            return;
        }
        int[] count = pooled.get(t.array());
        if (count != null && --count[0] == 0) {
            pooled.remove(t.array());
            pool.give(t.dtype(), t.array(), t.numElements());
        }
    }

    private RuntimeException uninitialized(int slot) {
        for (Step st : plan.steps) {
            for (int o : st.outputs) {
                if (o == slot) {
                    if (st.ownVariable != null) {
                        return new FailedPreconditionException("Attempting to use uninitialized value " + st.op.name());
                    }
                    return new InternalException("op " + st.description + " left an output unset");
                }
            }
        }
        return new InternalException("value slot " + slot + " was never set");
    }

    // ---- KernelContext ----

    @Override
    public Operation op() {
        return current.op;
    }

    @Override
    public int numInputs() {
        return current.inputs.length;
    }

    @Override
    public Tensor input(int i) {
        Tensor t = values[current.inputs[i]];
        if (t == null) {
            if (deviceValues != null && deviceValues[current.inputs[i]] != null) {
                throw new InternalException("input " + i + " of " + current.description + " is in device memory");
            }
            throw uninitialized(current.inputs[i]);
        }
        return t;
    }

    @Override
    public DeviceTensor deviceInput(int i) {
        DeviceTensor t = deviceValues == null ? null : deviceValues[current.inputs[i]];
        if (t == null) {
            if (values[current.inputs[i]] != null) {
                throw new InternalException("input " + i + " of " + current.description + " is in host memory");
            }
            throw uninitialized(current.inputs[i]);
        }
        return t;
    }

    @Override
    public DeviceContext device() {
        return device;
    }

    @Override
    public DeviceTensor allocateOnDevice(DType dtype, Shape shape) {
        if (device == null) {
            throw new InternalException(current.description + " asked for device memory in a CPU-only session");
        }
        DeviceTensor t = device.allocate(dtype, shape);
        pooled.put(t.buffer(), new int[] {0});
        return t;
    }

    @Override
    public void setOutput(int i, DeviceTensor t) {
        int slot = current.outputs[i];
        if (slot < 0) {
            return;
        }
        if (deviceValues == null || !plan.slotOnDevice[slot]) {
            throw new InternalException(current.description + " set output " + i + " in device memory, but it is a host value");
        }
        int[] count = pooled.get(t.buffer());
        if (count != null) {
            count[0]++;
        }
        deviceValues[slot] = t;
    }

    @Override
    public void retain(DeviceTensor t) {
        pooled.remove(t.buffer());
    }

    @Override
    public void releaseAfterRun(DeviceTensor t) {
        if (root != this) {
            root.releaseAfterRun(t);
            return;
        }
        if (releaseAtEnd == null) {
            releaseAtEnd = new ArrayList<>();
        }
        releaseAtEnd.add(t);
    }

    @Override
    public boolean isInputDead(int i) {
        return deadSlots != null && deadSlots[current.inputs[i]];
    }

    @Override
    public void setOutput(int i, Tensor t) {
        int slot = current.outputs[i];
        if (slot < 0) {
            return;
        }
        if (deviceValues != null && plan.slotOnDevice[slot]) {
            throw new InternalException(current.description + " set output " + i + " in host memory, but it is a device value");
        }
        int[] count = pooled.get(t.array());
        if (count != null) {
            count[0]++;
        }
        values[slot] = t;
    }

    @Override
    public void setOutputDead(int i) {
        int slot = current.outputs[i];
        if (slot >= 0) {
            deadSlots[slot] = true;
        }
    }

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        long n = shape.numElements();
        if (n < 0) {
            throw new InvalidArgumentException("cannot allocate a tensor of shape " + shape);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new ResourceExhaustedException("a tensor of shape " + shape + " (" + n
                    + " elements) exceeds the largest Java array");
        }
        Object array = pool.take(dtype, (int) n);
        pooled.put(array, new int[] {0});
        return Tensor.wrap(dtype, shape, array);
    }

    @Override
    public Tensor allocateZeroed(DType dtype, Shape shape) {
        Tensor t = allocate(dtype, shape);
        Object a = t.array();
        switch (dtype) {
            case FLOAT32 -> Arrays.fill((float[]) a, 0f);
            case FLOAT64 -> Arrays.fill((double[]) a, 0d);
            case INT32 -> Arrays.fill((int[]) a, 0);
            case INT64 -> Arrays.fill((long[]) a, 0L);
            case BOOL -> Arrays.fill((boolean[]) a, false);
            case UINT8 -> Arrays.fill((byte[]) a, (byte) 0);
            case BFLOAT16, HALF -> Arrays.fill((short[]) a, (short) 0);
            case STRING -> Arrays.fill((byte[][]) a, new byte[0]);
            case RESOURCE, VARIANT -> Arrays.fill((Object[]) a, null);
        }
        return t;
    }

    @Override
    public VariableSlot variable(int i) {
        if (i < 0) {
            if (current.ownVariable == null) {
                throw new InternalException(current.description + " is not a variable op");
            }
            return current.ownVariable;
        }
        VariableSlot v = current.refSlots[i];
        if (v == null) {
            throw new InternalException("input " + i + " of " + current.description + " is not a variable reference");
        }
        v.markWritten();
        return v;
    }

    @Override
    public VariableSlot variableValue(int i) {
        VariableSlot[] slots = current.variableValues;
        return slots == null ? null : slots[i];
    }

    @Override
    public void retain(Tensor t) {
        pooled.remove(t.array());
    }

    @Override
    public VariableSlot sharedVariable(String container, String sharedName) {
        return session.sharedVariable(container, sharedName);
    }

    @Override
    public <T> T sessionState(Supplier<T> create) {
        Operation owner = plan.stateOwners.get(current.op);
        return session.opState(owner != null ? owner : current.op, create);
    }

    @Override
    public FileAccessPolicy fileAccess() {
        return session.fileAccess();
    }

    @Override
    public int intraOpThreads() {
        return session.intraOpThreads();
    }
}
