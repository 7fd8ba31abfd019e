package dev.tensorgraph.cuda.nccl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorgraph.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class GradientBucketsTest {
    @Test
    void gradientsFillBucketsLastVariableFirstAndAnOversizedOneGetsItsOwn() {
        // last first: 10 alone (over 8), then 2 + 5, then 3
        GradientBuckets b = new GradientBuckets(new int[] {3, 5, 2, 10}, 8);
        assertEquals(3, b.bucketCount());
        assertEquals(0, b.bucketOf(3));
        assertEquals(1, b.bucketOf(2));
        assertEquals(1, b.bucketOf(1));
        assertEquals(2, b.bucketOf(0));
        assertEquals(10, b.bucketSize(0));
        assertEquals(7, b.bucketSize(1));
        assertEquals(3, b.bucketSize(2));
    }

    @Test
    void packedGradientsComeBackScaled() {
        GradientBuckets b = new GradientBuckets(new int[] {3, 5, 2}, 8);
        float[][] grads = {{1, 2, 3}, {4, 5, 6, 7, 8}, {9, 10}};
        float[][] buckets = b.newBuckets();
        for (int g = 0; g < grads.length; g++) {
            b.pack(buckets, g, grads[g], 2f);
        }
        assertArrayEquals(new float[] {18, 20, 8, 10, 12, 14, 16}, buckets[0]);
        for (int g = 0; g < grads.length; g++) {
            assertArrayEquals(grads[g], b.unpack(buckets, g, 0.5f));
        }
        assertThrows(InvalidArgumentException.class, () -> b.pack(buckets, 0, new float[2], 1f));
    }
}
