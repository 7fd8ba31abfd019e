package dev.tensorgraph.exec;

import dev.tensorgraph.Output;
import dev.tensorgraph.device.CapturedWork;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.kernel.VariableSlot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The compiled form of one (feeds, fetches, targets) signature: the pruned ops in order with devices and
 * kernels chosen, copies between host and device as steps of their own, value slots, and release points.
 * Shared by every run of that signature; each run borrows a buffer pool. On a device that can record
 * work, a plan also keeps one recording per run key (see {@link CaptureSpec}).
 */
public final class Plan implements AutoCloseable {
    /** Recordings kept per plan; runs with further keys run step by step. */
    static final int MAX_RECORDINGS = 8;

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
    final ConcurrentHashMap<List<Object>, Recording> recordings = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<ArrayPool> pools = new ConcurrentLinkedQueue<>();
    /** Runs started, for the step profile (which leaves out each plan's first runs: compiles, autotuning). */
    final java.util.concurrent.atomic.AtomicInteger runsStarted = new java.util.concurrent.atomic.AtomicInteger();

    /** What a recorded run needs to replay: the work, where feeds go, where fetches come from. */
    static final class Recording {
        int stepByStepRuns;
        boolean failed;
        CapturedWork work;
        DeviceTensor[] uploadTargets;
        DeviceTensor[] fetchSources;
        DeviceTensor[] variableValues;
    }

    Plan(Step[] steps, int numSlots, Map<Output, Integer> feedSlots, List<Output> feedOrder, int[] fetchSlots,
         VariableSlot[] variables, boolean hasDeadness, DeviceContext device, boolean[] slotOnDevice,
         CaptureSpec capture) {
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
            any |= s.onDevice;
        }
        for (boolean d : slotOnDevice) {
            any |= d; // a loop's iteration may only hand device values on
        }
        this.usesDevice = any;
        this.capture = capture;
    }

    /** Number of steps this plan runs, copies included. */
    public int numSteps() {
        return steps.length;
    }

    /** Names of the ops in the order they run (copies appear as their description; a loop as its ops). */
    public List<String> opNames() {
        return java.util.Arrays.stream(steps).flatMap(s -> s.kind == Step.Kind.LOOP
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
        int n = 0;
        for (Recording r : recordings.values()) {
            n += r.work != null ? 1 : 0;
        }
        return n;
    }

    ArrayPool borrowPool() {
        ArrayPool p = pools.poll();
        return p != null ? p : new ArrayPool();
    }

    void returnPool(ArrayPool p) {
        pools.offer(p);
    }

    /** Frees the recordings (their device memory goes back to the device's cache). */
    @Override
    public void close() {
        for (Recording r : recordings.values()) {
            if (r.work != null) {
                r.work.close();
                r.work = null;
            }
        }
        recordings.clear();
    }
}
