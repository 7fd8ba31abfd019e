package dev.tensorgraph.kernel;

import dev.tensorgraph.DType;
import dev.tensorgraph.HalfFloats;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;

/**
 * What the float32 kernel of an op's float32 twin ({@link dev.tensorgraph.op.Float32Twins}) sees of a run: the
 * twin as its op, 16-bit host inputs widened exactly to float32, and float32 host outputs the op declares 16-bit
 * rounded back to nearest-even. A device runtime extends it for device memory.
 */
public class Float32TwinContext extends ForwardingKernelContext {
    private final KernelContext ctx;
    private final Operation op;
    private final Operation twin;
    private final Tensor[] widened;

    public Float32TwinContext(KernelContext ctx, Operation op, Operation twin) {
        super(ctx);
        this.ctx = ctx;
        this.op = op;
        this.twin = twin;
        this.widened = new Tensor[ctx.numInputs()];
    }

    @Override
    public Operation op() {
        return twin;
    }

    /** The dtype the op (not its twin) declares for output {@code i}. */
    protected DType declaredOutput(int i) {
        return op.output(i).dtype();
    }

    @Override
    public Tensor input(int i) {
        Tensor t = ctx.input(i);
        if (!t.dtype().isHalfPrecision()) {
            return t;
        }
        if (widened[i] == null) {
            widened[i] = Tensor.wrap(DType.FLOAT32, t.shape(), HalfFloats.widen(t.dtype(), (short[]) t.array()));
        }
        return widened[i];
    }

    @Override
    public void setOutput(int i, Tensor t) {
        DType declared = declaredOutput(i);
        if (declared.isHalfPrecision() && t.dtype() == DType.FLOAT32) {
            Tensor out = ctx.allocate(declared, t.shape());
            HalfFloats.narrow(declared, (float[]) t.array(), (short[]) out.array());
            ctx.setOutput(i, out);
        } else {
            ctx.setOutput(i, t);
        }
    }
}
