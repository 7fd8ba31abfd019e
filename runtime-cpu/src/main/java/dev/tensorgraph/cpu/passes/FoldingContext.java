package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.VariableSlot;
import java.util.function.Supplier;

/**
 * What a kernel sees when a plan pass runs it once on constant inputs: the inputs, fresh arrays for outputs,
 * one thread, and no session (no variables, no session state: such ops are never folded).
 */
final class FoldingContext implements KernelContext {
    private final Operation op;
    private final Tensor[] inputs;
    private final Tensor[] outputs;

    FoldingContext(Operation op, Tensor[] inputs) {
        this.op = op;
        this.inputs = inputs;
        this.outputs = new Tensor[op.numOutputs()];
    }

    Tensor[] outputs() {
        return outputs;
    }

    @Override
    public Operation op() {
        return op;
    }

    @Override
    public int numInputs() {
        return inputs.length;
    }

    @Override
    public Tensor input(int i) {
        return inputs[i];
    }

    @Override
    public boolean isInputDead(int i) {
        return false;
    }

    @Override
    public void setOutput(int i, Tensor t) {
        outputs[i] = t;
    }

    @Override
    public void setOutputDead(int i) {
        throw noSession("mark an output dead");
    }

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        return Tensor.wrap(dtype, shape, Tensor.newArray(dtype, Math.toIntExact(shape.numElements())));
    }

    @Override
    public Tensor allocateZeroed(DType dtype, Shape shape) {
        return allocate(dtype, shape);
    }

    @Override
    public VariableSlot variable(int i) {
        throw noSession("read a variable");
    }

    @Override
    public void retain(Tensor t) {
    }

    @Override
    public <T> T sessionState(Supplier<T> create) {
        throw noSession("keep session state");
    }

    @Override
    public int intraOpThreads() {
        return 1;
    }

    private FailedPreconditionException noSession(String what) {
        return new FailedPreconditionException(op.name() + " (" + op.type() + ") cannot " + what
                + " while its value is computed ahead of the run");
    }
}
