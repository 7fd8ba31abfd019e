package dev.tensorgraph.ops.rnn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.support.Literals;
import java.util.ArrayList;
import java.util.List;

/** The small graph pieces TensorFlow's RNN code builds, with its names. */
final class RnnOps {
    private RnnOps() {}

    /** {@code tf.clip_by_value(x, lo, hi)}: {@code clip_by_value/Minimum}, then {@code clip_by_value}. */
    static Output clipByValue(Graph g, Output x, double lo, double hi) {
        try (var scope = g.nameScope("clip_by_value")) {
            Output min = ArithmeticOps.minimum(g, x, hi, "Minimum");
            return ArithmeticOps.maximum(g, min, lo, scope.name());
        }
    }

    /** {@code 1 - x}: a Sub named {@code sub} with the constant {@code sub/x}. */
    static Output oneMinus(Graph g, Output x) {
        try (var scope = g.nameScope("sub")) {
            Output one = ConstantOps.scalar(g, x.dtype(), 1, "x");
            return ArithmeticOps.sub(g, one, x, scope.name());
        }
    }

    /**
     * Swaps the first two dimensions ({@code _transpose_batch_time}): a Transpose by {@code [1, 0, 2, ...]}, the
     * permutation a {@code Rank}, a {@code range} and a {@code concat} as TensorFlow builds it.
     */
    static Output transposeBatchTime(Graph g, Output x) {
        Shape s = x.shape();
        if (s.hasKnownRank() && s.rank() < 2) {
            return x;
        }
        Output rank = s.hasKnownRank() ? ConstantOps.constant(g, Tensor.of(s.rank()), "Rank")
                : ShapeOps.rank(g, x, "Rank");
        Output range = ConstantOps.range(g, ConstantOps.constant(g, Tensor.of(2), "range/start"), rank,
                ConstantOps.constant(g, Tensor.of(1), "range/delta"), "range");
        Output perm;
        try (var scope = g.nameScope("concat")) {
            Output head = ConstantOps.constant(g, Tensor.of(new int[] {1, 0}), "values_0");
            perm = ConcatOps.concatV2(g, List.of(head, range), ConstantOps.constant(g, Tensor.of(0), "axis"),
                    scope.name());
        }
        // The permutation is computed, so the shape is given as TensorFlow sets it: the first two dimensions swapped.
        Shape swapped = !s.hasKnownRank() ? Shape.unknown()
                : Shape.of(s.size(1), s.size(0)).concatenate(s.subShape(2, s.rank()));
        return g.opBuilder("Transpose", "transpose").addInput(x).addInput(perm).setAttr("Tperm", perm.dtype())
                .refineOutputShape(0, swapped).build().output(0);
    }

    /**
     * The zero state of {@code cell} for {@code batch} rows, under {@code <CellClass>ZeroState}: one
     * {@code zeros} per state tensor.
     */
    static List<Output> zeroState(Graph g, RnnCell cell, Output batch, long staticBatch, DType dtype) {
        List<Output> zeros = new ArrayList<>();
        try (var scope = g.nameScope(cell.className() + "ZeroState")) {
            for (long size : cell.stateSize()) {
                zeros.add(zeros(g, batch, staticBatch, size, dtype));
            }
        }
        return zeros;
    }

    /** Zeros of {@code [batch, size]}: a constant when the batch is known, else a Fill of the concatenated shape. */
    static Output zeros(Graph g, Output batch, long staticBatch, long size, DType dtype) {
        if (staticBatch >= 0) {
            return ConstantOps.constant(g, Literals.filled(dtype, Shape.of(staticBatch, size), 0), "zeros");
        }
        Output shape;
        try (var scope = g.nameScope("concat")) {
            Output tail = ConstantOps.constant(g, Tensor.of(new int[] {(int) size}), "values_1");
            shape = ConcatOps.concatV2(g, List.of(ShapeOps.reshape(g, batch, new int[] {1}, null), tail),
                    ConstantOps.constant(g, Tensor.of(0), "axis"), scope.name());
        }
        try (var scope = g.nameScope("zeros")) {
            return ConstantOps.fill(g, shape, ConstantOps.scalar(g, dtype, 0, "Const"), scope.name());
        }
    }
}
