package dev.tensorgraph.cpu;

import dev.tensorgraph.errors.InternalException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Hashable keys for the slices {@code a[o, j, i]} (all o and i for one j) of a storage array viewed as
 * [outer, n, inner]: two keys are equal when their slices compare equal element by element. Numbers become bit
 * patterns with -0.0 turned into 0.0; a slice holding a NaN says so, since it equals no other slice.
 */
final class SliceKeys {
    private final Object array;
    private final int outer;
    private final int n;
    private final int inner;

    SliceKeys(Object array, int outer, int n, int inner) {
        this.array = array;
        this.outer = outer;
        this.n = n;
        this.inner = inner;
    }

    /** The key of slice {@code j}. */
    Key key(int j) {
        int len = outer * inner;
        if (array instanceof byte[][] s) {
            ByteBuffer[] parts = new ByteBuffer[len];
            for (int k = 0; k < len; k++) {
                parts[k] = ByteBuffer.wrap(s[position(j, k)]);
            }
            return new Key(null, parts, false);
        }
        long[] bits = new long[len];
        boolean nan = false;
        for (int k = 0; k < len; k++) {
            int p = position(j, k);
            bits[k] = bits(p);
            nan |= isNaN(p);
        }
        return new Key(bits, null, nan);
    }

    /** Flat position of element {@code k} (in [0, outer * inner)) of slice {@code j}. */
    private int position(int j, int k) {
        return ((k / inner) * n + j) * inner + k % inner;
    }

    /** The bit pattern of element {@code p}, equal for equal numbers (0.0 and -0.0 alike). */
    long bits(int p) {
        if (array instanceof float[] f) {
            return Float.floatToIntBits(f[p] == 0f ? 0f : f[p]);
        } else if (array instanceof double[] d) {
            return Double.doubleToLongBits(d[p] == 0d ? 0d : d[p]);
        } else if (array instanceof int[] v) {
            return v[p];
        } else if (array instanceof long[] v) {
            return v[p];
        } else if (array instanceof byte[] v) {
            return v[p];
        } else if (array instanceof boolean[] v) {
            return v[p] ? 1 : 0;
        }
        throw new InternalException("no bit pattern for " + array.getClass().getSimpleName());
    }

    /** Whether element {@code p} is a NaN. */
    boolean isNaN(int p) {
        return array instanceof float[] f ? Float.isNaN(f[p]) : array instanceof double[] d && Double.isNaN(d[p]);
    }

    /** Whether the elements have a bit pattern ({@link #bits}); strings do not. */
    boolean hasBits() {
        return !(array instanceof byte[][]);
    }

    /** A slice's value: bit patterns of numbers, or the strings. */
    record Key(long[] bits, ByteBuffer[] strings, boolean hasNaN) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bits, k.bits) && Arrays.equals(strings, k.strings);
        }

        @Override
        public int hashCode() {
            return bits != null ? Arrays.hashCode(bits) : Arrays.hashCode(strings);
        }
    }
}
