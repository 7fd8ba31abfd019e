package dev.tensorgraph.op;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Map;

/** What a {@link ShapeFunction} sees of the op being built. */
public interface ShapeContext {
    String opName();

    String opType();

    int numInputs();

    DType inputDtype(int i);

    Shape inputShape(int i);

    /**
     * The value of input {@code i} when it can be known while building (a constant, or the shape of a
     * tensor whose shape is fully defined), else null. Shape functions of ops such as Reshape use it.
     */
    Tensor constantValue(int i);

    Map<String, Object> attrs();

    /**
     * For a {@link DType#RESOURCE} input that is a variable's handle: the op that declared the variable (the handle
     * op, with its {@code dtype} and {@code shape} attributes), found through ops that pass a single handle on
     * (Identity, a conditional's Switch); null when it cannot be known while building.
     */
    default dev.tensorgraph.Operation inputHandleSource(int i) {
        return null;
    }

    /** The declared shape of the variable behind resource input {@code i}, or an unknown shape. */
    default Shape inputHandleShape(int i) {
        dev.tensorgraph.Operation src = inputHandleSource(i);
        return src != null && src.attrs().get("shape") instanceof Shape s ? s : Shape.unknown();
    }

    /** The declared dtype of the variable behind resource input {@code i}, or null. */
    default DType inputHandleDtype(int i) {
        dev.tensorgraph.Operation src = inputHandleSource(i);
        return src != null && src.attrs().get("dtype") instanceof DType t ? t : null;
    }

    default Object attr(String key) {
        Object v = attrs().get(key);
        if (v == null) {
            throw fail("missing attribute '" + key + "'");
        }
        return v;
    }

    default long attrLong(String key) {
        return (Long) attr(key);
    }

    default boolean attrBool(String key) {
        return (Boolean) attr(key);
    }

    default DType attrType(String key) {
        return (DType) attr(key);
    }

    default Shape attrShape(String key) {
        return (Shape) attr(key);
    }

    default long[] attrLongs(String key) {
        return (long[]) attr(key);
    }

    /** Declares output {@code i}; outputs must be declared in order 0, 1, ... */
    void setOutput(int i, DType dtype, Shape shape);

    /** An error that names this op; throw what it returns. */
    default InvalidArgumentException fail(String message) {
        return new InvalidArgumentException(opType() + " op '" + opName() + "': " + message);
    }
}
