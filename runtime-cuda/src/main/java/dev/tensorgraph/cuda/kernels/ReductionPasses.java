package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.Shape;
import dev.tensorgraph.kernel.args.ReductionLayout;

/**
 * How to reduce a tensor of {@code dims} over {@code axes}: the output shape, the number of elements
 * folded into each output (Mean's divisor), and {@link ReductionLayout}'s passes of {outer, r, inner}.
 * Errors name the op ({@code what}).
 */
record ReductionPasses(Shape outShape, long[][] passes, long count) {

    static ReductionPasses of(String what, long[] dims, long[] axes, boolean keepDims) {
        ReductionLayout layout = ReductionLayout.of(what + ": ", dims, axes, keepDims);
        return new ReductionPasses(layout.outShape(), layout.passes(), layout.count());
    }
}
