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
 * Runs a dense layer's backward pass through its ReLU and bias, {@code ReluGrad(MatMul(a, b), features)} and the
 * BiasAddGrad of it, as one {@code _MatMulReluGrad} step: each thread masks the blocks of the product it has just
 * computed and sums their columns while they are in its cache, instead of a pass of its own that reads the product
 * back, cut by rows where the product was cut by columns. The gradient has the bits of MatMul and ReluGrad run apart;
 * the bias gradient sums each column in order of rows, in float, so its last bits may differ from BiasAddGrad's.
 *
 * <p>It applies to float32 products with no other reader, not fetched, fed or waited for but by NoOps (a gradient
 * tuple's {@code group_deps}), whose ReluGrad takes the product as its gradient, through the tuple's Identity or
 * not, and is read by a BiasAddGrad over its last dimension; the ReluGrad's own value may have other readers (the
 * layer's weight gradient reads it). What waited for the product waits for the fused step: a tuple's group_deps, so
 * the update of a variable the product reads still runs after the step. Training plans qualify: none of the ops has
 * state.
 */
final class FuseMatMulReluGradPass implements PlanPass {
    static final String MATMUL_RELU_GRAD = "_MatMulReluGrad";

    @Override
    public String name() {
        return "fuse-matmul-relu-grad";
    }

    @Override
    public boolean rewritesStatefulPlans() {
        return true;
    }

    @Override
    public boolean apply(RewriteGraph g) {
        if (!OpRegistry.global().contains(MATMUL_RELU_GRAD)) {
            return false;
        }
        boolean changed = false;
        for (RewriteGraph.Node reluGrad : new ArrayList<>(g.nodes())) {
            if (reluGrad.type().equals("ReluGrad") && g.contains(reluGrad)) {
                changed |= fuse(g, reluGrad);
            }
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }

    private static boolean fuse(RewriteGraph g, RewriteGraph.Node reluGrad) {
        RewriteGraph.Value features = reluGrad.input(1);
        RewriteGraph.Value backprops = reluGrad.output(0);
        // A gradient tuple puts an Identity between the product and the ReluGrad, waiting for the tuple's group_deps,
        // which waits for the product: passed over, since the fused step replaces the product in group_deps' wait.
        RewriteGraph.Value product = reluGrad.input(0);
        while (product.node().type().equals("Identity")) {
            if (!readOnceByData(g, product) || !onlyNoOps(product.node().controlInputs())) {
                return false;
            }
            product = product.node().input(0);
        }
        RewriteGraph.Node matMul = product.node();
        if (!matMul.type().equals("MatMul") || product.dtype() != DType.FLOAT32 || !readOnceByData(g, product)
                || !onlyNoOps(g.waitingFor(matMul)) || features.dtype() != DType.FLOAT32 || g.isFed(backprops)) {
            return false;
        }
        RewriteGraph.Node biasGrad = null;
        for (RewriteGraph.Node reader : g.readers(backprops)) {
            if (reader.type().equals("BiasAddGrad") && reader.input(0).equals(backprops)
                    && !"NCHW".equals(reader.attr("data_format")) && !g.isFed(reader.output(0))) {
                biasGrad = reader;
                break;
            }
        }
        if (biasGrad == null) {
            return false;
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("T", DType.FLOAT32);
        attrs.put("transpose_a", matMul.attr("transpose_a"));
        attrs.put("transpose_b", matMul.attr("transpose_b"));
        RewriteGraph.Node step = g.add(MATMUL_RELU_GRAD, reluGrad.name(), attrs,
                List.of(matMul.input(0), matMul.input(1), features), new DType[] {DType.FLOAT32, DType.FLOAT32},
                new Shape[] {backprops.shape(), biasGrad.output(0).shape()});
        g.placeBefore(step, matMul);
        for (RewriteGraph.Node n : List.of(matMul, reluGrad, biasGrad)) {
            for (RewriteGraph.Node dep : n.controlInputs()) {
                g.addControlInput(step, dep);
            }
        }
        g.replaceUses(backprops, step.output(0));
        g.replaceUses(biasGrad.output(0), step.output(1));
        // What waited for the product (a tuple's group_deps, and so the update of the variable it reads) waits for
        // the step that now reads the variable.
        g.replaceControlUses(matMul, step);
        g.replaceControlUses(reluGrad, step);
        g.replaceControlUses(biasGrad, step);
        return true;
    }

    /** Whether {@code v} is its node's only output and is read once, by an input, and not fetched, fed or a target's. */
    private static boolean readOnceByData(RewriteGraph g, RewriteGraph.Value v) {
        RewriteGraph.Node n = v.node();
        return n.numOutputs() == 1 && !g.isFed(v) && !g.isFetched(v) && !g.isTarget(n) && g.readers(v).size() == 1;
    }

    private static boolean onlyNoOps(List<RewriteGraph.Node> nodes) {
        return nodes.stream().allMatch(n -> n.type().equals("NoOp"));
    }
}
