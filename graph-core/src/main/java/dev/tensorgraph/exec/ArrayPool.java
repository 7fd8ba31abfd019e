package dev.tensorgraph.exec;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Arrays released by earlier steps or runs of one plan, by dtype and length, for reuse as outputs. Used
 * by one run at a time. Caps what it keeps so that a plan fed ever-changing shapes cannot hoard memory.
 */
final class ArrayPool {
    private static final long MAX_BYTES = 512L << 20;

    private final Map<Long, ArrayDeque<Object>> free = new HashMap<>();
    private long bytesHeld;

    private static long key(DType dtype, int length) {
        return ((long) length << 4) | dtype.ordinal();
    }

    Object take(DType dtype, int length) {
        ArrayDeque<Object> q = free.get(key(dtype, length));
        if (q != null) {
            Object a = q.pollFirst();
            if (a != null) {
                bytesHeld -= (long) length * Math.max(1, dtype.byteSize());
                return a;
            }
        }
        return Tensor.newArray(dtype, length);
    }

    void give(DType dtype, Object array, int length) {
        if (dtype == DType.STRING || dtype.isObjectValued()) {
            return;
        }
        long bytes = (long) length * dtype.byteSize();
        if (bytesHeld + bytes > MAX_BYTES) {
            return;
        }
        free.computeIfAbsent(key(dtype, length), k -> new ArrayDeque<>()).addFirst(array);
        bytesHeld += bytes;
    }
}
