package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.support.ShapeFns;
import dev.tensorgraph.OpBuilder;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.Arrays;
import java.util.List;

/**
 * 2-D convolution: {@code Conv2D} and its two backward ops {@code Conv2DBackpropInput} (also the transposed
 * convolution) and {@code Conv2DBackpropFilter}, with TensorFlow's attributes: {@code strides},
 * {@code padding} (SAME, VALID, EXPLICIT with {@code explicit_paddings}), {@code data_format} (NHWC, NCHW),
 * {@code dilations} and {@code use_cudnn_on_gpu}. Filters are {@code [kh, kw, in, out]} in both formats; an
 * input depth that is a multiple {@code g} of the filter's {@code in} makes a grouped convolution (input
 * channels {@code [i * in, (i + 1) * in)} give output channels {@code [i * out / g, (i + 1) * out / g)}).
 * The three ops are each other's gradients, as in TensorFlow's {@code nn_grad.py}; their attributes are one
 * {@link ConvAttrs}.
 */
public final class ConvOps implements OpLibrary {
    private static final long[] ONES4 = {1, 1, 1, 1};

    @Override
    public void register(OpRegistry r) {
        r.register(convAttrs(OpDef.builder("Conv2D").input("input").input("filter"))
                .shape(ConvOps::conv2dShape)
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    ConvAttrs a = ConvAttrs.of(op);
                    Output x = op.input(0);
                    Output f = op.input(1);
                    Output dx = conv2dBackpropInput(g, ShapeOps.shapeOf(g, x, "Shape"), f, dy.get(0), a, null);
                    Output df = conv2dBackpropFilter(g, x, ShapeOps.shapeOf(g, f, "Shape"), dy.get(0), a, null);
                    return List.of(dx, df);
                }).build());
        r.register(convAttrs(OpDef.builder("Conv2DBackpropInput").input("input_sizes").input("filter").input("out_backprop"))
                .shape(ConvOps::backpropInputShape)
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    ConvAttrs a = ConvAttrs.of(op);
                    Output df = conv2dBackpropFilter(g, dy.get(0), ShapeOps.shapeOf(g, op.input(1), "Shape"), op.input(2),
                            a, null);
                    Output dOut = conv2d(g, dy.get(0), op.input(1), a, null);
                    return Arrays.asList(null, df, dOut);
                }).build());
        r.register(convAttrs(OpDef.builder("Conv2DBackpropFilter").input("input").input("filter_sizes").input("out_backprop"))
                .shape(ConvOps::backpropFilterShape)
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    ConvAttrs a = ConvAttrs.of(op);
                    Output dx = conv2dBackpropInput(g, ShapeOps.shapeOf(g, op.input(0), "Shape"), dy.get(0), op.input(2),
                            a, null);
                    Output dOut = conv2d(g, op.input(0), dy.get(0), a, null);
                    return Arrays.asList(dx, null, dOut);
                }).build());
    }

    // ---- constructors ----

    /** {@code Conv2D(input, filter)}: filter {@code [kh, kw, in, out]}. */
    public static Output conv2d(Graph g, Output input, Output filter, ConvAttrs attrs, String name) {
        return attrs.applyTo(g.opBuilder("Conv2D", name).setAttr("T", input.dtype())).addInput(input).addInput(filter)
                .build().output(0);
    }

    /** {@code Conv2DBackpropInput(input_sizes, filter, out_backprop)}: the gradient of Conv2D for its input. */
    public static Output conv2dBackpropInput(Graph g, Output inputSizes, Output filter, Output outBackprop,
                                             ConvAttrs attrs, String name) {
        return attrs.applyTo(g.opBuilder("Conv2DBackpropInput", name).setAttr("T", filter.dtype())).addInput(inputSizes)
                .addInput(filter).addInput(outBackprop).build().output(0);
    }

    /** {@code Conv2DBackpropFilter(input, filter_sizes, out_backprop)}: the gradient of Conv2D for its filter. */
    public static Output conv2dBackpropFilter(Graph g, Output input, Output filterSizes, Output outBackprop,
                                              ConvAttrs attrs, String name) {
        return attrs.applyTo(g.opBuilder("Conv2DBackpropFilter", name).setAttr("T", input.dtype())).addInput(input)
                .addInput(filterSizes).addInput(outBackprop).build().output(0);
    }

    /**
     * {@code tf.nn.conv2d_transpose(value, filter, output_shape)}: a Conv2DBackpropInput in the scope
     * {@code conv2d_transpose}; {@code filter} is {@code [h, w, out_channels, in_channels]}.
     */
    public static Output conv2dTranspose(Graph g, Output value, Output filter, Output outputShape, ConvAttrs attrs,
                                         String name) {
        try (var s = g.nameScope(name == null ? "conv2d_transpose" : name)) {
            return conv2dBackpropInput(g, outputShape, filter, value, attrs, s.name());
        }
    }

    private static OpDef.Builder convAttrs(OpDef.Builder b) {
        return b.attr("T", AttrType.TYPE).attr("strides", AttrType.LIST_INT)
                .attr("use_cudnn_on_gpu", AttrType.BOOL, true).attr("padding", AttrType.STRING)
                .attr("explicit_paddings", AttrType.LIST_INT, new long[0])
                .attr("data_format", AttrType.STRING, "NHWC").attr("dilations", AttrType.LIST_INT, ONES4);
    }

    /**
     * Output shape of a convolution of {@code in} by {@code filter} ([kh, kw, in / groups, out]) with the op's
     * attrs: the input depth must be a multiple of the filter's input depth (a grouped convolution with that
     * many groups, each of {@code out / groups} output channels).
     */
    static Shape convOutput(ShapeContext c, Shape in, Shape filter) {
        int[] hwc = Windows.layout(c, (String) c.attr("data_format"));
        long inC = in.size(hwc[2]);
        long fC = filter.size(2);
        long outC = filter.size(3);
        if (inC >= 0 && fC >= 0 && (fC == 0 ? inC != 0 : inC % fC != 0)) {
            throw c.fail("input depth " + inC + " of input shape " + in + " is not a multiple of the filter's input depth "
                    + fC + " of filter shape " + filter);
        }
        if (inC > 0 && fC > 0 && outC >= 0 && outC % (inC / fC) != 0) {
            throw c.fail("output depth " + outC + " of filter shape " + filter + " is not a multiple of the "
                    + (inC / fC) + " groups of input shape " + in);
        }
        return windowOutput(c, in, filter, outC);
    }

    /**
     * The shape of a convolution's output with {@code outChannels} channels: batch of {@code in}, spatial sizes of
     * the window {@code filter} (its first two dimensions) slid over {@code in} with the op's strides, dilations
     * and padding. Shared with the depthwise convolution.
     */
    static Shape windowOutput(ShapeContext c, Shape in, Shape filter, long outChannels) {
        String df = (String) c.attr("data_format");
        int[] hwc = Windows.layout(c, df);
        long[] strides = Windows.fourInts(c, "strides", hwc);
        long[] dil = Windows.fourInts(c, "dilations", hwc);
        String padding = (String) c.attr("padding");
        long[] pads = Windows.explicitPads(c, padding, hwc);
        // TensorFlow's fused depthwise convolution has no explicit_paddings (it takes SAME and VALID only).
        long[] explicit = (long[]) c.attrs().get("explicit_paddings");
        if (!"EXPLICIT".equals(padding) && explicit != null && explicit.length != 0) {
            throw c.fail("explicit_paddings must be empty unless padding is EXPLICIT");
        }
        long oh = Windows.outSize(c, "rows", in.size(hwc[0]), filter.size(0), dil[hwc[0]], strides[hwc[0]], padding, pads[0], pads[1]);
        long ow = Windows.outSize(c, "cols", in.size(hwc[1]), filter.size(1), dil[hwc[1]], strides[hwc[1]], padding, pads[2], pads[3]);
        long[] out = new long[4];
        out[0] = in.size(0);
        out[hwc[0]] = oh;
        out[hwc[1]] = ow;
        out[hwc[2]] = outChannels;
        return Shape.of(out);
    }

    private static void conv2dShape(ShapeContext c) {
        DType t = ShapeFns.sameDtype(c, 0, 1);
        checkFloat(c, t);
        Shape in = Windows.rank4(c, 0, "input");
        Shape f = Windows.rank4(c, 1, "filter");
        c.setOutput(0, t, convOutput(c, in, f));
    }

    static void checkFloat(ShapeContext c, DType t) {
        if (!t.isFloating()) {
            throw c.fail("T must be float32, float64, bfloat16 or float16, got " + t);
        }
    }

    static Shape sizesInput(ShapeContext c, int i, String what) {
        Shape s = c.inputShape(i);
        if (c.inputDtype(i) != DType.INT32 && c.inputDtype(i) != DType.INT64) {
            throw c.fail(what + " must be int32, got " + c.inputDtype(i));
        }
        if (s.hasKnownRank() && s.rank() != 1) {
            throw c.fail(what + " must be 1-D, got shape " + s);
        }
        long[] v = Windows.constLongs(c, i);
        if (v == null) {
            return Shape.unknownOfRank(4);
        }
        if (v.length != 4) {
            throw c.fail(what + " must have 4 elements, got " + Arrays.toString(v));
        }
        return Shape.of(v);
    }

    private static void backpropInputShape(ShapeContext c) {
        DType t = ShapeFns.sameDtype(c, 1, 2);
        checkFloat(c, t);
        if (c.attrType("T") != t) {
            throw c.fail("T is " + c.attrType("T") + " but filter and out_backprop are " + t);
        }
        Shape in = sizesInput(c, 0, "input_sizes");
        Shape f = Windows.rank4(c, 1, "filter");
        Shape dy = Windows.rank4(c, 2, "out_backprop");
        checkBackprop(c, in, f, dy);
        c.setOutput(0, t, in);
    }

    private static void backpropFilterShape(ShapeContext c) {
        DType t = ShapeFns.sameDtype(c, 0, 2);
        checkFloat(c, t);
        Shape in = Windows.rank4(c, 0, "input");
        Shape f = sizesInput(c, 1, "filter_sizes");
        Shape dy = Windows.rank4(c, 2, "out_backprop");
        checkBackprop(c, in, f, dy);
        c.setOutput(0, t, f);
    }

    /** The forward convolution of {@code in} by {@code f} must give {@code dy}'s shape. */
    private static void checkBackprop(ShapeContext c, Shape in, Shape f, Shape dy) {
        if (!in.hasKnownRank() || !f.hasKnownRank()) {
            return;
        }
        Shape expect = convOutput(c, in, f);
        if (!expect.isCompatibleWith(dy)) {
            throw c.fail("out_backprop has shape " + dy + " but the convolution of input " + in + " by filter " + f
                    + " has shape " + expect);
        }
    }
}
