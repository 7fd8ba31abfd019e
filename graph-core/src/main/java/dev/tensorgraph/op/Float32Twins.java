package dev.tensorgraph.op;

import dev.tensorgraph.Operation;

/**
 * Makes the float32 twin of an op on 16-bit floats, for runtimes that compute such ops with their float32
 * kernels: the same type and attributes (each 16-bit type attribute float32) in a graph of its own, whose inputs
 * stand in for the op's (float32 for its 16-bit inputs; constants copied, so kernels that read a constant input
 * when they are made still see it). The op library implements it (found with {@link ServiceProviders}), since
 * making stand-ins names op types.
 */
public interface Float32Twins {
    Operation float32Twin(Operation op);

    /**
     * Whether a runtime runs {@code op} through its float32 twin with {@code factory}'s kernel: an ordinary op (no
     * state, no frames) with a 16-bit input and no reference input. Other ops run their own kernel.
     */
    static boolean applies(dev.tensorgraph.kernel.KernelFactory factory, Operation op) {
        if (factory.role() != dev.tensorgraph.kernel.KernelFactory.Role.ORDINARY) {
            return false;
        }
        boolean half = false;
        for (int i = 0; i < op.numInputs(); i++) {
            if (op.def().isRefInput(i)) {
                return false;
            }
            half |= op.input(i).dtype().isHalfPrecision();
        }
        return half;
    }
}
