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
import java.util.Arrays;
import java.util.List;

/**
 * CPU kernels of DepthwiseConv2dNative, DepthwiseConv2dNativeBackpropInput and
 * DepthwiseConv2dNativeBackpropFilter (float32, float64), and of {@code _FusedDepthwiseConv2dNative} (the forward
 * pass, then its bias and optionally Relu or Relu6 in one pass over the output), in NHWC (NCHW operands are transposed in and out).
 * Float32 runs {@link DepthwiseDirect}'s vectorized loops; float64 runs the plain loop nest of
 * {@link #reference}. Dilations are honoured in all three (TensorFlow's CPU kernels refuse or ignore them).
 * A grouped Conv2D with one input channel per group is a depthwise convolution with the same filter layout, and
 * {@link ConvKernels} sends it here.
 */
public final class DepthwiseConvKernels implements KernelLibrary {
    static final int FORWARD = 0;
    static final int INPUT = 1;
    static final int FILTER = 2;

    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "DepthwiseConv2dNative", op -> {
            NnGeometry.Attrs a = attrs(op);
            return ctx -> forward(ctx, a);
        });
        r.register(KernelRegistry.CPU, "_FusedDepthwiseConv2dNative", op -> {
            NnGeometry.Attrs a = attrs(op);
            float cap = activationCap(op);
            return ctx -> {
                Tensor out = convolve(ctx, a, op.type());
                addBiasAndCap(out, ctx.input(2), a.nchw(), cap);
                ctx.setOutput(0, out);
            };
        });
        r.register(KernelRegistry.CPU, "DepthwiseConv2dNativeBackpropInput", op -> {
            NnGeometry.Attrs a = attrs(op);
            return ctx -> backpropInput(ctx, a);
        });
        r.register(KernelRegistry.CPU, "DepthwiseConv2dNativeBackpropFilter", op -> {
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
    static int[] nhwc(Shape s, boolean nchw, String what) {
        if (s.rank() != 4) {
            throw new InvalidArgumentException(what + " must be 4-dimensional, got shape " + s);
        }
        int[] d = s.intDims();
        return nchw ? new int[] {d[0], d[2], d[3], d[1]} : d;
    }

    static Shape layoutShape(int n, int h, int w, int c, boolean nchw) {
        return nchw ? Shape.of(n, c, h, w) : Shape.of(n, h, w, c);
    }

    private static int[] filterDims(Shape s, String what) {
        if (s.rank() != 4) {
            throw new InvalidArgumentException(what + " must be 4-dimensional, got shape " + s);
        }
        return s.intDims();
    }

    /** The geometry of input {@code xd} (NHWC) and filter {@code fd} ([kh, kw, c, m]); checks that they fit. */
    private static NnGeometry geometry(int[] xd, int[] fd, NnGeometry.Attrs a, String what) {
        if (fd[2] != xd[3]) {
            throw new InvalidArgumentException(what + ": input depth " + xd[3] + " does not match the filter's input depth "
                    + fd[2] + " (filter " + Arrays.toString(fd) + ")");
        }
        return NnGeometry.of(Shape.of(xd[0], xd[1], xd[2], xd[3]), fd[0], fd[1], fd[2] * fd[3], a, what);
    }

    private static void checkOut(NnGeometry g, int[] dd, Shape dyShape) {
        if (dd[0] != g.n() || dd[1] != g.oh() || dd[2] != g.ow() || dd[3] != g.o()) {
            throw new InvalidArgumentException("out_backprop has shape " + dyShape + " but the depthwise convolution gives ["
                    + g.n() + ", " + g.oh() + ", " + g.ow() + ", " + g.o() + "] (NHWC)");
        }
    }

    private static void forward(KernelContext ctx, NnGeometry.Attrs a) {
        ctx.setOutput(0, convolve(ctx, a, "DepthwiseConv2dNative"));
    }

    /**
     * The largest value {@code _FusedDepthwiseConv2dNative}'s activation lets through: 6 for Relu6, infinity for
     * Relu, NaN for none (its {@code fused_ops}: BiasAdd, then optionally one of the two).
     */
    private static float activationCap(Operation op) {
        List<String> ops = List.of((String[]) op.attr("fused_ops"));
        if (ops.equals(List.of("BiasAdd"))) {
            return Float.NaN;
        } else if (ops.equals(List.of("BiasAdd", "Relu"))) {
            return Float.POSITIVE_INFINITY;
        } else if (ops.equals(List.of("BiasAdd", "Relu6"))) {
            return 6f;
        }
        throw new UnimplementedException(op.type() + " '" + op.name() + "' fuses BiasAdd, then optionally Relu or "
                + "Relu6; got fused_ops " + ops);
    }

    /** Adds {@code bias} to each output channel of {@code out}, then clamps to [0, cap] unless cap is NaN. */
    private static void addBiasAndCap(Tensor out, Tensor bias, boolean nchw, float cap) {
        int[] d = out.shape().intDims();
        int channels = nchw ? d[1] : d[3];
        if (bias.shape().rank() != 1 || bias.shape().size(0) != channels) {
            throw new InvalidArgumentException("the bias has shape " + bias.shape() + " but the depthwise convolution "
                    + "has " + channels + " output channels");
        }
        int inner = nchw ? d[2] * d[3] : 1;
        int n = out.numElements();
        boolean activate = !Float.isNaN(cap);
        if (out.array() instanceof float[] y) {
            float[] b = (float[]) bias.array();
            for (int i = 0; i < n; i++) {
                float v = y[i] + b[(i / inner) % channels];
                y[i] = activate ? Math.min(Math.max(v, 0f), cap) : v;
            }
        } else {
            double[] y = (double[]) out.array();
            double[] b = (double[]) bias.array();
            for (int i = 0; i < n; i++) {
                double v = y[i] + b[(i / inner) % channels];
                y[i] = activate ? Math.min(Math.max(v, 0d), cap) : v;
            }
        }
    }

    private static Tensor convolve(KernelContext ctx, NnGeometry.Attrs a, String what) {
        Tensor x = ctx.input(0);
        Tensor f = ctx.input(1);
        int[] xd = nhwc(x.shape(), a.nchw(), "input");
        int[] fd = filterDims(f.shape(), "filter");
        NnGeometry g = geometry(xd, fd, a, what);
        Object xs = NnLayout.nhwc(x.array(), a.nchw(), xd[0], xd[3], xd[1], xd[2]);
        Tensor out = ctx.allocateZeroed(x.dtype(), layoutShape(g.n(), g.oh(), g.ow(), g.o(), a.nchw()));
        Object ys = a.nchw() ? Tensor.newArray(x.dtype(), out.numElements()) : out.array();
        run(FORWARD, g, fd[3], xs, f.array(), ys, ctx.intraOpThreads());
        if (a.nchw()) {
            NnLayout.toNchw(ys, out.array(), g.n(), g.o(), g.oh(), g.ow());
        }
        return out;
    }

    private static void backpropInput(KernelContext ctx, NnGeometry.Attrs a) {
        int[] sz = SizeVector.ints("", ctx.input(0), "input_sizes", 4);
        Tensor f = ctx.input(1);
        Tensor dy = ctx.input(2);
        int[] xd = a.nchw() ? new int[] {sz[0], sz[2], sz[3], sz[1]} : sz;
        NnGeometry g = geometry(xd, filterDims(f.shape(), "filter"), a, "DepthwiseConv2dNativeBackpropInput");
        int[] dd = nhwc(dy.shape(), a.nchw(), "out_backprop");
        checkOut(g, dd, dy.shape());
        Object dys = NnLayout.nhwc(dy.array(), a.nchw(), dd[0], dd[3], dd[1], dd[2]);
        Tensor out = ctx.allocateZeroed(dy.dtype(), layoutShape(xd[0], xd[1], xd[2], xd[3], a.nchw()));
        Object dx = a.nchw() ? Tensor.newArray(dy.dtype(), out.numElements()) : out.array();
        run(INPUT, g, (int) f.shape().size(3), dx, f.array(), dys, ctx.intraOpThreads());
        if (a.nchw()) {
            NnLayout.toNchw(dx, out.array(), xd[0], xd[3], xd[1], xd[2]);
        }
        ctx.setOutput(0, out);
    }

    private static void backpropFilter(KernelContext ctx, NnGeometry.Attrs a) {
        Tensor x = ctx.input(0);
        int[] fd = SizeVector.ints("", ctx.input(1), "filter_sizes", 4);
        Tensor dy = ctx.input(2);
        int[] xd = nhwc(x.shape(), a.nchw(), "input");
        NnGeometry g = geometry(xd, fd, a, "DepthwiseConv2dNativeBackpropFilter");
        int[] dd = nhwc(dy.shape(), a.nchw(), "out_backprop");
        checkOut(g, dd, dy.shape());
        Object xs = NnLayout.nhwc(x.array(), a.nchw(), xd[0], xd[3], xd[1], xd[2]);
        Object dys = NnLayout.nhwc(dy.array(), a.nchw(), dd[0], dd[3], dd[1], dd[2]);
        Tensor out = ctx.allocateZeroed(x.dtype(), Shape.of(fd[0], fd[1], fd[2], fd[3]));
        run(FILTER, g, fd[3], xs, out.array(), dys, ctx.intraOpThreads());
        ctx.setOutput(0, out);
    }

    /**
     * One of the three computations on NHWC arrays with multiplier {@code m}: {@code mode} FORWARD writes y,
     * INPUT adds into x (the input gradient, zeroed), FILTER adds into f (the filter gradient, zeroed).
     */
    static void run(int mode, NnGeometry g, int m, Object x, Object f, Object y, int threads) {
        if (g.n() == 0 || g.oh() == 0 || g.ow() == 0 || g.c() == 0 || m == 0) {
            return;
        }
        if (x instanceof float[] xf) {
            switch (mode) {
                case FORWARD -> DepthwiseDirect.forward(g, m, xf, (float[]) f, (float[]) y, threads);
                case INPUT -> DepthwiseDirect.backInput(g, m, (float[]) f, (float[]) y, xf, threads);
                default -> DepthwiseDirect.backFilter(g, m, xf, (float[]) y, (float[]) f, threads);
            }
        } else {
            reference(mode, g, m, (double[]) x, (double[]) f, (double[]) y);
        }
    }

    /**
     * The plain loop nest over every (output pixel, tap, channel, multiplier) that lies inside the input; the
     * float64 kernels, and the definition the float32 loops are tested against.
     */
    static void reference(int mode, NnGeometry g, int m, double[] x, double[] f, double[] y) {
        int c = g.c();
        int cm = c * m;
        for (int n = 0; n < g.n(); n++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    int yi = ((n * g.oh() + oy) * g.ow() + ox) * cm;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int iy = oy * g.sh() + ky * g.dh() - g.padTop();
                        if (iy < 0 || iy >= g.h()) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int ix = ox * g.sw() + kx * g.dw() - g.padLeft();
                            if (ix < 0 || ix >= g.w()) {
                                continue;
                            }
                            int xi = ((n * g.h() + iy) * g.w() + ix) * c;
                            int fi = (ky * g.kw() + kx) * cm;
                            for (int ci = 0; ci < c; ci++) {
                                for (int q = 0; q < m; q++) {
                                    int k = ci * m + q;
                                    switch (mode) {
                                        case FORWARD -> y[yi + k] += x[xi + ci] * f[fi + k];
                                        case INPUT -> x[xi + ci] += y[yi + k] * f[fi + k];
                                        default -> f[fi + k] += x[xi + ci] * y[yi + k];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
