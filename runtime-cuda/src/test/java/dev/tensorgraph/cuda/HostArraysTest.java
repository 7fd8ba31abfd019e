package dev.tensorgraph.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.junit.jupiter.api.Test;

/** Large copies into native memory split over threads land every element where one serial copy puts it. */
class HostArraysTest {
    @Test
    void sharedFloatCopyMatchesTheSerialCopyFromAnOffset() {
        int n = 5_000_001;
        int from = 123;
        float[] values = new float[n + from];
        Random r = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextFloat();
        }
        try (FloatPointer dst = new FloatPointer(n)) {
            HostArrays.writeShared(values, from, n, dst, Float.BYTES);
            float[] back = new float[n + 2];
            HostArrays.readShared(dst, back, 2, n, Float.BYTES);
            float[] expected = new float[n];
            System.arraycopy(values, from, expected, 0, n);
            float[] read = new float[n];
            System.arraycopy(back, 2, read, 0, n);
            assertArrayEquals(expected, read);
        }
    }

    @Test
    void sharedShortCopyCoversAnUnevenLastPiece() {
        int n = (int) (HostArrays.PARALLEL_BYTES / Short.BYTES) * 3 + 17;
        short[] values = new short[n];
        for (int i = 0; i < n; i++) {
            values[i] = (short) (i * 31 + 5);
        }
        try (ShortPointer dst = new ShortPointer(n)) {
            HostArrays.writeShared(values, 0, n, dst, Short.BYTES);
            short[] back = new short[n];
            dst.get(back);
            assertArrayEquals(values, back);
        }
    }

    @Test
    void smallAndBooleanCopiesStayCorrect() {
        boolean[] flags = new boolean[(int) HostArrays.PARALLEL_BYTES * 2];
        for (int i = 0; i < flags.length; i += 3) {
            flags[i] = true;
        }
        try (BytePointer dst = new BytePointer(flags.length)) {
            HostArrays.writeShared(flags, 0, flags.length, dst, 1);
            byte[] back = new byte[flags.length];
            dst.get(back);
            for (int i = 0; i < flags.length; i++) {
                assertEquals(i % 3 == 0 ? 1 : 0, back[i], "byte " + i);
            }
        }
        float[] few = {1f, -2f, 3.5f};
        try (FloatPointer dst = new FloatPointer(3)) {
            HostArrays.writeShared(few, 0, 3, dst, Float.BYTES);
            float[] back = new float[3];
            dst.get(back);
            assertArrayEquals(few, back);
        }
    }
}
