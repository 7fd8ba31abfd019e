package dev.tensorgraph.io;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.UnimplementedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Numeric tensors as TensorFlow lays them out on disk: row-major, little-endian, bools as one byte. */
public final class TensorBytes {
    private TensorBytes() {}

    public static byte[] encode(Tensor t) {
        int n = t.numElements();
        DType d = t.dtype();
        if (d == DType.STRING) {
            throw new UnimplementedException("string tensors cannot be stored as raw bytes");
        }
        if (d.isObjectValued()) {
            throw new UnimplementedException(d + " tensors hold Java objects (session state) and cannot be stored as bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(n * d.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (d) {
            case FLOAT32 -> b.asFloatBuffer().put((float[]) t.array());
            case FLOAT64 -> b.asDoubleBuffer().put((double[]) t.array());
            case INT32 -> b.asIntBuffer().put((int[]) t.array());
            case INT64 -> b.asLongBuffer().put((long[]) t.array());
            case UINT8 -> b.put((byte[]) t.array());
            case BOOL -> {
                boolean[] v = (boolean[]) t.array();
                for (boolean x : v) {
                    b.put((byte) (x ? 1 : 0));
                }
            }
            default -> throw new UnimplementedException("dtype " + d);
        }
        return b.array();
    }

    /** Decodes {@code length} bytes at {@code offset}; the caller has checked the length matches the shape. */
    public static Tensor decode(DType d, Shape shape, byte[] src, int offset, int length) {
        int n = (int) shape.numElements();
        ByteBuffer b = ByteBuffer.wrap(src, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        Object a = switch (d) {
            case FLOAT32 -> { float[] v = new float[n]; b.asFloatBuffer().get(v); yield v; }
            case FLOAT64 -> { double[] v = new double[n]; b.asDoubleBuffer().get(v); yield v; }
            case INT32 -> { int[] v = new int[n]; b.asIntBuffer().get(v); yield v; }
            case INT64 -> { long[] v = new long[n]; b.asLongBuffer().get(v); yield v; }
            case UINT8 -> { byte[] v = new byte[n]; b.get(v); yield v; }
            case BOOL -> { boolean[] v = new boolean[n]; for (int i = 0; i < n; i++) v[i] = b.get() != 0; yield v; }
            default -> throw new UnimplementedException("dtype " + d);
        };
        return Tensor.wrap(d, shape, a);
    }
}
