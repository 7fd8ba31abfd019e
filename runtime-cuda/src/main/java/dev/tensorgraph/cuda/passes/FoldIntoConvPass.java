package dev.tensorgraph.cuda.passes;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.rewrite.PlanPass;
import dev.tensorgraph.rewrite.RewriteGraph;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a convolution and the per-channel arithmetic and activation after it as few steps as the GPU has
 * kernels for: {@code Conv2D [-> BiasAdd b] [-> Mul s] [-> Add/AddV2 t | Sub t] [-> Add/AddV2 r] [-> Relu | Relu6]}
 * becomes one {@code _FusedConv2D}, the form an imported Keras inference graph computes each convolution, its
 * bias, its batch normalization ({@code x * s + t}, with {@code s} and {@code t} computed from the layer's
 * variables) and a residual block's shortcut addition {@code r} in. The scale is folded into the filter and the
 * shift into the bias, {@code conv(x, W * s) + (b * s + t)}, by ordinary ops added to the plan, so they are
 * computed again from the variables' current values in every run (a few small elementwise ops on the weights
 * against several passes over the activations) and are never stale. A DepthwiseConv2dNative with a scale or
 * shift after it gets the same fold (the scale reshaped to the filter's {@code [channels, multiplier]}) and becomes
 * one {@code _FusedDepthwiseConv2dNative} with the bias and the activation in its epilogue (with EXPLICIT padding,
 * which that op does not take, the convolution, one BiasAdd and the activation).
 *
 * <p>It applies to float32 convolutions of known, ungrouped depths (and to bfloat16 and float16 ones, as a
 * mixed-precision rewrite leaves them: the factors are folded in float32 from the values the rewrite cast, and the
 * folded filter and bias rounded once), with {@code s} and {@code t} of shape
 * {@code [channels]} or {@code [1, ..., 1, channels]}, and shortcuts of a fully known shape equal to the
 * convolution's (an unknown dimension could broadcast at run time); each value it fuses away must have no other reader and not be fetched (the chain stops
 * before one that has), while the last value, such as a Relu output a ReluGrad reads, may have any readers. The
 * products {@code W * s} and {@code b * s} are rounded to float32 once, so results differ from the unfolded
 * graph by float32 rounding (a relative 1e-6 per term).
 */
public final class FoldIntoConvPass implements PlanPass {
    static final String FUSED_CONV = "_FusedConv2D";
    static final String FUSED_DEPTHWISE = "_FusedDepthwiseConv2dNative";
    /** The attributes a fused depthwise convolution takes over from the DepthwiseConv2dNative. */
    private static final List<String> DEPTHWISE_ATTRS = List.of("T", "strides", "padding", "data_format",
            "dilations");
    private static final String DEPTHWISE = "DepthwiseConv2dNative";
    private static final List<String> CONV_ATTRS = List.of("T", "strides", "padding", "explicit_paddings",
            "data_format", "dilations", "use_cudnn_on_gpu");

    @Override
    public String name() {
        return "fold-into-conv";
    }

    @Override
    public boolean apply(RewriteGraph g) {
        if (!OpRegistry.global().contains(FUSED_CONV)) {
            return false;
        }
        boolean changed = false;
        for (RewriteGraph.Node conv : new ArrayList<>(g.nodes())) {
            // The type first: other nodes (a NoOp a fetched Identity waits for) may have no output at all.
            boolean convolution = conv.type().equals("Conv2D") || conv.type().equals(DEPTHWISE);
            if (convolution && g.contains(conv) && foldable(conv.output(0).dtype()) && !pinnedToCpu(conv)) {
                changed |= conv.type().equals(DEPTHWISE) ? foldDepthwise(g, conv) : fold(g, conv);
            }
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }

    /**
     * Whether the user placed {@code conv} on the CPU (a device scope), where the CPU's {@code _FusedConv2D} may
     * not take what the GPU's does (NCHW): such a convolution runs as written.
     */
    private static boolean pinnedToCpu(RewriteGraph.Node conv) {
        return conv.device().toLowerCase(java.util.Locale.ROOT).contains("cpu");
    }

    /** What follows a convolution: each part null where the chain has no such op. */
    private static final class Chain {
        RewriteGraph.Value bias;
        RewriteGraph.Value scale;
        RewriteGraph.Value shift;
        boolean subtract;
        RewriteGraph.Value side;
        String activation;
        RewriteGraph.Value last;
        RewriteGraph.Node named;
    }

    /**
     * float32, and the 16-bit formats a mixed-precision rewrite gives the convolutions: their scale, shift and bias
     * (casts of float32 values there) are folded in float32 from the values before the casts, and the folded
     * filter and bias rounded once to the convolution's type.
     */
    private static boolean foldable(DType t) {
        return t == DType.FLOAT32 || t.isHalfPrecision();
    }

    private static boolean fold(RewriteGraph g, RewriteGraph.Node conv) {
        Shape filter = knownFilter(conv);
        if (filter == null || conv.input(0).shape().size(channelAxis(conv)) != filter.size(2)) {
            return false;  // a grouped convolution, or depths known only at run time
        }
        Chain c = chain(g, conv, filter.size(3), true);
        if (c == null || c.bias == null && c.shift == null || c.bias == null && c.subtract) {
            return false;
        }
        DType t = conv.output(0).dtype();
        RewriteGraph.Value w = c.scale == null ? conv.input(1) : narrowed(g, binary(g, "Mul", conv.name() + "/folded_filter",
                wide(g, conv.input(1), conv.name() + "/filter_float32"), wide(g, c.scale, conv.name() + "/scale_float32")),
                t, conv.name() + "/folded_filter_narrowed");
        RewriteGraph.Value b = narrowed(g, foldedBias(g, c, filter.size(3)), t, c.named.name() + "/folded_bias_narrowed");
        List<String> ops = new ArrayList<>(List.of("BiasAdd"));
        List<RewriteGraph.Value> inputs = new ArrayList<>(List.of(conv.input(0), w, b));
        if (c.side != null) {
            ops.add("Add");
            inputs.add(c.side);
        }
        if (c.activation != null) {
            ops.add(c.activation);
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (String a : CONV_ATTRS) {
            if (conv.attr(a) != null) {
                attrs.put(a, conv.attr(a));
            }
        }
        DType[] argTypes = new DType[inputs.size() - 2];
        java.util.Arrays.fill(argTypes, t);
        attrs.put("num_args", (long) argTypes.length);
        attrs.put("TArgs", argTypes);
        attrs.put("fused_ops", ops.toArray(new String[0]));
        RewriteGraph.Node fused = g.add(FUSED_CONV, c.last.node().name(), attrs, inputs,
                new DType[] {t}, new Shape[] {c.last.shape()});
        g.replaceUses(c.last, fused.output(0));
        return true;
    }

    /**
     * A depthwise convolution with a scale or shift after it: the scale folded into its filter
     * {@code [kh, kw, channels, multiplier]} (reshaped to {@code [channels, multiplier]}), the bias and shift into
     * one bias, which a {@code _FusedDepthwiseConv2dNative} adds with the activation after it in its epilogue.
     */
    private static boolean foldDepthwise(RewriteGraph g, RewriteGraph.Node conv) {
        Shape filter = knownFilter(conv);
        if (filter == null || !channelsLast(conv) || conv.input(0).shape().size(3) != filter.size(2)) {
            return false;
        }
        Chain c = chain(g, conv, filter.size(2) * filter.size(3), false);
        if (c == null || c.scale == null && c.shift == null || c.bias == null && (c.shift == null || c.subtract)) {
            return false;
        }
        DType t = conv.output(0).dtype();
        RewriteGraph.Value w = conv.input(1);
        if (c.scale != null) {
            RewriteGraph.Value scale = reshaped(g, wide(g, c.scale, conv.name() + "/scale_float32"),
                    conv.name() + "/folded_scale", filter.size(2), filter.size(3));
            w = narrowed(g, binary(g, "Mul", conv.name() + "/folded_filter", wide(g, w, conv.name() + "/filter_float32"),
                    scale), t, conv.name() + "/folded_filter_narrowed");
        }
        RewriteGraph.Value bias = narrowed(g, foldedBias(g, c, filter.size(2) * filter.size(3)), t,
                c.named.name() + "/folded_bias_narrowed");
        if ("EXPLICIT".equals(conv.attr("padding"))) {
            // The fused op, as TensorFlow's, takes SAME or VALID padding only: the folded convolution, its BiasAdd
            // and the activation stay three ops (the GPU runs the last two as one step).
            RewriteGraph.Value y = g.add(DEPTHWISE, conv.name(), conv.attrs(), List.of(conv.input(0), w),
                    new DType[] {t}, new Shape[] {conv.output(0).shape()}).output(0);
            y = g.add("BiasAdd", c.named.name(), Map.of("T", t, "data_format", "NHWC"), List.of(y, bias),
                    new DType[] {t}, new Shape[] {y.shape()}).output(0);
            if (c.activation != null) {
                y = g.add(c.activation, c.last.node().name(), Map.of("T", t), List.of(y), new DType[] {t},
                        new Shape[] {y.shape()}).output(0);
            }
            g.replaceUses(c.last, y);
            return true;
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (String a : DEPTHWISE_ATTRS) {
            if (conv.attr(a) != null) {
                attrs.put(a, conv.attr(a));
            }
        }
        attrs.put("num_args", 1L);
        attrs.put("fused_ops", c.activation == null ? new String[] {"BiasAdd"} : new String[] {"BiasAdd", c.activation});
        RewriteGraph.Node fused = g.add(FUSED_DEPTHWISE, c.last.node().name(), attrs,
                List.of(conv.input(0), w, bias), new DType[] {t}, new Shape[] {c.last.shape()});
        g.replaceUses(c.last, fused.output(0));
        return true;
    }

    /** The filter's shape when it is 4-D with known depths and the input 4-D; null otherwise. */
    private static Shape knownFilter(RewriteGraph.Node conv) {
        Shape in = conv.input(0).shape();
        Shape filter = conv.input(1).shape();
        boolean known = in.hasKnownRank() && filter.hasKnownRank() && in.rank() == 4 && filter.rank() == 4
                && filter.size(2) >= 0 && filter.size(3) >= 0;
        return known ? filter : null;
    }

    /**
     * {@code b * s + t} (or {@code - t}) with the parts the chain has, in float32; the chain has a bias or a
     * shift.
     */
    private static RewriteGraph.Value foldedBias(RewriteGraph g, Chain c, long channels) {
        String name = c.named.name();
        RewriteGraph.Value b = c.bias == null ? null : wide(g, c.bias, name + "/bias_float32");
        if (c.scale != null && b != null) {
            b = binary(g, "Mul", name + "/folded_bias_scaled", b,
                    reshaped(g, wide(g, c.scale, name + "/scale_float32"), name + "/scale_vector", channels));
        }
        if (c.shift != null) {
            RewriteGraph.Value t = reshaped(g, wide(g, c.shift, name + "/shift_float32"), name + "/shift_vector", channels);
            b = b == null ? t : binary(g, c.subtract ? "Sub" : "AddV2", name + "/folded_bias", b, t);
        }
        return b;
    }

    /**
     * The ops after {@code conv} this pass can fuse, in the order it fuses them; null when there are none. Each
     * step takes the next op only when the value before it has that op as its one reader. {@code residual}: also
     * an addition of a tensor of the output's shape, after the bias and batch normalization.
     */
    private static Chain chain(RewriteGraph g, RewriteGraph.Node conv, long channels, boolean residual) {
        Chain c = new Chain();
        RewriteGraph.Value v = conv.output(0);
        RewriteGraph.Node next = soleReader(g, v);
        if (next != null && next.type().equals("BiasAdd") && next.input(0).equals(v)
                && sameFormat(next, conv) && perChannel(g, next.input(1), channels, conv)) {
            c.bias = next.input(1);
            c.named = next;
            v = next.output(0);
            next = soleReader(g, v);
        }
        if (next != null && next.type().equals("Mul") && channelsLast(conv)) {
            RewriteGraph.Value s = other(next, v);
            if (s != null && perChannel(g, s, channels, conv) && next.output(0).shape().equals(v.shape())) {
                c.scale = s;
                c.named = c.named == null ? next : c.named;
                v = next.output(0);
                next = soleReader(g, v);
            }
        }
        if (next != null && (next.type().equals("Add") || next.type().equals("AddV2") || next.type().equals("Sub"))
                && channelsLast(conv)) {
            boolean subtract = next.type().equals("Sub");
            RewriteGraph.Value t = subtract ? (next.input(0).equals(v) ? next.input(1) : null) : other(next, v);
            if (t != null && perChannel(g, t, channels, conv) && next.output(0).shape().equals(v.shape())) {
                c.shift = t;
                c.subtract = subtract;
                c.named = c.named == null ? next : c.named;
                v = next.output(0);
                next = soleReader(g, v);
            }
        }
        if (v.equals(conv.output(0))) {
            return null;
        }
        if (residual && next != null && (next.type().equals("Add") || next.type().equals("AddV2"))) {
            RewriteGraph.Value r = other(next, v);
            if (r != null && r.dtype() == v.dtype() && r.shape().isFullyDefined() && r.shape().equals(v.shape())
                    && next.output(0).shape().equals(v.shape()) && !dependsOn(r.node(), conv)) {
                c.side = r;
                v = next.output(0);
                next = soleReader(g, v);
            }
        }
        if (next != null && (next.type().equals("Relu") || next.type().equals("Relu6"))) {
            c.activation = next.type();
            v = next.output(0);
        }
        c.last = v;
        return c;
    }

    /** The input of {@code n} that is not {@code v}, when {@code v} is exactly one of its two inputs. */
    private static RewriteGraph.Value other(RewriteGraph.Node n, RewriteGraph.Value v) {
        if (n.numInputs() != 2 || n.input(0).equals(n.input(1))) {
            return null;
        }
        return n.input(0).equals(v) ? n.input(1) : n.input(1).equals(v) ? n.input(0) : null;
    }

    /**
     * Whether {@code t} is a vector of {@code channels} values of the convolution's type that does not depend on
     * {@code conv} (folding it into the convolution's own inputs would make a cycle otherwise).
     */
    private static boolean perChannel(RewriteGraph g, RewriteGraph.Value t, long channels, RewriteGraph.Node conv) {
        Shape s = t.shape();
        if (t.dtype() != conv.output(0).dtype() || !s.hasKnownRank() || s.rank() < 1 || s.rank() > 4
                || s.size(s.rank() - 1) != channels) {
            return false;
        }
        for (int i = 0; i + 1 < s.rank(); i++) {
            if (s.size(i) != 1) {
                return false;
            }
        }
        return !dependsOn(t.node(), conv);
    }

    /** {@code t} (one value per channel, of shape {@code [1, ..., 1, dims...]}) reshaped to {@code dims}. */
    private static RewriteGraph.Value reshaped(RewriteGraph g, RewriteGraph.Value t, String name, long... dims) {
        if (t.shape().equals(Shape.of(dims))) {
            return t;
        }
        int[] ints = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            ints[i] = (int) dims[i];
        }
        Tensor shape = Tensor.of(DType.INT32, Shape.of(dims.length), ints);
        RewriteGraph.Value dimsValue = g.add("Const", name + "/shape", Map.of("dtype", DType.INT32, "value", shape),
                List.of(), new DType[] {DType.INT32}, new Shape[] {shape.shape()}).output(0);
        return g.add("Reshape", name, Map.of("T", DType.FLOAT32, "Tshape", DType.INT32), List.of(t, dimsValue),
                new DType[] {DType.FLOAT32}, new Shape[] {Shape.of(dims)}).output(0);
    }

    private static boolean dependsOn(RewriteGraph.Node from, RewriteGraph.Node target) {
        Set<RewriteGraph.Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<RewriteGraph.Node> work = new ArrayDeque<>(List.of(from));
        while (!work.isEmpty()) {
            RewriteGraph.Node n = work.poll();
            if (n == target) {
                return true;
            }
            if (seen.add(n)) {
                n.inputs().forEach(in -> work.add(in.node()));
                work.addAll(n.controlInputs());
            }
        }
        return false;
    }

    private static int channelAxis(RewriteGraph.Node conv) {
        return channelsLast(conv) ? 3 : 1;
    }

    /** Mul and Add broadcast a [channels] vector over the last axis only: NHWC. */
    private static boolean channelsLast(RewriteGraph.Node conv) {
        return !"NCHW".equals(conv.attr("data_format"));
    }

    private static boolean sameFormat(RewriteGraph.Node biasAdd, RewriteGraph.Node conv) {
        Object f = biasAdd.attr("data_format");
        return channelsLast(conv) ? f == null || "NHWC".equals(f) : "NCHW".equals(f);
    }

    /**
     * {@code v} in float32: itself, the float32 value a Cast made it from (as a mixed-precision rewrite casts
     * weights and batch-norm factors), or a new exact widening Cast.
     */
    private static RewriteGraph.Value wide(RewriteGraph g, RewriteGraph.Value v, String name) {
        if (v.dtype() == DType.FLOAT32) {
            return v;
        }
        RewriteGraph.Node n = v.node();
        if (n.type().equals("Cast") && n.numInputs() == 1 && n.input(0).dtype() == DType.FLOAT32) {
            return n.input(0);
        }
        return cast(g, v, DType.FLOAT32, name);
    }

    /** Float32 value {@code v} rounded once to {@code t} (itself for float32). */
    private static RewriteGraph.Value narrowed(RewriteGraph g, RewriteGraph.Value v, DType t, String name) {
        return t == DType.FLOAT32 ? v : cast(g, v, t, name);
    }

    private static RewriteGraph.Value cast(RewriteGraph g, RewriteGraph.Value v, DType t, String name) {
        return g.add("Cast", name, Map.of("SrcT", v.dtype(), "DstT", t, "Truncate", false), List.of(v), new DType[] {t},
                new Shape[] {v.shape()}).output(0);
    }

    private static RewriteGraph.Value binary(RewriteGraph g, String type, String name, RewriteGraph.Value a,
                                             RewriteGraph.Value b) {
        return g.add(type, name, Map.of("T", DType.FLOAT32), List.of(a, b), new DType[] {DType.FLOAT32},
                new Shape[] {a.shape()}).output(0);
    }

    /** The one node that reads {@code v}, when {@code v} has a single use and is not fed; null otherwise. */
    private static RewriteGraph.Node soleReader(RewriteGraph g, RewriteGraph.Value v) {
        if (g.isFed(v) || !g.hasSingleUse(v)) {
            return null;
        }
        return g.readers(v).get(0);
    }
}
