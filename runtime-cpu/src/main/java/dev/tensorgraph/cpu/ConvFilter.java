package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;

/**
 * The float32 convolutions with the vector API, and a kernel's layouts of its filter for them: a constant
 * filter is laid out once per kernel ({@link PackedConstant}), any other on every run. A 3x3 stride-1
 * convolution runs as {@link WinogradConv}, others with unit dilations as {@link VectorConv}.
 */
final class ConvFilter {
    /** Layouts made on every run: for filters that are not constants. */
    static final ConvFilter UNCACHED = new ConvFilter(null, null);

    private final PackedConstant direct;
    private final PackedConstant winograd;

    private ConvFilter(PackedConstant direct, PackedConstant winograd) {
        this.direct = direct;
        this.winograd = winograd;
    }

    /** The layouts of input {@code input} of {@code op}: cached when it is a float32 constant of known shape. */
    static ConvFilter of(Operation op, int input) {
        Shape fs = op.input(input).shape();
        if (!Gemm.vectorApiAvailable() || op.input(input).dtype() != DType.FLOAT32 || !fs.isFullyDefined()
                || fs.rank() != 4 || !PackedConstant.isConstant(op.input(input))) {
            return UNCACHED;
        }
        int kh = (int) fs.size(0);
        int kw = (int) fs.size(1);
        int c = (int) fs.size(2);
        int o = (int) fs.size(3);
        return new ConvFilter(PackedConstant.of(f -> VectorConv.pack(f, kh * kw * c, o)),
                PackedConstant.of(f -> WinogradConv.pack(f, c, o)));
    }

    /**
     * {@code y = epilogue(conv(x, f))} (NHWC, filter HWIO) with a vector kernel; false, with nothing written,
     * where the JVM has no vector API, no vector kernel takes {@code g}, or the filter is not a constant and
     * the native BLAS runs such convolutions ({@link NativeBlas#convolvesInLibrary()}).
     */
    boolean forward(NnGeometry g, float[] x, float[] f, float[] y, VectorConv.Epilogue e, int threads) {
        // A constant filter's layouts are made once, and with them the vector kernels stayed ahead (ResNet50 at
        // batch 8: 409-417 ms against 586-609 with every layer through the library).
        if (!Gemm.vectorApiAvailable() || (this == UNCACHED && NativeBlas.convolvesInLibrary())) {
            return false;
        }
        if (WinogradConv.applies(g)) {
            float[] layout = winograd != null ? winograd.get(f) : WinogradConv.packInto(f, g.c(), g.o(),
                    Scratch.floats(Scratch.Slot.FILTER_LAYOUT, WinogradConv.packedLength(g.c(), g.o())));
            WinogradConv.forward(g, x, layout, y, e, threads);
            return true;
        }
        if (VectorConv.applies(g)) {
            int taps = g.kh() * g.kw() * g.c();
            float[] layout = direct != null ? direct.get(f) : VectorConv.packInto(f, taps, g.o(),
                    Scratch.floats(Scratch.Slot.FILTER_LAYOUT, VectorConv.packedLength(taps, g.o())));
            VectorConv.forward(g, x, layout, y, e, threads);
            return true;
        }
        return false;
    }
}
