package dev.tensorgraph;

/**
 * How a {@link Session} runs: which devices it may use, threads, debugging switches, and which files its graph
 * may touch. Immutable.
 */
public final class SessionOptions {
    private final boolean allowGpu;
    private final boolean requireGpu;
    private final int gpuIndex;
    private final int intraOpThreads;
    private final boolean allowTf32;
    private final boolean checkNumerics;
    private final boolean deviceGraphs;
    private final boolean fuseOps;
    private final FileAccessPolicy fileAccess;
    private final long loopIterationLimit;
    private final MixedPrecision mixedPrecision;

    private SessionOptions(boolean allowGpu, boolean requireGpu, int gpuIndex, int intraOpThreads, boolean allowTf32,
                           boolean checkNumerics, boolean deviceGraphs, boolean fuseOps, FileAccessPolicy fileAccess,
                           long loopIterationLimit) {
        this(allowGpu, requireGpu, gpuIndex, intraOpThreads, allowTf32, checkNumerics, deviceGraphs, fuseOps, fileAccess,
                loopIterationLimit, null);
    }

    private SessionOptions(boolean allowGpu, boolean requireGpu, int gpuIndex, int intraOpThreads, boolean allowTf32,
                           boolean checkNumerics, boolean deviceGraphs, boolean fuseOps, FileAccessPolicy fileAccess,
                           long loopIterationLimit, MixedPrecision mixedPrecision) {
        this.mixedPrecision = mixedPrecision;
        this.allowGpu = allowGpu;
        this.requireGpu = requireGpu;
        this.gpuIndex = gpuIndex;
        this.intraOpThreads = intraOpThreads;
        this.allowTf32 = allowTf32;
        this.checkNumerics = checkNumerics;
        this.deviceGraphs = deviceGraphs;
        this.fuseOps = fuseOps;
        this.fileAccess = fileAccess;
        this.loopIterationLimit = loopIterationLimit;
    }

    /** GPU 0 when a GPU runtime and device are present, else the CPU; every core for intra-op work. */
    public static SessionOptions defaults() {
        return new SessionOptions(true, false, 0, Runtime.getRuntime().availableProcessors(), false, false, true, true,
                FileAccessPolicy.none(), Long.MAX_VALUE);
    }

    public static SessionOptions cpuOnly() {
        return new SessionOptions(false, false, 0, defaults().intraOpThreads, false, false, true, true,
                FileAccessPolicy.none(), Long.MAX_VALUE);
    }

    /**
     * GPU {@code index}, which must be present: without a GPU runtime on the class path or a usable device,
     * creating the session fails and says why (where {@link #defaults()} would quietly use the CPU).
     */
    public static SessionOptions gpu(int index) {
        if (index < 0) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("GPU index must be >= 0, got " + index);
        }
        return new SessionOptions(true, true, index, defaults().intraOpThreads, false, false, true, true,
                FileAccessPolicy.none(), Long.MAX_VALUE);
    }

    /** Threads one kernel may use (at least 1). */
    public SessionOptions intraOpThreads(int n) {
        if (n < 1) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("intraOpThreads must be >= 1, got " + n);
        }
        return new SessionOptions(allowGpu, requireGpu, gpuIndex, n, allowTf32, checkNumerics, deviceGraphs, fuseOps,
                fileAccess, loopIterationLimit, mixedPrecision);
    }

    /** Lets GPU matrix products and convolutions use TF32 tensor cores (faster, about 10 mantissa bits). */
    public SessionOptions allowTf32(boolean allow) {
        return new SessionOptions(allowGpu, requireGpu, gpuIndex, intraOpThreads, allow, checkNumerics, deviceGraphs, fuseOps,
                fileAccess, loopIterationLimit, mixedPrecision);
    }

    /** Checks every op's floating outputs and fails on the first NaN or infinity, naming the op. */
    public SessionOptions checkNumerics(boolean check) {
        return new SessionOptions(allowGpu, requireGpu, gpuIndex, intraOpThreads, allowTf32, check, deviceGraphs, fuseOps,
                fileAccess, loopIterationLimit, mixedPrecision);
    }

    /**
     * Whether the device may record a plan's work after its first run with given shapes and replay it
     * (CUDA graphs); on by default. Off, every run launches its kernels one by one.
     */
    public SessionOptions deviceGraphs(boolean enable) {
        return new SessionOptions(allowGpu, requireGpu, gpuIndex, intraOpThreads, allowTf32, checkNumerics, enable, fuseOps,
                fileAccess, loopIterationLimit, mixedPrecision);
    }

    /**
     * Whether a plan may run an op and the one op that reads it as one step where a kernel does both (BiasAdd
     * then Relu; ReluGrad then BiasAddGrad): on by default. Results are the same either way; off, every op
     * runs on its own, which profiles op by op.
     */
    public SessionOptions fuseOps(boolean enable) {
        return new SessionOptions(allowGpu, requireGpu, gpuIndex, intraOpThreads, allowTf32, checkNumerics, deviceGraphs,
                enable, fileAccess, loopIterationLimit, mixedPrecision);
    }

    /**
     * Which files the graph's ops may read and write ({@code SaveV2}, {@code RestoreV2} and any other op that
     * touches files); by default none ({@link FileAccessPolicy#none()}), so a graph from elsewhere cannot
     * write or read files the application did not name. {@code Saver} and other calls that take a path from
     * the application need no grant.
     */
    public SessionOptions fileAccess(FileAccessPolicy policy) {
        if (policy == null) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("fileAccess: the policy is null");
        }
        return new SessionOptions(allowGpu, requireGpu, gpuIndex, intraOpThreads, allowTf32, checkNumerics, deviceGraphs,
                fuseOps, policy, loopIterationLimit, mixedPrecision);
    }

    /**
     * The most iterations one run of a while loop may take: a loop that would run more fails with an
     * {@link dev.tensorgraph.errors.OutOfRangeException} naming it, instead of running on. Unlimited by default,
     * as in TensorFlow; a graph's own {@code maximum_iterations} ends its loop quietly instead.
     */
    public SessionOptions loopIterationLimit(long n) {
        if (n < 1) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("loopIterationLimit must be >= 1, got " + n);
        }
        return new SessionOptions(allowGpu, requireGpu, gpuIndex, intraOpThreads, allowTf32, checkNumerics, deviceGraphs,
                fuseOps, fileAccess, n, mixedPrecision);
    }

    /**
     * Runs the graph with TensorFlow's automatic mixed precision: each plan runs a rewritten copy of the graph in
     * which matrix products and convolutions (and their gradients) compute in {@code mode}'s 16-bit type with float32
     * accumulation, the ops TensorFlow's infer and clear lists name follow them where their inputs are 16-bit, and
     * everything else (losses, reductions, variables, optimizer updates) stays float32, with casts between. Fed and
     * fetched tensors keep their dtypes. {@code null} turns it off (the default).
     */
    public SessionOptions mixedPrecision(MixedPrecision mode) {
        return new SessionOptions(allowGpu, requireGpu, gpuIndex, intraOpThreads, allowTf32, checkNumerics, deviceGraphs,
                fuseOps, fileAccess, loopIterationLimit, mode);
    }

    /** The mixed precision mode, or null when the session runs the graph as built. */
    public MixedPrecision mixedPrecision() {
        return mixedPrecision;
    }

    public long loopIterationLimit() {
        return loopIterationLimit;
    }

    public FileAccessPolicy fileAccess() {
        return fileAccess;
    }

    public boolean allowGpu() {
        return allowGpu;
    }

    /** True when the GPU was asked for by index ({@link #gpu(int)}), so its absence is an error. */
    public boolean requireGpu() {
        return requireGpu;
    }

    public int gpuIndex() {
        return gpuIndex;
    }

    public int intraOpThreads() {
        return intraOpThreads;
    }

    public boolean allowTf32() {
        return allowTf32;
    }

    public boolean checkNumerics() {
        return checkNumerics;
    }

    public boolean deviceGraphs() {
        return deviceGraphs;
    }

    public boolean fuseOps() {
        return fuseOps;
    }
}
