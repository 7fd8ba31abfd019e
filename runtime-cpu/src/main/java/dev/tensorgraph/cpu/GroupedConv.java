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
        int pixels = g.n() * g.h() * g.w();
        int outPixels = g.n() * g.oh() * g.ow();
        int taps = g.kh() * g.kw() * gg.c();
        for (int i = 0; i < groups; i++) {
            Object xg = slice(x, pixels, g.c(), i * gg.c(), gg.c());
            Object fg = slice(f, taps, g.o(), i * gg.o(), gg.o());
            Object yg = Tensor.newArray(dtype(x), outPixels * gg.o());
            if (x instanceof float[]) {
                ConvKernels.forward(gg, (float[]) xg, (float[]) fg, (float[]) yg, threads);
            } else {
                ConvKernels.forward(gg, (double[]) xg, (double[]) fg, (double[]) yg);
            }
            place(yg, y, outPixels, g.o(), i * gg.o(), gg.o());
        }
    }

    /** dx (NHWC, zeroed) = the input gradient of a grouped convolution for dy. */
    static void backInput(NnGeometry g, int groups, Object f, Object dy, Object dx, int threads) {
        NnGeometry gg = group(g, groups);
        if (gg.c() == 1) {
            DepthwiseConvKernels.run(DepthwiseConvKernels.INPUT, g, gg.o(), dx, f, dy, threads);
            return;
        }
        int pixels = g.n() * g.h() * g.w();
        int outPixels = g.n() * g.oh() * g.ow();
        int taps = g.kh() * g.kw() * gg.c();
        for (int i = 0; i < groups; i++) {
            Object fg = slice(f, taps, g.o(), i * gg.o(), gg.o());
            Object dyg = slice(dy, outPixels, g.o(), i * gg.o(), gg.o());
            Object dxg = Tensor.newArray(dtype(dy), pixels * gg.c());
            if (dy instanceof float[]) {
                ConvKernels.backInput(gg, (float[]) fg, (float[]) dyg, (float[]) dxg, threads);
            } else {
                ConvKernels.backInput(gg, (double[]) fg, (double[]) dyg, (double[]) dxg);
            }
            place(dxg, dx, pixels, g.c(), i * gg.c(), gg.c());
        }
    }

    /** df ([kh, kw, cg, o], zeroed) = the filter gradient of a grouped convolution. */
    static void backFilter(NnGeometry g, int groups, Object x, Object dy, Object df, int threads) {
        NnGeometry gg = group(g, groups);
        if (gg.c() == 1) {
            DepthwiseConvKernels.run(DepthwiseConvKernels.FILTER, g, gg.o(), x, df, dy, threads);
            return;
        }
        int pixels = g.n() * g.h() * g.w();
        int outPixels = g.n() * g.oh() * g.ow();
        int taps = g.kh() * g.kw() * gg.c();
        for (int i = 0; i < groups; i++) {
            Object xg = slice(x, pixels, g.c(), i * gg.c(), gg.c());
            Object dyg = slice(dy, outPixels, g.o(), i * gg.o(), gg.o());
            Object dfg = Tensor.newArray(dtype(x), taps * gg.o());
            if (x instanceof float[]) {
                ConvKernels.backFilter(gg, (float[]) xg, (float[]) dyg, (float[]) dfg, threads);
            } else {
                ConvKernels.backFilter(gg, (double[]) xg, (double[]) dyg, (double[]) dfg);
            }
            place(dfg, df, taps, g.o(), i * gg.o(), gg.o());
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
