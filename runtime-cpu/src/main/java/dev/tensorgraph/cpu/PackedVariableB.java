package dev.tensorgraph.cpu;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.VariableSlot;

/**
 * A product kernel's copy of its B operand in {@link VectorSgemm}'s panels, kept across runs while B is a ref
 * variable's own value and the variable is not written: a model served from its variables (rather than frozen into
 * constants) then copies its weights once, not on every run. Every run that splits a product by rows otherwise has
 * both threads copy B into one shared buffer, writing lines the other core read in the run before: W2's product went
 * from 281 to 310 GFLOP/s (medians of 15 alternated rounds on a Zen 5, its cores on two third-level caches) without
 * that copy.
 *
 * <p>A copy is made on the second run that finds the variable unchanged since the run before, so training, which
 * writes its variables every step, never makes one. Its validity rests on {@link VariableSlot#version()}: the
 * version is read before B is checked and copied, and any write to the variable moves it on.
 */
final class PackedVariableB {
    /** The largest B (in floats) that is kept copied: 64 MB. */
    private static final long MAX_FLOATS = 1L << 24;

    /** What the last run saw: B's array, its shape and version, and the copy once made (else null). */
    private record Seen(float[] source, boolean tb, int n, int k, long version, float[] packed) {}

    private volatile Seen seen;

    /**
     * A kept copy of op(B) ([k,n]), input {@code input} of the running op, for a product {@link VectorSgemm} runs
     * ({@link Gemm#vectorSgemmTakes}), or null when B is to be copied as usual: it is no variable's own value, the
     * variable changed since the last run, or B is over {@link #MAX_FLOATS}.
     */
    float[] packed(KernelContext ctx, int input, Tensor b, boolean tb, int n, int k) {
        VariableSlot variable = ctx.variableValue(input);
        if (variable == null || (long) n * k > MAX_FLOATS) {
            return null;
        }
        long version = variable.version();
        Tensor current = variable.peekHost();
        float[] source = (float[]) b.array();
        if (current == null || current.array() != source) {
            return null;
        }
        Seen last = seen;
        if (last == null || last.source() != source || last.tb() != tb || last.n() != n || last.k() != k
                || last.version() != version) {
            seen = new Seen(source, tb, n, k, version, null);
            return null;
        }
        if (last.packed() == null) {
            last = new Seen(source, tb, n, k, version, SgemmPanels.packWholeB(tb, n, k, source, 0));
            seen = last;
        }
        return last.packed();
    }
}
