package dev.tensorgraph.cuda;

import dev.tensorgraph.DType;
import dev.tensorgraph.errors.UnimplementedException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.ShortPointer;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/** Copies between a tensor's Java array and native host memory in the device's layout (bool: one byte 0/1). */
final class HostArrays {
    /**
     * Bytes below which a copy stays on the calling thread. One thread fills pinned memory at about 8–10 GB/s, so a
     * 77 MB batch (W5 at batch 128) takes longer than the step it should overlap; several threads share the copy.
     */
    static final long PARALLEL_BYTES = 8L << 20;
    /** Bytes each thread copies at least, so a split does not cost more in hand-offs than it saves. */
    private static final long PIECE_BYTES = 4L << 20;

    private HostArrays() {}

    /**
     * {@link #write} with large copies split over the common fork-join pool; the destination ranges do not overlap,
     * so the pieces are independent.
     */
    static void writeShared(Object array, int from, int count, Pointer dst, int elementBytes) {
        inPieces(array, count, elementBytes, (start, n) ->
                write(array, from + start, n, CudaDevice.pointer(dst.address() + (long) start * elementBytes)));
    }

    /** {@link #read} with large copies split over the common fork-join pool, as {@link #writeShared}. */
    static void readShared(Pointer src, Object array, int from, int count, int elementBytes) {
        inPieces(array, count, elementBytes, (start, n) ->
                read(CudaDevice.pointer(src.address() + (long) start * elementBytes), array, from + start, n));
    }

    private interface Piece {
        void copy(int start, int count);
    }

    private static void inPieces(Object array, int count, int elementBytes, Piece piece) {
        long bytes = (long) count * elementBytes;
        int threads = (int) Math.min(ForkJoinPool.getCommonPoolParallelism() + 1L, bytes / PIECE_BYTES);
        if (bytes < PARALLEL_BYTES || threads < 2 || array instanceof boolean[]) {
            piece.copy(0, count);
            return;
        }
        int per = (count + threads - 1) / threads;
        IntStream.range(0, threads).parallel().forEach(i -> {
            int start = i * per;
            int n = Math.min(per, count - start);
            if (n > 0) {
                piece.copy(start, n);
            }
        });
    }

    static Object newArray(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            case BOOL -> new boolean[n];
            case UINT8 -> new byte[n];
            case BFLOAT16, HALF -> new short[n];
            case STRING, RESOURCE, VARIANT -> throw unsupported();
        };
    }

    /** Writes elements {@code [from, from + count)} of {@code array} to {@code dst}. */
    static void write(Object array, int from, int count, Pointer dst) {
        if (array instanceof float[] a) {
            new FloatPointer(dst).put(a, from, count);
        } else if (array instanceof double[] a) {
            new DoublePointer(dst).put(a, from, count);
        } else if (array instanceof int[] a) {
            new IntPointer(dst).put(a, from, count);
        } else if (array instanceof long[] a) {
            new LongPointer(dst).put(a, from, count);
        } else if (array instanceof byte[] a) {
            new BytePointer(dst).put(a, from, count);
        } else if (array instanceof short[] a) {
            new ShortPointer(dst).put(a, from, count);
        } else if (array instanceof boolean[] a) {
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++) {
                bytes[i] = a[from + i] ? (byte) 1 : 0;
            }
            new BytePointer(dst).put(bytes, 0, count);
        } else {
            throw unsupported();
        }
    }

    /** Reads {@code count} elements from {@code src} into {@code array} starting at element {@code from}. */
    static void read(Pointer src, Object array, int from, int count) {
        if (array instanceof float[] a) {
            new FloatPointer(src).get(a, from, count);
        } else if (array instanceof double[] a) {
            new DoublePointer(src).get(a, from, count);
        } else if (array instanceof int[] a) {
            new IntPointer(src).get(a, from, count);
        } else if (array instanceof long[] a) {
            new LongPointer(src).get(a, from, count);
        } else if (array instanceof byte[] a) {
            new BytePointer(src).get(a, from, count);
        } else if (array instanceof short[] a) {
            new ShortPointer(src).get(a, from, count);
        } else if (array instanceof boolean[] a) {
            byte[] bytes = new byte[count];
            new BytePointer(src).get(bytes, 0, count);
            for (int i = 0; i < count; i++) {
                a[from + i] = bytes[i] != 0;
            }
        } else {
            throw unsupported();
        }
    }

    static UnimplementedException unsupported() {
        return new UnimplementedException("string tensors cannot live in GPU memory");
    }
}
