package dev.tensorgraph.kernel;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * What a resource variable's handle holds: the element of the {@link DType#RESOURCE} scalar a variable-handle op
 * outputs, a reference to one variable of one session (its {@link VariableSlot}, found by container and shared
 * name, so every handle op naming the same variable reaches the same value). Handles pass between ops, through
 * Identity, Switch, function calls and loops, like any tensor; the ops that read and write variables take them
 * as inputs and act through this object on the session's variable.
 *
 * <p>Reads are snapshots ({@link #read}): the value handed out is never written afterwards, because updates
 * ({@link #valueForUpdate}) copy a value a reader may hold before writing (see {@link VariableSlot}).
 */
public final class VariableHandle {
    private final String container;
    private final String sharedName;
    private final DType dtype;
    private final Shape shape;
    private final VariableSlot slot;

    /**
     * A handle of the variable {@code sharedName} in {@code container} ("" is the default one), declared with
     * {@code dtype} and {@code shape} (which may be partly unknown), whose storage is {@code slot}.
     */
    public VariableHandle(String container, String sharedName, DType dtype, Shape shape, VariableSlot slot) {
        this.container = container;
        this.sharedName = sharedName;
        this.dtype = dtype;
        this.shape = shape;
        this.slot = slot;
    }

    /** The key under which a session keeps the variable {@code sharedName} of {@code container}. */
    public static String sessionKey(String container, String sharedName) {
        return (container.isEmpty() ? "localhost" : container) + "/" + sharedName;
    }

    /**
     * The shared name of the variable a handle op declares: its {@code shared_name} attribute, or, when that is
     * empty, the op's name (as TensorFlow names a resource that has no shared name after its node).
     */
    public static String sharedNameOf(Operation handleOp) {
        Object s = handleOp.attrs().get("shared_name");
        return s instanceof String name && !name.isEmpty() ? name : handleOp.name();
    }

    /** The container a handle op declares ({@code ""}: the session's default one). */
    public static String containerOf(Operation handleOp) {
        return handleOp.attrs().get("container") instanceof String c ? c : "";
    }

    /**
     * The handle held by tensor {@code t}, input {@code input} of {@code op}; an error naming the op when it is
     * not a variable's handle.
     */
    public static VariableHandle of(Tensor t, Operation op, int input) {
        if (t.dtype() == DType.RESOURCE && t.numElements() == 1 && ((Object[]) t.array())[0] instanceof VariableHandle h) {
            return h;
        }
        throw new InvalidArgumentException(op.type() + " op '" + op.name() + "': input " + input
                + " must be a resource variable's handle, got a " + t.dtype() + " tensor of shape " + t.shape());
    }

    /** This handle as the scalar {@link DType#RESOURCE} tensor a handle op outputs. */
    public Tensor toTensor() {
        return Tensor.ofObject(DType.RESOURCE, this);
    }

    public String sharedName() {
        return sharedName;
    }

    public String container() {
        return container;
    }

    /** The dtype the variable was declared with. */
    public DType dtype() {
        return dtype;
    }

    /** The shape the variable was declared with (maybe partly unknown). */
    public Shape shape() {
        return shape;
    }

    public boolean isInitialized() {
        return slot.isInitialized();
    }

    /**
     * The variable's value, a snapshot that no later update changes; {@code op} asked for {@code want}. An
     * uninitialized variable or another dtype is an error naming the variable.
     */
    public Tensor read(Operation op, DType want) {
        checkDtype(op, want);
        synchronized (slot) {
            requireInitialized();
            return slot.share();
        }
    }

    /**
     * The variable's value for an update that writes it in place (a copy replacing it when a reader may hold the
     * current one); an uninitialized variable is an error naming it.
     */
    public Tensor valueForUpdate(Operation op, DType want) {
        checkDtype(op, want);
        synchronized (slot) {
            requireInitialized();
            return slot.getForUpdate();
        }
    }

    /**
     * Sets the variable to {@code value}, which may be shared (the variable copies it before an update writes
     * it). With {@code validateShape} the value
     * must have the declared shape, as TensorFlow's {@code AssignVariableOp(validate_shape=True)} demands; a value
     * of another dtype is always refused.
     */
    public void assign(Operation op, Tensor value, boolean validateShape) {
        checkDtype(op, value.dtype());
        synchronized (slot) {
            Tensor current = slot.peek();
            Shape expected = current != null ? current.shape() : shape;
            if (validateShape && !value.shape().isCompatibleWith(expected)) {
                throw new InvalidArgumentException(op.type() + " op '" + op.name() + "': trying to assign to variable "
                        + sharedName + " with wrong shape. Expected " + expected + " got " + value.shape());
            }
            slot.setShared(value);
        }
    }

    /** Forgets the variable's value ({@code DestroyResourceOp}): later reads fail until it is assigned again. */
    public void destroy() {
        slot.clear();
    }

    /** The slot, for tools that move values in and out (a saver restoring checkpoints). */
    public VariableSlot slot() {
        return slot;
    }

    private void checkDtype(Operation op, DType want) {
        if (want != dtype) {
            throw new InvalidArgumentException(op.type() + " op '" + op.name() + "': trying to access resource "
                    + sharedName + " of dtype " + dtype + " as " + want);
        }
    }

    private void requireInitialized() {
        if (!slot.isInitialized()) {
            throw new FailedPreconditionException("Could not find variable " + sharedName + ". This could mean that"
                    + " the variable has been deleted. In TF1, it can also mean the variable is uninitialized."
                    + " Debug info: container=" + (container.isEmpty() ? "localhost" : container));
        }
    }

    @Override
    public String toString() {
        return "VariableHandle(" + sessionKey(container, sharedName) + ", " + dtype + shape + ")";
    }
}
