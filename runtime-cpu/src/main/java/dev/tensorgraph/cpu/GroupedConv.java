package dev.tensorgraph.cpu;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * Grouped Conv2D and its gradients on NHWC arrays: the input depth is {@code groups} times the filter's, and group
 * {@code i} convolves input channels {@code [i * cg, (i + 1) * cg)} into output channels {@code [i * og, (i + 1) *
 * og)}. With one input channel per group (ConvNeXt's depthwise layers) the filter {@code [kh, kw, 1, groups * og]}
 * has the layout of a depthwise filter {@code [kh, kw, groups, og]}, so {@link DepthwiseConvKernels} runs it;
 * otherwise each group's channels are copied out, convolved by {@link ConvKernels} and copied back.
 */
final class GroupedConv {
    private GroupedConv() {}

    /**
     * The number of groups of a convolution of {@code inDepth} channels by a filter of {@code filterDepth} input and
     * {@code outDepth} output channels (1 for an ordinary convolution).
     */
    static int groups(int inDepth, int filterDepth, int outDepth, Shape input, Shape filter) {
        if (filterDepth <= 0 ? inDepth != 0 : inDepth % filterDepth != 0) {
            throw new InvalidArgumentException("input depth " + inDepth + " of input shape " + input
                    + " is not a multiple of the filter's input depth " + filterDepth + " of filter shape " + filter);
        }
        int groups = filterDepth <= 0 ? 1 : inDepth / filterDepth;
        if (groups > 1 && outDepth % groups != 0) {
            throw new InvalidArgumentException("output depth " + outDepth + " of filter shape " + filter
                    + " is not a multiple of the " + groups + " groups of input shape " + input);
        }
        return groups;
    }

    /** The geometry of one group of {@code g} (whose c and o count all groups). */
    private static NnGeometry group(NnGeometry g, int groups) {
        return new NnGeometry(g.n(), g.h(), g.w(), g.c() / groups, g.kh(), g.kw(), g.o() / groups, g.sh(), g.sw(),
                g.dh(), g.dw(), g.oh(), g.ow(), g.padTop(), g.padLeft());
    }

    /** y (NHWC, all output channels) = the grouped convolution of x by f ([kh, kw, cg, o]). */
    static void forward(NnGeometry g, int groups, Object x, Object f, Object y, int threads) {
        NnGeometry gg = group(g, groups);
        if (gg.c() == 1) {
            DepthwiseConvKernels.run(DepthwiseConvKernels.FORWARD, g, gg.o(), x, f, y, threads);
            return;
        }
        perGroup(groups, inputPixels(g, gg, x), filter(g, gg, f), outputPixels(g, gg, y), (xg, fg, yg) -> {
            if (xg instanceof float[] xf) {
                ConvKernels.forward(gg, xf, (float[]) fg, (float[]) yg, threads);
            } else {
                ConvKernels.forward(gg, (double[]) xg, (double[]) fg, (double[]) yg);
            }
        });
    }

    /** dx (NHWC, zeroed) = the input gradient of a grouped convolution for dy. */
    static void backInput(NnGeometry g, int groups, Object f, Object dy, Object dx, int threads) {
        NnGeometry gg = group(g, groups);
        if (gg.c() == 1) {
            DepthwiseConvKernels.run(DepthwiseConvKernels.INPUT, g, gg.o(), dx, f, dy, threads);
            return;
        }
        perGroup(groups, filter(g, gg, f), outputPixels(g, gg, dy), inputPixels(g, gg, dx), (fg, dyg, dxg) -> {
            if (fg instanceof float[] ff) {
                ConvKernels.backInput(gg, ff, (float[]) dyg, (float[]) dxg, threads);
            } else {
                ConvKernels.backInput(gg, (double[]) fg, (double[]) dyg, (double[]) dxg);
            }
        });
    }

    /** df ([kh, kw, cg, o], zeroed) = the filter gradient of a grouped convolution. */
    static void backFilter(NnGeometry g, int groups, Object x, Object dy, Object df, int threads) {
        NnGeometry gg = group(g, groups);
        if (gg.c() == 1) {
            DepthwiseConvKernels.run(DepthwiseConvKernels.FILTER, g, gg.o(), x, df, dy, threads);
            return;
        }
        perGroup(groups, inputPixels(g, gg, x), outputPixels(g, gg, dy), filter(g, gg, df), (xg, dyg, dfg) -> {
            if (xg instanceof float[] xf) {
                ConvKernels.backFilter(gg, xf, (float[]) dyg, (float[]) dfg, threads);
            } else {
                ConvKernels.backFilter(gg, (double[]) xg, (double[]) dyg, (double[]) dfg);
            }
        });
    }

    /** A row-major {@code [rows, width]} operand whose columns fall into groups of {@code count}. */
    private record Part(Object array, int rows, int width, int count) {}

    /** Input pixels {@code [n * h * w, c]} in groups of the group's channels. */
    private static Part inputPixels(NnGeometry g, NnGeometry gg, Object array) {
        return new Part(array, g.n() * g.h() * g.w(), g.c(), gg.c());
    }

    /** Output pixels {@code [n * oh * ow, o]} in groups of the group's output channels. */
    private static Part outputPixels(NnGeometry g, NnGeometry gg, Object array) {
        return new Part(array, g.n() * g.oh() * g.ow(), g.o(), gg.o());
    }

    /** A filter {@code [kh * kw * cg, o]} in groups of the group's output channels. */
    private static Part filter(NnGeometry g, NnGeometry gg, Object array) {
        return new Part(array, g.kh() * g.kw() * gg.c(), g.o(), gg.o());
    }

    /** One group's computation on its own arrays: two operands in, the result out (zeroed). */
    @FunctionalInterface
    private interface GroupKernel {
        void run(Object a, Object b, Object out);
    }

    /** For each group: copies its columns of {@code a} and {@code b} out, runs {@code k}, places the result. */
    private static void perGroup(int groups, Part a, Part b, Part out, GroupKernel k) {
        for (int i = 0; i < groups; i++) {
            Object ag = slice(a.array(), a.rows(), a.width(), i * a.count(), a.count());
            Object bg = slice(b.array(), b.rows(), b.width(), i * b.count(), b.count());
            Object og = Tensor.newArray(dtype(out.array()), out.rows() * out.count());
            k.run(ag, bg, og);
            place(og, out.array(), out.rows(), out.width(), i * out.count(), out.count());
        }
    }

    private static dev.tensorgraph.DType dtype(Object a) {
        return a instanceof float[] ? dev.tensorgraph.DType.FLOAT32 : dev.tensorgraph.DType.FLOAT64;
    }

    /** Columns {@code [from, from + count)} of a row-major {@code [rows, width]} array, as a new array. */
    private static Object slice(Object src, int rows, int width, int from, int count) {
        Object dst = Tensor.newArray(dtype(src), rows * count);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, r * width + from, dst, r * count, count);
        }
        return dst;
    }

    /** Writes {@code [rows, count]} {@code src} into columns {@code [from, from + count)} of {@code [rows, width]} dst. */
    private static void place(Object src, Object dst, int rows, int width, int from, int count) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, r * count, dst, r * width + from, count);
        }
    }
}
