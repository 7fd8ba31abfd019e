package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.RunRecorder;
import dev.tensorgraph.kernel.VariableSlot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The compiled form of one (feeds, fetches, targets) signature: the pruned ops in order with devices and
 * kernels chosen, copies between host and device as steps of their own, value slots, and release points.
 * Shared by every run of that signature; each run borrows a buffer pool. On a device that can record
 * work, a plan whose runs can be recorded (see {@link CaptureSpec}) has the device's {@link RunRecorder}.
 */
public final class Plan implements AutoCloseable {
    final Step[] steps;
    final int numSlots;
    final Map<Output, Integer> feedSlots;
    final List<Output> feedOrder;
    final int[] feedSlotsInOrder;
    final int[] fetchSlots;
    final VariableSlot[] variables;
    final boolean hasDeadness;
    final DeviceContext device;
    final boolean usesDevice;
    final boolean[] slotOnDevice;
    final CaptureSpec capture;
    /** Records and replays runs on the device; null where runs go step by step. */
    final RunRecorder recorder;
    private final ConcurrentLinkedQueue<ArrayPool> pools = new ConcurrentLinkedQueue<>();
    /** Runs that have returned their pool. */
    private final java.util.concurrent.atomic.AtomicInteger poolReturns = new java.util.concurrent.atomic.AtomicInteger();
    /** Runs started, for the step profile (which leaves out each plan's first runs: compiles, autotuning). */
    final java.util.concurrent.atomic.AtomicInteger runsStarted = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * For a plan of a rewritten graph, the user's op behind each op ({@link dev.tensorgraph.rewrite.PlanRewriter}),
     * whose session state (a random generator's) its kernel keeps; empty otherwise.
     */
    Map<Operation, Operation> stateOwners = Map.of();

    Plan(Step[] steps, int numSlots, Map<Output, Integer> feedSlots, List<Output> feedOrder, int[] fetchSlots,
         VariableSlot[] variables, boolean hasDeadness, DeviceContext device, boolean[] slotOnDevice,
         CaptureSpec capture, RunRecorder recorder) {
        this.steps = steps;
        this.numSlots = numSlots;
        this.feedSlots = feedSlots;
        this.feedOrder = feedOrder;
        this.feedSlotsInOrder = feedOrder.stream().mapToInt(feedSlots::get).toArray();
        this.fetchSlots = fetchSlots;
        this.variables = variables;
        this.hasDeadness = hasDeadness;
        this.device = device;
        this.slotOnDevice = slotOnDevice;
        boolean any = false;
        for (Step s : steps) {
            any |= s.onDevice || (s.loop != null && s.loop.iteration.usesDevice)
                    || (s.functional != null && s.functional.usesDevice());
        }
        for (boolean d : slotOnDevice) {
            any |= d; // a loop's iteration may only hand device values on
        }
        this.usesDevice = any;
        this.capture = capture;
        this.recorder = recorder;
    }

    /** When each fetch is final, worked out on the first run that asks (see {@link FetchReadiness}). */
    private volatile FetchReadiness fetchReadiness;

    FetchReadiness fetchReadiness() {
        FetchReadiness r = fetchReadiness;
        if (r == null) {
            r = FetchReadiness.of(this);
            fetchReadiness = r;
        }
        return r;
    }

    /** Number of steps this plan runs, copies included. */
    public int numSteps() {
        return steps.length;
    }

    /** Names of the ops in the order they run (copies appear as their description; a loop as its ops). */
    public List<String> opNames() {
        return java.util.Arrays.stream(steps).flatMap(s -> s.kind == Step.Kind.FUNCTION
                ? java.util.stream.Stream.concat(java.util.stream.Stream.of(s.op.name()),
                        s.functional.plans.stream().flatMap(p -> p.plan.opNames().stream()))
                : s.kind == Step.Kind.LOOP
                ? java.util.stream.Stream.concat(java.util.stream.Stream.of(s.description),
                        s.loop.iteration.opNames().stream())
                : s.kind != Step.Kind.OP ? java.util.stream.Stream.of(s.description)
                : s.fusedConsumer == null ? java.util.stream.Stream.of(s.op.name())
                : java.util.stream.Stream.of(s.op.name(), s.fusedConsumer.name())).toList();
    }

    /**
     * Each step as "description @ device", in run order: what the plan placed where. The two ops of a fused
     * step get a line each, naming the other.
     */
    public List<String> describe() {
        return java.util.Arrays.stream(steps).flatMap(s -> {
            if (s.kind == Step.Kind.FUNCTION) {
                return s.functional.describe("CPU").stream();
            }
            if (s.kind == Step.Kind.LOOP) {
                return java.util.stream.Stream.concat(java.util.stream.Stream.of(s.description
                        + " @ CPU, iterations one after another; each iteration runs:"),
                        s.loop.iteration.describe().stream().map(l -> "  | " + l));
            }
            if (s.kind != Step.Kind.OP) {
                return java.util.stream.Stream.of(s.description);
            }
            String where = " @ " + (s.onDevice ? device.name() : "CPU");
            if (s.fusedConsumer == null) {
                return java.util.stream.Stream.of(s.description + where);
            }
            return java.util.stream.Stream.of(line(s.op) + where + ", fused with '" + s.fusedConsumer.name() + "'",
                    line(s.fusedConsumer) + where + ", fused with '" + s.op.name() + "'");
        }).toList();
    }

    private static String line(dev.tensorgraph.Operation op) {
        return op.name() + " (" + op.type() + ")";
    }

    /** Whether runs of this plan may be recorded and replayed, and if not, why. */
    public String captureStatus() {
        return capture.capturable ? "recordable" : "not recordable: " + capture.reason;
    }

    /** Number of recordings ready to replay. */
    public int numRecordings() {
        return recorder == null ? 0 : recorder.numRecordings();
    }

    ArrayPool borrowPool() {
        ArrayPool p = pools.poll();
        return p != null ? p : new ArrayPool();
    }

    /**
     * Keeps a run's pool for the next run, from the plan's second run on: a plan run once (variable
     * initializers, a first evaluation) would otherwise hold its buffers, up to the pool's cap, for the life of
     * the session (AlexNet's initializers: several hundred MB of random-number and scaling buffers).
     */
    void returnPool(ArrayPool p) {
        if (poolReturns.incrementAndGet() > 1) {
            pools.offer(p);
        }
    }

    /** Frees the recordings (their device memory goes back to the device's cache). */
    @Override
    public void close() {
        if (recorder != null) {
            recorder.close();
        }
    }
}
