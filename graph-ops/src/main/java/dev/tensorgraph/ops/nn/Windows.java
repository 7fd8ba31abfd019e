package dev.tensorgraph.ops.nn;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.ShapeContext;

/**
 * Window arithmetic shared by the convolution, pooling and batch-normalization shape functions.
 */
final class Windows {
    private Windows() {}

    /** Positions of the height, width and channel dimensions of a rank-4 tensor in {@code dataFormat}. */
    static int[] layout(ShapeContext c, String dataFormat) {
        return switch (dataFormat) {
            case "NHWC" -> new int[] {1, 2, 3};
            case "NCHW" -> new int[] {2, 3, 1};
            default -> throw c.fail("data_format must be NHWC or NCHW, got '" + dataFormat + "'");
        };
    }

    /**
     * TensorFlow's output size of one spatial dimension: VALID {@code ceil((in - effK + 1) / s)}, SAME
     * {@code ceil(in / s)}, EXPLICIT {@code (in + before + after - effK) / s + 1}; -1 when unknown.
     */
    static long outSize(ShapeContext c, String what, long in, long k, long dilation, long stride, String padding,
                        long before, long after) {
        if (stride < 1 || dilation < 1) {
            throw c.fail(what + ": strides and dilations must be >= 1, got stride " + stride + " and dilation " + dilation);
        }
        if (in < 0 || k < 0) {
            return -1;
        }
        long effK = (k - 1) * dilation + 1;
        long out = switch (padding) {
            case "VALID" -> in < effK ? -1 : (in - effK) / stride + 1;
            case "SAME" -> (in + stride - 1) / stride;
            case "EXPLICIT" -> in + before + after < effK ? -1 : (in + before + after - effK) / stride + 1;
            default -> throw c.fail("padding must be SAME, VALID or EXPLICIT, got '" + padding + "'");
        };
        if (out < 1) {
            throw c.fail(what + ": the window of effective size " + effK + " does not fit the input size " + in
                    + " with " + padding + " padding");
        }
        return out;
    }

    /** A strides/ksize/dilations attribute: 4 entries, 1 on the batch and channel dimensions. */
    static long[] fourInts(ShapeContext c, String attr, int[] hwc) {
        long[] v = c.attrLongs(attr);
        if (v.length != 4) {
            throw c.fail(attr + " must have 4 entries, got " + v.length);
        }
        if (v[0] != 1 || v[hwc[2]] != 1) {
            throw c.fail(attr + " on the batch and depth dimensions must be 1, got " + java.util.Arrays.toString(v));
        }
        return v;
    }

    /** Explicit padding (before, after) of the H and W dimensions, zeros unless padding is EXPLICIT. */
    static long[] explicitPads(ShapeContext c, String padding, int[] hwc) {
        long[] pads = new long[4];
        if (!"EXPLICIT".equals(padding)) {
            return pads;
        }
        long[] ep = c.attrLongs("explicit_paddings");
        if (ep.length != 8) {
            throw c.fail("explicit_paddings must have 8 entries with EXPLICIT padding, got " + ep.length);
        }
        pads[0] = ep[2 * hwc[0]];
        pads[1] = ep[2 * hwc[0] + 1];
        pads[2] = ep[2 * hwc[1]];
        pads[3] = ep[2 * hwc[1] + 1];
        for (long p : pads) {
            if (p < 0) {
                throw c.fail("explicit_paddings must be non-negative, got " + java.util.Arrays.toString(ep));
            }
        }
        return pads;
    }

    /** Rank-4 shape or a failure naming {@code what}. */
    static Shape rank4(ShapeContext c, int input, String what) {
        Shape s = c.inputShape(input);
        if (!s.hasKnownRank()) {
            return Shape.unknownOfRank(4);
        }
        if (s.rank() != 4) {
            throw c.fail(what + " must be 4-dimensional, got shape " + s);
        }
        return s;
    }

    /** The value of a constant 1-D int input (a shape), or null when it is not known while building. */
    static long[] constLongs(ShapeContext c, int input) {
        Tensor t = c.constantValue(input);
        if (t == null) {
            return null;
        }
        return switch (t.dtype()) {
            case INT32 -> {
                int[] v = t.ints();
                long[] r = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    r[i] = v[i];
                }
                yield r;
            }
            case INT64 -> t.longs();
            default -> throw c.fail("input " + input + " must be int32 or int64, got " + t.dtype());
        };
    }

    static int[] ints(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.toIntExact(v[i]);
        }
        return r;
    }
}
