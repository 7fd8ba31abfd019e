package dev.tensorgraph.io;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.UnimplementedException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * Numeric tensors as TensorFlow lays them out on disk: row-major, little-endian, bools as one byte, bfloat16
 * and float16 as their 16-bit patterns. Files are
 * read and written through a small buffer, so a tensor never needs a byte copy of itself in memory and tensors
 * of more than 2 GiB of bytes (up to the largest Java array of elements) work.
 */
public final class TensorBytes {
    /** Bytes moved per channel call; a multiple of every element size. */
    private static final int CHUNK = 1 << 20;

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
            case BFLOAT16, HALF -> b.asShortBuffer().put((short[]) t.array());
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
            case BFLOAT16, HALF -> { short[] v = new short[n]; b.asShortBuffer().get(v); yield v; }
            case BOOL -> { boolean[] v = new boolean[n]; for (int i = 0; i < n; i++) v[i] = b.get() != 0; yield v; }
            default -> throw new UnimplementedException("dtype " + d);
        };
        return Tensor.wrap(d, shape, a);
    }

    /** A buffer for moving {@code n} elements of {@code per} bytes: the whole tensor, or a chunk of it. */
    private static ByteBuffer buffer(int n, int per) {
        return ByteBuffer.allocate((int) Math.min(CHUNK, (long) n * per)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the bytes of {@code t} to {@code out}, adding them to {@code crc}; returns how many were written. */
    public static long write(Tensor t, WritableByteChannel out, CRC32C crc) throws IOException {
        DType d = t.dtype();
        if (d == DType.STRING) {
            throw new UnimplementedException("string tensors cannot be stored as raw bytes");
        }
        int n = t.numElements();
        int per = d.byteSize();
        ByteBuffer b = buffer(n, per);
        Object a = t.array();
        for (int at = 0; at < n; ) {
            int k = Math.min(n - at, CHUNK / per);
            b.clear();
            switch (d) {
                case FLOAT32 -> b.asFloatBuffer().put((float[]) a, at, k);
                case FLOAT64 -> b.asDoubleBuffer().put((double[]) a, at, k);
                case INT32 -> b.asIntBuffer().put((int[]) a, at, k);
                case INT64 -> b.asLongBuffer().put((long[]) a, at, k);
                case UINT8 -> b.put((byte[]) a, at, k);
                case BFLOAT16, HALF -> b.asShortBuffer().put((short[]) a, at, k);
                case BOOL -> {
                    boolean[] v = (boolean[]) a;
                    for (int i = 0; i < k; i++) {
                        b.put(i, (byte) (v[at + i] ? 1 : 0));
                    }
                }
                default -> throw new UnimplementedException("dtype " + d);
            }
            b.position(0).limit(k * per);
            crc.update(b.duplicate());
            while (b.hasRemaining()) {
                out.write(b);
            }
            at += k;
        }
        return (long) n * per;
    }

    /**
     * Reads a tensor of {@code d} and {@code shape} from {@code in} at {@code offset}, adding its bytes to
     * {@code crc}. The caller has checked that the bytes lie within the file; a file that ends early is an
     * {@link EOFException}.
     */
    public static Tensor read(FileChannel in, long offset, DType d, Shape shape, CRC32C crc) throws IOException {
        int n = (int) shape.numElements();
        int per = d.byteSize();
        Object a = switch (d) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            case UINT8 -> new byte[n];
            case BFLOAT16, HALF -> new short[n];
            case BOOL -> new boolean[n];
            default -> throw new UnimplementedException("dtype " + d);
        };
        ByteBuffer b = buffer(n, per);
        long pos = offset;
        for (int at = 0; at < n; ) {
            int k = Math.min(n - at, CHUNK / per);
            b.clear().limit(k * per);
            while (b.hasRemaining()) {
                int got = in.read(b, pos + b.position());
                if (got < 0) {
                    throw new EOFException("the file ends at byte " + (pos + b.position()));
                }
            }
            b.flip();
            crc.update(b.duplicate());
            switch (d) {
                case FLOAT32 -> b.asFloatBuffer().get((float[]) a, at, k);
                case FLOAT64 -> b.asDoubleBuffer().get((double[]) a, at, k);
                case INT32 -> b.asIntBuffer().get((int[]) a, at, k);
                case INT64 -> b.asLongBuffer().get((long[]) a, at, k);
                case UINT8 -> b.get((byte[]) a, at, k);
                case BFLOAT16, HALF -> b.asShortBuffer().get((short[]) a, at, k);
                default -> {
                    boolean[] v = (boolean[]) a;
                    for (int i = 0; i < k; i++) {
                        v[at + i] = b.get(i) != 0;
                    }
                }
            }
            pos += (long) k * per;
            at += k;
        }
        return Tensor.wrap(d, shape, a);
    }
}
