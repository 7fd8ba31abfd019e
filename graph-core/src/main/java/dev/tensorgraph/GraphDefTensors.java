package dev.tensorgraph;

import com.google.protobuf.ByteString;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts tensors to and from TensorFlow's {@code TensorProto}. Numeric tensors are written as
 * little-endian {@code tensor_content}; strings as {@code string_val}; bfloat16 and float16 values, when one
 * value stands for the tensor, as {@code half_val} (one bit pattern per int32, as TensorFlow writes them). Reading accepts both forms, including
 * TensorFlow's rule that a typed value list shorter than the shape repeats its last value (or zero when
 * empty).
 *
 * <p>Reading never trusts a declared shape: the element count must stay under
 * {@link InputLimits#maxTensorElements()}, the content must hold exactly that many elements, and what a short
 * value list expands to is charged to the file's {@link InputLimits.Expansion} before anything is allocated, so
 * a tiny file cannot make the reader allocate gigabytes.
 */
final class GraphDefTensors {
    private GraphDefTensors() {}

    // ---- export ----

    static TensorProto toProto(Tensor t) {
        if (t.dtype().isObjectValued()) {
            throw new InvalidArgumentException("a " + t.dtype() + " tensor holds Java objects (session state) and cannot be "
                    + "written into a GraphDef or checkpoint");
        }
        TensorProto.Builder b = TensorProto.newBuilder()
                .setDtypeValue(t.dtype().code())
                .setTensorShape(AttrValues.shapeToProto(t.shape()));
        int n = t.numElements();
        Object a = t.array();
        if (t.dtype() == DType.STRING) {
            for (byte[] s : (byte[][]) a) {
                b.addStringVal(ByteString.copyFrom(s));
            }
            return b.build();
        }
        if (n > 1 && isUniform(t)) {
            return addSingleValue(b, t).build();
        }
        ByteBuffer buf = ByteBuffer.allocate(n * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> buf.asFloatBuffer().put((float[]) a);
            case FLOAT64 -> buf.asDoubleBuffer().put((double[]) a);
            case INT32 -> buf.asIntBuffer().put((int[]) a);
            case INT64 -> buf.asLongBuffer().put((long[]) a);
            case UINT8 -> buf.put((byte[]) a);
            case BOOL -> {
                for (boolean z : (boolean[]) a) {
                    buf.put((byte) (z ? 1 : 0));
                }
            }
            case BFLOAT16, HALF -> buf.asShortBuffer().put((short[]) a);
            case STRING, RESOURCE, VARIANT -> throw new AssertionError(t.dtype());
        }
        return b.setTensorContent(ByteString.copyFrom(buf.array())).build();
    }

    /** True when every element equals the first, so one typed value describes the tensor. */
    private static boolean isUniform(Tensor t) {
        Object a = t.array();
        int n = t.numElements();
        switch (t.dtype()) {
            case FLOAT32 -> { float[] v = (float[]) a; int bits = Float.floatToRawIntBits(v[0]);
                for (int i = 1; i < n; i++) if (Float.floatToRawIntBits(v[i]) != bits) return false; }
            case FLOAT64 -> { double[] v = (double[]) a; long bits = Double.doubleToRawLongBits(v[0]);
                for (int i = 1; i < n; i++) if (Double.doubleToRawLongBits(v[i]) != bits) return false; }
            case INT32 -> { int[] v = (int[]) a; for (int i = 1; i < n; i++) if (v[i] != v[0]) return false; }
            case INT64 -> { long[] v = (long[]) a; for (int i = 1; i < n; i++) if (v[i] != v[0]) return false; }
            case UINT8 -> { byte[] v = (byte[]) a; for (int i = 1; i < n; i++) if (v[i] != v[0]) return false; }
            case BOOL -> { boolean[] v = (boolean[]) a; for (int i = 1; i < n; i++) if (v[i] != v[0]) return false; }
            case BFLOAT16, HALF -> { short[] v = (short[]) a; for (int i = 1; i < n; i++) if (v[i] != v[0]) return false; }
            default -> { return false; }
        }
        return true;
    }

    /**
     * Writes a uniform tensor as TensorFlow writes {@code tf.constant(v, shape=...)}: one value in the typed
     * field, which readers repeat to fill the shape. Keeps zero-filled initial values from bloating GraphDefs.
     */
    private static TensorProto.Builder addSingleValue(TensorProto.Builder b, Tensor t) {
        Object a = t.array();
        return switch (t.dtype()) {
            case FLOAT32 -> b.addFloatVal(((float[]) a)[0]);
            case FLOAT64 -> b.addDoubleVal(((double[]) a)[0]);
            case INT32 -> b.addIntVal(((int[]) a)[0]);
            case UINT8 -> b.addIntVal(((byte[]) a)[0] & 0xff);
            case INT64 -> b.addInt64Val(((long[]) a)[0]);
            case BOOL -> b.addBoolVal(((boolean[]) a)[0]);
            case BFLOAT16, HALF -> b.addHalfVal(((short[]) a)[0] & 0xffff);
            default -> throw new AssertionError(t.dtype());
        };
    }

    // ---- import ----

    /** As {@link #fromProto(TensorProto, InputLimits.Expansion, String)} with an account of its own. */
    static Tensor fromProto(TensorProto p) {
        return fromProto(p, InputLimits.expansion("TensorProto"), "the tensor");
    }

    /**
     * The tensor of {@code p}; what a short value list expands to is charged to {@code expansion} first, as
     * {@code what} (for example "node 'x' attribute 'value'").
     */
    static Tensor fromProto(TensorProto p, InputLimits.Expansion expansion, String what) {
        DType dtype = AttrValues.dtype(p.getDtypeValue());
        if (dtype.isObjectValued()) {
            throw new InvalidArgumentException("a TensorProto of dtype " + dtype + " cannot be read: " + dtype
                    + " values exist only while a session runs");
        }
        // An absent tensor_shape reads as the empty shape: a scalar, as in TensorFlow.
        Shape shape = AttrValues.shapeFromProto(p.getTensorShape());
        if (!shape.isFullyDefined()) {
            throw new InvalidArgumentException("a tensor value needs a fully defined shape, got " + shape);
        }
        long n = shape.numElements();
        long maxElements = InputLimits.maxTensorElements();
        if (n > maxElements) {
            throw new InvalidArgumentException("tensor of shape " + shape + " has " + n
                    + " elements, more than the limit of " + maxElements + " (-D"
                    + InputLimits.MAX_TENSOR_ELEMENTS_PROPERTY + ")");
        }
        int count = (int) n;
        ByteString content = p.getTensorContent();
        if (!content.isEmpty()) {
            return fromContent(dtype, shape, count, content);
        }
        int given = valueCount(p, dtype);
        if (given > count) {
            throw new InvalidArgumentException("tensor of shape " + shape + " holds " + count + " elements but "
                    + given + " values are given");
        }
        if (given < count) {
            long perElement = dtype == DType.STRING ? STRING_REFERENCE_BYTES : dtype.byteSize();
            expansion.charge((count - given) * perElement, what + " (" + dtype + shape + " from " + given
                    + (given == 1 ? " value)" : " values)"));
        }
        return Tensor.wrap(dtype, shape, fromValues(p, dtype, count, given));
    }

    private static Tensor fromContent(DType dtype, Shape shape, int count, ByteString content) {
        if (dtype == DType.STRING) {
            throw new InvalidArgumentException("a string tensor must use string_val, not tensor_content");
        }
        long expected = (long) count * dtype.byteSize();
        if (content.size() != expected) {
            throw new InvalidArgumentException("tensor_content of a " + dtype + " tensor of shape " + shape + " has "
                    + content.size() + " bytes, expected " + expected);
        }
        ByteBuffer buf = content.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        Object a;
        switch (dtype) {
            case FLOAT32 -> {
                float[] x = new float[count];
                buf.asFloatBuffer().get(x);
                a = x;
            }
            case FLOAT64 -> {
                double[] x = new double[count];
                buf.asDoubleBuffer().get(x);
                a = x;
            }
            case INT32 -> {
                int[] x = new int[count];
                buf.asIntBuffer().get(x);
                a = x;
            }
            case INT64 -> {
                long[] x = new long[count];
                buf.asLongBuffer().get(x);
                a = x;
            }
            case UINT8 -> {
                byte[] x = new byte[count];
                buf.get(x);
                a = x;
            }
            case BOOL -> {
                boolean[] x = new boolean[count];
                for (int i = 0; i < count; i++) {
                    x[i] = buf.get(i) != 0;
                }
                a = x;
            }
            case BFLOAT16, HALF -> {
                short[] x = new short[count];
                buf.asShortBuffer().get(x);
                a = x;
            }
            default -> throw new AssertionError(dtype);
        }
        return Tensor.wrap(dtype, shape, a);
    }

    private static int valueCount(TensorProto p, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> p.getFloatValCount();
            case FLOAT64 -> p.getDoubleValCount();
            case INT32, UINT8 -> p.getIntValCount();
            case INT64 -> p.getInt64ValCount();
            case BOOL -> p.getBoolValCount();
            case BFLOAT16, HALF -> p.getHalfValCount();
            case STRING -> p.getStringValCount();
            case RESOURCE, VARIANT -> throw new AssertionError(dtype);
        };
    }

    /** What one more element of a string tensor costs when it repeats a value: a reference to the shared bytes. */
    private static final long STRING_REFERENCE_BYTES = 8;

    /**
     * The values, the last one repeated to fill {@code count} (zeros when none is given). Repeated strings
     * share one array, as tensors never write their elements' bytes.
     */
    private static Object fromValues(TensorProto p, DType dtype, int count, int given) {
        switch (dtype) {
            case FLOAT32 -> {
                float[] x = new float[count];
                for (int i = 0; i < count; i++) {
                    x[i] = given == 0 ? 0f : p.getFloatVal(Math.min(i, given - 1));
                }
                return x;
            }
            case FLOAT64 -> {
                double[] x = new double[count];
                for (int i = 0; i < count; i++) {
                    x[i] = given == 0 ? 0d : p.getDoubleVal(Math.min(i, given - 1));
                }
                return x;
            }
            case INT32 -> {
                int[] x = new int[count];
                for (int i = 0; i < count; i++) {
                    x[i] = given == 0 ? 0 : p.getIntVal(Math.min(i, given - 1));
                }
                return x;
            }
            case UINT8 -> {
                byte[] x = new byte[count];
                for (int i = 0; i < count; i++) {
                    x[i] = given == 0 ? 0 : (byte) p.getIntVal(Math.min(i, given - 1));
                }
                return x;
            }
            case INT64 -> {
                long[] x = new long[count];
                for (int i = 0; i < count; i++) {
                    x[i] = given == 0 ? 0L : p.getInt64Val(Math.min(i, given - 1));
                }
                return x;
            }
            case BOOL -> {
                boolean[] x = new boolean[count];
                for (int i = 0; i < count; i++) {
                    x[i] = given != 0 && p.getBoolVal(Math.min(i, given - 1));
                }
                return x;
            }
            case BFLOAT16, HALF -> {
                short[] x = new short[count];
                for (int i = 0; i < count; i++) {
                    x[i] = given == 0 ? 0 : (short) p.getHalfVal(Math.min(i, given - 1));
                }
                return x;
            }
            case STRING -> {
                byte[][] x = new byte[count][];
                for (int i = 0; i < given; i++) {
                    x[i] = p.getStringVal(i).toByteArray();
                }
                byte[] last = given == 0 ? new byte[0] : x[given - 1];
                java.util.Arrays.fill(x, given, count, last);
                return x;
            }
            default -> throw new AssertionError(dtype);
        }
    }
}
