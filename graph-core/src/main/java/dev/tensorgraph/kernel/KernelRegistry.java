package dev.tensorgraph.kernel;

import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.op.LibraryIndex;
import dev.tensorgraph.rewrite.PlanPass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kernel factories by (device type, op type), as TensorFlow's {@code REGISTER_KERNEL_BUILDER}, and fusion
 * patterns with their kernels by device. Runtime modules register theirs through {@link KernelLibrary}; user
 * code registers kernels and fusions of its own ops here, through the same methods.
 *
 * <p>A jar may list the kernels each of its libraries registers ({@link LibraryIndex#KERNEL_LIBRARIES}): such a
 * library is registered when one of its kernels is first looked up (or registered again), so a small graph's
 * first run does not create the factories of hundreds of kernels it never uses. Libraries no index lists, and
 * those that register fusions, plan passes or widenings, are registered on first use of the registry, as are
 * all when the registry is asked for every op type.
 */
public final class KernelRegistry {
    public static final String CPU = "CPU";
    public static final String GPU = "GPU";

    private static final KernelRegistry GLOBAL = new KernelRegistry();

    private final ConcurrentHashMap<String, KernelFactory> factories = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, FusedKernelFactory> fused = new ConcurrentHashMap<>();
    /** Registered fusion patterns by producer and consumer type; guarded by itself. */
    private final Map<String, FusionPattern> fusionPatterns = new HashMap<>();
    /** Plan passes by device type, in registration order; guarded by itself. */
    private final Map<String, List<PlanPass>> planPasses = new HashMap<>();
    private volatile boolean librariesLoaded;
    /** Set while this thread registers the libraries; guarded by this. */
    private boolean loading;
    /** Device libraries found but not registered yet (see {@link DeviceKernelLibrary}); guarded by this. */
    private final List<ServiceLoader.Provider<KernelLibrary>> deferred = new ArrayList<>();
    private volatile boolean deviceLibrariesLoaded;
    private final ConcurrentHashMap<String, java.util.function.UnaryOperator<KernelFactory>> widenings =
            new ConcurrentHashMap<>();
    /** Which library registers which kernel, for the libraries in {@link #indexed}; guarded by this. */
    private LibraryIndex index;
    /** Libraries that register only kernels, all listed by the index, not registered yet; guarded by this. */
    private final Map<String, ServiceLoader.Provider<KernelLibrary>> indexed = new HashMap<>();
    /** False while {@link #indexed} may hold a library. */
    private volatile boolean indexedLoaded = true;

    private KernelRegistry() {}

    /**
     * The kernels {@code library} registers, as {@code DEVICE/OpType}, on a registry of its own that knows no
     * library; null when it also registers fusions, plan passes or widenings. For the index.
     */
    public static List<String> kernelsRegisteredBy(KernelLibrary library) {
        KernelRegistry scratch = new KernelRegistry();
        scratch.librariesLoaded = true;
        scratch.deviceLibrariesLoaded = true;
        library.register(scratch);
        if (!scratch.fused.isEmpty() || !scratch.planPasses.isEmpty() || !scratch.widenings.isEmpty()) {
            return null;
        }
        return new TreeSet<>(scratch.factories.keySet()).stream().map(k -> k.replace('\u0000', '/')).toList();
    }

    public static KernelRegistry global() {
        GLOBAL.ensureLoaded();
        return GLOBAL;
    }

    private void ensureLoaded() {
        if (librariesLoaded) {
            return;
        }
        synchronized (this) {
            // loading: a library that looks the registry up while it registers (on this thread) gets it as it is
            if (librariesLoaded || loading) {
                return;
            }
            loading = true;
            List<ServiceLoader.Provider<KernelLibrary>> now = new ArrayList<>();
            index = LibraryIndex.read(KernelRegistry.class.getClassLoader(), LibraryIndex.KERNEL_LIBRARIES);
            ServiceLoader.load(KernelLibrary.class, KernelRegistry.class.getClassLoader()).stream().forEach(p -> {
                // type() loads the class without initializing it; device libraries wait until needed.
                if (DeviceKernelLibrary.class.isAssignableFrom(p.type())) {
                    deferred.add(p);
                } else if (index.lists(p.type().getName())) {
                    indexed.put(p.type().getName(), p);
                } else {
                    now.add(p);
                }
            });
            indexedLoaded = indexed.isEmpty();
            deviceLibrariesLoaded = deferred.isEmpty();
            // All device libraries are known before any library registers, in case one registers device kernels.
            for (ServiceLoader.Provider<KernelLibrary> p : now) {
                p.get().register(this);
            }
            // only now: another thread's first session must not find the registry half filled
            librariesLoaded = true;
        }
    }

    /** Registers the deferred device libraries, before the first look-up or registration for a device. */
    private void ensureDeviceLibrariesLoaded(String deviceType) {
        if (deviceLibrariesLoaded || CPU.equals(deviceType)) {
            return;
        }
        synchronized (this) {
            if (deviceLibrariesLoaded) {
                return;
            }
            deviceLibrariesLoaded = true;
            for (ServiceLoader.Provider<KernelLibrary> p : deferred) {
                p.get().register(this);
            }
            deferred.clear();
        }
    }

    private static String key(String deviceType, String opType) {
        return deviceType + "\u0000" + opType;
    }

    /** Registers the library that the index names for the kernel, when it is not registered yet. */
    private void loadLibraryOf(String deviceType, String opType) {
        if (indexedLoaded) {
            return;
        }
        synchronized (this) {
            String library = index.libraryOf(deviceType + "/" + opType);
            ServiceLoader.Provider<KernelLibrary> p = library == null ? null : indexed.remove(library);
            if (p != null) {
                p.get().register(this);
            }
            // once every indexed library is in, a look-up of a kernel no device has stops taking the lock
            indexedLoaded = indexed.isEmpty();
        }
    }

    /** Registers every library the index lists that is not registered yet. */
    private void loadIndexed() {
        if (indexedLoaded) {
            return;
        }
        synchronized (this) {
            indexedLoaded = true;
            List<ServiceLoader.Provider<KernelLibrary>> rest = new ArrayList<>(indexed.values());
            indexed.clear();
            for (ServiceLoader.Provider<KernelLibrary> p : rest) {
                p.get().register(this);
            }
        }
    }

    public void register(String deviceType, String opType, KernelFactory factory) {
        ensureDeviceLibrariesLoaded(deviceType);
        loadLibraryOf(deviceType, opType); // so that a second kernel for its op is an error, as it would be
        if (factories.putIfAbsent(key(deviceType, opType), factory) != null) {
            throw new AlreadyExistsException("a " + deviceType + " kernel for op type '" + opType + "' is already registered");
        }
    }

    /**
     * Registers how {@code deviceType} runs ops on 16-bit floats with its float32 kernels: {@code widen} turns a
     * factory whose kernels lack {@link KernelFactory#halfPrecision()} into one that converts around them.
     */
    public void registerWidening(String deviceType, java.util.function.UnaryOperator<KernelFactory> widen) {
        if (widenings.putIfAbsent(deviceType, widen) != null) {
            throw new AlreadyExistsException("a " + deviceType + " widening for 16-bit floats is already registered");
        }
    }

    /** {@code factory} made to accept 16-bit floats by the device's widening, or {@code factory} when it has none. */
    public KernelFactory widened(String deviceType, KernelFactory factory) {
        java.util.function.UnaryOperator<KernelFactory> widen = widenings.get(deviceType);
        return widen == null || factory == null || factory.halfPrecision() ? factory : widen.apply(factory);
    }

    /** The factory, or null when the device has no kernel for the op type. */
    public KernelFactory find(String deviceType, String opType) {
        ensureDeviceLibrariesLoaded(deviceType);
        KernelFactory f = factories.get(key(deviceType, opType));
        if (f == null && !indexedLoaded) {
            loadLibraryOf(deviceType, opType);
            f = factories.get(key(deviceType, opType));
        }
        return f;
    }

    /**
     * Registers a fusion pattern with its kernel on one device: plans on that device run a matching producer
     * and consumer as one step with the kernel {@code factory} makes (see {@link FusionPattern} for when they
     * match). The kernel's inputs are the producer's; its outputs are the consumer's, preceded by the
     * producer's when the pattern keeps them. A pattern means the same on every device: registering the same
     * producer and consumer again with the other choice of {@link FusionPattern#keepsProducer} is an error.
     */
    public void registerFused(String deviceType, FusionPattern pattern, FusedKernelFactory factory) {
        ensureDeviceLibrariesLoaded(deviceType);
        String pair = pattern.producerType() + "\u0000" + pattern.consumerType();
        synchronized (fusionPatterns) {
            FusionPattern known = fusionPatterns.get(pair);
            if (known != null && !known.equals(pattern)) {
                throw new AlreadyExistsException("fusion " + known + " is already registered; " + pattern
                        + " contradicts it");
            }
            if (fused.putIfAbsent(key(deviceType, pair), factory) != null) {
                throw new AlreadyExistsException("a fused " + deviceType + " kernel for " + pattern
                        + " is already registered");
            }
            fusionPatterns.put(pair, pattern);
        }
    }

    /** The kernel factory registered for {@code pattern} on the device, or null. */
    public FusedKernelFactory findFused(String deviceType, FusionPattern pattern) {
        ensureDeviceLibrariesLoaded(deviceType);
        return fused.get(key(deviceType, pattern.producerType() + "\u0000" + pattern.consumerType()));
    }

    /** The fusion patterns with a kernel on the device, in no particular order. */
    public List<FusionPattern> fusionPatterns(String deviceType) {
        ensureDeviceLibrariesLoaded(deviceType);
        List<FusionPattern> r = new ArrayList<>();
        synchronized (fusionPatterns) {
            for (Map.Entry<String, FusionPattern> e : fusionPatterns.entrySet()) {
                if (fused.containsKey(key(deviceType, e.getKey()))) {
                    r.add(e.getValue());
                }
            }
        }
        return r;
    }

    /**
     * Registers a rewrite that plans on the device apply to the ops they run (see {@link PlanPass}); passes
     * run in registration order. A second pass with the same name for a device is an error.
     */
    public void registerPlanPass(String deviceType, PlanPass pass) {
        ensureDeviceLibrariesLoaded(deviceType);
        synchronized (planPasses) {
            List<PlanPass> list = planPasses.computeIfAbsent(deviceType, k -> new ArrayList<>());
            for (PlanPass p : list) {
                if (p.name().equals(pass.name())) {
                    throw new AlreadyExistsException("a " + deviceType + " plan pass named '" + pass.name()
                            + "' is already registered");
                }
            }
            list.add(pass);
        }
    }

    /** The plan passes registered for the device, in registration order. */
    public List<PlanPass> planPasses(String deviceType) {
        ensureDeviceLibrariesLoaded(deviceType);
        synchronized (planPasses) {
            return List.copyOf(planPasses.getOrDefault(deviceType, List.of()));
        }
    }

    /** Op types with a kernel on the device, sorted. */
    public Set<String> opTypes(String deviceType) {
        ensureDeviceLibrariesLoaded(deviceType);
        loadIndexed();
        Set<String> r = new TreeSet<>();
        String prefix = deviceType + "\u0000";
        for (String k : factories.keySet()) {
            if (k.startsWith(prefix)) {
                r.add(k.substring(prefix.length()));
            }
        }
        return r;
    }
}
