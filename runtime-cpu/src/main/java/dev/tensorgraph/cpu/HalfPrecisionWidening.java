package dev.tensorgraph.cpu;

import dev.tensorgraph.Operation;
import dev.tensorgraph.kernel.Float32TwinContext;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.Float32Twins;
import dev.tensorgraph.op.ServiceProviders;

/**
 * Runs ops on bfloat16 and float16 values on the CPU with their float32 kernels, as CPUs have no 16-bit float
 * arithmetic: the kernel is made for the op's float32 twin ({@link Float32Twins}), its 16-bit inputs are widened
 * exactly, it computes and accumulates in float32, and each output the op declares 16-bit is rounded to
 * nearest-even once at the end. So a MatMul in bfloat16 gives the float32 product of the bfloat16 inputs,
 * rounded once, which is what a GPU with float32 accumulation gives up to the order of the sums.
 *
 * <p>Ops that hold state (variables, stacks, loops: any role but ordinary), take a reference input, or have no
 * 16-bit input (a constant or placeholder of a 16-bit type) run their own kernel, which only moves the
 * {@code short[]} patterns.
 */
public final class HalfPrecisionWidening implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.registerWidening(KernelRegistry.CPU, HalfPrecisionWidening::widen);
    }

    /** {@code factory}, declared to handle 16-bit floats itself (a cast, a kernel that only forwards its input). */
    static KernelFactory native16(KernelFactory factory) {
        return KernelFactory.adapting(factory, factory, true);
    }

    static KernelFactory widen(KernelFactory factory) {
        return KernelFactory.adapting(factory, op -> {
            if (!Float32Twins.applies(factory, op)) {
                return factory.create(op);
            }
            Operation twin = ServiceProviders.one(Float32Twins.class).float32Twin(op);
            Kernel kernel = factory.create(twin);
            return ctx -> kernel.compute(new Float32TwinContext(ctx, op, twin));
        }, true);
    }
}
