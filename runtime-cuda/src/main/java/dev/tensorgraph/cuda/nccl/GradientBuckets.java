package dev.tensorgraph.cuda.nccl;

import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradients packed into buckets of about {@code bucketElements} floats, so that each all-reduce moves one large
 * array instead of one small array per variable. Gradients are taken last variable first, the order a backward
 * pass produces them, so the first bucket is complete first. A gradient larger than a bucket gets one of its own.
 */
public final class GradientBuckets {
    /** Where gradient {@code gradient}'s values sit: {@code bucket}, from {@code offset}. */
    private record Slot(int bucket, int offset) {}

    private final int[] sizes;
    private final Slot[] slots;
    private final int[] bucketSizes;

    /**
     * @param sizes the number of elements of each gradient, in the variables' order
     * @param bucketElements the floats a bucket holds before a new one starts (at least 1)
     */
    public GradientBuckets(int[] sizes, int bucketElements) {
        if (bucketElements < 1) {
            throw new InvalidArgumentException("a gradient bucket holds at least 1 element, got " + bucketElements);
        }
        this.sizes = sizes.clone();
        slots = new Slot[sizes.length];
        List<Integer> buckets = new ArrayList<>();
        int filled = 0;
        for (int g = sizes.length - 1; g >= 0; g--) {
            if (sizes[g] < 0) {
                throw new InvalidArgumentException("gradient " + g + " has " + sizes[g] + " elements");
            }
            if (buckets.isEmpty() || (filled > 0 && filled + sizes[g] > bucketElements)) {
                if (!buckets.isEmpty()) {
                    buckets.set(buckets.size() - 1, filled);
                }
                buckets.add(0);
                filled = 0;
            }
            slots[g] = new Slot(buckets.size() - 1, filled);
            filled += sizes[g];
        }
        if (!buckets.isEmpty()) {
            buckets.set(buckets.size() - 1, filled);
        }
        bucketSizes = buckets.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The number of gradients. */
    public int gradientCount() {
        return sizes.length;
    }

    public int bucketCount() {
        return bucketSizes.length;
    }

    /** The elements bucket {@code b} holds. */
    public int bucketSize(int b) {
        return bucketSizes[b];
    }

    /** The bucket holding gradient {@code g}. */
    public int bucketOf(int g) {
        return slots[g].bucket();
    }

    /** Empty buckets, ready to {@link #pack} into. */
    public float[][] newBuckets() {
        float[][] buckets = new float[bucketSizes.length][];
        for (int b = 0; b < buckets.length; b++) {
            buckets[b] = new float[bucketSizes[b]];
        }
        return buckets;
    }

    /** Writes gradient {@code g}'s values times {@code scale} into its place in {@code buckets}. */
    public void pack(float[][] buckets, int g, float[] values, float scale) {
        checkSize(g, values.length);
        float[] bucket = buckets[slots[g].bucket()];
        int offset = slots[g].offset();
        for (int i = 0; i < values.length; i++) {
            bucket[offset + i] = values[i] * scale;
        }
    }

    /** Gradient {@code g}'s values from {@code buckets}, times {@code scale}. */
    public float[] unpack(float[][] buckets, int g, float scale) {
        float[] values = new float[sizes[g]];
        float[] bucket = buckets[slots[g].bucket()];
        int offset = slots[g].offset();
        for (int i = 0; i < values.length; i++) {
            values[i] = bucket[offset + i] * scale;
        }
        return values;
    }

    private void checkSize(int g, int length) {
        if (length != sizes[g]) {
            throw new InvalidArgumentException("gradient " + g + " has " + length + " elements, its bucket slot "
                    + sizes[g]);
        }
    }
}
