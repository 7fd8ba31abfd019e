package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.errors.InternalException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudnn.cudnnBackendDescriptor_t;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Convolutions through cuDNN's backend (graph) API, whose engine configurations include faster kernels
 * than the algorithms the legacy cudnnFind / _v7 API tries (for TF32 in particular). Per problem, the
 * first run not being recorded into a device graph builds an operation graph of the one convolution,
 * finalizes execution plans for the engine configurations the heuristics rank highest, times them
 * against the legacy algorithm and keeps the winner (or none, so that the legacy path runs). Plans
 * only execute afterwards, which a device-graph recording may capture; a recording that finds no
 * decision takes the legacy path (heuristic choice) without deciding. The filter is in cuDNN's layout
 * (KRSC or KCRS): the backend accepts TensorFlow's HWIO as strides, but engines then computed wrong
 * results (seen on cuDNN 9.14 with NCHW data), so that is not offered.
 */
final class ConvEngines {
    private static final Logger LOG = LoggerFactory.getLogger(ConvEngines.class);

    /** Off with -Dtensorgraph.cudnn.engines=false: every convolution takes the legacy path. */
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("tensorgraph.cudnn.engines"));

    /**
     * Engines whose behaviour notes say they compile their kernel at run time are passed over for 16-bit data
     * unless {@code -Dtensorgraph.cudnn.runtimeCompiledEngines=true}: finalizing one compiles it (NVRTC inside cuDNN),
     * which for 16-bit NHWC problems, where the heuristics rank many of them, can take seconds per problem, and
     * the precompiled engines serve a plain convolution. TensorFlow leaves them out by default too.
     */
    static final boolean RUNTIME_COMPILED = Boolean.getBoolean("tensorgraph.cudnn.runtimeCompiledEngines");

    /** Searches that take longer than this are logged (at debug level) with where their time went. */
    static final long SLOW_SEARCH_MS = 100;

    /**
     * Heuristic results looked at, and plans timed, per problem: the first-run cost stays bounded. The
     * winners were found as deep as the tenth result (AlexNet, H200), among knob variants of one engine.
     */
    private static final int MAX_CONFIGS = 64;
    private static final int MAX_CANDIDATES = 48;
    private static final int TIMED_RUNS = 5;
    /** A candidate whose first run takes this many times the best so far is not timed further. */
    private static final double HOPELESS = 3;
    /** An engine must beat the legacy algorithm by this factor: on a tie the legacy path is kept. */
    private static final double MARGIN = 0.99;
    /** The byte alignment the tensors are declared with; runs with addresses off it take the legacy path. */
    static final long ALIGNMENT = 16;

    private static final long X_UID = 1;
    private static final long W_UID = 2;
    private static final long Y_UID = 3;

    private ConvEngines() {}

    private record Key(ConvAlgorithms.Problem problem) {}

    /** Numerical notes of engines that round FP32 operands to TF32 or reduce in lower precision. */
    private static final int[] INEXACT_NOTES = {cudnn.CUDNN_NUMERICAL_NOTE_TENSOR_CORE,
            cudnn.CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS, cudnn.CUDNN_NUMERICAL_NOTE_REDUCED_PRECISION_REDUCTION};

    /**
     * One finalized execution plan of a problem. The tensors are x, w and y in every direction: the data
     * input, the filter and the data output of the forward convolution, whichever of them is computed.
     */
    static final class Plan {
        private final String op;
        private final cudnnBackendDescriptor_t descriptor;
        private final long[] uids;
        private final long workspace;
        private final String label;
        private final boolean tensorCores;

        private Plan(String op, cudnnBackendDescriptor_t descriptor, long[] uids, long workspace, String label,
                     boolean tensorCores) {
            this.op = op;
            this.descriptor = descriptor;
            this.uids = uids;
            this.workspace = workspace;
            this.label = label;
            this.tensorCores = tensorCores;
        }

        /** Whether the engine's notes say it uses tensor cores (TF32 for float32 operands). */
        boolean tensorCores() {
            return tensorCores;
        }

        long workspace() {
            return workspace;
        }

        String label() {
            return label;
        }

        /**
         * Enqueues the plan's work on the device's stream, on the tensors at {@code addresses} (in the order of
         * the graph's unique ids: x, w, y for a convolution); returns cuDNN's status (no exception).
         */
        int execute(CudaDevice dev, long... addresses) {
            DeviceBuffer ws = workspace > 0 ? dev.scratch(workspace) : null;
            try (DnnBackend pack = new DnnBackend(op)) {
                cudnnBackendDescriptor_t vp = pack.create(cudnn.CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
                pack.setLongs(vp, cudnn.CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, uids);
                pack.setAddresses(vp, cudnn.CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, addresses);
                pack.setAddresses(vp, cudnn.CUDNN_ATTR_VARIANT_PACK_WORKSPACE, ws == null ? 0 : ws.address());
                pack.finish(vp, "variant pack");
                return cudnn.cudnnBackendExecute(dev.cudnn(), descriptor, vp);
            } finally {
                if (ws != null) {
                    dev.release(ws);
                }
            }
        }
    }

    /** What was decided for a problem: a plan, or none (the legacy path). Owns the plan's descriptors. */
    static final class Decision implements AutoCloseable {
        static final Decision LEGACY = new Decision(null, null);

        private final Plan plan;
        private final DnnBackend descriptors;

        Decision(Plan plan, DnnBackend descriptors) {
            this.plan = plan;
            this.descriptors = descriptors;
        }

        Plan plan() {
            return plan;
        }

        /**
         * Runs the convolution with the chosen plan; false (nothing enqueued) when the legacy path must run
         * instead: no plan, or addresses off the declared alignment.
         */
        boolean run(CudaDevice dev, String op, long... addresses) {
            if (plan == null || !aligned(addresses)) {
                return false;
            }
            int status = plan.execute(dev, addresses);
            DnnStatus.checkCudnn(status, op, "cudnnBackendExecute (" + plan.label() + ")");
            return true;
        }

        @Override
        public synchronized void close() {
            if (descriptors != null) {
                descriptors.close();
            }
        }
    }

    /**
     * Whether problem {@code p} may use backend engines: only where TF32 is allowed. In exact FP32, an
     * engine without numerical notes (a backward-filter engine, NCHW 5x5) missed the FP32 error bound that
     * the legacy algorithms meet, and the engines gained about 1% there, so exact FP32 keeps the legacy path.
     * Grouped (and depthwise) convolutions keep it too: their group count is set on the legacy descriptor.
     */
    static boolean applies(ConvAlgorithms.Problem p) {
        return ENABLED && p.tf32() && p.groups() == 1;
    }

    /** The decision made earlier for {@code p}, or null when none has been made yet. */
    static Decision decided(CudaDevice dev, ConvAlgorithms.Problem p) {
        return applies(p) ? dev.cached(new Key(p)) : Decision.LEGACY;
    }

    /**
     * Decides for {@code p} by timing, on the given buffers, the legacy convolution {@code legacy} and the
     * backend's candidate plans; only the output buffer is written. Not to be called
     * while recording. A problem the backend cannot express or run is decided for the legacy path.
     */
    static Decision decide(CudaDevice dev, String op, ConvAlgorithms.Problem p, Runnable legacy, long x, long w,
                           long y) {
        if (!applies(p) || !aligned(x, w, y)) {
            return Decision.LEGACY;
        }
        return dev.cache(new Key(p), () -> measure(dev, op, p, legacy, owner -> candidates(dev, owner, op, p), x, w, y));
    }

    /**
     * Times {@code legacy} and each plan {@code candidates} finalizes (executed on {@code addresses}) and keeps the
     * fastest plan, or none when none beats {@code legacy} by {@link #MARGIN} or the backend fails; {@code what}
     * names the problem in logs.
     */
    static Decision measure(CudaDevice dev, String op, Object what, Runnable legacy,
                            Function<DnnBackend, List<Plan>> candidatesOf, long... addresses) {
        long start = System.nanoTime();
        DnnBackend owner = new DnnBackend(op);
        try {
            List<Plan> candidates = candidatesOf.apply(owner);
            long planned = System.nanoTime();
            float legacyMs = millis(dev, op, legacy, Float.POSITIVE_INFINITY);
            Plan best = null;
            float bestMs = (float) (legacyMs * MARGIN);
            StringBuilder seen = new StringBuilder();
            for (Plan c : candidates) {
                float ms;
                try {
                    ms = millis(dev, op, () -> DnnStatus.checkCudnn(c.execute(dev, addresses), op, "cudnnBackendExecute"),
                            (float) (bestMs * HOPELESS));
                } catch (RuntimeException e) {
                    LOG.debug("{}: engine {} failed to run: {}", op, c.label(), e.getMessage());
                    continue;
                }
                seen.append(String.format(" %s=%.3f", c.label(), ms));
                if (ms < bestMs) {
                    best = c;
                    bestMs = ms;
                }
            }
            for (Plan c : candidates) {
                if (c != best) {
                    owner.destroy(c.descriptor);
                }
            }
            LOG.debug("{} {}: legacy {} ms, engines [ms]:{} -> {}", op, what, String.format("%.3f", legacyMs), seen,
                    best == null ? "legacy" : best.label());
            logSlowSearch(op, what, start, planned, candidates.size());
            if (best == null) {
                owner.close();
                return Decision.LEGACY;
            }
            return new Decision(best, owner);
        } catch (RuntimeException e) {
            owner.close();
            LOG.debug("{}: cuDNN backend engines unavailable for {}: {}", op, what, e.getMessage());
            return Decision.LEGACY;
        }
    }

    private static void logSlowSearch(String op, Object p, long start, long planned, int plans) {
        long end = System.nanoTime();
        long totalMs = (end - start) / 1_000_000;
        if (totalMs >= SLOW_SEARCH_MS && LOG.isDebugEnabled()) {
            LOG.debug("{}: engine search for {} took {} ms ({} plans finalized in {} ms, timing {} ms)", op, p, totalMs,
                    plans, (planned - start) / 1_000_000, (end - planned) / 1_000_000);
        }
    }

    static boolean aligned(long... addresses) {
        for (long a : addresses) {
            if (a % ALIGNMENT != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finalized plans for {@code p}, best-ranked first, at most {@link #MAX_CANDIDATES}: engines whose
     * notes say they round to TF32 are left out unless the problem allows TF32, and so are plans whose
     * workspace exceeds {@link ConvAlgorithms#WORKSPACE_LIMIT}. All descriptors belong to {@code owner}.
     */
    static List<Plan> candidates(CudaDevice dev, DnnBackend owner, String op, ConvAlgorithms.Problem p) {
        cudnnBackendDescriptor_t graph = ConvEngineGraphs.operationGraph(dev, owner, p, X_UID, W_UID, Y_UID, ALIGNMENT);
        return candidates(dev, owner, op, p, graph, cudnn.CUDNN_HEUR_MODE_A, MAX_CANDIDATES,
                keepsCompiledAtRunTime(p), X_UID, W_UID, Y_UID);
    }

    /**
     * As {@link #candidates(CudaDevice, DnnBackend, String, ConvAlgorithms.Problem)} for any operation graph of
     * problem {@code p} (a convolution fused with pointwise operations, say), ranked by heuristics {@code mode},
     * at most {@code max}, engines compiled at run time only if {@code compiledAtRunTime}; its tensors have the
     * unique ids {@code uids}, in the order plans are executed with.
     */
    static List<Plan> candidates(CudaDevice dev, DnnBackend owner, String op, ConvAlgorithms.Problem p,
                                 cudnnBackendDescriptor_t graph, int mode, int max, boolean compiledAtRunTime,
                                 long... uids) {
        cudnnBackendDescriptor_t heuristics = owner.create(cudnn.CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
        owner.setDescriptors(heuristics, cudnn.CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, graph);
        owner.setEnum(heuristics, cudnn.CUDNN_ATTR_ENGINEHEUR_MODE, cudnn.CUDNN_TYPE_HEUR_MODE, mode);
        owner.finish(heuristics, "engine heuristics");
        int count = (int) Math.min(MAX_CONFIGS, owner.countDescriptors(heuristics, cudnn.CUDNN_ATTR_ENGINEHEUR_RESULTS));
        List<cudnnBackendDescriptor_t> configs = owner.getDescriptors(heuristics, cudnn.CUDNN_ATTR_ENGINEHEUR_RESULTS,
                cudnn.CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, count);
        List<Plan> plans = new ArrayList<>();
        for (cudnnBackendDescriptor_t config : configs) {
            if (plans.size() >= max) {
                break;
            }
            Plan plan = plan(dev, owner, op, p, config, compiledAtRunTime, uids);
            if (plan != null) {
                plans.add(plan);
            }
        }
        return plans;
    }

    private static Plan plan(CudaDevice dev, DnnBackend owner, String op, ConvAlgorithms.Problem p,
                             cudnnBackendDescriptor_t config, boolean compiledAtRunTime, long[] uids) {
        List<cudnnBackendDescriptor_t> engines = owner.getDescriptors(config, cudnn.CUDNN_ATTR_ENGINECFG_ENGINE,
                cudnn.CUDNN_BACKEND_ENGINE_DESCRIPTOR, 1);
        if (engines.isEmpty()) {
            return null;
        }
        cudnnBackendDescriptor_t engine = engines.get(0);
        int[] notes = owner.getEnums(engine, cudnn.CUDNN_ATTR_ENGINE_NUMERICAL_NOTE, cudnn.CUDNN_TYPE_NUMERICAL_NOTE,
                cudnn.CUDNN_NUMERICAL_NOTE_TYPE_COUNT);
        int[] behaviour = owner.getEnums(engine, cudnn.CUDNN_ATTR_ENGINE_BEHAVIOR_NOTE, cudnn.CUDNN_TYPE_BEHAVIOR_NOTE,
                cudnn.CUDNN_BEHAVIOR_NOTE_TYPE_COUNT);
        long index = owner.getLong(engine, cudnn.CUDNN_ATTR_ENGINE_GLOBAL_INDEX);
        owner.destroy(engine);
        if (!p.tf32() && Arrays.stream(notes).anyMatch(n -> Arrays.stream(INEXACT_NOTES).anyMatch(m -> m == n))) {
            return null;
        }
        if (!compiledAtRunTime && compiledAtRunTime(behaviour)) {
            return null;
        }
        cudnnBackendDescriptor_t plan = owner.create(cudnn.CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
        owner.setHandle(plan, cudnn.CUDNN_ATTR_EXECUTION_PLAN_HANDLE, dev.cudnn());
        owner.setDescriptors(plan, cudnn.CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, config);
        if (DnnBackend.tryFinalize(plan) != cudnn.CUDNN_STATUS_SUCCESS) {
            owner.destroy(plan);
            return null;
        }
        long workspace = owner.getLong(plan, cudnn.CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE);
        if (workspace > ConvAlgorithms.WORKSPACE_LIMIT) {
            owner.destroy(plan);
            return null;
        }
        boolean tensorCores = Arrays.stream(notes).anyMatch(n -> n == cudnn.CUDNN_NUMERICAL_NOTE_TENSOR_CORE);
        return new Plan(op, plan, uids, workspace, "eng" + index + (notes.length == 0 ? "" : Arrays.toString(notes)),
                tensorCores);
    }

    /**
     * Whether problem {@code p} leaves out an engine with these behaviour notes: one compiled at run time, for
     * 16-bit data, unless asked for. Float32 problems keep every engine: their searches were quick, and a TF32
     * winner may be such an engine.
     */
    static boolean passesOver(ConvAlgorithms.Problem p, int[] behaviourNotes) {
        return !keepsCompiledAtRunTime(p) && compiledAtRunTime(behaviourNotes);
    }

    /** Whether a plain convolution of {@code p} keeps engines compiled at run time (see {@link #passesOver}). */
    static boolean keepsCompiledAtRunTime(ConvAlgorithms.Problem p) {
        return RUNTIME_COMPILED || p.dataType() == cudnn.CUDNN_DATA_FLOAT;
    }

    /** Whether an engine's behaviour notes say it compiles its kernel when its plan is finalized. */
    static boolean compiledAtRunTime(int[] behaviourNotes) {
        return Arrays.stream(behaviourNotes).anyMatch(n -> n == cudnn.CUDNN_BEHAVIOR_NOTE_RUNTIME_COMPILATION);
    }

    /**
     * Mean device time of {@code work} over a few runs, after an untimed run (which loads kernels) and one
     * timed alone: when that one exceeds {@code hopeless} ms, its time is returned without further runs.
     */
    static float millis(CudaDevice dev, String op, Runnable work, float hopeless) {
        CUevent_st start = new CUevent_st();
        CUevent_st stop = new CUevent_st();
        checkCuda(cudart.cudaEventCreate(start), op, "cudaEventCreate");
        try {
            checkCuda(cudart.cudaEventCreate(stop), op, "cudaEventCreate");
            try {
                work.run();
                float first = elapsed(dev, op, work, 1, start, stop);
                return first > hopeless ? first : elapsed(dev, op, work, TIMED_RUNS, start, stop);
            } finally {
                cudart.cudaEventDestroy(stop);
            }
        } finally {
            cudart.cudaEventDestroy(start);
        }
    }

    private static float elapsed(CudaDevice dev, String op, Runnable work, int runs, CUevent_st start, CUevent_st stop) {
        checkCuda(cudart.cudaEventRecord(start, dev.stream()), op, "cudaEventRecord");
        for (int i = 0; i < runs; i++) {
            work.run();
        }
        checkCuda(cudart.cudaEventRecord(stop, dev.stream()), op, "cudaEventRecord");
        checkCuda(cudart.cudaEventSynchronize(stop), op, "cudaEventSynchronize");
        float[] ms = new float[1];
        checkCuda(cudart.cudaEventElapsedTime(ms, start, stop), op, "cudaEventElapsedTime");
        return ms[0] / runs;
    }

    private static void checkCuda(int rc, String op, String call) {
        if (rc != cudart.cudaSuccess) {
            throw new InternalException(op + ": " + call + " failed: " + cudart.cudaGetErrorString(rc).getString());
        }
    }
}
