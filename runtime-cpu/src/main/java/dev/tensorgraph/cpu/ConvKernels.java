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
 * CPU kernels of Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter, float32 and float64. They compute in
 * NHWC (NCHW operands are transposed in and out). Where the JVM has the vector API, float32 convolutions with
 * unit dilations run in {@link VectorConv}, reading the input in place (a constant filter is laid out for it
 * once, see {@link ConvFilter}), 3x3 ones by Winograd's method, and ones with few taps and output channels in
 * whole vectors (a first layer) in {@link NarrowConv}; otherwise they are patch matrices times the filter ({@link Im2Col},
 * {@link ConvGemm}), and a 1x1 stride-1 convolution multiplies the input directly. Rows of output positions are
 * processed in cache-sized chunks split over the session's intra-op threads. Grouped convolutions (input depth a
 * multiple of the filter's) go to {@link GroupedConv}.
 */
public final class ConvKernels implements KernelLibrary {
    /** Patch-matrix chunk size in elements (about 256 KB of float32). */
    private static final int CHUNK_ELEMS = 1 << 16;
    /** Float32 patch-chunk size in elements (4 MB): the products stay big enough to run at full speed. */
    private static final int PATCH_CHUNK_ELEMS = 1 << 20;
    /** Below this many output channels the forward pass vectorizes over output positions instead. */
    private static final int NARROW_OUT = 32;

    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "Conv2D", op -> {
            NnGeometry.Attrs a = attrs(op);
            ConvFilter filter = ConvFilter.of(op, 1);
            return ctx -> conv2d(ctx, a, filter);
        });
        r.register(KernelRegistry.CPU, "Conv2DBackpropInput", op -> {
            NnGeometry.Attrs a = attrs(op);
            return ctx -> backpropInput(ctx, a);
        });
        r.register(KernelRegistry.CPU, "Conv2DBackpropFilter", op -> {
            NnGeometry.Attrs a = attrs(op);
            return ctx -> backpropFilter(ctx, a);
        });
    }

    private static NnGeometry.Attrs attrs(Operation op) {
        DType t = op.attrType("T");
        if (t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw new UnimplementedException(op.type() + " has no CPU kernel for " + t);
        }
        return NnGeometry.Attrs.of(op, "filter");
    }

    /** NHWC dims {n, h, w, c} of a 4-D shape in the op's layout. */
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

    private static int[] filterDims(Tensor f) {
        if (f.shape().rank() != 4) {
            throw new InvalidArgumentException("filter must be 4-dimensional, got shape " + f.shape());
        }
        return f.shape().intDims();
    }

    private static int[] sizes(Tensor t, String what) {
        return SizeVector.ints("", t, what, 4);
    }

    private static int chunkRows(int k) {
        return Math.max(16, Math.min(1024, CHUNK_ELEMS / Math.max(1, k)));
    }

    /**
     * Rows of output positions per float32 patch chunk: a product of a few rows by a wide filter spends
     * its time packing the filter and re-reading the result (the filter gradient), so chunks are as big
     * as {@link #PATCH_CHUNK_ELEMS} allows, and as even in number as the threads that share them.
     */
    static int patchRows(int k, int m, int threads) {
        int most = Math.max(32, Math.min(4096, PATCH_CHUNK_ELEMS / Math.max(1, k)));
        int chunks = (m + most - 1) / most;
        if (threads > 1 && m >= 32 * threads) {
            chunks = (chunks + threads - 1) / threads * threads;
        }
        return Math.max(1, (m + chunks - 1) / chunks);
    }

    // ---- Conv2D ----

    private static void conv2d(KernelContext ctx, NnGeometry.Attrs a, ConvFilter filter) {
        Tensor x = ctx.input(0);
        Tensor f = ctx.input(1);
        int[] xd = nhwc(x.shape(), a.nchw(), "input");
        int[] fd = filterDims(f);
        int groups = GroupedConv.groups(xd[3], fd[2], fd[3], x.shape(), f.shape());
        NnGeometry g = NnGeometry.of(Shape.of(xd[0], xd[1], xd[2], xd[3]), fd[0], fd[1], fd[3], a, "Conv2D");
        Object xs = NnLayout.nhwc(x.array(), a.nchw(), xd[0], xd[3], xd[1], xd[2]);
        Tensor out = groups > 1 ? ctx.allocateZeroed(x.dtype(), layoutShape(g.n(), g.oh(), g.ow(), g.o(), a.nchw()))
                : ctx.allocate(x.dtype(), layoutShape(g.n(), g.oh(), g.ow(), g.o(), a.nchw()));
        Object ys = a.nchw() ? Tensor.newArray(x.dtype(), out.numElements()) : out.array();
        if (out.numElements() > 0) {
            if (groups > 1) {
                GroupedConv.forward(g, groups, xs, f.array(), ys, ctx.intraOpThreads());
            } else if (x.dtype() == DType.FLOAT32) {
                forward(g, (float[]) xs, (float[]) f.array(), filter, (float[]) ys, ctx.intraOpThreads());
            } else {
                forward(g, (double[]) xs, (double[]) f.array(), (double[]) ys);
            }
        }
        if (a.nchw()) {
            NnLayout.toNchw(ys, out.array(), g.n(), g.o(), g.oh(), g.ow());
        }
        ctx.setOutput(0, out);
    }

    /** y[n*oh*ow, o] = patches(x) * f[kh*kw*c, o] (float32). */
    static void forward(NnGeometry g, float[] x, float[] f, float[] y, int threads) {
        forward(g, x, f, ConvFilter.UNCACHED, y, threads);
    }

    /** As above, with the vector kernels' layouts of the filter from {@code filter} where one runs. */
    static void forward(NnGeometry g, float[] x, float[] f, ConvFilter filter, float[] y, int threads) {
        int k = g.kh() * g.kw() * g.c();
        int m = g.n() * g.oh() * g.ow();
        int o = g.o();
        if (PointwiseConv.applies(g)) {
            PointwiseConv.forward(g, x, f, y, VectorConv.Epilogue.NONE, threads);
            return;
        }
        if (filter.forward(g, x, f, y, VectorConv.Epilogue.NONE, threads)) {
            return;
        }
        long work = (long) m * k * o;
        if (g.isPointwise()) {
            int block = 64;
            Parallel.forRange((m + block - 1) / block, threads, work, (b0, b1) -> {
                int r0 = b0 * block;
                int r1 = Math.min(m, b1 * block);
                ConvGemm.sgemm(r1 - r0, o, k, x, r0 * k, f, 0, y, r0 * o, false);
            });
            return;
        }
        if (Gemm.vectorApiAvailable() && NarrowConv.applies(g)) {
            NarrowConv.forward(g, x, f, y, threads);
            return;
        }
        if (ConvDirect.applies(g)) {
            ConvDirect.forward(g, x, f, y, threads);
            return;
        }
        int gemmThreads = NativeBlas.callerThreads(threads);
        int chunk = chunkRows(k);
        int chunks = (m + chunk - 1) / chunk;
        if (o < NARROW_OUT) {
            // Few output channels: vectorize over output positions, y^T = f^T * patches^T.
            float[] ft = ConvGemm.transpose(f, k, o);
            Parallel.forRange(chunks, gemmThreads, work, (c0, c1) -> {
                float[] colT = new float[chunk * k];
                float[] yt = new float[chunk * o];
                for (int ci = c0; ci < c1; ci++) {
                    int r0 = ci * chunk;
                    int rows = Math.min(m, r0 + chunk) - r0;
                    Im2Col.im2colT(g, x, r0, r0 + rows, colT);
                    ConvGemm.sgemm(o, rows, k, ft, 0, colT, 0, yt, 0, false);
                    for (int q = 0; q < o; q++) {
                        int src = q * rows;
                        for (int rr = 0; rr < rows; rr++) {
                            y[(r0 + rr) * o + q] = yt[src + rr];
                        }
                    }
                }
            });
            return;
        }
        int rows = patchRows(k, m, gemmThreads);
        Parallel.forRange((m + rows - 1) / rows, gemmThreads, work, (c0, c1) -> {
            float[] col = new float[rows * k];
            for (int ci = c0; ci < c1; ci++) {
                int r0 = ci * rows;
                int r1 = Math.min(m, r0 + rows);
                Im2Col.im2col(g, x, r0, r1, col);
                ConvGemm.sgemm(r1 - r0, o, k, col, 0, f, 0, y, r0 * o, false);
            }
        });
    }

    static void forward(NnGeometry g, double[] x, double[] f, double[] y) {
        int k = g.kh() * g.kw() * g.c();
        int m = g.n() * g.oh() * g.ow();
        int chunk = chunkRows(k);
        double[] col = new double[chunk * k];
        for (int r0 = 0; r0 < m; r0 += chunk) {
            int r1 = Math.min(m, r0 + chunk);
            Im2Col.im2col(g, x, r0, r1, col);
            ConvGemm.dgemm(r1 - r0, g.o(), k, col, 0, f, 0, y, r0 * g.o(), false);
        }
    }

    // ---- Conv2DBackpropInput ----

    private static void backpropInput(KernelContext ctx, NnGeometry.Attrs a) {
        int[] sz = sizes(ctx.input(0), "input_sizes");
        Tensor f = ctx.input(1);
        Tensor dy = ctx.input(2);
        int[] xd = a.nchw() ? new int[] {sz[0], sz[2], sz[3], sz[1]} : sz;
        int[] fd = filterDims(f);
        int[] dd = nhwc(dy.shape(), a.nchw(), "out_backprop");
        int groups = GroupedConv.groups(xd[3], fd[2], fd[3], Shape.of(sz[0], sz[1], sz[2], sz[3]), f.shape());
        if (fd[3] != dd[3]) {
            throw new InvalidArgumentException("filter shape " + f.shape() + " does not match input_sizes "
                    + java.util.Arrays.toString(sz) + " and out_backprop shape " + dy.shape());
        }
        NnGeometry g = NnGeometry.of(Shape.of(xd[0], xd[1], xd[2], xd[3]), fd[0], fd[1], fd[3], a, "Conv2DBackpropInput");
        checkOut(g, dd, dy.shape());
        Object dys = NnLayout.nhwc(dy.array(), a.nchw(), dd[0], dd[3], dd[1], dd[2]);
        Shape outShape = layoutShape(xd[0], xd[1], xd[2], xd[3], a.nchw());
        Tensor out = a.nchw() ? ctx.allocate(dy.dtype(), outShape) : ctx.allocateZeroed(dy.dtype(), outShape);
        Object dx = a.nchw() ? Tensor.newArray(dy.dtype(), out.numElements()) : out.array();
        if (out.numElements() > 0 && dy.numElements() > 0) {
            if (groups > 1) {
                GroupedConv.backInput(g, groups, f.array(), dys, dx, ctx.intraOpThreads());
            } else if (dy.dtype() == DType.FLOAT32) {
                backInput(g, (float[]) f.array(), (float[]) dys, (float[]) dx, ctx.intraOpThreads());
            } else {
                backInput(g, (double[]) f.array(), (double[]) dys, (double[]) dx);
            }
        }
        if (a.nchw()) {
            NnLayout.toNchw(dx, out.array(), xd[0], xd[3], xd[1], xd[2]);
        }
        ctx.setOutput(0, out);
    }

    private static void checkOut(NnGeometry g, int[] dd, Shape dyShape) {
        if (dd[0] != g.n() || dd[1] != g.oh() || dd[2] != g.ow() || dd[3] != g.o()) {
            throw new InvalidArgumentException("out_backprop has shape " + dyShape + " but the convolution gives [" + g.n()
                    + ", " + g.oh() + ", " + g.ow() + ", " + g.o() + "] (NHWC)");
        }
    }

    /**
     * dx (zeroed, NHWC) += col2im(dy[n*oh*ow, o] * f^T[o, kh*kw*c]); parallel over images. A stride-1 gradient
     * is a convolution of dy with the filter turned around, which {@link VectorConv} runs where it can.
     */
    static void backInput(NnGeometry g, float[] f, float[] dy, float[] dx, int threads) {
        int k = g.kh() * g.kw() * g.c();
        int o = g.o();
        // Asked first: without the vector API, VectorConv's classes cannot even load.
        NnGeometry transposed = Gemm.vectorApiAvailable() ? VectorConv.transposedGeometry(g) : null;
        if (transposed != null && ConvFilter.UNCACHED.forward(transposed, dy,
                VectorConv.turnAround(f, g.kh(), g.kw(), g.c(), o), dx, VectorConv.Epilogue.NONE, threads)) {
            return;
        }
        float[] ft = ConvGemm.transpose(f, k, o);
        int ohw = g.oh() * g.ow();
        long work = (long) g.n() * ohw * k * o;
        if (g.isPointwise()) {
            int m = g.n() * ohw;
            int block = 64;
            Parallel.forRange((m + block - 1) / block, threads, work, (b0, b1) -> {
                int r0 = b0 * block;
                int r1 = Math.min(m, b1 * block);
                ConvGemm.sgemm(r1 - r0, k, o, dy, r0 * o, ft, 0, dx, r0 * k, false);
            });
            return;
        }
        int gemmThreads = NativeBlas.callerThreads(threads);
        // Threads take whole images, so no two add into the same part of dx; a chunk may span images.
        Parallel.forRange(g.n(), gemmThreads, work, (n0, n1) -> {
            int end = n1 * ohw;
            int chunk = patchRows(k, end - n0 * ohw, 1);
            float[] col = new float[chunk * k];
            for (int r0 = n0 * ohw; r0 < end; r0 += chunk) {
                int r1 = Math.min(end, r0 + chunk);
                ConvGemm.sgemm(r1 - r0, k, o, dy, r0 * o, ft, 0, col, 0, false);
                Im2Col.col2im(g, col, r0, r1, dx);
            }
        });
    }

    static void backInput(NnGeometry g, double[] f, double[] dy, double[] dx) {
        int k = g.kh() * g.kw() * g.c();
        int o = g.o();
        double[] ft = ConvGemm.transpose(f, k, o);
        int m = g.n() * g.oh() * g.ow();
        int chunk = chunkRows(k);
        double[] col = new double[chunk * k];
        for (int r0 = 0; r0 < m; r0 += chunk) {
            int r1 = Math.min(m, r0 + chunk);
            ConvGemm.dgemm(r1 - r0, k, o, dy, r0 * o, ft, 0, col, 0, false);
            Im2Col.col2im(g, col, r0, r1, dx);
        }
    }

    // ---- Conv2DBackpropFilter ----

    private static void backpropFilter(KernelContext ctx, NnGeometry.Attrs a) {
        Tensor x = ctx.input(0);
        int[] fd = sizes(ctx.input(1), "filter_sizes");
        Tensor dy = ctx.input(2);
        int[] xd = nhwc(x.shape(), a.nchw(), "input");
        int[] dd = nhwc(dy.shape(), a.nchw(), "out_backprop");
        int groups = GroupedConv.groups(xd[3], fd[2], fd[3], x.shape(), Shape.of(fd[0], fd[1], fd[2], fd[3]));
        if (fd[3] != dd[3]) {
            throw new InvalidArgumentException("filter_sizes " + java.util.Arrays.toString(fd) + " do not match input shape "
                    + x.shape() + " and out_backprop shape " + dy.shape());
        }
        NnGeometry g = NnGeometry.of(Shape.of(xd[0], xd[1], xd[2], xd[3]), fd[0], fd[1], fd[3], a, "Conv2DBackpropFilter");
        checkOut(g, dd, dy.shape());
        Object xs = NnLayout.nhwc(x.array(), a.nchw(), xd[0], xd[3], xd[1], xd[2]);
        Object dys = NnLayout.nhwc(dy.array(), a.nchw(), dd[0], dd[3], dd[1], dd[2]);
        Tensor out = ctx.allocateZeroed(x.dtype(), Shape.of(fd[0], fd[1], fd[2], fd[3]));
        if (out.numElements() > 0 && dy.numElements() > 0) {
            if (groups > 1) {
                GroupedConv.backFilter(g, groups, xs, dys, out.array(), ctx.intraOpThreads());
            } else if (x.dtype() == DType.FLOAT32) {
                backFilter(g, (float[]) xs, (float[]) dys, (float[]) out.array(), ctx.intraOpThreads());
            } else {
                backFilter(g, (double[]) xs, (double[]) dys, (double[]) out.array());
            }
        }
        ctx.setOutput(0, out);
    }

    /** df[kh*kw*c, o] (zeroed) += patches(x)^T * dy; each part sums into its own buffer, added in part order. */
    static void backFilter(NnGeometry g, float[] x, float[] dy, float[] df, int threads) {
        int k = g.kh() * g.kw() * g.c();
        int o = g.o();
        int m = g.n() * g.oh() * g.ow();
        long work = (long) m * k * o;
        boolean pointwise = g.isPointwise();
        if (Gemm.vectorApiAvailable() && !NativeBlas.convolvesInLibrary() && WinogradConv.applies(g)) {
            WinogradConv.backpropFilter(g, x, dy, df, threads);
            return;
        }
        if (!pointwise && Gemm.vectorApiAvailable() && NarrowConv.applies(g)) {
            NarrowConv.backFilter(g, x, dy, df, threads);
            return;
        }
        if (!pointwise && ConvDirect.applies(g)) {
            ConvDirect.backFilter(g, x, dy, df, threads);
            return;
        }
        int gemmThreads = NativeBlas.callerThreads(threads);
        int chunk = patchRows(pointwise ? 1 : k, m, gemmThreads);
        int chunks = (m + chunk - 1) / chunk;
        Parallel.forRangeSum(chunks, gemmThreads, work, k * o, df, (c0, c1, part) -> {
            float[] col = pointwise ? null : new float[chunk * k];
            for (int ci = c0; ci < c1; ci++) {
                int r0 = ci * chunk;
                int r1 = Math.min(m, r0 + chunk);
                if (pointwise) {
                    ConvGemm.sgemmTN(r1 - r0, o, k, x, r0 * k, dy, r0 * o, part, 0);
                } else {
                    Im2Col.im2col(g, x, r0, r1, col);
                    ConvGemm.sgemmTN(r1 - r0, o, k, col, 0, dy, r0 * o, part, 0);
                }
            }
        });
    }

    static void backFilter(NnGeometry g, double[] x, double[] dy, double[] df) {
        int k = g.kh() * g.kw() * g.c();
        int m = g.n() * g.oh() * g.ow();
        int chunk = chunkRows(k);
        double[] col = new double[chunk * k];
        for (int r0 = 0; r0 < m; r0 += chunk) {
            int r1 = Math.min(m, r0 + chunk);
            Im2Col.im2col(g, x, r0, r1, col);
            ConvGemm.dgemmTN(r1 - r0, g.o(), k, col, 0, dy, r0 * g.o(), df, 0);
        }
    }
}
