package dev.tensorgraph.cpu;

import java.util.Arrays;

/** An open-addressing map from long keys to non-negative ints, without boxing. */
final class LongIntMap {
    private final long[] keys;
    private final int[] vals;
    private final int mask;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[cap];
        vals = new int[cap];
        Arrays.fill(vals, -1);
        mask = cap - 1;
    }

    /** The value already stored for {@code key}, or -1 after storing {@code value}. */
    int putIfAbsent(long key, int value) {
        int i = slot(key);
        while (vals[i] >= 0) {
            if (keys[i] == key) {
                return vals[i];
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        vals[i] = value;
        return -1;
    }

    /** The value stored for {@code key}, or -1. */
    int get(long key) {
        for (int i = slot(key); vals[i] >= 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return vals[i];
            }
        }
        return -1;
    }

    private int slot(long key) {
        int h = (int) (key ^ (key >>> 32)) * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
