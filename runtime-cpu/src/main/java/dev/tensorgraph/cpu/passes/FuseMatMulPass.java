package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.rewrite.PlanPass;
import dev.tensorgraph.rewrite.RewriteGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a dense layer as one {@code _FusedMatMul} step, as grappler's remapper does: {@code MatMul -> BiasAdd
 * [-> Relu | Relu6]}. Each thread applies the bias and activation to its part of the product as soon as it has
 * computed it, instead of two passes over memory that cut the product up differently (see the kernel). The
 * additions and the clamp happen in the ops' order, so the result has the same bits.
 *
 * <p>It applies to float32 products whose BiasAdd adds along the last dimension; the product and the BiasAdd
 * before an activation must have no other reader, not be fetched and not be waited for. Training plans qualify
 * too: the ops have no state, the fused step waits for whatever any of them waited for, and what waited for the
 * last op waits for the fused step.
 */
final class FuseMatMulPass implements PlanPass {
    static final String FUSED_MATMUL = "_FusedMatMul";

    @Override
    public String name() {
        return "fuse-matmul";
    }

    @Override
    public boolean rewritesStatefulPlans() {
        return true;
    }

    @Override
    public boolean apply(RewriteGraph g) {
        if (!OpRegistry.global().contains(FUSED_MATMUL)) {
            return false;
        }
        boolean changed = false;
        for (RewriteGraph.Node product : new ArrayList<>(g.nodes())) {
            if (product.type().equals("MatMul") && g.contains(product) && product.output(0).dtype() == DType.FLOAT32) {
                changed |= fuse(g, product);
            }
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }

    private static boolean fuse(RewriteGraph g, RewriteGraph.Node product) {
        RewriteGraph.Value out = product.output(0);
        RewriteGraph.Node biasAdd = FuseConvPass.soleReader(g, out);
        if (biasAdd == null || !biasAdd.type().equals("BiasAdd") || !biasAdd.input(0).equals(out)
                || !"NHWC".equals(biasAdd.attr("data_format")) || biasAdd.input(1).dtype() != DType.FLOAT32) {
            return false;
        }
        List<RewriteGraph.Node> fused = new ArrayList<>(List.of(product, biasAdd));
        List<String> ops = new ArrayList<>(List.of("BiasAdd"));
        RewriteGraph.Value last = biasAdd.output(0);
        RewriteGraph.Node next = FuseConvPass.soleReader(g, last);
        if (next != null && (next.type().equals("Relu") || next.type().equals("Relu6"))) {
            ops.add(next.type());
            fused.add(next);
            last = next.output(0);
        }
        if (g.isFed(last)) {
            return false;
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("T", DType.FLOAT32);
        attrs.put("transpose_a", product.attr("transpose_a"));
        attrs.put("transpose_b", product.attr("transpose_b"));
        attrs.put("num_args", 1L);
        attrs.put("fused_ops", ops.toArray(new String[0]));
        RewriteGraph.Node step = g.add(FUSED_MATMUL, last.node().name(), attrs,
                List.of(product.input(0), product.input(1), biasAdd.input(1)), new DType[] {DType.FLOAT32},
                new Shape[] {last.shape()});
        for (RewriteGraph.Node n : fused) {
            for (RewriteGraph.Node dep : n.controlInputs()) {
                g.addControlInput(step, dep);
            }
        }
        g.replaceUses(last, step.output(0));
        g.replaceControlUses(last.node(), step);
        return true;
    }
}
