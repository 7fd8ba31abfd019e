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
import java.util.Set;

/**
 * Runs a weight gradient's MatMul and the ApplyGradientDescent that is its only use as one
 * {@code _MatMulApplyGradientDescent} step, which adds {@code -alpha} times the product straight into the
 * variable's array: a dense layer's {@code var -= lr * matmul(x, dy, transpose_a=true)} no longer writes the
 * gradient out and reads it back. An ApplyMomentum without Nesterov's variant becomes {@code _MatMulApplyMomentum}
 * the same way, the product added into the accumulator (AlexNet's two large dense layers: 218 MB of gradient a
 * step neither written nor read). The Identity ops that gradient tuples put between the two (with their control
 * inputs on the tuple's {@code group_deps}) are passed over.
 *
 * <p>It applies where the variable (and accumulator) is a float32 reference variable, the learning rate (and
 * momentum) a scalar, the product of
 * float32 matrices of the variable's static shape, and where neither the product nor any Identity after it is
 * fetched, fed, run as a target, waited for, or read by another op. The fused step waits for everything the
 * update and the Identities waited for, so it still runs after every read of the variable the graph orders before
 * the update (a gradient tuple's other products); ops that waited for the product itself (the tuple's
 * {@code group_deps}) wait for its inputs only, as the product has no effect. Ops that waited for the update wait
 * for the fused step, which is run as a target where the update was, and its output is the variable, as the
 * update's. The sum is rounded once more or less than
 * the two ops round it (see the kernel).
 */
final class FuseGradientDescentProductPass implements PlanPass {
    static final String FUSED = "_MatMulApplyGradientDescent";
    static final String FUSED_MOMENTUM = "_MatMulApplyMomentum";
    private static final Set<String> VARIABLES = Set.of("VariableV2", "Variable");

    @Override
    public String name() {
        return "fuse-gradient-descent-product";
    }

    @Override
    public boolean rewritesStatefulPlans() {
        return true;
    }

    @Override
    public boolean apply(RewriteGraph g) {
        if (!OpRegistry.global().contains(FUSED)) {
            return false;
        }
        boolean changed = false;
        for (RewriteGraph.Node update : new ArrayList<>(g.nodes())) {
            boolean momentum = update.type().equals("ApplyMomentum") && !Boolean.TRUE.equals(update.attr("use_nesterov"))
                    && OpRegistry.global().contains(FUSED_MOMENTUM);
            if (!(update.type().equals("ApplyGradientDescent") || momentum) || !g.contains(update)) {
                continue;
            }
            changed |= fuse(g, update);
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }

    private static boolean fuse(RewriteGraph g, RewriteGraph.Node update) {
        boolean momentum = update.type().equals("ApplyMomentum");
        // ApplyGradientDescent(var, alpha, grad); ApplyMomentum(var, accum, lr, grad, momentum)
        RewriteGraph.Value var = update.input(0);
        List<RewriteGraph.Value> state = momentum ? List.of(var, update.input(1)) : List.of(var);
        List<RewriteGraph.Value> scalars = momentum ? List.of(update.input(2), update.input(4)) : List.of(update.input(1));
        for (RewriteGraph.Value v : state) {
            if (!VARIABLES.contains(v.node().type()) || v.dtype() != DType.FLOAT32 || !v.shape().equals(var.shape())) {
                return false;
            }
        }
        for (RewriteGraph.Value v : scalars) {
            if (v.dtype() != DType.FLOAT32 || !v.shape().hasKnownRank() || v.shape().rank() != 0) {
                return false;
            }
        }
        List<RewriteGraph.Node> passedOver = new ArrayList<>();
        RewriteGraph.Value grad = update.input(momentum ? 3 : 2);
        while (grad.node().type().equals("Identity")) {
            if (!onlyReadBy(g, grad, g.waitingFor(grad.node()))) {
                return false;
            }
            passedOver.add(grad.node());
            grad = grad.node().input(0);
        }
        RewriteGraph.Node product = grad.node();
        if (!product.type().equals("MatMul") || !onlyReadBy(g, grad, List.of())
                || product.attr("T") != DType.FLOAT32 || !grad.shape().equals(var.shape())
                || !grad.shape().isFullyDefined()) {
            return false;
        }
        List<RewriteGraph.Node> waitingForProduct = g.waitingFor(product);
        for (RewriteGraph.Node reader : waitingForProduct) {
            if (!reader.type().equals("NoOp")) {
                return false;  // only a tuple's group_deps, which does nothing, may wait for the product
            }
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("T", DType.FLOAT32);
        attrs.put("use_locking", update.attr("use_locking") != null ? update.attr("use_locking") : false);
        attrs.put("transpose_a", product.attr("transpose_a") != null ? product.attr("transpose_a") : false);
        attrs.put("transpose_b", product.attr("transpose_b") != null ? product.attr("transpose_b") : false);
        List<RewriteGraph.Value> inputs = new ArrayList<>(state);
        inputs.add(scalars.get(0));
        inputs.add(product.input(0));
        inputs.add(product.input(1));
        inputs.addAll(scalars.subList(1, scalars.size()));
        RewriteGraph.Node fused = g.add(momentum ? FUSED_MOMENTUM : FUSED, update.name(), attrs, inputs,
                new DType[] {DType.FLOAT32}, new Shape[] {update.output(0).shape()});
        List<RewriteGraph.Node> waits = new ArrayList<>(update.controlInputs());
        passedOver.forEach(n -> waits.addAll(n.controlInputs()));
        waits.addAll(product.controlInputs());
        for (RewriteGraph.Node dep : waits) {
            g.addControlInput(fused, dep);
        }
        for (RewriteGraph.Node reader : waitingForProduct) {
            g.removeControlInput(reader, product);
        }
        g.replaceUses(update.output(0), fused.output(0));
        g.replaceControlUses(update, fused);
        return true;
    }

    /**
     * Whether {@code v}'s node has no other output read and {@code v} is read once, by a node other than
     * a control-input reader, and is neither fetched, fed, nor produced by a target; the nodes in
     * {@code waitingOnNode} are those that wait for its node, and there must be none.
     */
    private static boolean onlyReadBy(RewriteGraph g, RewriteGraph.Value v, List<RewriteGraph.Node> waitingOnNode) {
        RewriteGraph.Node n = v.node();
        if (!waitingOnNode.isEmpty() || n.numOutputs() != 1 || g.isFed(v) || g.isFetched(v) || g.isTarget(n)) {
            return false;
        }
        return g.readers(v).size() == 1;
    }
}
