package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.VariableSlot;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A product kernel's kept copy of a steady operand ({@link PackedSteadyOperand}): products that read kept copies of A,
 * B or both have the bits of products that copy them, on every way {@link VectorSgemm} splits a product; and the copy
 * is made, kept and
 * dropped as the variable's version and array say, or kept for a constant.
 */
class PackedSteadyOperandTest {
    /**
     * m x n x k shapes: split by rows over two blocks of each of columns and the shared dimension; split by columns
     * with op(A) in one shared copy; split by columns with each part copying op(A); rows over a short depth; and a
     * partial panel of columns.
     */
    private static final int[][] SHAPES = {{1030, 1100, 1300}, {200, 300, 150}, {600, 1500, 1100}, {300, 200, 100},
        {45, 70, 33}};

    @Test
    void productsOnKeptCopiesHaveTheBitsOfProductsThatCopyTheirOperands() {
        assertTrue(Gemm.vectorApiAvailable(), "the tests run with --add-modules jdk.incubator.vector");
        Random r = new Random(23);
        for (int[] shape : SHAPES) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(m * k, r);
                    float[] b = random(k * n, r);
                    float[] c = random(m * n, r);
                    float[] packedA = SgemmPanels.packWholeA(ta, m, k, a, 0);
                    float[] packedB = SgemmPanels.packWholeB(tb, n, k, b, 0);
                    for (float beta : new float[] {0f, 1f}) {
                        for (int threads : new int[] {1, 2}) {
                            float[] own = c.clone();
                            VectorSgemm.multiply(ta, tb, m, n, k, 1f, a, 0, b, 0, beta, own, 0, threads);
                            for (int kept = 1; kept <= 3; kept++) {
                                boolean keptA = (kept & 1) != 0;
                                boolean keptB = (kept & 2) != 0;
                                float[] got = c.clone();
                                // A kept operand's own array is not read where the product would copy it: zeros in
                                // its place change nothing there.
                                boolean aCopied = VectorSgemm.copiesA(ta, m, n, k) || threads == 1 && ta;
                                float[] aRead = keptA && aCopied ? new float[a.length] : a;
                                VectorSgemm.multiply(ta, tb, m, n, k, 1f, aRead, 0, keptB ? new float[b.length] : b,
                                        0, beta, got, 0, threads, null, keptA ? packedA : null,
                                        keptB ? packedB : null);
                                String what = m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " beta=" + beta
                                        + " threads=" + threads + " kept" + (keptA ? " A" : "") + (keptB ? " B" : "");
                                for (int i = 0; i < m * n; i++) {
                                    assertEquals(Float.floatToRawIntBits(own[i]), Float.floatToRawIntBits(got[i]),
                                            what + " at " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void keptCopiesHoldTheirOperandsUnscaled() {
        float[] a = random(30 * 40, new Random(1));
        float[] b = random(40 * 50, new Random(2));
        float[] c = new float[30 * 50];
        float[] packedB = SgemmPanels.packWholeB(false, 50, 40, b, 0);
        InternalException e = assertThrows(InternalException.class, () -> VectorSgemm.multiply(true,
                false, 30, 50, 40, 0.5f, a, 0, b, 0, 0f, c, 0, 1, null, null, packedB));
        assertTrue(e.getMessage().contains("0.5"), e.getMessage());
        float[] packedA = SgemmPanels.packWholeA(false, 30, 40, a, 0);
        e = assertThrows(InternalException.class, () -> VectorSgemm.multiply(false, false, 30, 50, 40, 0.25f, a, 0,
                b, 0, 0f, c, 0, 1, null, packedA, null));
        assertTrue(e.getMessage().contains("0.25"), e.getMessage());
    }

    @Test
    void theCopyIsMadeOnTheSecondRunThatFindsTheVariableUnchanged() {
        int n = 70;
        int k = 33;
        float[] values = random(k * n, new Random(5));
        VariableSlot slot = new VariableSlot("dense/kernel");
        slot.set(Tensor.wrap(DType.FLOAT32, Shape.of(k, n), values));
        KernelContext ctx = readingVariable(slot);
        PackedSteadyOperand cache = new PackedSteadyOperand(false, PackedSteadyOperand.B);
        Tensor b = slot.peekHost();

        assertNull(cache.packed(ctx, 1, b, false, n, k), "the first run only notes the variable's version");
        float[] packed = cache.packed(ctx, 1, b, false, n, k);
        assertNotNull(packed, "the second run with the same version makes the copy");
        assertArrayEquals(SgemmPanels.packWholeB(false, n, k, values, 0), packed);
        assertSame(packed, cache.packed(ctx, 1, b, false, n, k), "later runs read the copy made");

        // An op with the variable as a ref input writes it in place (an optimizer's update).
        slot.markWritten();
        values[3] = 42f;
        slot.markWritten();
        assertNull(cache.packed(ctx, 1, b, false, n, k), "a written variable is copied as usual");
        float[] again = cache.packed(ctx, 1, b, false, n, k);
        assertNotNull(again);
        assertArrayEquals(SgemmPanels.packWholeB(false, n, k, values, 0), again, "the new copy has the new value");

        // As op(B) transposed, the same variable is another layout.
        assertNull(cache.packed(ctx, 1, b, true, k, n));

        // An update through the slot (a resource variable's way) moves the version on as well.
        slot.getForUpdate();
        assertNull(cache.packed(ctx, 1, b, false, n, k));

        // Assigned a new value: the old array is no longer the variable's.
        float[] assigned = random(k * n, new Random(6));
        slot.set(Tensor.wrap(DType.FLOAT32, Shape.of(k, n), assigned));
        assertNull(cache.packed(ctx, 1, b, false, n, k));
        assertNull(cache.packed(ctx, 1, b, false, n, k), "an old value of the variable is never kept");
        Tensor current = slot.peekHost();
        assertNull(cache.packed(ctx, 1, current, false, n, k));
        assertArrayEquals(SgemmPanels.packWholeB(false, n, k, assigned, 0), cache.packed(ctx, 1, current, false, n, k));

        // A value equal to the variable's but in another array (a copy, a fed tensor) is not the variable.
        Tensor copy = current.copy();
        assertNull(cache.packed(ctx, 1, copy, false, n, k));
        assertNull(cache.packed(ctx, 1, copy, false, n, k));
        // Nor is an input the plan did not trace to a variable.
        assertNull(cache.packed(readingVariable(null), 1, current, false, n, k));
        assertNull(cache.packed(readingVariable(null), 1, current, false, n, k));
    }

    @Test
    void aConstantIsCopiedOnTheSecondRunThatSeesItsArray() {
        int n = 40;
        int k = 20;
        Tensor b = Tensor.wrap(DType.FLOAT32, Shape.of(k, n), random(k * n, new Random(8)));
        PackedSteadyOperand cache = new PackedSteadyOperand(true, PackedSteadyOperand.B);
        KernelContext ctx = readingVariable(null);
        assertNull(cache.packed(ctx, 1, b, false, n, k));
        float[] packed = cache.packed(ctx, 1, b, false, n, k);
        assertArrayEquals(SgemmPanels.packWholeB(false, n, k, b.floats(), 0), packed);
        assertSame(packed, cache.packed(ctx, 1, b, false, n, k));
        Tensor other = b.copy();
        assertNull(cache.packed(ctx, 1, other, false, n, k), "another array is another constant");
        assertNotNull(cache.packed(ctx, 1, other, false, n, k));
    }

    private static float[] random(int size, Random r) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** A context whose input 1 the plan traced to {@code slot}; nothing else of it is used. */
    private static KernelContext readingVariable(VariableSlot slot) {
        return new KernelContext() {
            @Override
            public VariableSlot variableValue(int i) {
                return i == 1 ? slot : null;
            }

            @Override
            public Operation op() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int numInputs() {
                return 2;
            }

            @Override
            public Tensor input(int i) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isInputDead(int i) {
                return false;
            }

            @Override
            public void setOutput(int i, Tensor t) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void setOutputDead(int i) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Tensor allocate(DType dtype, Shape shape) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Tensor allocateZeroed(DType dtype, Shape shape) {
                throw new UnsupportedOperationException();
            }

            @Override
            public VariableSlot variable(int i) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void retain(Tensor t) {
                throw new UnsupportedOperationException();
            }

            @Override
            public <T> T sessionState(Supplier<T> create) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int intraOpThreads() {
                return 1;
            }
        };
    }
}
