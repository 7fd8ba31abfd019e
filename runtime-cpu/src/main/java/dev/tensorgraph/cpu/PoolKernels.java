package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of MaxPool, MaxPoolV2, AvgPool and their gradients (float32, float64), as direct loops over
 * NHWC windows ({@link PoolLoops}; NCHW operands are transposed in and out), with branch-free fast paths for
 * float32 2x2 windows of stride 2.
 */
public final class PoolKernels implements KernelLibrary {
    private static final int MAX = PoolLoops.MAX;
    private static final int AVG = PoolLoops.AVG;

    @Override
    public void register(KernelRegistry r) {
        register(r, "MaxPool", 1, (ctx, p) -> forward(ctx, p, MAX));
        register(r, "MaxPoolV2", 1, (ctx, p) -> forward(ctx, p, MAX));
        register(r, "AvgPool", 1, (ctx, p) -> forward(ctx, p, AVG));
        register(r, "MaxPoolGrad", 3, (ctx, p) -> maxGrad(ctx, p, false, false));
        register(r, "MaxPoolGradV2", 3, (ctx, p) -> maxGrad(ctx, p, false, false));
        register(r, "MaxPoolGradGrad", 3, (ctx, p) -> maxGrad(ctx, p, true, false));

        register(r, "AvgPoolGrad", 2, PoolKernels::avgGrad);
    }

    /**
     * The kernel of MaxPoolGrad {@code maxPoolGrad} followed by the ReluGrad {@code reluGrad} that reads its
     * output, fused ({@link FusedPoolKernels}): only ReluGrad(MaxPoolGrad(x, ...), x), where the pooled
     * activation is the Relu's output, its features.
     */
    static Kernel maxGradThenReluGrad(Operation maxPoolGrad, Operation reluGrad) {
        if (reluGrad.input(0).op() != maxPoolGrad || reluGrad.input(0).index() != 0
                || !reluGrad.input(1).equals(maxPoolGrad.input(0))
                || reluGrad.attrType("T") != maxPoolGrad.attrType("T")) {
            throw new UnimplementedException("fused MaxPoolGrad and ReluGrad need ReluGrad(MaxPoolGrad(x, ...), x)");
        }
        Pool p = Pool.of(maxPoolGrad);
        return ctx -> maxGrad(ctx, p, false, true);
    }

    /** One pooling computation, given the run's window. */
    private interface PoolKernel {
        void compute(KernelContext ctx, Pool window);
    }

    /** Registers {@code kernel} for {@code type}; a V2 op's ksize is input {@code windowInput}, its strides the next. */
    private static void register(KernelRegistry r, String type, int windowInput, PoolKernel kernel) {
        r.register(KernelRegistry.CPU, type, op -> {
            Pool p = Pool.of(op);
            return ctx -> kernel.compute(ctx, p.resolve(ctx, windowInput));
        });
    }

    /** Window attributes; for the V2 ops ksize and strides come from inputs at run time. */
    private record Pool(NnGeometry.Attrs attrs, int kh, int kw, boolean fromInputs) {
        static Pool of(Operation op) {
            DType t = op.attrType("T");
            if (t != DType.FLOAT32 && t != DType.FLOAT64) {
                throw new UnimplementedException(op.type() + " has no CPU kernel for " + t);
            }
            if (!op.hasAttr("ksize")) {
                return new Pool(NnGeometry.Attrs.of(op, "ksize").withStrides(new int[] {1, 1, 1, 1}), 0, 0, true);
            }
            NnGeometry.Attrs a = NnGeometry.Attrs.of(op, "ksize");
            int[] k = op.attrInts("ksize");
            int hi = a.nchw() ? 2 : 1;
            return new Pool(a, k[hi], k[hi + 1], false);
        }

        /** For V2 ops: ksize at input {@code first}, strides at {@code first + 1}. */
        Pool resolve(KernelContext ctx, int first) {
            if (!fromInputs) {
                return this;
            }
            int[] k = ctx.input(first).ints();
            int[] s = ctx.input(first + 1).ints();
            if (k.length != 4 || s.length != 4) {
                throw new InvalidArgumentException("ksize and strides must have 4 elements");
            }
            int hi = attrs.nchw() ? 2 : 1;
            return new Pool(attrs.withStrides(s), k[hi], k[hi + 1], false);
        }
    }

    private static int[] nhwc(Shape s, boolean nchw, String what) {
        if (s.rank() != 4) {
            throw new InvalidArgumentException(what + " must be 4-dimensional, got shape " + s);
        }
        int[] d = s.intDims();
        return nchw ? new int[] {d[0], d[2], d[3], d[1]} : d;
    }

    private static Shape layoutShape(int n, int h, int w, int c, boolean nchw) {
        return nchw ? Shape.of(n, c, h, w) : Shape.of(n, h, w, c);
    }

    private static NnGeometry geometry(int[] d, Pool p, String what) {
        return NnGeometry.of(Shape.of(d[0], d[1], d[2], d[3]), p.kh(), p.kw(), d[3], p.attrs(), what);
    }

    // ---- forward ----

    private static void forward(KernelContext ctx, Pool p, int mode) {
        Tensor x = ctx.input(0);
        boolean nchw = p.attrs().nchw();
        int[] d = nhwc(x.shape(), nchw, "input");
        NnGeometry g = geometry(d, p, mode == MAX ? "MaxPool" : "AvgPool");
        Object xs = NnLayout.nhwc(x.array(), nchw, d[0], d[3], d[1], d[2]);
        Tensor out = ctx.allocate(x.dtype(), layoutShape(g.n(), g.oh(), g.ow(), g.c(), nchw));
        Object ys = nchw ? Tensor.newArray(x.dtype(), out.numElements()) : out.array();
        int rows = g.n() * g.oh();
        long work = (long) out.numElements() * g.kh() * g.kw();
        boolean window2x2 = mode == MAX && isWindow2x2(g);
        boolean vector2x2 = window2x2 && hasWholeVectors(g);
        boolean fast = window2x2 && !vector2x2;
        boolean vector = mode == MAX && !window2x2 && Gemm.vectorApiAvailable() && g.c() >= VectorPool.LANES;
        Parallel.forRange(rows, ctx.intraOpThreads(), work, (r0, r1) -> {
            if (xs instanceof float[] xf) {
                if (vector2x2) {
                    VectorPool.max2x2Rows(g, xf, (float[]) ys, r0, r1);
                } else if (fast) {
                    max2x2Rows(g, xf, (float[]) ys, r0, r1);
                } else if (vector) {
                    VectorPool.maxRows(g, xf, (float[]) ys, r0, r1);
                } else {
                    PoolLoops.forwardRows(g, xf, (float[]) ys, r0, r1, mode);
                }
            } else {
                PoolLoops.forwardRows(g, (double[]) xs, (double[]) ys, r0, r1, mode);
            }
        });
        if (nchw) {
            NnLayout.toNchw(ys, out.array(), g.n(), g.c(), g.oh(), g.ow());
        }
        ctx.setOutput(0, out);
    }

    /**
     * Whether the window is 2x2 with stride 2 and no padding (the usual {@code max_pooling2d(2, 2)}): windows
     * then tile the input without overlap and have branch-free fast paths.
     */
    static boolean isWindow2x2(NnGeometry g) {
        return g.kh() == 2 && g.kw() == 2 && g.sh() == 2 && g.sw() == 2 && g.padTop() == 0 && g.padLeft() == 0
                && 2 * g.oh() <= g.h() && 2 * g.ow() <= g.w();
    }

    /** Whether the vector API is there and the channels fill whole vectors of {@link VectorPool}. */
    private static boolean hasWholeVectors(NnGeometry g) {
        return Gemm.vectorApiAvailable() && g.c() % VectorPool.LANES == 0;
    }

    /**
     * Max-pool 2x2 stride 2 of output rows {@code [r0, r1)}: {@code Math.max} over each window, which has no
     * data-dependent branch. It lets NaN through where {@link PoolLoops#forwardRows} ignores it, so windows
     * whose max is NaN (rare, and a predictable test) are redone by the reference rule. Values match the
     * reference, except that a window whose max is a zero of either sign may give +0 where the reference
     * keeps -0.
     */
    static void max2x2Rows(NnGeometry g, float[] x, float[] y, int r0, int r1) {
        int c = g.c();
        int ow = g.ow();
        int rowLen = g.w() * c;
        for (int r = r0; r < r1; r++) {
            int n = r / g.oh();
            int oy = r - n * g.oh();
            int top = (n * g.h() + 2 * oy) * rowLen;
            int bottom = top + rowLen;
            int o = r * ow * c;
            for (int ox = 0; ox < ow; ox++) {
                int a = top + 2 * ox * c;
                int b = bottom + 2 * ox * c;
                int q = o + ox * c;
                for (int ch = 0; ch < c; ch++) {
                    float m = Math.max(Math.max(x[a + ch], x[a + c + ch]), Math.max(x[b + ch], x[b + c + ch]));
                    if (m != m) {
                        m = maxIgnoringNaN(x[a + ch], x[a + c + ch], x[b + ch], x[b + c + ch]);
                    }
                    y[q + ch] = m;
                }
            }
        }
    }

    /** The reference rule of {@link PoolLoops#forwardRows} for one 2x2 window: NaN never wins. */
    private static float maxIgnoringNaN(float v0, float v1, float v2, float v3) {
        float m = Float.NEGATIVE_INFINITY;
        m = v0 > m ? v0 : m;
        m = v1 > m ? v1 : m;
        m = v2 > m ? v2 : m;
        return v3 > m ? v3 : m;
    }

    // ---- max gradients ----

    /**
     * MaxPoolGrad(orig_input, orig_output, grad): routes each grad element to its window's argmax; with
     * {@code relu}, then ReluGrad with orig_input as the features (the fused pair).
     * MaxPoolGradGrad(orig_input, orig_output, grad of the input's shape): gathers grad at each argmax.
     */
    private static void maxGrad(KernelContext ctx, Pool p, boolean gradGrad, boolean relu) {
        Tensor x = ctx.input(0);
        Tensor gr = ctx.input(2);
        boolean nchw = p.attrs().nchw();
        int[] d = nhwc(x.shape(), nchw, "orig_input");
        NnGeometry g = geometry(d, p, "MaxPoolGrad");
        int[] gd = nhwc(gr.shape(), nchw, "grad");
        boolean ok = gradGrad ? java.util.Arrays.equals(gd, d)
                : gd[0] == g.n() && gd[1] == g.oh() && gd[2] == g.ow() && gd[3] == g.c();
        if (!ok) {
            throw new InvalidArgumentException("grad has shape " + gr.shape() + ", which does not match orig_input shape "
                    + x.shape() + " pooled to [" + g.n() + ", " + g.oh() + ", " + g.ow() + ", " + g.c() + "] (NHWC)");
        }
        Object xs = NnLayout.nhwc(x.array(), nchw, d[0], d[3], d[1], d[2]);
        Object gs = NnLayout.nhwc(gr.array(), nchw, gd[0], gd[3], gd[1], gd[2]);
        Shape outShape = gradGrad ? layoutShape(g.n(), g.oh(), g.ow(), g.c(), nchw) : x.shape();
        boolean window2x2 = !gradGrad && xs instanceof float[] && isWindow2x2(g);
        boolean vector2x2 = window2x2 && hasWholeVectors(g);
        boolean vector = !vector2x2 && !gradGrad && xs instanceof float[] && Gemm.vectorApiAvailable()
                && g.c() >= VectorPool.LANES;
        boolean fast = !vector2x2 && !vector && !nchw && window2x2;
        // The 2x2 paths write every cell of an input that their windows tile exactly.
        boolean tiled = (fast || vector2x2 && !nchw) && 2 * g.oh() == g.h() && 2 * g.ow() == g.w();
        Tensor out = tiled ? ctx.allocate(x.dtype(), outShape) : ctx.allocateZeroed(x.dtype(), outShape);
        Object os = nchw ? Tensor.newArray(x.dtype(), out.numElements()) : out.array();
        long work = (long) g.n() * g.oh() * g.ow() * g.c() * g.kh() * g.kw();
        // The vector 2x2 path takes output rows (n, oy), the others images.
        Parallel.forRange(vector2x2 ? g.n() * g.oh() : g.n(), ctx.intraOpThreads(), work, (n0, n1) -> {
            if (xs instanceof float[] xf) {
                if (vector2x2) {
                    if (relu) {
                        VectorPool.maxGrad2x2ReluRows(g, xf, (float[]) gs, (float[]) os, n0, n1);
                        return;
                    }
                    VectorPool.maxGrad2x2Rows(g, xf, (float[]) gs, (float[]) os, n0, n1);
                } else if (fast) {
                    maxGrad2x2Images(g, xf, (float[]) gs, (float[]) os, n0, n1);
                } else if (vector) {
                    VectorPool.maxGradImages(g, xf, (float[]) gs, (float[]) os, n0, n1, relu);
                    return;
                } else {
                    PoolLoops.maxGradImages(g, xf, (float[]) gs, (float[]) os, n0, n1, gradGrad);
                }
            } else {
                PoolLoops.maxGradImages(g, (double[]) xs, (double[]) gs, (double[]) os, n0, n1, gradGrad);
            }
            if (relu) {
                int image = g.h() * g.w() * g.c();
                reluGradInPlace(xs, os, n0 * image, n1 * image);
            }
        });
        if (nchw) {
            if (gradGrad) {
                NnLayout.toNchw(os, out.array(), g.n(), g.c(), g.oh(), g.ow());
            } else {
                NnLayout.toNchw(os, out.array(), d[0], d[3], d[1], d[2]);
            }
        }
        ctx.setOutput(0, out);
    }

    /** ReluGrad with {@code x} as the features, in place over {@code out[from, to)}: {@code x > 0 ? out : +0}. */
    private static void reluGradInPlace(Object x, Object out, int from, int to) {
        if (x instanceof float[] xf) {
            float[] of = (float[]) out;
            for (int i = from; i < to; i++) {
                of[i] = xf[i] > 0f ? of[i] : 0f;
            }
        } else {
            double[] xd = (double[]) x;
            double[] od = (double[]) out;
            for (int i = from; i < to; i++) {
                od[i] = xd[i] > 0d ? od[i] : 0d;
            }
        }
    }

    /** 2^149: scales the smallest positive float difference up to at least 1. */
    private static final float TINY_TO_ONE_A = 0x1p127f;
    private static final float TINY_TO_ONE_B = 0x1p22f;

    /**
     * MaxPoolGrad for 2x2 stride-2 windows (NHWC, images {@code [n0, n1)}), writing all four cells of each
     * window: the gradient goes to the first cell equal to the window max, as in
     * {@link PoolLoops#maxGradImages}. The choice is arithmetic instead of branches: for finite values,
     * {@code min((max - v) * 2^149, 1)} is exactly 0 where {@code v} is the max and 1 elsewhere. Windows with
     * a NaN or infinite max, or a non-finite gradient, take the reference rule.
     */
    static void maxGrad2x2Images(NnGeometry g, float[] x, float[] gr, float[] out, int n0, int n1) {
        int c = g.c();
        int ow = g.ow();
        int rowLen = g.w() * c;
        for (int r = n0 * g.oh(); r < n1 * g.oh(); r++) {
            int n = r / g.oh();
            int oy = r - n * g.oh();
            int top = (n * g.h() + 2 * oy) * rowLen;
            int bottom = top + rowLen;
            int o = r * ow * c;
            for (int ox = 0; ox < ow; ox++) {
                int a = top + 2 * ox * c;
                int b = bottom + 2 * ox * c;
                int q = o + ox * c;
                for (int ch = 0; ch < c; ch++) {
                    float v0 = x[a + ch];
                    float v1 = x[a + c + ch];
                    float v2 = x[b + ch];
                    float v3 = x[b + c + ch];
                    float m = Math.max(Math.max(v0, v1), Math.max(v2, v3));
                    float gv = gr[q + ch];
                    if ((m - m) + (gv - gv) != 0f) {
                        maxGradWindow(x, gv, out, a + ch, a + c + ch, b + ch, b + c + ch);
                        continue;
                    }
                    float n0f = Math.min((m - v0) * TINY_TO_ONE_A * TINY_TO_ONE_B, 1f);
                    float n1f = Math.min((m - v1) * TINY_TO_ONE_A * TINY_TO_ONE_B, 1f);
                    float n2f = Math.min((m - v2) * TINY_TO_ONE_A * TINY_TO_ONE_B, 1f);
                    // + 0f turns the -0 of a negative gradient times 0 into the +0 the reference leaves.
                    out[a + ch] = gv * (1f - n0f) + 0f;
                    out[a + c + ch] = gv * ((1f - n1f) * n0f) + 0f;
                    out[b + ch] = gv * ((1f - n2f) * n0f * n1f) + 0f;
                    out[b + c + ch] = gv * (n0f * n1f * n2f) + 0f;
                }
            }
        }
    }

    /** The reference rule for one 2x2 window with cells {@code i0..i3} in row-major order. */
    private static void maxGradWindow(float[] x, float gv, float[] out, int i0, int i1, int i2, int i3) {
        int best = i0;
        float bv = x[i0];
        if (x[i1] > bv) {
            best = i1;
            bv = x[i1];
        }
        if (x[i2] > bv) {
            best = i2;
            bv = x[i2];
        }
        if (x[i3] > bv) {
            best = i3;
        }
        out[i0] = 0f;
        out[i1] = 0f;
        out[i2] = 0f;
        out[i3] = 0f;
        out[best] += gv;
    }

    // ---- avg gradient ----

    private static void avgGrad(KernelContext ctx, Pool p) {
        Tensor shapeT = ctx.input(0);
        Tensor gr = ctx.input(1);
        int[] s = shapeT.dtype() == DType.INT64 ? toInts(shapeT.longs()) : shapeT.ints();
        if (s.length != 4) {
            throw new InvalidArgumentException("orig_input_shape must have 4 elements, got " + s.length);
        }
        boolean nchw = p.attrs().nchw();
        int[] d = nchw ? new int[] {s[0], s[2], s[3], s[1]} : s;
        NnGeometry g = geometry(d, p, "AvgPoolGrad");
        int[] gd = nhwc(gr.shape(), nchw, "grad");
        if (gd[0] != g.n() || gd[1] != g.oh() || gd[2] != g.ow() || gd[3] != g.c()) {
            throw new InvalidArgumentException("grad has shape " + gr.shape() + ", which does not match orig_input_shape "
                    + java.util.Arrays.toString(s));
        }
        Object gs = NnLayout.nhwc(gr.array(), nchw, gd[0], gd[3], gd[1], gd[2]);
        Tensor out = ctx.allocateZeroed(gr.dtype(), Shape.of(s[0], s[1], s[2], s[3]));
        Object os = nchw ? Tensor.newArray(gr.dtype(), out.numElements()) : out.array();
        long work = (long) gr.numElements() * g.kh() * g.kw();
        Parallel.forRange(g.n(), ctx.intraOpThreads(), work, (n0, n1) -> {
            if (os instanceof float[] of) {
                PoolLoops.avgGradImages(g, (float[]) gs, of, n0, n1);
            } else {
                PoolLoops.avgGradImages(g, (double[]) gs, (double[]) os, n0, n1);
            }
        });
        if (nchw) {
            NnLayout.toNchw(os, out.array(), d[0], d[3], d[1], d[2]);
        }
        ctx.setOutput(0, out);
    }

    private static int[] toInts(long[] l) {
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            r[i] = Math.toIntExact(l[i]);
        }
        return r;
    }
}
