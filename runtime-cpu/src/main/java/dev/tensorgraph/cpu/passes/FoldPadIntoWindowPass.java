package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.rewrite.PlanPass;
import dev.tensorgraph.rewrite.RewriteGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds a zero {@code Pad} of the height and width of an NHWC tensor into the Conv2D or MaxPool that is its only
 * reader, as EXPLICIT padding of that op: Keras's {@code ZeroPadding2D} before a VALID convolution (ResNet50's
 * first layer) or before a max-pool (its {@code pool1}). The padded copy, 8 x 114 x 114 x 64 floats in ResNet50's
 * pool at batch 8, is then never written. A convolution pads with zeros itself, so the result is the same but for
 * the sign of a zero. A max-pool's padded cells never win, so the fold applies only where its input is a ReLU's
 * (no value below zero, where a zero from the Pad could have won) and each side pads less than the window, so
 * that every window keeps a real cell.
 */
final class FoldPadIntoWindowPass implements PlanPass {
    private static final Set<String> NON_NEGATIVE = Set.of("Relu", "Relu6");

    @Override
    public String name() {
        return "fold-pad";
    }

    @Override
    public boolean apply(RewriteGraph g) {
        boolean changed = false;
        for (RewriteGraph.Node pad : new ArrayList<>(g.nodes())) {
            if (pad.type().equals("Pad") && g.contains(pad)) {
                changed |= fold(g, pad);
            }
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }

    private static boolean fold(RewriteGraph g, RewriteGraph.Node pad) {
        RewriteGraph.Value padded = pad.output(0);
        if (g.isFed(padded) || !g.hasSingleUse(padded)) {
            return false;
        }
        RewriteGraph.Node window = g.readers(padded).get(0);
        boolean pool = window.type().equals("MaxPool");
        if (!(pool || window.type().equals(FoldScaleIntoConvPass.CONV)) || !window.input(0).equals(padded)
                || !"NHWC".equals(window.attr("data_format"))) {
            return false;
        }
        long[] sides = heightWidthPads(ConstantNodes.value(g, pad.input(1)));
        String padding = (String) window.attr("padding");
        if (sides == null || !("VALID".equals(padding) || "EXPLICIT".equals(padding))) {
            return false;
        }
        long[] explicit = new long[8];
        if ("EXPLICIT".equals(padding)) {
            if (!(window.attr("explicit_paddings") instanceof long[] had) || had.length != 8) {
                return false;
            }
            explicit = had.clone();
        }
        for (int i = 0; i < 4; i++) {
            explicit[2 + i] += sides[i];
        }
        if (pool && !(nonNegative(pad.input(0)) && window.attr("ksize") instanceof long[] ksize
                && padsWithinWindow(explicit, ksize))) {
            return false;
        }
        Map<String, Object> attrs = new LinkedHashMap<>(window.attrs());
        attrs.put("padding", "EXPLICIT");
        attrs.put("explicit_paddings", explicit);
        List<RewriteGraph.Value> inputs = new ArrayList<>(window.inputs());
        inputs.set(0, pad.input(0));
        RewriteGraph.Node folded = g.add(window.type(), window.name(), attrs, inputs,
                new DType[] {window.output(0).dtype()}, new Shape[] {window.output(0).shape()});
        for (RewriteGraph.Node dep : window.controlInputs()) {
            g.addControlInput(folded, dep);
        }
        for (RewriteGraph.Node dep : pad.controlInputs()) {
            g.addControlInput(folded, dep);
        }
        g.replaceUses(window.output(0), folded.output(0));
        g.replaceControlUses(window, folded);
        return true;
    }

    /** {top, bottom, left, right} of a constant [4, 2] padding that pads only height and width; null otherwise. */
    private static long[] heightWidthPads(Tensor paddings) {
        if (paddings == null || !paddings.shape().equals(Shape.of(4, 2))) {
            return null;
        }
        double[] p = paddings.toDoubles();
        if (p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) {
            return null;
        }
        long[] sides = {(long) p[2], (long) p[3], (long) p[4], (long) p[5]};
        for (long s : sides) {
            if (s < 0) {
                return null;
            }
        }
        return sides;
    }

    /** Whether {@code v} is a ReLU's output: a Relu or Relu6, or a fused convolution ending in one. */
    private static boolean nonNegative(RewriteGraph.Value v) {
        RewriteGraph.Node n = v.node();
        if (NON_NEGATIVE.contains(n.type())) {
            return true;
        }
        if (n.type().equals(FuseConvPass.FUSED_CONV) && n.attr("fused_ops") instanceof String[] ops && ops.length > 0) {
            return NON_NEGATIVE.contains(ops[ops.length - 1]);
        }
        return false;
    }

    private static boolean padsWithinWindow(long[] explicit, long[] ksize) {
        if (ksize.length != 4) {
            return false;
        }
        return explicit[2] < ksize[1] && explicit[3] < ksize[1] && explicit[4] < ksize[2] && explicit[5] < ksize[2];
    }
}
