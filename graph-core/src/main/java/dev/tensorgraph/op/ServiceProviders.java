package dev.tensorgraph.op;

import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.NotFoundException;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one implementation on the class path of an interface that graph-core defines and an op library
 * implements ({@link VariableUpdates}, {@code grad.GradientSupport}), found with {@link ServiceLoader} on
 * first use and kept.
 */
public final class ServiceProviders {
    private static final ConcurrentHashMap<Class<?>, Object> FOUND = new ConcurrentHashMap<>();

    private ServiceProviders() {}

    /** The implementation of {@code service}; none, or more than one, is an error naming them. */
    public static <T> T one(Class<T> service) {
        return service.cast(FOUND.computeIfAbsent(service, ServiceProviders::load));
    }

    private static Object load(Class<?> service) {
        List<?> found = ServiceLoader.load(service, ServiceProviders.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
        if (found.isEmpty()) {
            throw new NotFoundException("no implementation of " + service.getName()
                    + " on the class path; the op library (tensorgraph-graph-ops) provides it");
        }
        if (found.size() > 1) {
            throw new FailedPreconditionException(found.size() + " implementations of " + service.getName()
                    + " on the class path, where one is expected: "
                    + found.stream().map(o -> o.getClass().getName()).toList());
        }
        return found.get(0);
    }
}
