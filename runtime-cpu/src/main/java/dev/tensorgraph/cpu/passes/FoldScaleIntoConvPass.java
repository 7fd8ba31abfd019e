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

/**
 * Folds a per-channel scale and shift after a convolution into the convolution's constant filter and bias, as
 * grappler does with an inference batch normalization: {@code (conv(x, W) + b) * s} becomes
 * {@code conv(x, W * s) + b * s}, and {@code (conv(x, W) + b) + t} becomes {@code conv(x, W) + (b + t)}. A
 * frozen Keras model computes each batch normalization as such a Mul and AddV2 after the convolution's
 * BiasAdd, whose scale and shift {@link FoldConstantsPass} has made constants.
 *
 * <p>It applies to NHWC float32 Conv2D ops whose filter (and bias) are constants, when the scale or shift is a
 * constant with one value per output channel (or one value) and the intermediate values have no other reader
 * and are not fetched. The products {@code W * s} and {@code b * s} are rounded to float32 once, so results
 * differ from the unfolded graph by float32 rounding (a relative 1e-6 per element; tests allow 1e-5).
 */
final class FoldScaleIntoConvPass implements PlanPass {
    static final String CONV = "Conv2D";
    static final String BIAS_ADD = "BiasAdd";

    @Override
    public String name() {
        return "fold-scale-into-conv";
    }

    @Override
    public boolean apply(RewriteGraph g) {
        boolean changed = false;
        for (RewriteGraph.Node n : new ArrayList<>(g.nodes())) {
            if (!g.contains(n) || n.numInputs() != 2 || n.numOutputs() == 0 || n.output(0).dtype() != DType.FLOAT32) {
                continue;
            }
            switch (n.type()) {
                case "Mul" -> changed |= foldScale(g, n, 0) || foldScale(g, n, 1);
                case "Add", "AddV2" -> changed |= foldShift(g, n, 0, false) || foldShift(g, n, 1, false);
                case "Sub" -> changed |= foldShift(g, n, 0, true);
                default -> { }
            }
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }

    /** {@code n = v * s} with {@code v} (input {@code side}) a convolution, its BiasAdd or neither. */
    private static boolean foldScale(RewriteGraph g, RewriteGraph.Node n, int side) {
        RewriteGraph.Value v = n.input(side);
        float[] s = perChannel(g, n.input(1 - side), v);
        Chain c = s == null ? null : Chain.of(g, v);
        if (c == null || !v.shape().equals(n.output(0).shape())) {
            return false;
        }
        int o = s.length;
        float[] w = ((float[]) c.filter.array()).clone();
        for (int i = 0; i < w.length; i++) {
            w[i] *= s[i % o];
        }
        RewriteGraph.Value filter = ConstantNodes.add(g, c.conv.name() + "/folded_filter",
                Tensor.of(DType.FLOAT32, c.filter.shape(), w));
        RewriteGraph.Value conv = g.add(CONV, c.conv.name(), c.conv.attrs(), List.of(c.conv.input(0), filter),
                new DType[] {DType.FLOAT32}, new Shape[] {c.conv.output(0).shape()}).output(0);
        RewriteGraph.Value result = conv;
        if (c.bias != null) {
            float[] b = ((float[]) c.bias.array()).clone();
            for (int i = 0; i < o; i++) {
                b[i] *= s[i];
            }
            result = biasAdd(g, c.biasAdd.name(), conv, ConstantNodes.add(g, c.biasAdd.name() + "/folded_bias",
                    Tensor.of(DType.FLOAT32, Shape.of(o), b)));
        }
        g.replaceUses(n.output(0), result);
        return true;
    }

    /** {@code n = v + t} (or {@code v - t}) with {@code v} (input {@code side}) a convolution or its BiasAdd. */
    private static boolean foldShift(RewriteGraph g, RewriteGraph.Node n, int side, boolean subtract) {
        RewriteGraph.Value v = n.input(side);
        float[] t = perChannel(g, n.input(1 - side), v);
        Chain c = t == null ? null : Chain.of(g, v);
        if (c == null || !v.shape().equals(n.output(0).shape())) {
            return false;
        }
        int o = t.length;
        float[] b = c.bias != null ? ((float[]) c.bias.array()).clone() : new float[o];
        for (int i = 0; i < o; i++) {
            b[i] = subtract ? b[i] - t[i] : b[i] + t[i];
        }
        RewriteGraph.Node named = c.biasAdd != null ? c.biasAdd : n;
        RewriteGraph.Value conv = c.conv.output(0);
        g.replaceUses(n.output(0), biasAdd(g, named.name(), conv, ConstantNodes.add(g, named.name() + "/folded_bias",
                Tensor.of(DType.FLOAT32, Shape.of(o), b))));
        return true;
    }

    private static RewriteGraph.Value biasAdd(RewriteGraph g, String name, RewriteGraph.Value value,
                                              RewriteGraph.Value bias) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("T", DType.FLOAT32);
        attrs.put("data_format", "NHWC");
        return g.add(BIAS_ADD, name, attrs, List.of(value, bias), new DType[] {DType.FLOAT32},
                new Shape[] {value.shape()}).output(0);
    }

    /**
     * One float per output channel of {@code v} (an NHWC value): {@code t} a float32 constant of shape
     * {@code [c]}, {@code [1, ..., 1, c]} or a single value; null otherwise.
     */
    private static float[] perChannel(RewriteGraph g, RewriteGraph.Value t, RewriteGraph.Value v) {
        Tensor value = ConstantNodes.value(g, t);
        Shape vs = v.shape();
        if (value == null || value.dtype() != DType.FLOAT32 || !vs.hasKnownRank() || vs.rank() != 4 || vs.size(3) < 0
                || value.shape().rank() > 4) {
            return null;
        }
        int c = (int) vs.size(3);
        long[] d = value.shape().dims();
        for (int i = 0; i + 1 < d.length; i++) {
            if (d[i] != 1) {
                return null;
            }
        }
        float[] a = (float[]) value.array();
        if (a.length == c) {
            return a;
        }
        if (a.length == 1) {
            float[] r = new float[c];
            java.util.Arrays.fill(r, a[0]);
            return r;
        }
        return null;
    }

    /**
     * A Conv2D with a constant filter, and the BiasAdd with a constant bias that reads it if {@code v} is that
     * BiasAdd; each value of the chain read only by the next.
     */
    private record Chain(RewriteGraph.Node conv, Tensor filter, RewriteGraph.Node biasAdd, Tensor bias) {
        static Chain of(RewriteGraph g, RewriteGraph.Value v) {
            if (g.isFed(v) || !g.hasSingleUse(v)) {
                return null;
            }
            RewriteGraph.Node node = v.node();
            if (node.type().equals(BIAS_ADD) && "NHWC".equals(node.attr("data_format"))) {
                Tensor bias = ConstantNodes.value(g, node.input(1));
                RewriteGraph.Value convOut = node.input(0);
                Chain inner = bias == null || bias.dtype() != DType.FLOAT32 ? null : of(g, convOut);
                return inner == null || inner.biasAdd != null ? null : new Chain(inner.conv, inner.filter, node, bias);
            }
            if (!node.type().equals(CONV) || !"NHWC".equals(node.attr("data_format"))) {
                return null;
            }
            Tensor filter = ConstantNodes.value(g, node.input(1));
            return filter == null || filter.dtype() != DType.FLOAT32 ? null : new Chain(node, filter, null, null);
        }
    }
}
