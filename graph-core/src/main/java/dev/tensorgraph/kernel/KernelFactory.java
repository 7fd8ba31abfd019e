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
    /**
     * What the executor does around a kernel beyond running it: the few kernels with another role than
     * {@link #ORDINARY} declare it, so that the planner and executor need not know op types.
     */
    enum Role {
        /** Skipped when an input or control input is dead (a conditional's untaken branch), its outputs then dead. */
        ORDINARY,
        /**
         * Holds a variable: the session keeps the op's value, which the kernel reaches with
         * {@link KernelContext#variable variable(-1)}; ref inputs of other ops must come from such an op.
         */
        VARIABLE,
        /** May mark outputs dead with {@link KernelContext#setOutputDead} (a conditional's switch). */
        MARKS_OUTPUTS_DEAD,
        /**
         * Runs when any input is live, asking {@link KernelContext#isInputDead} which (a conditional's merge);
         * skipped only when every input is dead.
         */
        RUNS_ON_ANY_LIVE_INPUT,
        /** Runs, its outputs live, even when its inputs or control inputs are dead (TensorFlow's ControlTrigger). */
        IGNORES_DEADNESS,
        /**
         * Enters a while loop's frame, the one its {@code frame_name} attribute names (TensorFlow's Enter). The
         * planner finds loops by the four loop roles and runs each loop as one step; their kernels only forward.
         */
        LOOP_ENTER,
        /** Leaves a while loop's frame for the enclosing one (Exit). */
        LOOP_EXIT,
        /** Carries a value to the next iteration, into the merge that is its loop variable (NextIteration). */
        LOOP_NEXT_ITERATION,
        /** Holds the predicate that decides whether a while loop runs another iteration (LoopCond). */
        LOOP_CONDITION
    }

    Kernel create(Operation op);

    /** The kernel's role in the executor; {@link Role#ORDINARY} for almost every kernel. */
    default Role role() {
        return Role.ORDINARY;
    }

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

    /**
     * Whether the kernels handle {@link dev.tensorgraph.DType#BFLOAT16} and {@link dev.tensorgraph.DType#HALF}
     * values themselves. Where not, an op carrying such values runs on the CPU through the float32 kernel, its
     * 16-bit inputs widened and its outputs rounded back (see {@link KernelRegistry#registerWidening}).
     */
    default boolean halfPrecision() {
        return false;
    }

    /**
     * A factory whose kernels {@code create} makes, declaring roles and memory as {@code factory} does and
     * {@link #halfPrecision()} as given: for adapters that convert around another factory's kernels.
     */
    static KernelFactory adapting(KernelFactory factory, KernelFactory create, boolean halfPrecision) {
        return new DelegatingKernelFactory(factory, create, factory.role(), halfPrecision);
    }

    /** {@code factory} with another {@link Role}, everything else unchanged. */
    static KernelFactory withRole(KernelFactory factory, Role role) {
        return new DelegatingKernelFactory(factory, factory, role, factory.halfPrecision());
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

            @Override
            public Role role() {
                return factory.role();
            }

            @Override
            public boolean halfPrecision() {
                return factory.halfPrecision();
            }
        };
    }
}
