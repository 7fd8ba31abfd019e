package dev.tensorgraph.kernel;

import dev.tensorgraph.Operation;

/**
 * Makes one kernel that does the work of two ops, a producer and the consumer of its value, which a plan
 * then runs as one step (TensorFlow's grappler remapper does the same for, e.g., BiasAdd followed by Relu).
 * The planner fuses only where nothing else needs what the fusion skips; see {@link KernelRegistry#registerFused}
 * for which inputs and outputs the kernel sees. Throwing {@link dev.tensorgraph.errors.UnimplementedException}
 * (say, for a dtype or data format the fused kernel lacks) makes the plan run the two ops separately.
 */
@FunctionalInterface
public interface FusedKernelFactory {
    Kernel create(Operation producer, Operation consumer);

    /**
     * Whether the kernels take bfloat16 and float16 values themselves. Where not, a pair carrying such values is
     * not fused: each op runs on its own (through the device's widening where needed).
     */
    default boolean halfPrecision() {
        return false;
    }

    /** {@code factory}, declared to take 16-bit floats itself ({@link #halfPrecision()}). */
    static FusedKernelFactory withHalfPrecision(FusedKernelFactory factory) {
        return new FusedKernelFactory() {
            @Override
            public Kernel create(Operation producer, Operation consumer) {
                return factory.create(producer, consumer);
            }

            @Override
            public boolean halfPrecision() {
                return true;
            }
        };
    }
}
