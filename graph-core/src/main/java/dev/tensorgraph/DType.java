package dev.tensorgraph;

/**
 * Element types of tensors. The numeric codes are TensorFlow's {@code DataType} enum values, so they
 * travel unchanged through GraphDefs and checkpoints.
 *
 * <p>{@link #RESOURCE} and {@link #VARIANT} are object-valued: each element is a Java object that lives only
 * while the session runs (a handle to session state such as a stack or tensor array, a tensor list). Such
 * tensors pass between ops, and in and out of a run, like any other but have no bytes: they cannot be a
 * {@code Const} or be written to a checkpoint or a file (see {@link #isObjectValued()}).
 */
public enum DType {
    FLOAT32(1, "float32", 4),
    FLOAT64(2, "float64", 8),
    INT32(3, "int32", 4),
    UINT8(4, "uint8", 1),
    STRING(7, "string", -1),
    INT64(9, "int64", 8),
    BOOL(10, "bool", 1),
    /**
     * Brain floating point: float32's sign and 8 exponent bits with 7 mantissa bits (TensorFlow's
     * {@code DT_BFLOAT16}); stored as the raw 16-bit patterns, see {@link HalfFloats}.
     */
    BFLOAT16(14, "bfloat16", 2),
    /** IEEE 754 half precision: 5 exponent and 10 mantissa bits (TensorFlow's {@code DT_HALF}); raw 16-bit patterns. */
    HALF(19, "float16", 2),
    /** A handle to state kept by the session while it runs (TensorFlow's {@code DT_RESOURCE}). */
    RESOURCE(20, "resource", -1),
    /** A value of an op-defined Java type, such as a tensor list (TensorFlow's {@code DT_VARIANT}). */
    VARIANT(21, "variant", -1);

    private final int code;
    private final String pythonName;
    private final int byteSize;

    DType(int code, String pythonName, int byteSize) {
        this.code = code;
        this.pythonName = pythonName;
        this.byteSize = byteSize;
    }

    /** TensorFlow's DataType number ({@code DT_FLOAT} is 1). */
    public int code() {
        return code;
    }

    /** Bytes per element, or -1 for variable-length strings and object-valued types. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether elements are floating-point numbers: float32, float64 and the two 16-bit types, as in TensorFlow. */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64 || isHalfPrecision();
    }

    /**
     * Whether this is one of the 16-bit floating types ({@link #BFLOAT16}, {@link #HALF}), whose tensors hold raw
     * bit patterns in a {@code short[]} and whose arithmetic on the CPU runs in float32.
     */
    public boolean isHalfPrecision() {
        return this == BFLOAT16 || this == HALF;
    }

    public boolean isInteger() {
        return this == INT32 || this == INT64 || this == UINT8;
    }

    public boolean isNumeric() {
        return isFloating() || isInteger();
    }

    /** Whether elements are Java objects ({@link #RESOURCE}, {@link #VARIANT}) that have no serialized form. */
    public boolean isObjectValued() {
        return this == RESOURCE || this == VARIANT;
    }

    /** The name TensorFlow's Python API prints, e.g. {@code float32}. */
    @Override
    public String toString() {
        return pythonName;
    }

    /** Looks up a TensorFlow DataType number; reference types ({@code code + 100}) map to their base type. */
    public static DType fromCode(int code) {
        int base = code > 100 ? code - 100 : code;
        for (DType t : values()) {
            if (t.code == base) {
                return t;
            }
        }
        throw new dev.tensorgraph.errors.UnimplementedException("unsupported TensorFlow DataType " + code);
    }

    /** Looks up a Python-style name such as {@code float32}. */
    public static DType fromName(String name) {
        for (DType t : values()) {
            if (t.pythonName.equals(name)) {
                return t;
            }
        }
        throw new dev.tensorgraph.errors.InvalidArgumentException("unknown dtype name '" + name + "'");
    }
}
