package dev.tensorgraph.cpu;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.VariableSlot;

/**
 * A product kernel's copy of its B operand in {@link VectorSgemm}'s panels, kept across runs while B stays the same:
 * a constant of the graph, or a ref variable's own value while the variable is not written. A model served from its
 * variables, or frozen into constants, then copies its weights once rather than on every run. Every run that splits a
 * product by rows otherwise has both threads copy B into one shared buffer, writing lines the other core read in the
 * run before: W2's product went from 281 to 310 GFLOP/s (medians of 15 alternated rounds on a Zen 5, its cores on two
 * third-level caches) without that copy.
 *
 * <p>A copy is made on the second run that finds B unchanged since the run before, so training, which writes its
 * variables every step, never makes one. For a variable, that rests on {@link VariableSlot#version()}: the version is
 * read before B is checked and copied, and any write to the variable moves it on.
 */
final class PackedSteadyB {
    /** The largest B (in floats) that is kept copied: 64 MB. */
    private static final long MAX_FLOATS = 1L << 24;

    /** What the last run saw: B's array, its shape and version, and the copy once made (else null). */
    private record Seen(float[] source, boolean tb, int n, int k, long version, float[] packed) {}

    /** Whether B is a constant of the graph, whose array holds the same values in every run. */
    private final boolean constant;
    private volatile Seen seen;

    PackedSteadyB(boolean constant) {
        this.constant = constant;
    }

    /** The copy of input {@code input} of {@code op} (its B), for the op's kernel. */
    static PackedSteadyB forInput(Operation op, int input) {
        return new PackedSteadyB(PackedConstant.isConstant(op.input(input)));
    }

    /**
     * A kept copy of op(B) ([k,n]), input {@code input} of the running op, for a product {@link VectorSgemm} runs
     * ({@link Gemm#vectorSgemmTakes}), or null when B is to be copied as usual: it is neither a constant nor a
     * variable's own value, it changed since the last run, or it is over {@link #MAX_FLOATS}.
     */
    float[] packed(KernelContext ctx, int input, Tensor b, boolean tb, int n, int k) {
        VariableSlot variable = constant ? null : ctx.variableValue(input);
        if (!constant && variable == null || (long) n * k > MAX_FLOATS) {
            return null;
        }
        float[] source = (float[]) b.array();
        long version = 0;
        if (variable != null) {
            version = variable.version();
            Tensor current = variable.peekHost();
            if (current == null || current.array() != source) {
                return null;
            }
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
