package dev.tensorgraph.cpu;

import dev.tensorgraph.Shape;
import dev.tensorgraph.kernel.args.ReductionLayout;

/**
 * How to reduce a tensor of {@code dims} over {@code axes}: {@link ReductionLayout}'s output shape and
 * passes, with each [outer, r, inner] pass as ints for the CPU loops over Java arrays.
 */
record ReductionPlan(Shape outShape, int[][] passes, long count, long inputSize) {

    static ReductionPlan of(long[] dims, long[] axes, boolean keepDims) {
        ReductionLayout layout = ReductionLayout.of("", dims, axes, keepDims);
        long[][] p = layout.passes();
        int[][] passes = new int[p.length][];
        for (int i = 0; i < p.length; i++) {
            passes[i] = new int[] {Math.toIntExact(p[i][0]), Math.toIntExact(p[i][1]), Math.toIntExact(p[i][2])};
        }
        return new ReductionPlan(layout.outShape(), passes, layout.count(), layout.inputSize());
    }
}
