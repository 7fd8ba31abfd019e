package dev.tensorgraph.op;

import dev.tensorgraph.DType;
import dev.tensorgraph.FunctionRef;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.util.List;

/**
 * The declared type of an op attribute, named as in TensorFlow's OpDef ({@code "list(int)"}), with the
 * Java class that holds its value on an {@link dev.tensorgraph.Operation}.
 */
public enum AttrType {
    INT("int", Long.class),
    FLOAT("float", Float.class),
    BOOL("bool", Boolean.class),
    STRING("string", String.class),
    TYPE("type", DType.class),
    SHAPE("shape", Shape.class),
    TENSOR("tensor", Tensor.class),
    LIST_INT("list(int)", long[].class),
    LIST_FLOAT("list(float)", float[].class),
    LIST_TYPE("list(type)", DType[].class),
    LIST_SHAPE("list(shape)", Shape[].class),
    LIST_STRING("list(string)", String[].class),
    /** A function reference: a function of the graph's library, with attribute values. */
    FUNC("func", FunctionRef.class),
    /** A list of function references (the branches of {@code Case}). */
    LIST_FUNC("list(func)", FunctionRef[].class);

    private final String tfName;
    private final Class<?> javaClass;

    AttrType(String tfName, Class<?> javaClass) {
        this.tfName = tfName;
        this.javaClass = javaClass;
    }

    public String tfName() {
        return tfName;
    }

    public Class<?> javaClass() {
        return javaClass;
    }

    /**
     * Whether {@code value} is a valid value of this type. A string attribute whose bytes are not UTF-8 text (a
     * serialized {@code config_proto}) is held as {@code byte[]}, so it is written back byte for byte.
     */
    public boolean accepts(Object value) {
        return javaClass.isInstance(value) || (this == STRING && value instanceof byte[]);
    }

    static List<AttrType> all() {
        return List.of(values());
    }
}
