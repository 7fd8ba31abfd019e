package dev.tensorgraph.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link BroadcastPlan} without a GPU: walks its kernel arguments the way the CUDA
 * {@code tg_offsets} does and compares every element offset with a plain multi-index walk.
 */
class BroadcastPlanTest {
    @Test
    void equalShapesAndScalarsAreFlat() {
        BroadcastPlan same = BroadcastPlan.of("Add", Shape.of(3, 4, 5), Shape.of(3, 4, 5));
        assertTrue(same.isFlat());
        assertEquals(1, same.flatStride(0));
        assertEquals(1, same.flatStride(1));
        BroadcastPlan scalar = BroadcastPlan.of("Add", Shape.of(3, 4), Shape.scalar());
        assertTrue(scalar.isFlat());
        assertEquals(0, scalar.flatStride(1));
        assertEquals(Shape.of(3, 4), scalar.shape());
        assertFalse(BroadcastPlan.of("Add", Shape.of(4, 5), Shape.of(5)).isFlat());
    }

    @Test
    void aRowAgainstAMatrixWalksTwoDimensions() {
        Object[] a = BroadcastPlan.of("Add", Shape.of(6, 7, 5), Shape.of(5)).loopArgs();
        assertEquals(2, a[1]);
        assertEquals(42L, a[2 + 6]);
        assertEquals(5L, a[2 + 7]);
    }

    @Test
    void incompatibleShapesFail() {
        assertThrows(InvalidArgumentException.class, () -> BroadcastPlan.of("Add", Shape.of(3, 4), Shape.of(5)));
    }

    @Test
    void offsetsMatchAPlainWalkForRandomBroadcasts() {
        Random r = new Random(7);
        for (int trial = 0; trial < 400; trial++) {
            int rank = r.nextInt(7);
            long[] out = new long[rank];
            for (int i = 0; i < rank; i++) {
                out[i] = 1 + r.nextInt(4);
            }
            int k = 2 + r.nextInt(2);
            Shape[] operands = new Shape[k];
            for (int j = 0; j < k; j++) {
                int lead = r.nextInt(rank + 1);
                long[] d = new long[rank - lead];
                for (int i = 0; i < d.length; i++) {
                    d[i] = r.nextBoolean() ? out[lead + i] : 1;
                }
                operands[j] = Shape.of(d);
            }
            BroadcastPlan plan = BroadcastPlan.of("Op", operands);
            long[] realOut = plan.shape().dims();
            long n = plan.numElements();
            long[][] want = plainOffsets(realOut, operands);
            long[][] got = kernelOffsets(plan, k, n);
            for (int j = 0; j < k; j++) {
                assertArrayEquals(want[j], got[j], "operand " + j + " of " + java.util.Arrays.toString(operands));
            }
        }
    }

    @Test
    void paddingCopyLandsInTheInterior() {
        // A [2, 3] input padded by [[1, 0], [2, 1]] into a [3, 6] output.
        BroadcastPlan plan = BroadcastPlan.strided("Pad", new long[] {2, 3}, new long[] {0, 8}, new long[] {3, 1},
                new long[] {6, 1});
        long[][] got = kernelOffsets(plan, 2, plan.numElements());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, got[0]);
        assertArrayEquals(new long[] {0, 1, 2, 6, 7, 8}, got[1]);
    }

    /** The offsets {@code tg_offsets} computes from the plan's kernel arguments. */
    private static long[][] kernelOffsets(BroadcastPlan plan, int k, long n) {
        long[][] off = new long[k][(int) n];
        if (plan.isFlat()) {
            for (int j = 0; j < k; j++) {
                for (int i = 0; i < n; i++) {
                    off[j][i] = (long) i * plan.flatStride(j);
                }
            }
            return off;
        }
        Object[] a = plan.loopArgs();
        int rank = (Integer) a[1];
        for (int i = 0; i < n; i++) {
            long rem = i;
            for (int d = 7; d >= 8 - rank; d--) {
                long dim = (Long) a[2 + d];
                long c = rem % dim;
                rem /= dim;
                for (int j = 0; j < k; j++) {
                    off[j][i] += c * (Long) a[2 + 8 * (j + 1) + d];
                }
            }
        }
        return off;
    }

    private static long[][] plainOffsets(long[] out, Shape[] operands) {
        long n = 1;
        for (long d : out) {
            n *= d;
        }
        long[][] off = new long[operands.length][(int) n];
        for (int i = 0; i < n; i++) {
            long rem = i;
            long[] idx = new long[out.length];
            for (int d = out.length - 1; d >= 0; d--) {
                idx[d] = rem % out[d];
                rem /= out[d];
            }
            for (int j = 0; j < operands.length; j++) {
                long[] od = operands[j].dims();
                long o = 0;
                for (int d = 0; d < od.length; d++) {
                    long c = od[d] == 1 ? 0 : idx[out.length - od.length + d];
                    o = o * od[d] + c;
                }
                off[j][i] = o;
            }
        }
        return off;
    }
}
