package dev.tensorgraph.cpu;

import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of a function body's {@code _Arg} and {@code _Retval} left in a graph: an argument must be fed (it
 * has no value of its own outside a call), a result does nothing when it runs.
 */
public final class FunctionArgKernels implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "_Arg", op -> ctx -> {
            throw new InvalidArgumentException("You must feed a value for argument tensor '" + op.name() + ":0' (_Arg "
                    + op.attrLong("index") + " of the function this graph was taken from) with dtype "
                    + op.attrType("T"));
        });
        r.register(KernelRegistry.CPU, "_Retval", op -> ctx -> { });
    }
}
