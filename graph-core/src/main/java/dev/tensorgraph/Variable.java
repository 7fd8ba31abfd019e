package dev.tensorgraph;

import dev.tensorgraph.op.ServiceProviders;
import dev.tensorgraph.op.VariableUpdates;
import java.util.Map;

/**
 * A TensorFlow 1.x variable: an {@link Output} naming the variable op ({@code "V1/a1:0"}), whose value
 * lives in each {@link Session} that runs it. Used as an input, it reads the current value.
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

    /** The {@code <name>/read} identity TensorFlow adds beside each variable, or the variable itself. */
    public Output value() {
        return snapshot != null ? snapshot : this;
    }

    public boolean trainable() {
        return trainable;
    }

    /** The variable op's name without {@code :0}. */
    public String opName() {
        return op().name();
    }

    /** Sets this variable to {@code value} (an {@code Assign} op), returning the new value. */
    public Output assign(Output value) {
        return updates().assign(this, value, null);
    }

    /** As {@link #assign(Output)}, the op named {@code name}. */
    public Output assign(Output value, String name) {
        return updates().assign(this, value, name);
    }

    /** Adds {@code delta} to this variable (an {@code AssignAdd} op), returning the new value. */
    public Output assignAdd(Output delta) {
        return updates().assignAdd(this, delta, null);
    }

    /** Subtracts {@code delta} from this variable (an {@code AssignSub} op), returning the new value. */
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
}
