package dev.tensorgraph;

import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.ServiceProviders;
import dev.tensorgraph.op.VariableUpdates;
import java.util.Map;

/**
 * A TensorFlow 1.x variable: an {@link Output} naming the variable op ({@code "V1/a1:0"}), whose value
 * lives in each {@link Session} that runs it. Two kinds exist, as in TensorFlow:
 *
 * <ul>
 *   <li>a <b>reference variable</b> ({@code VariableV2}, the default here): used as an input, it reads the
 *       current value in place;</li>
 *   <li>a <b>resource variable</b> ({@code VarHandleOp}, what TensorFlow 2 writes; {@link #isResource()}): the op
 *       outputs a handle ({@link DType#RESOURCE}, {@link #handle()}). Used as an input of an op, the variable is
 *       read by a new {@code ReadVariableOp} named under that op ({@code MatMul/ReadVariableOp}), as TensorFlow
 *       converts a resource variable to a tensor; a read is a snapshot, ordered against assignments by control
 *       edges. {@link #dtype()} and {@link #shape()} are the value's, as TensorFlow's {@code ResourceVariable}
 *       reports them, and fetching or feeding the variable fetches or feeds its snapshot
 *       {@code <name>/Read/ReadVariableOp}.</li>
 * </ul>
 */
public class Variable extends Output {
    private final Operation initializer;
    private final Output initialValue;
    private final Output snapshot;
    private final boolean trainable;

    /**
     * Wraps an existing variable op. Libraries create variables through their own facade ({@code tf.variable},
     * {@code tf.getVariable}); this constructor is for them and for graph import.
     */
    public Variable(Operation variableOp, Operation initializer, Output initialValue, Output snapshot, boolean trainable) {
        super(variableOp, 0);
        this.initializer = initializer;
        this.initialValue = initialValue;
        this.snapshot = snapshot;
        this.trainable = trainable;
    }

    /** The op that assigns the initial value. */
    public Operation initializer() {
        return initializer;
    }

    public Output initialValue() {
        return initialValue;
    }

    /** Whether this is a resource variable (its op outputs a {@link DType#RESOURCE} handle). */
    public boolean isResource() {
        return op().outputDtype(0) == DType.RESOURCE;
    }

    /** The handle a resource variable's op outputs, as a plain tensor (TensorFlow's {@code variable.handle}). */
    public Output handle() {
        if (!isResource()) {
            throw new InvalidArgumentException("variable " + opName() + " is a reference variable, which has no handle");
        }
        return new Output(op(), 0);
    }

    /** The value's dtype (a resource variable's, not its handle's). */
    @Override
    public DType dtype() {
        return isResource() ? op().attrType("dtype") : super.dtype();
    }

    /** The value's shape (a resource variable's, not its handle's). */
    @Override
    public Shape shape() {
        return isResource() ? op().attrShape("shape") : super.shape();
    }

    /**
     * The variable as an op input, as TensorFlow converts it: a reference variable's {@code <name>/read} identity
     * (or the variable itself when it has none); a resource variable itself, which the op it is given to reads
     * ({@code <op>/ReadVariableOp}).
     */
    public Output value() {
        if (isResource()) {
            return this;
        }
        return snapshot != null ? snapshot : this;
    }

    /**
     * The tensor that stands for the variable's value in saved graphs and when fetched: {@code <name>/read} or
     * {@code <name>/Read/ReadVariableOp} (TensorFlow's VariableDef {@code snapshot_name}); null when the variable
     * has none.
     */
    public Output snapshot() {
        return snapshot;
    }

    public boolean trainable() {
        return trainable;
    }

    /** The variable op's name without {@code :0}. */
    public String opName() {
        return op().name();
    }

    /** Sets this variable to {@code value} ({@code Assign}, or {@code AssignVariableOp}), returning the new value. */
    public Output assign(Output value) {
        return updates().assign(this, value, null);
    }

    /** As {@link #assign(Output)}, the op named {@code name}. */
    public Output assign(Output value, String name) {
        return updates().assign(this, value, name);
    }

    /** Adds {@code delta} to this variable ({@code AssignAdd}, or {@code AssignAddVariableOp}), returning the new value. */
    public Output assignAdd(Output delta) {
        return updates().assignAdd(this, delta, null);
    }

    /** Subtracts {@code delta} from this variable ({@code AssignSub}, or {@code AssignSubVariableOp}), returning the new value. */
    public Output assignSub(Output delta) {
        return updates().assignSub(this, delta, null);
    }

    private static VariableUpdates updates() {
        return ServiceProviders.one(VariableUpdates.class);
    }

    /** Attributes of the variable op, for tools. */
    public Map<String, Object> attrs() {
        return op().attrs();
    }

    @Override
    public String toString() {
        return "<tf.Variable '" + name() + "' shape=" + shape() + " dtype=" + dtype()
                + (isResource() ? " (resource)" : "") + ">";
    }
}
