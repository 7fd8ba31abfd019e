package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import java.util.List;

/**
 * Depthwise 2-D convolution: {@code DepthwiseConv2dNative} and its backward ops
 * {@code DepthwiseConv2dNativeBackpropInput} and {@code DepthwiseConv2dNativeBackpropFilter}, with Conv2D's
 * attributes except {@code use_cudnn_on_gpu} ({@link ConvAttrs}). The filter is {@code [kh, kw, in, multiplier]};
 * input channel {@code c} gives output channels {@code c * multiplier + q}, each convolved with its own
 * {@code filter[:, :, c, q]}. The three ops are each other's gradients, as in TensorFlow's {@code nn_grad.py}.
 * Also {@code tf.nn.depthwise_conv2d} and {@code tf.nn.separable_conv2d}, which wrap a dilated (rate above 1)
 * depthwise convolution in SpaceToBatchND/BatchToSpaceND as TensorFlow 1.x does ({@link DilatedConvOps}).
 */
public final class DepthwiseConvOps implements OpLibrary {
    private static final long[] ONES4 = {1, 1, 1, 1};

    @Override
    public void register(OpRegistry r) {
        r.register(attrs(OpDef.builder("DepthwiseConv2dNative").input("input").input("filter"))
                .shape(DepthwiseConvOps::forwardShape)
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    ConvAttrs a = ConvAttrs.of(op);
                    Output dx = depthwiseConv2dNativeBackpropInput(g, ShapeOps.shape(g, op.input(0), DType.INT32, null),
                            op.input(1), dy.get(0), a, null);
                    Output df = depthwiseConv2dNativeBackpropFilter(g, op.input(0),
                            ShapeOps.shape(g, op.input(1), DType.INT32, null), dy.get(0), a, null);
                    return List.of(dx, df);
                }).build());
        r.register(attrs(OpDef.builder("DepthwiseConv2dNativeBackpropInput").input("input_sizes").input("filter")
                .input("out_backprop"))
                .shape(c -> {
                    DType t = floatType(c, ShapeFns.sameDtype(c, 1, 2));
                    Shape in = ConvOps.sizesInput(c, 0, "input_sizes");
                    Shape f = Windows.rank4(c, 1, "filter");
                    checkBackprop(c, in, f, Windows.rank4(c, 2, "out_backprop"));
                    c.setOutput(0, t, in);
                })
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    ConvAttrs a = ConvAttrs.of(op);
                    Output df = depthwiseConv2dNativeBackpropFilter(g, dy.get(0),
                            ShapeOps.shape(g, op.input(1), DType.INT32, null), op.input(2), a, null);
                    Output dOut = depthwiseConv2dNative(g, dy.get(0), op.input(1), a, null);
                    return Arrays.asList(null, df, dOut);
                }).build());
        r.register(attrs(OpDef.builder("DepthwiseConv2dNativeBackpropFilter").input("input").input("filter_sizes")
                .input("out_backprop"))
                .shape(c -> {
                    DType t = floatType(c, ShapeFns.sameDtype(c, 0, 2));
                    Shape in = Windows.rank4(c, 0, "input");
                    Shape f = ConvOps.sizesInput(c, 1, "filter_sizes");
                    checkBackprop(c, in, f, Windows.rank4(c, 2, "out_backprop"));
                    c.setOutput(0, t, f);
                })
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    ConvAttrs a = ConvAttrs.of(op);
                    Output dx = depthwiseConv2dNativeBackpropInput(g, ShapeOps.shape(g, op.input(0), DType.INT32, null),
                            dy.get(0), op.input(2), a, null);
                    Output dOut = depthwiseConv2dNative(g, op.input(0), dy.get(0), a, null);
                    return Arrays.asList(dx, null, dOut);
                }).build());
    }

    private static OpDef.Builder attrs(OpDef.Builder b) {
        return b.attr("T", AttrType.TYPE).attr("strides", AttrType.LIST_INT).attr("padding", AttrType.STRING)
                .attr("explicit_paddings", AttrType.LIST_INT, new long[0])
                .attr("data_format", AttrType.STRING, "NHWC").attr("dilations", AttrType.LIST_INT, ONES4);
    }

    private static DType floatType(ShapeContext c, DType t) {
        ConvOps.checkFloat(c, t);
        return t;
    }

    /** The output shape: the input's channels times the filter's multiplier. */
    static Shape outputShape(ShapeContext c, Shape in, Shape filter) {
        int[] hwc = Windows.layout(c, (String) c.attr("data_format"));
        long inC = in.size(hwc[2]);
        long fC = filter.size(2);
        if (inC >= 0 && fC >= 0 && inC != fC) {
            throw c.fail("input depth " + inC + " of input shape " + in + " does not match the filter's input depth "
                    + fC + " of filter shape " + filter);
        }
        long ch = inC >= 0 ? inC : fC;
        long mult = filter.size(3);
        return ConvOps.windowOutput(c, in, filter, ch < 0 || mult < 0 ? -1 : ch * mult);
    }

    private static void forwardShape(ShapeContext c) {
        DType t = floatType(c, ShapeFns.sameDtype(c, 0, 1));
        c.setOutput(0, t, outputShape(c, Windows.rank4(c, 0, "input"), Windows.rank4(c, 1, "filter")));
    }

    private static void checkBackprop(ShapeContext c, Shape in, Shape f, Shape dy) {
        if (!in.hasKnownRank() || !f.hasKnownRank()) {
            return;
        }
        Shape expect = outputShape(c, in, f);
        if (!expect.isCompatibleWith(dy)) {
            throw c.fail("out_backprop has shape " + dy + " but the depthwise convolution of input " + in + " by filter "
                    + f + " has shape " + expect);
        }
    }

    // ---- constructors ----

    /** {@code DepthwiseConv2dNative(input, filter)}: filter {@code [kh, kw, in, multiplier]}. */
    public static Output depthwiseConv2dNative(Graph g, Output input, Output filter, ConvAttrs attrs, String name) {
        return attrs.applyWindowAttrs(g.opBuilder("DepthwiseConv2dNative", name).setAttr("T", input.dtype()))
                .addInput(input).addInput(filter).build().output(0);
    }

    /** {@code DepthwiseConv2dNativeBackpropInput(input_sizes, filter, out_backprop)}. */
    public static Output depthwiseConv2dNativeBackpropInput(Graph g, Output inputSizes, Output filter, Output outBackprop,
                                                            ConvAttrs attrs, String name) {
        return attrs.applyWindowAttrs(g.opBuilder("DepthwiseConv2dNativeBackpropInput", name)
                .setAttr("T", filter.dtype())).addInput(inputSizes).addInput(filter).addInput(outBackprop).build()
                .output(0);
    }

    /** {@code DepthwiseConv2dNativeBackpropFilter(input, filter_sizes, out_backprop)}. */
    public static Output depthwiseConv2dNativeBackpropFilter(Graph g, Output input, Output filterSizes,
                                                             Output outBackprop, ConvAttrs attrs, String name) {
        return attrs.applyWindowAttrs(g.opBuilder("DepthwiseConv2dNativeBackpropFilter", name)
                .setAttr("T", input.dtype())).addInput(input).addInput(filterSizes).addInput(outBackprop).build()
                .output(0);
    }

    /**
     * {@code tf.nn.depthwise_conv2d(input, filter, strides, padding, rate, data_format)} in the scope
     * {@code depthwise}: one DepthwiseConv2dNative named after the scope, inside SpaceToBatchND/BatchToSpaceND
     * when {@code rate} (null: 1) is above 1. Strides may have 1, 2 or 4 entries.
     */
    public static Output depthwiseConv2d(Graph g, Output input, Output filter, int[] strides, String padding,
                                         int[] rate, String dataFormat, String name) {
        try (var s = g.nameScope(name == null ? "depthwise" : name)) {
            String opName = s.name();
            return DilatedConvOps.withSpaceToBatch(g, input, filter, rate, strides, padding, dataFormat,
                    (x, pad) -> depthwiseConv2dNative(g, x, filter,
                            ConvAttrs.create().strides(strides).padding(pad).dataFormat(dataFormat), opName));
        }
    }

    /**
     * {@code tf.nn.separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, rate,
     * data_format)} in the scope {@code separable_conv2d}: the depthwise convolution {@code depthwise} (dilated
     * through SpaceToBatchND when {@code rate} is above 1), then a 1x1 VALID Conv2D named after the scope.
     */
    public static Output separableConv2d(Graph g, Output input, Output depthwiseFilter, Output pointwiseFilter,
                                         int[] strides, String padding, int[] rate, String dataFormat, String name) {
        try (var s = g.nameScope(name == null ? "separable_conv2d" : name)) {
            String opName = s.name();
            Output depthwise = DilatedConvOps.withSpaceToBatch(g, input, depthwiseFilter, rate, strides, padding,
                    dataFormat,
                    (x, pad) -> depthwiseConv2dNative(g, x, depthwiseFilter,
                            ConvAttrs.create().strides(strides).padding(pad).dataFormat(dataFormat), "depthwise"));
            return ConvOps.conv2d(g, depthwise, pointwiseFilter, ConvAttrs.create().padding("VALID").dataFormat(dataFormat),
                    opName);
        }
    }
}
