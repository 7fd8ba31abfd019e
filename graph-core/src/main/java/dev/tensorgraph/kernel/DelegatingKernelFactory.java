package dev.tensorgraph.kernel;

import dev.tensorgraph.Operation;

/**
 * A factory that makes kernels with one factory and declares host memory and recording as another does, with
 * its own role and 16-bit float support: what {@link KernelFactory#withRole} and {@link KernelFactory#adapting}
 * return.
 */
final class DelegatingKernelFactory implements KernelFactory {
    private final KernelFactory declarations;
    private final KernelFactory create;
    private final Role role;
    private final boolean halfPrecision;

    DelegatingKernelFactory(KernelFactory declarations, KernelFactory create, Role role, boolean halfPrecision) {
        this.declarations = declarations;
        this.create = create;
        this.role = role;
        this.halfPrecision = halfPrecision;
    }

    @Override
    public Kernel create(Operation op) {
        return create.create(op);
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public boolean inputOnHost(Operation op, int i) {
        return declarations.inputOnHost(op, i);
    }

    @Override
    public boolean outputOnHost(Operation op, int i) {
        return declarations.outputOnHost(op, i);
    }

    @Override
    public boolean capturable() {
        return declarations.capturable();
    }

    @Override
    public boolean halfPrecision() {
        return halfPrecision;
    }
}
