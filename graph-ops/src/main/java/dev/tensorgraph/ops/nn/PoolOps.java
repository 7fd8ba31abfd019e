package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.PadOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
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
 * 2-D pooling: {@code MaxPool} (SAME, VALID or EXPLICIT padding; padded cells never win), {@code MaxPoolV2}
 * (window and strides as inputs), {@code AvgPool} (SAME windows at the border divide by the number of
 * cells inside the input, as TensorFlow) and their backward ops {@code MaxPoolGrad}, {@code MaxPoolGradV2},
 * {@code MaxPoolGradGrad}, {@code AvgPoolGrad}. The max-pool gradient goes to the first maximum of each
 * window in row-major window order. Also {@code tf.nn.max_pool} and {@code avg_pool} with PyTorch's
 * {@code ceil_mode}, expressed with ops TensorFlow has.
 */
public final class PoolOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("MaxPool").input("input")
                .attr("T", AttrType.TYPE).attr("ksize", AttrType.LIST_INT).attr("strides", AttrType.LIST_INT)
                .attr("padding", AttrType.STRING).attr("explicit_paddings", AttrType.LIST_INT, new long[0])
                .attr("data_format", AttrType.STRING, "NHWC")
                .shape(c -> c.setOutput(0, floatType(c, 0), poolOutput(c, Windows.rank4(c, 0, "input"),
                        c.attrLongs("ksize"), c.attrLongs("strides"))))
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output dx = copy(op, g.opBuilder("MaxPoolGrad", null), "ksize", "strides", "padding", "explicit_paddings", "data_format")
                            .addInput(op.input(0)).addInput(op.output(0)).addInput(dy.get(0)).build().output(0);
                    return List.of(dx);
                }).build());
        r.register(OpDef.builder("MaxPoolV2").input("input").input("ksize").input("strides")
                .attr("T", AttrType.TYPE).attr("padding", AttrType.STRING).attr("data_format", AttrType.STRING, "NHWC")
                .shape(c -> {
                    long[] k = Windows.constLongs(c, 1);
                    long[] s = Windows.constLongs(c, 2);
                    Shape in = Windows.rank4(c, 0, "input");
                    c.setOutput(0, floatType(c, 0), k == null || s == null ? unknownPool(c, in) : poolOutput(c, in, k, s));
                })
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output dx = copy(op, g.opBuilder("MaxPoolGradV2", null), "padding", "data_format")
                            .addInput(op.input(0)).addInput(op.output(0)).addInput(dy.get(0))
                            .addInput(op.input(1)).addInput(op.input(2)).build().output(0);
                    return Arrays.asList(dx, null, null);
                }).build());
        r.register(OpDef.builder("MaxPoolGrad").input("orig_input").input("orig_output").input("grad")
                .attr("ksize", AttrType.LIST_INT).attr("strides", AttrType.LIST_INT)
                .attr("padding", AttrType.STRING).attr("explicit_paddings", AttrType.LIST_INT, new long[0])
                .attr("data_format", AttrType.STRING, "NHWC").attr("T", AttrType.TYPE)
                .shape(c -> gradShape(c, c.attrLongs("ksize"), c.attrLongs("strides")))
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output gg = copy(op, g.opBuilder("MaxPoolGradGrad", null), "ksize", "strides", "padding", "data_format")
                            .addInput(op.input(0)).addInput(op.input(1)).addInput(dy.get(0)).build().output(0);
                    return List.of(ConstantOps.zerosLike(g, op.input(0), null), ConstantOps.zerosLike(g, op.input(1), null), gg);
                }).build());
        r.register(OpDef.builder("MaxPoolGradV2").input("orig_input").input("orig_output").input("grad")
                .input("ksize").input("strides")
                .attr("padding", AttrType.STRING).attr("data_format", AttrType.STRING, "NHWC").attr("T", AttrType.TYPE)
                .shape(c -> {
                    long[] k = Windows.constLongs(c, 3);
                    long[] s = Windows.constLongs(c, 4);
                    if (k == null || s == null) {
                        ShapeFns.sameDtype(c, 0, 2);
                        c.setOutput(0, c.inputDtype(0), c.inputShape(0));
                    } else {
                        gradShape(c, k, s);
                    }
                })
                .gradient((op, dy) -> {
                    throw new dev.tensorgraph.errors.UnimplementedException(
                            "second-order gradient of MaxPoolGradV2 is not implemented; use MaxPool");
                }).build());
        r.register(OpDef.builder("MaxPoolGradGrad").input("orig_input").input("orig_output").input("grad")
                .attr("ksize", AttrType.LIST_INT).attr("strides", AttrType.LIST_INT)
                .attr("padding", AttrType.STRING).attr("data_format", AttrType.STRING, "NHWC").attr("T", AttrType.TYPE)
                .shape(c -> {
                    ShapeFns.sameDtype(c, 0, 2);
                    Shape in = Windows.rank4(c, 0, "orig_input");
                    Shape out = poolOutput(c, in, c.attrLongs("ksize"), c.attrLongs("strides"));
                    if (!c.inputShape(2).isCompatibleWith(in)) {
                        throw c.fail("grad has shape " + c.inputShape(2) + " but orig_input has shape " + in);
                    }
                    c.setOutput(0, c.inputDtype(0), out.mergeWith(c.inputShape(1)));
                })
                .gradient((op, dy) -> {
                    Graph gr = op.graph();
                    Output g = copy(op, gr.opBuilder("MaxPoolGrad", null), "ksize", "strides", "padding", "data_format")
                            .addInput(op.input(0)).addInput(op.input(1)).addInput(dy.get(0)).build().output(0);
                    return List.of(ConstantOps.zerosLike(gr, op.input(0), null), ConstantOps.zerosLike(gr, op.input(1), null), g);
                }).build());
        r.register(OpDef.builder("AvgPool").input("value")
                .attr("ksize", AttrType.LIST_INT).attr("strides", AttrType.LIST_INT)
                .attr("padding", AttrType.STRING).attr("data_format", AttrType.STRING, "NHWC").attr("T", AttrType.TYPE)
                .shape(c -> {
                    if ("EXPLICIT".equals(c.attr("padding"))) {
                        throw c.fail("AvgPool supports SAME and VALID padding only");
                    }
                    c.setOutput(0, floatType(c, 0), poolOutput(c, Windows.rank4(c, 0, "value"),
                            c.attrLongs("ksize"), c.attrLongs("strides")));
                })
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    var b = copy(op, g.opBuilder("AvgPoolGrad", null), "T", "ksize", "strides", "padding", "data_format");
                    Output dx = b.addInput(ShapeOps.shapeOf(g, op.input(0), "Shape")).addInput(dy.get(0)).build().output(0);
                    return List.of(dx);
                }).build());
        r.register(OpDef.builder("AvgPoolGrad").input("orig_input_shape").input("grad")
                .attr("ksize", AttrType.LIST_INT).attr("strides", AttrType.LIST_INT)
                .attr("padding", AttrType.STRING).attr("data_format", AttrType.STRING, "NHWC").attr("T", AttrType.TYPE)
                .shape(c -> {
                    long[] s = Windows.constLongs(c, 0);
                    DType t = floatType(c, 1);
                    if (c.attrType("T") != t) {
                        throw c.fail("T is " + c.attrType("T") + " but grad is " + t);
                    }
                    if (s == null) {
                        c.setOutput(0, t, Shape.unknownOfRank(4));
                        return;
                    }
                    if (s.length != 4) {
                        throw c.fail("orig_input_shape must have 4 elements, got " + Arrays.toString(s));
                    }
                    Shape out = poolOutput(c, Shape.of(s), c.attrLongs("ksize"), c.attrLongs("strides"));
                    if (!out.isCompatibleWith(c.inputShape(1))) {
                        throw c.fail("grad has shape " + c.inputShape(1) + " but pooling " + Shape.of(s) + " gives " + out);
                    }
                    c.setOutput(0, t, Shape.of(s));
                })
                .gradient((op, dy) -> {
                    Output g = copy(op, op.graph().opBuilder("AvgPool", null), "ksize", "strides", "padding", "data_format")
                            .addInput(dy.get(0)).build().output(0);
                    return Arrays.asList(null, g);
                }).build());
    }

    private static DType floatType(ShapeContext c, int i) {
        DType t = c.inputDtype(i);
        if (!t.isFloating()) {
            throw c.fail("T must be float32, float64, bfloat16 or float16, got " + t);
        }
        return t;
    }

    private static OpBuilder copy(Operation op, OpBuilder b, String... attrs) {
        for (String k : attrs) {
            b.setAttr(k, op.attr(k));
        }
        return b;
    }

    private static Shape unknownPool(ShapeContext c, Shape in) {
        int[] hwc = Windows.layout(c, (String) c.attr("data_format"));
        long[] out = {-1, -1, -1, -1};
        out[0] = in.size(0);
        out[hwc[2]] = in.size(hwc[2]);
        return Shape.of(out);
    }

    /** Pooled shape: spatial dims windowed, batch and channels unchanged. */
    static Shape poolOutput(ShapeContext c, Shape in, long[] ksize, long[] strides) {
        int[] hwc = Windows.layout(c, (String) c.attr("data_format"));
        if (ksize.length != 4 || strides.length != 4) {
            throw c.fail("ksize and strides must have 4 entries, got " + Arrays.toString(ksize) + " and " + Arrays.toString(strides));
        }
        if (ksize[0] != 1 || ksize[hwc[2]] != 1 || strides[0] != 1 || strides[hwc[2]] != 1) {
            throw c.fail("pooling over the batch or depth dimension is not supported: ksize " + Arrays.toString(ksize)
                    + ", strides " + Arrays.toString(strides));
        }
        String padding = (String) c.attr("padding");
        long[] pads = c.attrs().containsKey("explicit_paddings") ? Windows.explicitPads(c, padding, hwc) : new long[4];
        long[] out = new long[4];
        out[0] = in.size(0);
        out[hwc[2]] = in.size(hwc[2]);
        for (int d = 0; d < 2; d++) {
            int dim = hwc[d];
            long k = ksize[dim];
            if (k < 1) {
                throw c.fail("ksize must be >= 1, got " + Arrays.toString(ksize));
            }
            if ("EXPLICIT".equals(padding) && (pads[2 * d] >= k || pads[2 * d + 1] >= k)) {
                throw c.fail("explicit padding " + Arrays.toString(pads) + " must be smaller than the window " + Arrays.toString(ksize));
            }
            out[dim] = Windows.outSize(c, "pool of input " + in, in.size(dim), k, 1, strides[dim], padding, pads[2 * d], pads[2 * d + 1]);
        }
        return Shape.of(out);
    }

    private static void gradShape(ShapeContext c, long[] ksize, long[] strides) {
        ShapeFns.sameDtype(c, 0, 2);
        Shape in = Windows.rank4(c, 0, "orig_input");
        Shape out = poolOutput(c, in, ksize, strides);
        if (!out.isCompatibleWith(c.inputShape(2))) {
            throw c.fail("grad has shape " + c.inputShape(2) + " but pooling orig_input " + in + " gives " + out);
        }
        c.setOutput(0, c.inputDtype(0), in);
    }

    // ---- constructors ----

    /** {@code MaxPool(value)} with 4-entry {@code ksize} and {@code strides}. */
    public static Output maxPool(Graph g, Output value, int[] ksize, int[] strides, String padding,
                                 long[] explicitPaddings, String dataFormat, String name) {
        return g.opBuilder("MaxPool", name).addInput(value).setAttr("ksize", ksize).setAttr("strides", strides)
                .setAttr("padding", padding).setAttr("explicit_paddings", explicitPaddings == null ? new long[0] : explicitPaddings)
                .setAttr("data_format", dataFormat).build().output(0);
    }

    /** {@code AvgPool(value)} with 4-entry {@code ksize} and {@code strides} (SAME or VALID padding). */
    public static Output avgPool(Graph g, Output value, int[] ksize, int[] strides, String padding, String dataFormat,
                                 String name) {
        return g.opBuilder("AvgPool", name).addInput(value).setAttr("ksize", ksize).setAttr("strides", strides)
                .setAttr("padding", padding).setAttr("data_format", dataFormat).build().output(0);
    }

    /**
     * {@code tf.nn.max_pool} rounding the output size up when {@code ceilMode} (VALID padding only; SAME already
     * rounds up): the bottom/right edges get EXPLICIT padding so the last partial window is kept, as PyTorch's
     * {@code ceil_mode}; a window that would start in the padding is dropped. ksize and strides have 1, 2 or 4
     * entries.
     */
    public static Output maxPool(Graph g, Output value, int[] ksize, int[] strides, String padding, String dataFormat,
                                 boolean ceilMode, String name) {
        String df = dataFormat == null ? "NHWC" : dataFormat;
        int[] k = ConvAttrs.expand4(ksize, df, "ksize");
        int[] s = ConvAttrs.expand4(strides, df, "strides");
        long[] extra = ceilMode && "VALID".equals(padding) ? ceilExtra(value, k, s, df) : new long[2];
        if (extra[0] == 0 && extra[1] == 0) {
            return maxPool(g, value, k, s, padding, new long[0], df, name);
        }
        long[] ep = "NCHW".equals(df) ? new long[] {0, 0, 0, 0, 0, extra[0], 0, extra[1]}
                : new long[] {0, 0, 0, extra[0], 0, extra[1], 0, 0};
        return maxPool(g, value, k, s, "EXPLICIT", ep, df, name);
    }

    /**
     * {@code tf.nn.avg_pool} rounding the output size up when {@code ceilMode} (VALID only): computed as
     * {@code AvgPool(Pad(x)) / AvgPool(Pad(ones_like(x)))} with zero padding at the bottom/right, so each
     * border window averages only its cells inside the input. Name scope {@code AvgPool}.
     */
    public static Output avgPool(Graph g, Output value, int[] ksize, int[] strides, String padding, String dataFormat,
                                 boolean ceilMode, String name) {
        String df = dataFormat == null ? "NHWC" : dataFormat;
        int[] k = ConvAttrs.expand4(ksize, df, "ksize");
        int[] s = ConvAttrs.expand4(strides, df, "strides");
        long[] extra = ceilMode && "VALID".equals(padding) ? ceilExtra(value, k, s, df) : new long[2];
        if (extra[0] == 0 && extra[1] == 0) {
            return avgPool(g, value, k, s, padding, df, name);
        }
        try (var scope = g.nameScope(name == null ? "AvgPool" : name)) {
            int[] pads = "NCHW".equals(df) ? new int[] {0, 0, 0, 0, 0, (int) extra[0], 0, (int) extra[1]}
                    : new int[] {0, 0, 0, (int) extra[0], 0, (int) extra[1], 0, 0};
            Output paddings = ConstantOps.constant(g, Tensor.of(DType.INT32, Shape.of(4, 2), pads), "paddings");
            Output padded = PadOps.pad(g, value, paddings, null);
            Output ones = ConstantOps.onesLike(g, value, null);
            Output paddedOnes = PadOps.pad(g, ones, paddings, null);
            Output sum = avgPool(g, padded, k, s, "VALID", df, null);
            Output count = avgPool(g, paddedOnes, k, s, "VALID", df, null);
            return ArithmeticOps.realDiv(g, sum, count, scope.name());
        }
    }

    /** Bottom and right padding that makes VALID pooling round up; needs static H and W. */
    private static long[] ceilExtra(Output value, int[] k, int[] s, String df) {
        Shape shape = value.shape();
        int h = "NCHW".equals(df) ? 2 : 1;
        if (!shape.hasKnownRank() || shape.rank() != 4 || shape.size(h) < 0 || shape.size(h + 1) < 0) {
            throw new InvalidArgumentException("ceil-mode pooling needs the spatial size of the input, got shape " + shape);
        }
        long[] extra = new long[2];
        for (int d = 0; d < 2; d++) {
            long in = shape.size(h + d);
            long kk = k[h + d];
            long ss = s[h + d];
            if (in < kk) {
                throw new InvalidArgumentException("pooling window " + kk + " is larger than the input size " + in);
            }
            long out = (in - kk + ss - 1) / ss + 1;
            if ((out - 1) * ss >= in) {
                out--;
            }
            extra[d] = Math.max(0, (out - 1) * ss + kk - in);
        }
        return extra;
    }
}
