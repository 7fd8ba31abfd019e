package dev.tensorgraph.cpu;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.VariableSlot;

/**
 * A product kernel's copy of one operand (A or B) in {@link VectorSgemm}'s panels, kept across runs while it stays
 * the same: a constant of the graph, or a ref variable's own value while the variable is not written. A model served
 * from its variables, or frozen into constants, then copies its weights once rather than on every run. Every run that
 * splits a product by rows otherwise has both threads copy B into one shared buffer, writing lines the other core read
 * in the run before, and each thread copy its rows of A: W2's product went from 281 to 310 GFLOP/s without the copy
 * of B (medians of 15 alternated rounds on a Zen 5, its cores on two third-level caches).
 *
 * <p>A copy is made on the second run that finds the operand unchanged since the run before, so training, which writes
 * its variables every step, never makes one. For a variable, that rests on {@link VariableSlot#version()}: the version
 * is read before the operand is checked and copied, and any write to the variable moves it on.
 */
final class PackedSteadyOperand {
    /** Copies op(X) whole into panels: {@link SgemmPanels#packWholeA} or {@link SgemmPanels#packWholeB}. */
    interface Packer {
        float[] pack(boolean transposed, int outer, int depth, float[] source);
    }

    /** The packer of an A operand ({@code outer} = m). */
    static final Packer A = (ta, m, k, a) -> SgemmPanels.packWholeA(ta, m, k, a, 0);
    /** The packer of a B operand ({@code outer} = n). */
    static final Packer B = (tb, n, k, b) -> SgemmPanels.packWholeB(tb, n, k, b, 0);

    /** The largest operand (in floats) that is kept copied: 64 MB. */
    private static final long MAX_FLOATS = 1L << 24;

    /** What the last run saw: the operand's array, its shape and version, and the copy once made (else null). */
    private record Seen(float[] source, boolean transposed, int outer, int depth, long version, float[] packed) {}

    /** Whether the operand is a constant of the graph, whose array holds the same values in every run. */
    private final boolean constant;
    private final Packer packer;
    private volatile Seen seen;

    PackedSteadyOperand(boolean constant, Packer packer) {
        this.constant = constant;
        this.packer = packer;
    }

    /** The copy of input {@code input} of {@code op}, packed by {@code packer}, for the op's kernel. */
    static PackedSteadyOperand forInput(Operation op, int input, Packer packer) {
        return new PackedSteadyOperand(PackedConstant.isConstant(op.input(input)), packer);
    }

    /**
     * A kept copy of {@code value}, input {@code input} of the running op, as op(X) of {@code outer} x {@code depth}
     * (op(A) [m,k], op(B) [k,n] with outer n), for a product {@link VectorSgemm} runs ({@link Gemm#vectorSgemmTakes});
     * or null when it is to be copied as usual: it is neither a constant nor a variable's own value, it changed since
     * the last run, or it is over {@link #MAX_FLOATS}.
     */
    float[] packed(KernelContext ctx, int input, Tensor value, boolean transposed, int outer, int depth) {
        VariableSlot variable = constant ? null : ctx.variableValue(input);
        if (!constant && variable == null || (long) outer * depth > MAX_FLOATS) {
            return null;
        }
        float[] source = (float[]) value.array();
        long version = 0;
        if (variable != null) {
            version = variable.version();
            Tensor current = variable.peekHost();
            if (current == null || current.array() != source) {
                return null;
            }
        }
        Seen last = seen;
        if (last == null || last.source() != source || last.transposed() != transposed || last.outer() != outer
                || last.depth() != depth || last.version() != version) {
            seen = new Seen(source, transposed, outer, depth, version, null);
            return null;
        }
        if (last.packed() == null) {
            last = new Seen(source, transposed, outer, depth, version, packer.pack(transposed, outer, depth, source));
            seen = last;
        }
        return last.packed();
    }
}
