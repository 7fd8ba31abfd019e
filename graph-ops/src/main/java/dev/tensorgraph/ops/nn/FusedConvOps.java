package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.List;
import java.util.Set;

/**
 * {@code _FusedConv2D} (and {@code _FusedDepthwiseConv2dNative}, below): a Conv2D with the ops after it computed in its epilogue, TensorFlow's op of the same
 * name and attributes (grappler's remapper writes it, and CPU plans here make it from Conv2D, BiasAdd, Add and
 * Relu, see the runtime's plan passes). Inputs are the convolution's input and filter, then {@code num_args}
 * arguments of the fused ops in order: the bias of {@code BiasAdd}, then the tensor {@code Add} adds (of the
 * output's shape). {@code fused_ops} lists the ops: {@code BiasAdd}, optionally followed by {@code Add}, then
 * optionally one activation ({@code Relu}, {@code Relu6}). It has no gradient: it only appears in graphs
 * rewritten for inference.
 */
public final class FusedConvOps implements OpLibrary {
    private static final long[] ONES4 = {1, 1, 1, 1};
    /** The fused op lists this op accepts. */
    private static final Set<List<String>> FUSIONS = Set.of(
            List.of("BiasAdd"), List.of("BiasAdd", "Relu"), List.of("BiasAdd", "Relu6"), List.of("BiasAdd", "Add"),
            List.of("BiasAdd", "Add", "Relu"), List.of("BiasAdd", "Add", "Relu6"));

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("_FusedConv2D").input("input").input("filter").inputList("args")
                .inputList("host_args")
                .attr("T", AttrType.TYPE).attr("TArgs", AttrType.LIST_TYPE).attr("num_args", AttrType.INT)
                .attr("num_host_args", AttrType.INT, 0L).attr("strides", AttrType.LIST_INT)
                .attr("padding", AttrType.STRING).attr("explicit_paddings", AttrType.LIST_INT, new long[0])
                .attr("data_format", AttrType.STRING, "NHWC").attr("filter_format", AttrType.STRING, "HWIO")
                .attr("dilations", AttrType.LIST_INT, ONES4).attr("use_cudnn_on_gpu", AttrType.BOOL, true)
                .attr("fused_ops", AttrType.LIST_STRING, new String[0]).attr("epsilon", AttrType.FLOAT, 1e-4f)
                .attr("leakyrelu_alpha", AttrType.FLOAT, 0.2f)
                .shape(FusedConvOps::fusedConvShape).notDifferentiable().build());
        r.register(OpDef.builder("_FusedDepthwiseConv2dNative").input("input").input("filter").inputList("args")
                .attr("T", AttrType.TYPE).attr("num_args", AttrType.INT).attr("strides", AttrType.LIST_INT)
                .attr("padding", AttrType.STRING)
                .attr("data_format", AttrType.STRING, "NHWC").attr("dilations", AttrType.LIST_INT, ONES4)
                .attr("fused_ops", AttrType.LIST_STRING, new String[0]).attr("epsilon", AttrType.FLOAT, 1e-4f)
                .attr("leakyrelu_alpha", AttrType.FLOAT, 0.2f)
                .shape(FusedConvOps::fusedDepthwiseShape).notDifferentiable().build());
    }

    /**
     * {@code _FusedDepthwiseConv2dNative}: TensorFlow's depthwise convolution with a bias and optionally an
     * activation in its epilogue ({@code fused_ops} {@code BiasAdd}, then {@code Relu} or {@code Relu6}); one
     * argument, the bias of the output's channels. As TensorFlow's, it has SAME or VALID padding only.
     */
    private static void fusedDepthwiseShape(ShapeContext c) {
        DType t = ShapeFns.sameDtype(c, 0, 1);
        if (t != DType.FLOAT32 && t != DType.FLOAT64 && !t.isHalfPrecision()) {
            throw c.fail("T must be bfloat16, float16, float32 or float64, got " + t);
        }
        List<String> ops = List.of((String[]) c.attr("fused_ops"));
        if (!ops.equals(List.of("BiasAdd")) && !ops.equals(List.of("BiasAdd", "Relu"))
                && !ops.equals(List.of("BiasAdd", "Relu6"))) {
            throw c.fail("fused_ops " + ops + " is not [BiasAdd], [BiasAdd, Relu] or [BiasAdd, Relu6]");
        }
        Object padding = c.attr("padding");
        if (!"SAME".equals(padding) && !"VALID".equals(padding)) {
            throw c.fail("padding must be SAME or VALID, got " + padding);
        }
        if (c.attrLong("num_args") != 1 || c.numInputs() != 3) {
            throw c.fail("fused_ops " + ops + " take one argument, the bias; got num_args " + c.attrLong("num_args")
                    + " and " + c.numInputs() + " inputs");
        }
        if (c.inputDtype(2) != t) {
            throw c.fail("the bias is " + c.inputDtype(2) + ", not " + t);
        }
        Shape bias = c.inputShape(2);
        if (bias.hasKnownRank() && bias.rank() != 1) {
            throw c.fail("the bias must be 1-D, got shape " + bias);
        }
        c.setOutput(0, t, DepthwiseConvOps.outputShape(c, Windows.rank4(c, 0, "input"), Windows.rank4(c, 1, "filter")));
    }

    private static void fusedConvShape(ShapeContext c) {
        DType t = ShapeFns.sameDtype(c, 0, 1);
        if (t != DType.FLOAT32 && t != DType.FLOAT64 && !t.isHalfPrecision()) {
            throw c.fail("T must be bfloat16, float16, float32 or float64, got " + t);
        }
        if (!"HWIO".equals(c.attr("filter_format"))) {
            throw c.fail("filter_format " + c.attr("filter_format") + " is not supported; filters are HWIO");
        }
        List<String> ops = List.of((String[]) c.attr("fused_ops"));
        if (!FUSIONS.contains(ops)) {
            throw c.fail("fused_ops " + ops + " is not one of " + FUSIONS);
        }
        long args = c.attrLong("num_args");
        long hostArgs = c.attrLong("num_host_args");
        int wanted = ops.contains("Add") ? 2 : 1;
        if (args != wanted || hostArgs != 0 || c.numInputs() != 2 + args) {
            throw c.fail("fused_ops " + ops + " take " + wanted + " argument(s) and no host arguments; got num_args "
                    + args + ", num_host_args " + hostArgs + " and " + c.numInputs() + " inputs");
        }
        Shape in = Windows.rank4(c, 0, "input");
        Shape f = Windows.rank4(c, 1, "filter");
        Shape out = ConvOps.convOutput(c, in, f);
        for (int i = 2; i < c.numInputs(); i++) {
            if (c.inputDtype(i) != t) {
                throw c.fail("argument " + (i - 2) + " is " + c.inputDtype(i) + ", not " + t);
            }
        }
        Shape bias = c.inputShape(2);
        if (bias.hasKnownRank() && bias.rank() != 1) {
            throw c.fail("the bias must be 1-D, got shape " + bias);
        }
        if (wanted == 2 && !c.inputShape(3).isCompatibleWith(out)) {
            throw c.fail("the added tensor has shape " + c.inputShape(3) + ", not the output's " + out);
        }
        c.setOutput(0, t, out);
    }
}
