package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.OpBuilder;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.rewrite.PlanPass;
import dev.tensorgraph.rewrite.RewriteGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Computes ahead of the run every value that depends on constants only, as grappler's constant folding does,
 * and lets readers of an {@code Identity} read its input. A frozen graph computes a batch normalization's scale
 * and shift ({@code Rsqrt(variance + epsilon) * gamma}, ...) and reshapes every weight on each run; after
 * this pass those are constants, which {@link FoldScaleIntoConvPass} can fold into the convolutions.
 *
 * <p>Only ops whose CPU kernels are pure functions of their inputs are folded (the types in {@link #FOLDABLE}),
 * with the same kernel the plan would run, so a folded value has the bits the unfolded plan computes. Values
 * of more than {@link #MAX_ELEMENTS} elements stay computed at run time, as do ops with control inputs.
 */
final class FoldConstantsPass implements PlanPass {
    /** Op types whose kernels depend on their inputs and attributes alone. */
    static final Set<String> FOLDABLE = Set.of("Identity", "Reshape", "Squeeze", "ExpandDims", "Add", "AddV2", "Sub",
            "Mul", "RealDiv", "Div", "Maximum", "Minimum", "Rsqrt", "Sqrt", "Square", "Reciprocal", "Neg", "Cast",
            "Transpose", "ConcatV2", "Pack", "Shape", "Fill", "StridedSlice", "Slice", "Tile");
    /** The largest value folded: a bigger one would cost more memory held by the plan than it saves. */
    static final long MAX_ELEMENTS = 1L << 24;
    private static final String IDENTITY = "Identity";

    @Override
    public String name() {
        return "fold-constants";
    }

    @Override
    public boolean apply(RewriteGraph g) {
        boolean changed = false;
        for (RewriteGraph.Node n : new ArrayList<>(g.nodes())) {
            if (!n.controlInputs().isEmpty() || !FOLDABLE.contains(n.type())) {
                continue;
            }
            if (n.type().equals(IDENTITY) && ConstantNodes.value(g, n.input(0)) == null) {
                if (!g.isFed(n.output(0))) {
                    g.replaceUses(n.output(0), n.input(0));
                    changed = true;
                }
                continue;
            }
            Tensor[] in = constantInputs(g, n);
            if (in == null || !foldable(g, n)) {
                continue;
            }
            Tensor[] out = evaluate(n, in);
            if (out == null) {
                continue;
            }
            for (int i = 0; i < out.length; i++) {
                g.replaceUses(n.output(i), ConstantNodes.add(g, n.name(), out[i]));
            }
            changed = true;
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }

    private static Tensor[] constantInputs(RewriteGraph g, RewriteGraph.Node n) {
        Tensor[] in = new Tensor[n.numInputs()];
        for (int i = 0; i < in.length; i++) {
            in[i] = ConstantNodes.value(g, n.input(i));
            if (in[i] == null) {
                return null;
            }
        }
        return in;
    }

    private static boolean foldable(RewriteGraph g, RewriteGraph.Node n) {
        for (int i = 0; i < n.numOutputs(); i++) {
            RewriteGraph.Value v = n.output(i);
            if (g.isFed(v) || v.dtype() == DType.STRING || !v.shape().isFullyDefined()
                    || v.shape().numElements() > MAX_ELEMENTS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code n}'s CPU kernel on {@code in}: the node is rebuilt, with its inputs as constants, in a
     * scratch graph, so the kernel sees an op as the plan would give it. Null when it has no CPU kernel or
     * fails (the plan then computes it and reports the failure at run time, as without this pass).
     */
    private static Tensor[] evaluate(RewriteGraph.Node n, Tensor[] in) {
        KernelFactory factory = KernelRegistry.global().find(KernelRegistry.CPU, n.type());
        if (factory == null || factory.role() != KernelFactory.Role.ORDINARY) {
            return null;
        }
        try {
            Graph scratch = new Graph();
            OpBuilder b = scratch.opBuilder(n.type(), n.name() + "/");
            for (int i = 0; i < in.length; i++) {
                b.addInput(scratch.opBuilder(ConstantNodes.CONST, "input" + i + "/").setAttr("dtype", in[i].dtype())
                        .setAttr("value", in[i]).build().output(0));
            }
            n.attrs().forEach(b::setAttr);
            Operation op = b.build();
            FoldingContext ctx = new FoldingContext(op, in);
            factory.create(op).compute(ctx);
            Tensor[] out = ctx.outputs();
            List<Tensor> checked = new ArrayList<>();
            for (int i = 0; i < out.length; i++) {
                if (out[i] == null || out[i].dtype() != n.output(i).dtype()
                        || !out[i].shape().equals(n.output(i).shape())) {
                    return null;
                }
                checked.add(out[i]);
            }
            return checked.toArray(new Tensor[0]);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
