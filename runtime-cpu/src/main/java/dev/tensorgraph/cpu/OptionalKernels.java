package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of the optional ops: the variant holds a {@link Value} (the tensors, retained so the run's buffer
 * pool never reuses them) or {@link #NONE}.
 */
public final class OptionalKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;
    private static final Value NONE = new Value(null);

    /** What an optional variant holds: its components, or {@code null} for none. */
    record Value(Tensor[] components) {}

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "OptionalFromValue", op -> ctx -> {
            Tensor[] values = new Tensor[ctx.numInputs()];
            for (int i = 0; i < values.length; i++) {
                values[i] = ctx.input(i);
                ctx.retain(values[i]);
            }
            ctx.setOutput(0, Tensor.ofObject(DType.VARIANT, new Value(values)));
        });
        r.register(CPU, "OptionalNone", op -> ctx -> ctx.setOutput(0, Tensor.ofObject(DType.VARIANT, NONE)));
        r.register(CPU, "OptionalHasValue", op -> ctx ->
                ctx.setOutput(0, Tensor.of(value(ctx.input(0), op).components() != null)));
        r.register(CPU, "OptionalGetValue", op -> {
            DType[] types = (DType[]) op.attr("output_types");
            return ctx -> {
                Tensor[] values = value(ctx.input(0), op).components();
                if (values == null) {
                    throw new InvalidArgumentException(what(op) + ": the optional has no value");
                }
                if (values.length != types.length) {
                    throw new InvalidArgumentException(what(op) + ": the optional holds " + values.length
                            + " tensors but output_types names " + types.length);
                }
                for (int i = 0; i < values.length; i++) {
                    if (values[i].dtype() != types[i]) {
                        throw new InvalidArgumentException(what(op) + ": component " + i + " is " + values[i].dtype()
                                + " but output_types says " + types[i]);
                    }
                    ctx.setOutput(i, values[i]);
                }
            };
        });
    }

    private static String what(Operation op) {
        return op.type() + " '" + op.name() + "'";
    }

    private static Value value(Tensor t, Operation op) {
        if (t.dtype() == DType.VARIANT && t.numElements() == 1 && ((Object[]) t.array())[0] instanceof Value v) {
            return v;
        }
        throw new InvalidArgumentException(what(op) + " needs an optional, got a " + t.dtype() + " tensor of shape "
                + t.shape());
    }
}
