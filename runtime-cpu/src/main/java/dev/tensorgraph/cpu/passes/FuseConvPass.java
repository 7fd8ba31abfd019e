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
 * Runs a Conv2D and the ops after it as one {@code _FusedConv2D} step, as grappler's remapper does:
 * {@code Conv2D -> BiasAdd [-> Add/AddV2 of a tensor of the same shape] [-> Relu | Relu6]}. The fused kernel
 * applies bias, addition and activation to each block of the convolution's output while it is in registers,
 * instead of three more passes over memory (a residual block's last convolution, its shortcut addition and
 * ReLU become one step). The additions happen in the order the ops do them, so the result has the same bits.
 *
 * <p>It applies to float32 NHWC convolutions; each fused value must have no other reader and not be fetched.
 */
final class FuseConvPass implements PlanPass {
    static final String FUSED_CONV = "_FusedConv2D";
    /** The convolution attributes the fused op carries over. */
    private static final List<String> CONV_ATTRS = List.of("T", "strides", "padding", "explicit_paddings",
            "data_format", "dilations", "use_cudnn_on_gpu");

    @Override
    public String name() {
        return "fuse-conv";
    }

    @Override
    public boolean apply(RewriteGraph g) {
        if (!OpRegistry.global().contains(FUSED_CONV)) {
            return false;
        }
        boolean changed = false;
        for (RewriteGraph.Node conv : new ArrayList<>(g.nodes())) {
            if (conv.type().equals(FoldScaleIntoConvPass.CONV) && "NHWC".equals(conv.attr("data_format"))
                    && conv.output(0).dtype() == DType.FLOAT32) {
                changed |= fuse(g, conv);
            }
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }

    private static boolean fuse(RewriteGraph g, RewriteGraph.Node conv) {
        Shape in = conv.input(0).shape();
        Shape filter = conv.input(1).shape();
        if (!in.hasKnownRank() || !filter.hasKnownRank() || in.rank() != 4 || filter.rank() != 4 || in.size(3) < 0
                || in.size(3) != filter.size(2)) {
            return false;  // a grouped convolution, or depths known only at run time
        }
        RewriteGraph.Value out = conv.output(0);
        RewriteGraph.Node biasAdd = soleReader(g, out);
        if (biasAdd == null || !biasAdd.type().equals(FoldScaleIntoConvPass.BIAS_ADD) || !biasAdd.input(0).equals(out)
                || !"NHWC".equals(biasAdd.attr("data_format"))) {
            return false;
        }
        List<String> ops = new ArrayList<>(List.of("BiasAdd"));
        List<RewriteGraph.Value> args = new ArrayList<>(List.of(biasAdd.input(1)));
        RewriteGraph.Value last = biasAdd.output(0);
        RewriteGraph.Node next = soleReader(g, last);
        if (next != null && (next.type().equals("Add") || next.type().equals("AddV2"))) {
            RewriteGraph.Value other = next.input(0).equals(last) ? next.input(1) : next.input(0);
            if (!other.equals(last) && other.dtype() == DType.FLOAT32 && other.shape().equals(last.shape())
                    && next.output(0).shape().equals(last.shape())) {
                ops.add("Add");
                args.add(other);
                last = next.output(0);
                next = soleReader(g, last);
            }
        }
        if (next != null && (next.type().equals("Relu") || next.type().equals("Relu6"))) {
            ops.add(next.type());
            last = next.output(0);
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (String a : CONV_ATTRS) {
            if (conv.attr(a) != null) {
                attrs.put(a, conv.attr(a));
            }
        }
        attrs.put("num_args", (long) args.size());
        attrs.put("TArgs", args.stream().map(RewriteGraph.Value::dtype).toArray(DType[]::new));
        attrs.put("fused_ops", ops.toArray(new String[0]));
        List<RewriteGraph.Value> inputs = new ArrayList<>(List.of(conv.input(0), conv.input(1)));
        inputs.addAll(args);
        RewriteGraph.Node fused = g.add(FUSED_CONV, last.node().name(), attrs, inputs, new DType[] {DType.FLOAT32},
                new Shape[] {last.shape()});
        g.replaceUses(last, fused.output(0));
        return true;
    }

    /** The one node that reads {@code v}, when {@code v} has a single use and is not fed; null otherwise. */
    static RewriteGraph.Node soleReader(RewriteGraph g, RewriteGraph.Value v) {
        if (g.isFed(v) || !g.hasSingleUse(v)) {
            return null;
        }
        return g.readers(v).get(0);
    }
}
