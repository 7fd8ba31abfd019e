package dev.tensorgraph.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Idle device blocks ordered by size. Small requests reuse only a block of exactly their rounded size, large
 * ones the smallest block that is at most twice as large, so big blocks are not wasted on small tensors.
 */
final class FreeBlocks {
    private final TreeMap<Long, ArrayDeque<DeviceBlock>> bySize = new TreeMap<>();
    private long bytes;

    /** A block for a request of {@code size} rounded bytes, removed from the list, or null. */
    DeviceBlock take(long size) {
        Map.Entry<Long, ArrayDeque<DeviceBlock>> e;
        if (size < BlockSizes.SMALL_LIMIT) {
            ArrayDeque<DeviceBlock> q = bySize.get(size);
            e = q == null ? null : Map.entry(size, q);
        } else {
            e = bySize.ceilingEntry(size);
            if (e != null && e.getKey() > 2 * size) {
                e = null;
            }
        }
        if (e == null) {
            return null;
        }
        DeviceBlock b = e.getValue().pollLast();
        if (e.getValue().isEmpty()) {
            bySize.remove(e.getKey());
        }
        bytes -= b.size();
        return b;
    }

    void put(DeviceBlock b) {
        bySize.computeIfAbsent(b.size(), k -> new ArrayDeque<>()).addLast(b);
        bytes += b.size();
    }

    /** Removes and returns every block. */
    List<DeviceBlock> drain() {
        List<DeviceBlock> all = new ArrayList<>();
        for (ArrayDeque<DeviceBlock> q : bySize.values()) {
            all.addAll(q);
        }
        bySize.clear();
        bytes = 0;
        return all;
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return bySize.isEmpty();
    }
}
