package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.SizeVector;

/**
 * CPU kernels of ResizeBilinear, ResizeBilinearGrad, ResizeNearestNeighbor and ResizeNearestNeighborGrad on NHWC
 * images, with TensorFlow's source positions computed in float32 as its kernels compute them: scale
 * {@code in / out} ({@code (in - 1) / (out - 1)} with align_corners and more than one output pixel); bilinear reads
 * position {@code i * scale} ({@code (i + 0.5) * scale - 0.5} with half-pixel centers) between its floor and ceil
 * (clamped to the image); nearest takes {@code floor(i * scale)}, {@code round(i * scale)} (half away from zero)
 * with align_corners, or {@code floor((i + 0.5) * scale)} with half-pixel centers, clamped to the image. Bilinear
 * results are float32 whatever the image's type, as in TensorFlow.
 */
public final class ResizeKernels implements KernelLibrary {
    private record Flags(boolean alignCorners, boolean halfPixel) {
        static Flags of(Operation op) {
            Flags f = new Flags(op.attrBool("align_corners"), op.attrBool("half_pixel_centers"));
            if (f.alignCorners && f.halfPixel) {
                throw new InvalidArgumentException("If half_pixel_centers is True, align_corners must be False.");
            }
            return f;
        }
    }

    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "ResizeBilinear", op -> {
            Flags f = Flags.of(op);
            return ctx -> bilinear(ctx, f);
        });
        r.register(KernelRegistry.CPU, "ResizeBilinearGrad", op -> {
            Flags f = Flags.of(op);
            return ctx -> bilinearGrad(ctx, f);
        });
        r.register(KernelRegistry.CPU, "ResizeNearestNeighbor", op -> {
            Flags f = Flags.of(op);
            return ctx -> nearest(ctx, f);
        });
        r.register(KernelRegistry.CPU, "ResizeNearestNeighborGrad", op -> {
            Flags f = Flags.of(op);
            DType t = op.attrType("T");
            if (t != DType.FLOAT32 && t != DType.FLOAT64 && t != DType.INT32) {
                throw new UnimplementedException("ResizeNearestNeighborGrad has no CPU kernel for " + t);
            }
            return ctx -> nearestGrad(ctx, f);
        });
    }

    /** TensorFlow's scale from output pixels back to input pixels, in float32. */
    static float scale(int in, int out, boolean alignCorners) {
        return alignCorners && out > 1 ? (in - 1) / (float) (out - 1) : in / (float) out;
    }

    /** {n, h, w, c} of a 4-D images tensor. */
    private static int[] dims(Tensor t, String what) {
        if (t.shape().rank() != 4) {
            throw new InvalidArgumentException(what + " must be 4-dimensional, got shape " + t.shape());
        }
        return t.shape().intDims();
    }

    /** The positive {new_height, new_width} of a size input. */
    private static int[] size(Tensor t) {
        int[] s = SizeVector.ints("", t, "size", 2);
        if (s[0] <= 0 || s[1] <= 0) {
            throw new InvalidArgumentException("size must be positive, got [" + s[0] + ", " + s[1] + "]");
        }
        return s;
    }

    /** For each output index: the lower and upper source index and the weight of the upper. */
    private record Interpolation(int[] lower, int[] upper, float[] lerp) {
        static Interpolation of(int out, int in, float scale, boolean halfPixel) {
            int[] lo = new int[out];
            int[] hi = new int[out];
            float[] w = new float[out];
            for (int i = 0; i < out; i++) {
                float pos = halfPixel ? (i + 0.5f) * scale - 0.5f : i * scale;
                float floor = (float) Math.floor(pos);
                lo[i] = Math.max((int) floor, 0);
                hi[i] = Math.min((int) Math.ceil(pos), in - 1);
                w[i] = pos - floor;
            }
            return new Interpolation(lo, hi, w);
        }
    }

    private static float[] asFloats(Tensor t) {
        if (t.dtype() == DType.FLOAT32) {
            return (float[]) t.array();
        }
        double[] d = t.toDoubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static void bilinear(KernelContext ctx, Flags f) {
        Tensor images = ctx.input(0);
        int[] d = dims(images, "images");
        int[] s = size(ctx.input(1));
        int n = d[0];
        int h = d[1];
        int w = d[2];
        int c = d[3];
        Interpolation ys = Interpolation.of(s[0], h, scale(h, s[0], f.alignCorners()), f.halfPixel());
        Interpolation xs = Interpolation.of(s[1], w, scale(w, s[1], f.alignCorners()), f.halfPixel());
        Tensor out = ctx.allocate(DType.FLOAT32, Shape.of(n, s[0], s[1], c));
        float[] x = asFloats(images);
        float[] y = (float[]) out.array();
        int o = 0;
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < s[0]; oy++) {
                int top = (b * h + ys.lower()[oy]) * w;
                int bottom = (b * h + ys.upper()[oy]) * w;
                float yl = ys.lerp()[oy];
                for (int ox = 0; ox < s[1]; ox++) {
                    int left = xs.lower()[ox];
                    int right = xs.upper()[ox];
                    float xl = xs.lerp()[ox];
                    for (int ch = 0; ch < c; ch++) {
                        float tl = x[(top + left) * c + ch];
                        float tr = x[(top + right) * c + ch];
                        float bl = x[(bottom + left) * c + ch];
                        float br = x[(bottom + right) * c + ch];
                        float t = tl + (tr - tl) * xl;
                        float bo = bl + (br - bl) * xl;
                        y[o++] = t + (bo - t) * yl;
                    }
                }
            }
        }
        ctx.setOutput(0, out);
    }

    private static void bilinearGrad(KernelContext ctx, Flags f) {
        Tensor grads = ctx.input(0);
        Tensor original = ctx.input(1);
        int[] gd = dims(grads, "grads");
        int[] d = dims(original, "original_image");
        if (gd[0] != d[0] || gd[3] != d[3]) {
            throw new InvalidArgumentException("grads shape " + grads.shape() + " does not match original_image shape "
                    + original.shape() + " in batch and channels");
        }
        if (grads.dtype() != DType.FLOAT32 || !original.dtype().isFloating()) {
            throw new InvalidArgumentException("grads must be float32 and original_image floating, got "
                    + grads.dtype() + " and " + original.dtype());
        }
        int h = d[1];
        int w = d[2];
        int c = d[3];
        Interpolation ys = Interpolation.of(gd[1], h, scale(h, gd[1], f.alignCorners()), f.halfPixel());
        Interpolation xs = Interpolation.of(gd[2], w, scale(w, gd[2], f.alignCorners()), f.halfPixel());
        float[] g = (float[]) grads.array();
        double[] dx = new double[original.numElements()];
        int i = 0;
        for (int b = 0; b < d[0]; b++) {
            for (int oy = 0; oy < gd[1]; oy++) {
                int top = (b * h + ys.lower()[oy]) * w;
                int bottom = (b * h + ys.upper()[oy]) * w;
                float yl = ys.lerp()[oy];
                for (int ox = 0; ox < gd[2]; ox++) {
                    int left = xs.lower()[ox];
                    int right = xs.upper()[ox];
                    float xl = xs.lerp()[ox];
                    for (int ch = 0; ch < c; ch++) {
                        double v = g[i++];
                        dx[(top + left) * c + ch] += v * (1 - yl) * (1 - xl);
                        dx[(top + right) * c + ch] += v * (1 - yl) * xl;
                        dx[(bottom + left) * c + ch] += v * yl * (1 - xl);
                        dx[(bottom + right) * c + ch] += v * yl * xl;
                    }
                }
            }
        }
        ctx.setOutput(0, fromDoubles(ctx, original.dtype(), original.shape(), dx));
    }

    /** The source index of each of {@code out} nearest-neighbour pixels taken from {@code in}. */
    static int[] nearestIndices(int out, int in, Flags f) {
        float scale = scale(in, out, f.alignCorners());
        int[] src = new int[out];
        for (int i = 0; i < out; i++) {
            float pos = f.halfPixel() ? (i + 0.5f) * scale : i * scale;
            int s = f.alignCorners() ? Math.round(pos) : (int) Math.floor(pos);
            src[i] = Math.max(0, Math.min(s, in - 1));
        }
        return src;
    }

    private static void nearest(KernelContext ctx, Flags f) {
        Tensor images = ctx.input(0);
        int[] d = dims(images, "images");
        int[] s = size(ctx.input(1));
        int c = d[3];
        int[] ys = nearestIndices(s[0], d[1], f);
        int[] xs = nearestIndices(s[1], d[2], f);
        Tensor out = ctx.allocate(images.dtype(), Shape.of(d[0], s[0], s[1], c));
        Object src = images.array();
        Object dst = out.array();
        int o = 0;
        for (int b = 0; b < d[0]; b++) {
            for (int oy = 0; oy < s[0]; oy++) {
                int row = (b * d[1] + ys[oy]) * d[2];
                for (int ox = 0; ox < s[1]; ox++) {
                    System.arraycopy(src, (row + xs[ox]) * c, dst, o, c);
                    o += c;
                }
            }
        }
        ctx.setOutput(0, out);
    }

    private static void nearestGrad(KernelContext ctx, Flags f) {
        Tensor grads = ctx.input(0);
        int[] gd = dims(grads, "grads");
        int[] s = size(ctx.input(1));
        int c = gd[3];
        int[] ys = nearestIndices(gd[1], s[0], f);
        int[] xs = nearestIndices(gd[2], s[1], f);
        double[] g = grads.toDoubles();
        double[] dx = new double[gd[0] * s[0] * s[1] * c];
        int i = 0;
        for (int b = 0; b < gd[0]; b++) {
            for (int oy = 0; oy < gd[1]; oy++) {
                int row = (b * s[0] + ys[oy]) * s[1];
                for (int ox = 0; ox < gd[2]; ox++) {
                    int at = (row + xs[ox]) * c;
                    for (int ch = 0; ch < c; ch++) {
                        dx[at + ch] += g[i++];
                    }
                }
            }
        }
        ctx.setOutput(0, fromDoubles(ctx, grads.dtype(), Shape.of(gd[0], s[0], s[1], c), dx));
    }

    private static Tensor fromDoubles(KernelContext ctx, DType t, Shape shape, double[] v) {
        Tensor out = ctx.allocate(t, shape);
        Object a = out.array();
        for (int i = 0; i < v.length; i++) {
            if (a instanceof float[] f) {
                f[i] = (float) v[i];
            } else if (a instanceof double[] dd) {
                dd[i] = v[i];
            } else {
                ((int[]) a)[i] = (int) v[i];
            }
        }
        return out;
    }
}
