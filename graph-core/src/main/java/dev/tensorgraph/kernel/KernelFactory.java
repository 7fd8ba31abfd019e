package dev.tensorgraph.kernel;

import dev.tensorgraph.Operation;

/**
 * Makes the kernel for one op of a plan. Reads the op's attributes and static dtypes here, once, so that
 * {@link Kernel#compute} does no look-ups; an unsupported dtype is an
 * {@link dev.tensorgraph.errors.UnimplementedException} naming the op (on a device, that places the op on
 * the CPU instead).
 *
 * <p>A device kernel may keep some inputs or outputs in host memory, as TensorFlow's {@code HostMemory}
 * does for shapes and axes: the planner then feeds it host tensors there, and copies nothing.
 */
@FunctionalInterface
public interface KernelFactory {
    Kernel create(Operation op);

    /** Whether input {@code i} is read from host memory although the kernel runs on a device. */
    default boolean inputOnHost(Operation op, int i) {
        return false;
    }

    /** Whether output {@code i} is produced in host memory although the kernel runs on a device. */
    default boolean outputOnHost(Operation op, int i) {
        return false;
    }

    /**
     * Whether the kernel's device work may be recorded once and replayed (a CUDA graph): it neither waits
     * for the device nor chooses its work from device data.
     */
    default boolean capturable() {
        return true;
    }

    /** {@code factory} with the given inputs and outputs kept in host memory. */
    static KernelFactory withHostMemory(KernelFactory factory, int[] hostInputs, int[] hostOutputs) {
        return new KernelFactory() {
            @Override
            public Kernel create(Operation op) {
                return factory.create(op);
            }

            @Override
            public boolean inputOnHost(Operation op, int i) {
                for (int h : hostInputs) {
                    if (h == i) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public boolean outputOnHost(Operation op, int i) {
                for (int h : hostOutputs) {
                    if (h == i) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public boolean capturable() {
                return factory.capturable();
            }
        };
    }
}
