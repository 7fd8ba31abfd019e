package dev.tensorgraph.kernel;

import dev.tensorgraph.errors.AlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kernel factories by (device type, op type), as TensorFlow's {@code REGISTER_KERNEL_BUILDER}. Runtime
 * modules register theirs through {@link KernelLibrary}; user code registers kernels of its own ops here.
 */
public final class KernelRegistry {
    public static final String CPU = "CPU";
    public static final String GPU = "GPU";

    private static final KernelRegistry GLOBAL = new KernelRegistry();

    private final ConcurrentHashMap<String, KernelFactory> factories = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, FusedKernelFactory> fused = new ConcurrentHashMap<>();
    private volatile boolean librariesLoaded;
    /** Device libraries found but not registered yet (see {@link DeviceKernelLibrary}); guarded by this. */
    private final List<ServiceLoader.Provider<KernelLibrary>> deferred = new ArrayList<>();
    private volatile boolean deviceLibrariesLoaded;

    private KernelRegistry() {}

    public static KernelRegistry global() {
        GLOBAL.ensureLoaded();
        return GLOBAL;
    }

    private void ensureLoaded() {
        if (librariesLoaded) {
            return;
        }
        synchronized (this) {
            if (librariesLoaded) {
                return;
            }
            librariesLoaded = true;
            List<ServiceLoader.Provider<KernelLibrary>> now = new ArrayList<>();
            ServiceLoader.load(KernelLibrary.class, KernelRegistry.class.getClassLoader()).stream().forEach(p -> {
                // type() loads the class without initializing it; device libraries wait until needed.
                (DeviceKernelLibrary.class.isAssignableFrom(p.type()) ? deferred : now).add(p);
            });
            deviceLibrariesLoaded = deferred.isEmpty();
            // All device libraries are known before any library registers, in case one registers device kernels.
            for (ServiceLoader.Provider<KernelLibrary> p : now) {
                p.get().register(this);
            }
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

    public void register(String deviceType, String opType, KernelFactory factory) {
        ensureDeviceLibrariesLoaded(deviceType);
        if (factories.putIfAbsent(key(deviceType, opType), factory) != null) {
            throw new AlreadyExistsException("a " + deviceType + " kernel for op type '" + opType + "' is already registered");
        }
    }

    /** The factory, or null when the device has no kernel for the op type. */
    public KernelFactory find(String deviceType, String opType) {
        ensureDeviceLibrariesLoaded(deviceType);
        return factories.get(key(deviceType, opType));
    }

    /**
     * Registers a kernel that runs a {@code producerType} op and a {@code consumerType} op reading its output
     * as one step. Its inputs are the producer's; its outputs are the consumer's when {@code keepsProducer} is
     * false (the producer's value is then never stored), else the producer's followed by the consumer's.
     */
    public void registerFused(String deviceType, String producerType, String consumerType, boolean keepsProducer,
                              FusedKernelFactory factory) {
        ensureDeviceLibrariesLoaded(deviceType);
        String k = key(deviceType, producerType + "+" + consumerType + (keepsProducer ? "+keep" : ""));
        if (fused.putIfAbsent(k, factory) != null) {
            throw new AlreadyExistsException("a fused " + deviceType + " kernel for " + producerType + " then "
                    + consumerType + " is already registered");
        }
    }

    /** The fused factory registered by {@link #registerFused}, or null. */
    public FusedKernelFactory findFused(String deviceType, String producerType, String consumerType,
                                        boolean keepsProducer) {
        ensureDeviceLibrariesLoaded(deviceType);
        return fused.get(key(deviceType, producerType + "+" + consumerType + (keepsProducer ? "+keep" : "")));
    }

    /** Op types with a kernel on the device, sorted. */
    public Set<String> opTypes(String deviceType) {
        ensureDeviceLibrariesLoaded(deviceType);
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
