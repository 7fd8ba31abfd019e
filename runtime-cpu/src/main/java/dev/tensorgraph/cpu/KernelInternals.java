package dev.tensorgraph.cpu;

/**
 * Entry points below the op level into the CPU kernels' inner loops, for the project's micro-benchmarks
 * (the {@code benchmarks} module). Not API: these follow the kernels' internals and change without notice;
 * applications run kernels through a {@code Session}.
 */
public final class KernelInternals {
    private KernelInternals() {}

    /**
     * One 2-D convolution's sizes (NHWC input {@code [n, h, w, c]}, filter {@code [kh, kw, c, o]}, output
     * {@code [n, oh, ow, o]}) and its float32 kernels.
     */
    public static final class Conv2d {
        private final NnGeometry g;

        /** Strides {@code sh, sw}, dilations {@code dh, dw}, and the padding before the first row and column. */
        public Conv2d(int n, int h, int w, int c, int kh, int kw, int o, int sh, int sw, int dh, int dw,
                      int oh, int ow, int padTop, int padLeft) {
            g = new NnGeometry(n, h, w, c, kh, kw, o, sh, sw, dh, dw, oh, ow, padTop, padLeft);
        }

        public int inputSize() {
            return g.n() * g.h() * g.w() * g.c();
        }

        public int filterSize() {
            return g.kh() * g.kw() * g.c() * g.o();
        }

        public int outputSize() {
            return g.n() * g.oh() * g.ow() * g.o();
        }

        /** The Conv2D kernel's loops: {@code y = conv(x, f)}. */
        public void forward(float[] x, float[] f, float[] y, int threads) {
            ConvKernels.forward(g, x, f, y, threads);
        }

        /** Conv2DBackpropFilter's loops: adds the filter gradient into {@code df}. */
        public void backpropFilter(float[] x, float[] dy, float[] df, int threads) {
            ConvKernels.backFilter(g, x, dy, df, threads);
        }

        /** Conv2DBackpropInput's loops: adds the input gradient into {@code dx}. */
        public void backpropInput(float[] f, float[] dy, float[] dx, int threads) {
            ConvKernels.backInput(g, f, dy, dx, threads);
        }
    }

    /**
     * One depthwise convolution's sizes (NHWC input {@code [n, h, w, c]}, filter {@code [kh, kw, c, m]}, output
     * {@code [n, oh, ow, c * m]}) and its kernels: the float32 loops and the float64 loop nest.
     */
    public static final class DepthwiseConv2d {
        private final NnGeometry g;
        private final int m;

        /** Strides {@code sh, sw}, dilations {@code dh, dw}, and the padding before the first row and column. */
        public DepthwiseConv2d(int n, int h, int w, int c, int kh, int kw, int m, int sh, int sw, int dh, int dw,
                               int oh, int ow, int padTop, int padLeft) {
            this.g = new NnGeometry(n, h, w, c, kh, kw, c * m, sh, sw, dh, dw, oh, ow, padTop, padLeft);
            this.m = m;
        }

        public int inputSize() {
            return g.n() * g.h() * g.w() * g.c();
        }

        public int filterSize() {
            return g.kh() * g.kw() * g.c() * m;
        }

        public int outputSize() {
            return g.n() * g.oh() * g.ow() * g.o();
        }

        /** DepthwiseConv2dNative's float32 loops: {@code y = conv(x, f)}. */
        public void forward(float[] x, float[] f, float[] y, int threads) {
            DepthwiseDirect.forward(g, m, x, f, y, threads);
        }

        /** DepthwiseConv2dNativeBackpropInput's float32 loops: {@code dx} = the input gradient. */
        public void backpropInput(float[] f, float[] dy, float[] dx, int threads) {
            DepthwiseDirect.backInput(g, m, f, dy, dx, threads);
        }

        /** DepthwiseConv2dNativeBackpropFilter's float32 loops: adds the filter gradient into {@code df}. */
        public void backpropFilter(float[] x, float[] dy, float[] df, int threads) {
            DepthwiseDirect.backFilter(g, m, x, dy, df, threads);
        }

        /** The plain loop nest (the float64 kernel) of the forward convolution, {@code y} zeroed. */
        public void forwardLoopNest(double[] x, double[] f, double[] y) {
            DepthwiseConvKernels.reference(DepthwiseConvKernels.FORWARD, g, m, x, f, y);
        }
    }

    /**
     * Keeps matrix products off the native BLAS ({@code true}) or lets them use it again, in this process,
     * as {@code -Dtensorgraph.blas=java} does from the start.
     */
    public static void javaMatMulOnly(boolean javaOnly) {
        NativeBlas.disabled = javaOnly;
    }
}
