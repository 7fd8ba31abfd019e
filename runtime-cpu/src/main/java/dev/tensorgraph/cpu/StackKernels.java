package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of the stack ops (see {@link StackState}): a stack lives for one run; a pushed value is kept by
 * the stack (the run's buffer pool must not reuse it) until it is popped.
 */
public final class StackKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "StackV2", op -> {
            DType elemType = op.attrType("elem_type");
            String base = op.attrString("stack_name").isEmpty() ? op.name() : op.attrString("stack_name");
            return ctx -> {
                int maxSize = ResourceHandles.scalarInt(ctx.input(0), "max_size of StackV2 '" + op.name() + "'");
                String name = ResourceHandles.uniqueName(base);
                ctx.setOutput(0, ResourceHandles.handle(new StackState(name, elemType, maxSize), name));
            };
        });
        r.register(CPU, "StackPushV2", op -> ctx -> {
            StackState s = ResourceHandles.state(ctx.input(0), StackState.class, "StackPushV2 '" + op.name() + "'");
            Tensor v = ctx.input(1);
            ctx.retain(v);
            s.push(v);
            ctx.setOutput(0, v);
        });
        r.register(CPU, "StackPopV2", op -> {
            DType elemType = op.attrType("elem_type");
            return ctx -> {
                StackState s = ResourceHandles.state(ctx.input(0), StackState.class, "StackPopV2 '" + op.name() + "'");
                if (s.elemType != elemType) {
                    throw new InvalidArgumentException("StackPopV2 '" + op.name() + "' pops " + elemType
                            + " values, but stack " + s.name + " holds " + s.elemType);
                }
                ctx.setOutput(0, s.pop());
            };
        });
        r.register(CPU, "StackCloseV2", op -> ctx ->
                ResourceHandles.state(ctx.input(0), StackState.class, "StackCloseV2 '" + op.name() + "'").close());
    }
}
