package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.rewrite.PlanPass;
import dev.tensorgraph.rewrite.RewriteGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code Sum(MatMul(a, b))} over both axes of the product as one {@code _MatMulSum} step: each thread sums the
 * blocks of the product it has just computed, while they are in its cache, instead of a Sum that reads the whole
 * product back. It applies to float32 products with no other reader, not fetched, fed or waited for, whose Sum takes
 * constant axes that name both dimensions. The sum is taken in another order than Sum's, so its last bits may differ.
 * Training plans qualify too: neither op has state.
 */
final class FuseMatMulSumPass implements PlanPass {
    static final String MATMUL_SUM = "_MatMulSum";

    @Override
    public String name() {
        return "fuse-matmul-sum";
    }

    @Override
    public boolean rewritesStatefulPlans() {
        return true;
    }

    @Override
    public boolean apply(RewriteGraph g) {
        if (!OpRegistry.global().contains(MATMUL_SUM)) {
            return false;
        }
        boolean changed = false;
        for (RewriteGraph.Node sum : new ArrayList<>(g.nodes())) {
            if (sum.type().equals("Sum") && g.contains(sum)) {
                changed |= fuse(g, sum);
            }
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }

    private static boolean fuse(RewriteGraph g, RewriteGraph.Node sum) {
        RewriteGraph.Value product = sum.input(0);
        RewriteGraph.Node matMul = product.node();
        if (!matMul.type().equals("MatMul") || product.dtype() != DType.FLOAT32 || !g.hasSingleUse(product)
                || g.isFed(sum.output(0)) || !reducesBothAxes(g, sum.input(1))) {
            return false;
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("T", DType.FLOAT32);
        attrs.put("transpose_a", matMul.attr("transpose_a"));
        attrs.put("transpose_b", matMul.attr("transpose_b"));
        attrs.put("keep_dims", Boolean.TRUE.equals(sum.attr("keep_dims")));
        RewriteGraph.Node step = g.add(MATMUL_SUM, sum.name(), attrs, List.of(matMul.input(0), matMul.input(1)),
                new DType[] {DType.FLOAT32}, new Shape[] {sum.output(0).shape()});
        g.placeBefore(step, matMul);
        for (RewriteGraph.Node n : List.of(matMul, sum)) {
            for (RewriteGraph.Node dep : n.controlInputs()) {
                g.addControlInput(step, dep);
            }
        }
        g.replaceUses(sum.output(0), step.output(0));
        g.replaceControlUses(sum, step);
        return true;
    }

    /** Whether {@code axes} is a constant that names axis 0 and axis 1 of a matrix (as 0, 1, -2 or -1) once each. */
    private static boolean reducesBothAxes(RewriteGraph g, RewriteGraph.Value axes) {
        Tensor t = ConstantNodes.value(g, axes);
        if (t == null || t.shape().rank() > 1 || (t.dtype() != DType.INT32 && t.dtype() != DType.INT64)) {
            return false;
        }
        boolean[] named = new boolean[2];
        long count = t.shape().numElements();
        for (int i = 0; i < count; i++) {
            long axis = t.dtype() == DType.INT32 ? ((int[]) t.array())[i] : ((long[]) t.array())[i];
            // Out of range or named twice: left to Sum, which says what is wrong with them.
            if (axis < -2 || axis > 1 || named[(int) ((axis + 2) % 2)]) {
                return false;
            }
            named[(int) ((axis + 2) % 2)] = true;
        }
        return named[0] && named[1];
    }
}
