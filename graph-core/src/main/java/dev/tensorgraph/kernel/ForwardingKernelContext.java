package dev.tensorgraph.kernel;

import dev.tensorgraph.DType;
import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceTensor;
import java.util.function.Supplier;

/**
 * A context that passes every call on to another, for adapters that change what a kernel sees of a few of
 * them (its inputs, its outputs, its op) and leave the rest.
 */
public class ForwardingKernelContext implements KernelContext {
    private final KernelContext ctx;

    public ForwardingKernelContext(KernelContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Operation op() {
        return ctx.op();
    }

    @Override
    public int numInputs() {
        return ctx.numInputs();
    }

    @Override
    public Tensor input(int i) {
        return ctx.input(i);
    }

    @Override
    public boolean isInputDead(int i) {
        return ctx.isInputDead(i);
    }

    @Override
    public void setOutput(int i, Tensor t) {
        ctx.setOutput(i, t);
    }

    @Override
    public void setOutputDead(int i) {
        ctx.setOutputDead(i);
    }

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        return ctx.allocate(dtype, shape);
    }

    @Override
    public Tensor allocateZeroed(DType dtype, Shape shape) {
        return ctx.allocateZeroed(dtype, shape);
    }

    @Override
    public VariableSlot variable(int i) {
        return ctx.variable(i);
    }

    @Override
    public VariableSlot variableValue(int i) {
        return ctx.variableValue(i);
    }

    @Override
    public void retain(Tensor t) {
        ctx.retain(t);
    }

    @Override
    public <T> T sessionState(Supplier<T> create) {
        return ctx.sessionState(create);
    }

    @Override
    public int intraOpThreads() {
        return ctx.intraOpThreads();
    }

    @Override
    public FileAccessPolicy fileAccess() {
        return ctx.fileAccess();
    }

    @Override
    public DeviceContext device() {
        return ctx.device();
    }

    @Override
    public DeviceTensor deviceInput(int i) {
        return ctx.deviceInput(i);
    }

    @Override
    public DeviceTensor allocateOnDevice(DType dtype, Shape shape) {
        return ctx.allocateOnDevice(dtype, shape);
    }

    @Override
    public void setOutput(int i, DeviceTensor t) {
        ctx.setOutput(i, t);
    }

    @Override
    public void retain(DeviceTensor t) {
        ctx.retain(t);
    }

    @Override
    public void releaseAfterRun(DeviceTensor t) {
        ctx.releaseAfterRun(t);
    }
}
