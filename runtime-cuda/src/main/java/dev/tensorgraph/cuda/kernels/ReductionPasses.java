package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reduce a tensor of {@code dims} over {@code axes}: the output shape, the number of elements
 * folded into each output (Mean's divisor), and passes of {outer, r, inner}, each reducing one run of
 * adjacent reduced axes. Size-1 axes are dropped and adjacent axes of one kind merged first, so reducing
 * the last axes, the leading axes or everything is a single pass; only interleaved axes need more.
 */
record ReductionPasses(Shape outShape, long[][] passes, long count) {

    static ReductionPasses of(String what, long[] dims, long[] axes, boolean keepDims) {
        int rank = dims.length;
        boolean[] reduced = new boolean[rank];
        for (long a : axes) {
            if (a < -rank || a >= rank) {
                throw new InvalidArgumentException(what + ": Invalid reduction dimension (" + a + " for input with "
                        + rank + " dimension(s)");
            }
            int ax = (int) (a < 0 ? a + rank : a);
            if (reduced[ax]) {
                throw new InvalidArgumentException(what + ": Invalid reduction arguments: Axes contains duplicate dimension: "
                        + ax);
            }
            reduced[ax] = true;
        }
        List<Long> out = new ArrayList<>();
        long count = 1;
        List<long[]> groups = new ArrayList<>(); // {size, 1 if reduced}
        for (int i = 0; i < rank; i++) {
            if (reduced[i]) {
                count *= dims[i];
                if (keepDims) {
                    out.add(1L);
                }
            } else {
                out.add(dims[i]);
            }
            if (dims[i] == 1) {
                continue;
            }
            long kind = reduced[i] ? 1 : 0;
            if (!groups.isEmpty() && groups.get(groups.size() - 1)[1] == kind) {
                groups.get(groups.size() - 1)[0] *= dims[i];
            } else {
                groups.add(new long[] {dims[i], kind});
            }
        }
        long[] o = new long[out.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = out.get(i);
        }
        // Innermost reduced run first: groups before it are still whole, reduced groups after it are gone.
        List<long[]> passes = new ArrayList<>();
        for (int j = groups.size() - 1; j >= 0; j--) {
            if (groups.get(j)[1] == 0) {
                continue;
            }
            long outer = 1;
            long inner = 1;
            for (int i = 0; i < j; i++) {
                outer *= groups.get(i)[0];
            }
            for (int i = j + 1; i < groups.size(); i++) {
                if (groups.get(i)[1] == 0) {
                    inner *= groups.get(i)[0];
                }
            }
            passes.add(new long[] {outer, groups.get(j)[0], inner});
        }
        return new ReductionPasses(Shape.of(o), passes.toArray(new long[0][]), count);
    }
}
