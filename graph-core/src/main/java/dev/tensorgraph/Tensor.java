package dev.tensorgraph;

import dev.tensorgraph.errors.InvalidArgumentException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A value of fixed dtype and fully defined shape held in host memory, row-major. Public factories copy
 * their input, and the accessors ({@link #floats()}, ...) return copies, so a tensor a caller holds never
 * changes. Kernels use {@link #wrap} and {@link #array()} to move data without copying.
 *
 * <p>Storage by dtype: FLOAT32 {@code float[]}, FLOAT64 {@code double[]}, INT32 {@code int[]}, INT64
 * {@code long[]}, BOOL {@code boolean[]}, UINT8 {@code byte[]}, BFLOAT16 and HALF {@code short[]} (the raw bit
 * patterns, see {@link HalfFloats}), STRING {@code byte[][]}, RESOURCE and VARIANT
 * {@code Object[]} (see {@link DType#isObjectValued()}; {@link #ofObject} and {@link #objectValue()}).
 */
public final class Tensor {
    private final DType dtype;
    private final Shape shape;
    private final Object data;
    private final int size;

    private Tensor(DType dtype, Shape shape, Object data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.size = Array.getLength(data);
    }

    /**
     * Wraps a backing array without copying. The caller hands the array over: neither it nor anyone
     * else may write it afterwards unless it owns the tensor exclusively (as a kernel owns its outputs).
     */
    public static Tensor wrap(DType dtype, Shape shape, Object array) {
        if (!shape.isFullyDefined()) {
            throw new InvalidArgumentException("a tensor needs a fully defined shape, got " + shape);
        }
        Class<?> expected = storageClass(dtype);
        if (array == null || array.getClass() != expected) {
            throw new InvalidArgumentException("a " + dtype + " tensor is stored in " + expected.getSimpleName()
                    + ", got " + (array == null ? "null" : array.getClass().getSimpleName()));
        }
        long n = shape.numElements();
        if (Array.getLength(array) != n) {
            throw new InvalidArgumentException("shape " + shape + " holds " + n + " elements but "
                    + Array.getLength(array) + " values were given");
        }
        return new Tensor(dtype, shape, array);
    }

    /**
     * A copy of {@code flat} (row-major) as a tensor of the given dtype and shape. A {@code float[]} for a
     * {@link DType#BFLOAT16} or {@link DType#HALF} tensor is rounded to it (to nearest, ties to even); a
     * {@code short[]} gives the bit patterns themselves.
     */
    public static Tensor of(DType dtype, Shape shape, Object flat) {
        if (flat == null) {
            throw new InvalidArgumentException("tensor values must not be null");
        }
        if (dtype.isHalfPrecision() && flat instanceof float[] f) {
            return wrap(dtype, shape, HalfFloats.narrow(dtype, f));
        }
        Object copy = flat instanceof byte[][] s ? deepCopy(s) : copyArray(flat); // object elements are shared
        return wrap(dtype, shape, copy);
    }

    public static Tensor of(float v) {
        return new Tensor(DType.FLOAT32, Shape.scalar(), new float[] {v});
    }

    public static Tensor of(double v) {
        return new Tensor(DType.FLOAT64, Shape.scalar(), new double[] {v});
    }

    public static Tensor of(int v) {
        return new Tensor(DType.INT32, Shape.scalar(), new int[] {v});
    }

    public static Tensor of(long v) {
        return new Tensor(DType.INT64, Shape.scalar(), new long[] {v});
    }

    public static Tensor of(boolean v) {
        return new Tensor(DType.BOOL, Shape.scalar(), new boolean[] {v});
    }

    /**
     * A scalar of an object-valued dtype ({@link DType#RESOURCE}, {@link DType#VARIANT}) holding {@code value},
     * which is shared, not copied.
     */
    public static Tensor ofObject(DType dtype, Object value) {
        if (!dtype.isObjectValued()) {
            throw new InvalidArgumentException("ofObject needs an object-valued dtype (resource, variant), got " + dtype);
        }
        return new Tensor(dtype, Shape.scalar(), new Object[] {value});
    }

    /** A scalar string tensor (UTF-8). */
    public static Tensor ofString(String v) {
        return new Tensor(DType.STRING, Shape.scalar(), new byte[][] {v.getBytes(StandardCharsets.UTF_8)});
    }

    /**
     * A tensor from a (possibly nested) Java array such as {@code float[][]} or {@code int[][][]}; the
     * dtype follows the element type and ragged arrays are rejected.
     */
    public static Tensor of(Object nested) {
        if (nested == null || !nested.getClass().isArray()) {
            throw new InvalidArgumentException("Tensor.of expects a Java array, got "
                    + (nested == null ? "null" : nested.getClass().getSimpleName()));
        }
        List<Long> dims = new ArrayList<>();
        Object cur = nested;
        Class<?> c = nested.getClass();
        while (c.isArray() && c.getComponentType() != null && c != byte[].class) {
            dims.add((long) Array.getLength(cur));
            if (!c.getComponentType().isArray()) {
                break;
            }
            cur = Array.getLength(cur) > 0 ? Array.get(cur, 0) : null;
            c = c.getComponentType();
            if (cur == null) {
                // Empty outer dimension: the inner sizes are zero-extent too.
                while (c.isArray()) {
                    dims.add(0L);
                    c = c.getComponentType();
                }
                break;
            }
        }
        if (c == byte[].class && nested.getClass() == byte[].class) {
            dims.add((long) ((byte[]) nested).length);
        } else if (c == byte[].class) {
            dims.add((long) Array.getLength(cur));
        }
        Class<?> leaf = nested.getClass();
        while (leaf.getComponentType() != null) {
            leaf = leaf.getComponentType();
        }
        DType dtype = dtypeOfLeaf(leaf);
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        Shape shape = Shape.of(d);
        long n = shape.numElements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new InvalidArgumentException("tensor of shape " + shape + " is too large for one Java array");
        }
        Object flat = Array.newInstance(leaf, (int) n);
        int[] pos = {0};
        flatten(nested, 0, d, flat, pos);
        return new Tensor(dtype, shape, flat);
    }

    private static void flatten(Object a, int depth, long[] dims, Object out, int[] pos) {
        int len = Array.getLength(a);
        if (len != dims[depth]) {
            throw new InvalidArgumentException("ragged array: dimension " + depth + " has sizes " + dims[depth] + " and " + len);
        }
        if (depth == dims.length - 1) {
            System.arraycopy(a, 0, out, pos[0], len);
            pos[0] += len;
            return;
        }
        for (int i = 0; i < len; i++) {
            flatten(Array.get(a, i), depth + 1, dims, out, pos);
        }
    }

    private static DType dtypeOfLeaf(Class<?> leaf) {
        if (leaf == float.class) {
            return DType.FLOAT32;
        } else if (leaf == double.class) {
            return DType.FLOAT64;
        } else if (leaf == int.class) {
            return DType.INT32;
        } else if (leaf == long.class) {
            return DType.INT64;
        } else if (leaf == boolean.class) {
            return DType.BOOL;
        } else if (leaf == byte.class) {
            return DType.UINT8;
        }
        throw new InvalidArgumentException("no tensor dtype for Java element type " + leaf.getSimpleName());
    }

    /** The Java array class that backs tensors of {@code dtype}. */
    public static Class<?> storageClass(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case INT32 -> int[].class;
            case INT64 -> long[].class;
            case BOOL -> boolean[].class;
            case UINT8 -> byte[].class;
            case BFLOAT16, HALF -> short[].class;
            case STRING -> byte[][].class;
            case RESOURCE, VARIANT -> Object[].class;
        };
    }

    /** A new zero-filled array of the storage type of {@code dtype}; running out of heap is ResourceExhausted. */
    public static Object newArray(DType dtype, int n) {
        try {
            return allocateArray(dtype, n);
        } catch (OutOfMemoryError e) {
            throw new dev.tensorgraph.errors.ResourceExhaustedException("out of memory allocating " + n + " elements of "
                    + dtype + " (" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB heap)", e);
        }
    }

    private static Object allocateArray(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            case BOOL -> new boolean[n];
            case UINT8 -> new byte[n];
            case BFLOAT16, HALF -> new short[n];
            case STRING -> {
                byte[][] s = new byte[n][];
                Arrays.fill(s, new byte[0]);
                yield s;
            }
            case RESOURCE, VARIANT -> new Object[n];
        };
    }

    /** A zero-filled (false, empty-string) tensor. */
    public static Tensor zeros(DType dtype, Shape shape) {
        long n = shape.numElements();
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new InvalidArgumentException("cannot allocate a tensor of shape " + shape);
        }
        return new Tensor(dtype, shape, newArray(dtype, (int) n));
    }

    private static Object copyArray(Object a) {
        int n = Array.getLength(a);
        Object c = Array.newInstance(a.getClass().getComponentType(), n);
        System.arraycopy(a, 0, c, 0, n);
        return c;
    }

    private static byte[][] deepCopy(byte[][] s) {
        byte[][] c = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            c[i] = s[i].clone();
        }
        return c;
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public int numElements() {
        return size;
    }

    /** The backing array, shared, not copied: for kernels and serializers that only read it. */
    public Object array() {
        return data;
    }

    /** The same data viewed with another shape of equal element count (no copy). */
    public Tensor reshaped(Shape newShape) {
        return wrap(dtype, newShape, data);
    }

    /** A deep copy that shares nothing with this tensor. */
    public Tensor copy() {
        return of(dtype, shape, data);
    }

    private Object typed(DType want) {
        if (dtype != want) {
            throw new InvalidArgumentException("tensor is " + dtype + ", not " + want);
        }
        return data;
    }

    public float[] floats() {
        return ((float[]) typed(DType.FLOAT32)).clone();
    }

    public double[] doubles() {
        return ((double[]) typed(DType.FLOAT64)).clone();
    }

    public int[] ints() {
        return ((int[]) typed(DType.INT32)).clone();
    }

    public long[] longs() {
        return ((long[]) typed(DType.INT64)).clone();
    }

    public boolean[] booleans() {
        return ((boolean[]) typed(DType.BOOL)).clone();
    }

    /** The bit patterns of a {@link DType#BFLOAT16} or {@link DType#HALF} tensor (see {@link HalfFloats}). */
    public short[] halfBits() {
        if (!dtype.isHalfPrecision()) {
            throw new InvalidArgumentException("tensor is " + dtype + ", not bfloat16 or float16");
        }
        return ((short[]) data).clone();
    }

    /** The values of a float32, bfloat16 or float16 tensor as float32 (exact for all three). */
    public float[] toFloats() {
        if (dtype == DType.FLOAT32) {
            return floats();
        }
        if (!dtype.isHalfPrecision()) {
            throw new InvalidArgumentException("tensor is " + dtype + ", not float32, bfloat16 or float16");
        }
        return HalfFloats.widen(dtype, (short[]) data);
    }

    public byte[] bytes() {
        return ((byte[]) typed(DType.UINT8)).clone();
    }

    /** Elements of a STRING tensor decoded as UTF-8. */
    public String[] strings() {
        byte[][] s = (byte[][]) typed(DType.STRING);
        String[] r = new String[s.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = new String(s[i], StandardCharsets.UTF_8);
        }
        return r;
    }

    /** The element of a single-element object-valued tensor (a resource handle, a variant value). */
    public Object objectValue() {
        requireScalarLike();
        if (!dtype.isObjectValued()) {
            throw new InvalidArgumentException("tensor is " + dtype + ", not an object-valued dtype");
        }
        return ((Object[]) data)[0];
    }

    /** Any numeric tensor's values widened to double, a convenience for tests and printing. */
    public double[] toDoubles() {
        double[] r = new double[size];
        switch (dtype) {
            case FLOAT32 -> { float[] a = (float[]) data; for (int i = 0; i < size; i++) r[i] = a[i]; }
            case FLOAT64 -> System.arraycopy(data, 0, r, 0, size);
            case INT32 -> { int[] a = (int[]) data; for (int i = 0; i < size; i++) r[i] = a[i]; }
            case INT64 -> { long[] a = (long[]) data; for (int i = 0; i < size; i++) r[i] = a[i]; }
            case UINT8 -> { byte[] a = (byte[]) data; for (int i = 0; i < size; i++) r[i] = a[i] & 0xff; }
            case BOOL -> { boolean[] a = (boolean[]) data; for (int i = 0; i < size; i++) r[i] = a[i] ? 1 : 0; }
            case BFLOAT16, HALF -> { short[] a = (short[]) data; for (int i = 0; i < size; i++) r[i] = HalfFloats.widen(dtype, a[i]); }
            case STRING -> throw new InvalidArgumentException("a string tensor has no numeric values");
            case RESOURCE, VARIANT -> throw new InvalidArgumentException("a " + dtype + " tensor has no numeric values");
        }
        return r;
    }

    private void requireScalarLike() {
        if (size != 1) {
            throw new InvalidArgumentException("expected a single-element tensor, got shape " + shape);
        }
    }

    public float floatValue() {
        requireScalarLike();
        return ((float[]) typed(DType.FLOAT32))[0];
    }

    public double doubleValue() {
        requireScalarLike();
        return ((double[]) typed(DType.FLOAT64))[0];
    }

    public int intValue() {
        requireScalarLike();
        return ((int[]) typed(DType.INT32))[0];
    }

    public long longValue() {
        requireScalarLike();
        return ((long[]) typed(DType.INT64))[0];
    }

    public boolean booleanValue() {
        requireScalarLike();
        return ((boolean[]) typed(DType.BOOL))[0];
    }

    /** Shows dtype, shape and up to 20 values. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Tensor<").append(dtype).append(shape).append(">");
        if (dtype == DType.STRING) {
            return b.append(Arrays.toString(strings())).toString();
        }
        if (dtype.isObjectValued()) {
            return b.append(Arrays.toString((Object[]) data)).toString();
        }
        double[] v = toDoubles();
        b.append('[');
        for (int i = 0; i < Math.min(20, v.length); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(dtype.isFloating() ? Double.toString(v[i]) : Long.toString((long) v[i]));
        }
        return b.append(v.length > 20 ? ", ...]" : "]").toString();
    }
}
