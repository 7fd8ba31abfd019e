package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;

/**
 * The copies around a cuDNN convolution: HWIO filters to and from cuDNN's KRSC (NHWC) or KCRS (NCHW), and
 * the explicit part of an asymmetric padding. Scratch buffers returned here are the caller's to release.
 */
final class ConvLayouts {
    private ConvLayouts() {}

    /** A scratch copy of the HWIO filter {@code f} in the filter layout cuDNN pairs with the data layout. */
    static DeviceBuffer filterToCudnn(CudaDevice dev, DeviceTensor f, boolean nchw) {
        long[] d = f.shape().dims();
        long kh = d[0];
        long kw = d[1];
        long ci = d[2];
        long co = d[3];
        DeviceBuffer out = dev.scratch(f.byteSize());
        if (nchw) {
            // KCRS [co, ci, kh, kw]
            permute(dev, f, f.buffer(), out, co, ci, kh, kw, 1, co, kw * ci * co, ci * co);
        } else {
            // KRSC [co, kh, kw, ci]
            permute(dev, f, f.buffer(), out, co, kh, kw, ci, 1, kw * ci * co, ci * co, co);
        }
        return out;
    }

    /**
     * A scratch KRSC copy of the HWIO filter {@code f} with its input channels padded with zeros to
     * {@code channels} (see {@link #padChannels}).
     */
    static DeviceBuffer filterToKrscPadded(CudaDevice dev, DeviceTensor f, int channels) {
        long[] d = f.shape().dims();
        DeviceBuffer krsc = filterToCudnn(dev, f, false);
        try {
            long total = d[3] * d[0] * d[1] * channels;
            DeviceBuffer out = dev.scratch(total * f.dtype().byteSize());
            window(dev, f, krsc, out, new long[] {d[3], d[0], d[1], d[2]}, new long[] {d[3], d[0], d[1], channels},
                    new long[4], total);
            return out;
        } finally {
            dev.release(krsc);
        }
    }

    /** Writes the input channels of the KRSC filter {@code src}, padded to {@code channels}, into HWIO {@code dw}. */
    static void filterFromKrscPadded(CudaDevice dev, DeviceBuffer src, DeviceTensor dw, int channels) {
        long[] d = dw.shape().dims();
        long kh = d[0];
        long kw = d[1];
        permute(dev, dw, src, dw.buffer(), kh, kw, d[2], d[3], kw * channels, channels, 1, kh * kw * channels);
    }

    /** A scratch copy of NHWC {@code x} with zero channels added up to {@code channels}. */
    static DeviceBuffer padChannels(CudaDevice dev, DeviceTensor x, int channels) {
        long[] d = x.shape().dims();
        long total = d[0] * d[1] * d[2] * channels;
        DeviceBuffer out = dev.scratch(total * x.dtype().byteSize());
        window(dev, x, x.buffer(), out, d, new long[] {d[0], d[1], d[2], channels}, new long[4], total);
        return out;
    }

    /** Writes the cuDNN-layout filter {@code src} into the HWIO tensor {@code dw}. */
    static void filterFromCudnn(CudaDevice dev, DeviceBuffer src, DeviceTensor dw, boolean nchw) {
        long[] d = dw.shape().dims();
        long kh = d[0];
        long kw = d[1];
        long ci = d[2];
        long co = d[3];
        if (nchw) {
            permute(dev, dw, src, dw.buffer(), kh, kw, ci, co, kw, 1, kh * kw, ci * kh * kw);
        } else {
            permute(dev, dw, src, dw.buffer(), kh, kw, ci, co, kw * ci, ci, 1, kh * kw * ci);
        }
    }

    /** out[i0, i1, i2, i3] (row-major, dims d0..d3) = in[i0*s0 + i1*s1 + i2*s2 + i3*s3]. */
    private static void permute(CudaDevice dev, DeviceTensor like, DeviceBuffer in, DeviceBuffer out, long d0, long d1,
                                long d2, long d3, long s0, long s1, long s2, long s3) {
        long total = d0 * d1 * d2 * d3;
        dev.launch1d(dev.function(DnnSources.LAYOUT, "permute4_" + width(like)), total, in, out, d1, d2, d3, s0, s1, s2,
                s3, total);
    }

    /** The suffix of the layout kernels moving elements of {@code t}: float32, or the bits of a 16-bit float. */
    private static String width(DeviceTensor t) {
        return t.dtype().isHalfPrecision() ? "u16" : "f32";
    }

    /** A scratch copy of {@code x} with the explicit part of the padding (zeros) added before and after. */
    static DeviceBuffer padInput(CudaDevice dev, DeviceTensor x, ConvGeometry g, boolean nchw) {
        long[] in = layoutDims(g.n(), g.h(), g.w(), g.c(), nchw);
        long[] out = layoutDims(g.n(), g.paddedH(), g.paddedW(), g.c(), nchw);
        long[] before = layoutDims(0, g.extraTop(), g.extraLeft(), 0, nchw);
        long total = out[0] * out[1] * out[2] * out[3];
        DeviceBuffer padded = dev.scratch(total * x.dtype().byteSize());
        window(dev, x, x.buffer(), padded, in, out, before, total);
        return padded;
    }

    /** Writes the unpadded part of the padded input gradient {@code padded} into {@code dx}. */
    static void cropInput(CudaDevice dev, DeviceBuffer padded, ConvGeometry g, boolean nchw, DeviceTensor dx) {
        long[] in = layoutDims(g.n(), g.paddedH(), g.paddedW(), g.c(), nchw);
        long[] out = layoutDims(g.n(), g.h(), g.w(), g.c(), nchw);
        long[] before = layoutDims(0, -g.extraTop(), -g.extraLeft(), 0, nchw);
        window(dev, dx, padded, dx.buffer(), in, out, before, dx.numElements());
    }

    private static void window(CudaDevice dev, DeviceTensor like, DeviceBuffer in, DeviceBuffer out, long[] inDims,
                               long[] outDims, long[] before, long total) {
        boolean half = like.dtype().isHalfPrecision();
        dev.launch1d(dev.function(DnnSources.LAYOUT, "window4_" + width(like)), total, in, out, outDims[1], outDims[2],
                outDims[3], inDims[0], inDims[1], inDims[2], inDims[3], before[0], before[1], before[2], before[3],
                half ? (Object) 0 : (Object) 0f, total); // zero: the same bits in every float format
    }

    /** NHWC-named values in the order of the layout's dimensions. */
    private static long[] layoutDims(long n, long h, long w, long c, boolean nchw) {
        return nchw ? new long[] {n, c, h, w} : new long[] {n, h, w, c};
    }
}
