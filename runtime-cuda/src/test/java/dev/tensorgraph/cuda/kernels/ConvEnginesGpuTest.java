package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.KernelTestDevices.assumeGpu;
import static dev.tensorgraph.cuda.kernels.KernelTestDevices.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.DType;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.cuda.CudaRuntime;
import dev.tensorgraph.device.DeviceTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.cuda.global.cudnn;
import org.junit.jupiter.api.Test;

/**
 * Runs every candidate plan {@link ConvEngines} finalizes (not only the one timing would pick) for the three
 * directions in both data layouts and compares each result with a naive convolution on the host, in double.
 * Two kinds of input: standard normal values, and a TF32 probe (below) on which TF32 rounding shows as a
 * uniform relative error. Skips without a GPU.
 */
class ConvEnginesGpuTest {
    /** n, c, h, w, o, kh, kw, pad, stride, dilation: a strided 3x3 and a 5x5 over 3 channels (AlexNet-like). */
    private static final int[][] SHAPES = {
        {2, 8, 9, 9, 16, 3, 3, 1, 2, 1},
        {3, 3, 11, 10, 8, 5, 5, 2, 1, 1},
    };

    /** The FP32 bound per unit of magnitude (sum of |terms|) for a sum of K products: 2(K+1)·2^-24. */
    private static double fp32Relative(long terms) {
        return 2.0 * (terms + 1) * Math.pow(2, -24);
    }

    /**
     * TF32 keeps 10 explicit mantissa bits: each operand is off by at most 2^-11 relatively, a product by
     * about 2^-10; allowed is twice that per unit of magnitude, on top of the FP32 bound.
     */
    private static final double TF32_RELATIVE = Math.pow(2, -9);

    /**
     * On the probe data TF32 is off by 2^-11 on every output; an engine that does not round to TF32 must
     * stay under half that.
     */
    private static final double NOT_TF32_RELATIVE = Math.pow(2, -12);

    @Test
    void tf32EnginesMatchNaiveConvolutionWithinTf32Rounding() {
        assumeGpu();
        try (CudaDevice dev = open(true)) {
            Random r = new Random(11);
            double worst = 0;
            for (ConvAlgorithms.Problem p : problems(true)) {
                check(dev, p, random(r, p, false), TF32_RELATIVE, false);
                worst = Math.max(worst, check(dev, p, random(r, p, true), TF32_RELATIVE, true));
            }
            // The probe must tell TF32 engines from exact ones, or the exact test proves nothing.
            assertTrue(worst > NOT_TF32_RELATIVE, "tensor-core engines stay within " + NOT_TF32_RELATIVE
                    + " of the TF32 probe (worst " + worst + ")");
        }
    }

    /**
     * Exact sessions keep the legacy path; the engines {@link ConvEngines#candidates} offers for an exact
     * problem (numerical notes without tensor cores or down-conversion) must not round to TF32.
     */
    @Test
    void exactFp32ProblemsDoNotRoundToTf32() {
        assumeGpu();
        try (CudaDevice dev = open(false)) {
            Random r = new Random(12);
            for (ConvAlgorithms.Problem p : problems(false)) {
                assertNull(ConvEngines.decided(dev, p).plan(), "exact FP32 " + p + " got a backend engine");
                check(dev, p, random(r, p, true), NOT_TF32_RELATIVE, false);
            }
        }
    }

    private static CudaDevice open(boolean tf32) {
        return (CudaDevice) new CudaRuntime().open(0, SessionOptions.gpu(0).allowTf32(tf32));
    }

    private static List<ConvAlgorithms.Problem> problems(boolean tf32) {
        List<ConvAlgorithms.Problem> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            for (boolean nchw : new boolean[] {true, false}) {
                for (ConvAlgorithms.Direction dir : ConvAlgorithms.Direction.values()) {
                    out.add(new ConvAlgorithms.Problem(dir, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[7],
                            s[8], s[8], s[9], s[9], nchw, tf32, 1, cudnn.CUDNN_DATA_FLOAT));
                }
            }
        }
        return out;
    }

    /** x, w and y (y is dy for the backward directions) of a problem, in the problem's layouts. */
    private record Operands(float[] x, float[] w, float[] y, boolean tf32Probe) {}

    /**
     * Runs every candidate of {@code p} on {@code in} and checks each element within
     * {@code relative} per unit of magnitude plus the FP32 bound; returns the worst relative error of the
     * tensor-core engines (0 if none), or throws naming the engine and the element.
     */
    private static double check(CudaDevice dev, ConvAlgorithms.Problem p, Operands in, double relative,
                                boolean tensorCoresOnly) {
        int oh = ConvEngineGraphs.outSize(p.h(), p.kh(), p.padH(), p.sh(), p.dh());
        int ow = ConvEngineGraphs.outSize(p.w(), p.kw(), p.padW(), p.sw(), p.dw());
        Reference ref = new Reference(p, oh, ow, in.x(), in.w(), in.y());
        String what = p + (in.tf32Probe() ? " (TF32 probe data)" : "");
        double allowed = relative + fp32Relative(ref.terms());
        double worstTensorCore = 0;
        try (DnnBackend owner = new DnnBackend("ConvEnginesGpuTest")) {
            List<ConvEngines.Plan> plans = ConvEngines.candidates(dev, owner, "ConvEnginesGpuTest", p);
            assertFalse(plans.isEmpty(), "no backend engine for " + what);
            DeviceTensor dx = upload(dev, in.x());
            DeviceTensor dw = upload(dev, in.w());
            DeviceTensor dy = upload(dev, in.y());
            try {
                for (ConvEngines.Plan plan : plans) {
                    if (tensorCoresOnly && !plan.tensorCores()) {
                        continue;
                    }
                    DeviceTensor out = switch (p.direction()) {
                        case FORWARD -> dy;
                        case BACKWARD_DATA -> dx;
                        case BACKWARD_FILTER -> dw;
                    };
                    float[] poison = new float[Math.toIntExact(out.numElements())];
                    Arrays.fill(poison, Float.NaN);
                    dev.upload(Tensor.of(DType.FLOAT32, out.shape(), poison), out);
                    int status = plan.execute(dev, dx.address(), dw.address(), dy.address());
                    assertEquals(cudnn.CUDNN_STATUS_SUCCESS, status, "engine " + plan.label() + " on " + what);
                    float[] got = dev.download(out).floats();
                    compare(what + " engine " + plan.label(), ref.expected(), ref.magnitude(), got, allowed);
                    if (plan.tensorCores()) {
                        worstTensorCore = Math.max(worstTensorCore, worstRelative(ref.expected(), ref.magnitude(), got));
                    }
                }
            } finally {
                dev.release(dx.buffer());
                dev.release(dw.buffer());
                dev.release(dy.buffer());
            }
        }
        return worstTensorCore;
    }

    private static void compare(String what, double[] expected, double[] magnitude, float[] got, double relative) {
        double max = Arrays.stream(magnitude).max().orElse(0);
        for (int i = 0; i < expected.length; i++) {
            double allowed = relative * magnitude[i] + 1e-6 * max;
            double err = Math.abs(expected[i] - got[i]);
            if (!(err <= allowed)) {
                fail(String.format("%s: element %d is %s, expected %.8g (error %.3g, allowed %.3g)", what, i, got[i],
                        expected[i], err, allowed));
            }
        }
    }

    /** The largest |error| / magnitude over the elements. */
    private static double worstRelative(double[] expected, double[] magnitude, float[] got) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            if (magnitude[i] > 0) {
                worst = Math.max(worst, Math.abs(expected[i] - got[i]) / magnitude[i]);
            }
        }
        return worst;
    }

    /**
     * The three results of a convolution computed naively in double: forward output from x and w, input
     * gradient from dy (= y) and w, filter gradient from x and dy; and the same sums of |terms|.
     */
    private record Reference(ConvAlgorithms.Problem p, double[] expected, double[] magnitude, long terms) {
        Reference(ConvAlgorithms.Problem p, int oh, int ow, float[] x, float[] w, float[] y) {
            this(p, sums(p, oh, ow, x, w, y, false), sums(p, oh, ow, x, w, y, true), terms(p, oh, ow));
        }

        private static long terms(ConvAlgorithms.Problem p, int oh, int ow) {
            return switch (p.direction()) {
                case FORWARD -> (long) p.c() * p.kh() * p.kw();
                case BACKWARD_DATA -> (long) p.o() * p.kh() * p.kw();
                case BACKWARD_FILTER -> (long) p.n() * oh * ow;
            };
        }

        private static double[] sums(ConvAlgorithms.Problem p, int oh, int ow, float[] x, float[] w, float[] y,
                                     boolean abs) {
            ConvAlgorithms.Direction dir = p.direction();
            double[] out = new double[dir == ConvAlgorithms.Direction.FORWARD ? y.length
                    : dir == ConvAlgorithms.Direction.BACKWARD_DATA ? x.length : w.length];
            for (int n = 0; n < p.n(); n++) {
                for (int o = 0; o < p.o(); o++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int yi = at(p.nchw(), p.o(), oh, ow, n, o, i, j);
                            for (int c = 0; c < p.c(); c++) {
                                for (int kr = 0; kr < p.kh(); kr++) {
                                    int ih = i * p.sh() - p.padH() + kr * p.dh();
                                    if (ih < 0 || ih >= p.h()) {
                                        continue;
                                    }
                                    for (int ks = 0; ks < p.kw(); ks++) {
                                        int iw = j * p.sw() - p.padW() + ks * p.dw();
                                        if (iw < 0 || iw >= p.w()) {
                                            continue;
                                        }
                                        int xi = at(p.nchw(), p.c(), p.h(), p.w(), n, c, ih, iw);
                                        int wi = at(p.nchw(), p.c(), p.kh(), p.kw(), o, c, kr, ks);
                                        switch (dir) {
                                            case FORWARD -> out[yi] += term(x[xi], w[wi], abs);
                                            case BACKWARD_DATA -> out[xi] += term(y[yi], w[wi], abs);
                                            case BACKWARD_FILTER -> out[wi] += term(x[xi], y[yi], abs);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return out;
        }

        private static double term(float a, float b, boolean abs) {
            double t = (double) a * b;
            return abs ? Math.abs(t) : t;
        }
    }

    /** Flat index of logical (n, c, h, w) stored NCHW, or NHWC (filters: KCRS or KRSC likewise). */
    private static int at(boolean nchw, int channels, int height, int width, int n, int c, int h, int w) {
        return nchw ? ((n * channels + c) * height + h) * width + w : ((n * height + h) * width + w) * channels + c;
    }

    /**
     * Standard normal operands, or with {@code tf32Probe} every operand m·(1 + 2^-12) for m in 1..8: exact
     * in FP32, while TF32 (10 mantissa bits) rounds it to m, so that a TF32 engine is off by about 2^-11
     * relative on every (positive) output, which random signs would hide in cancellation.
     */
    private static Operands random(Random r, ConvAlgorithms.Problem p, boolean tf32Probe) {
        int oh = ConvEngineGraphs.outSize(p.h(), p.kh(), p.padH(), p.sh(), p.dh());
        int ow = ConvEngineGraphs.outSize(p.w(), p.kw(), p.padW(), p.sw(), p.dw());
        return new Operands(values(r, p.n() * p.c() * p.h() * p.w(), tf32Probe),
                values(r, p.o() * p.c() * p.kh() * p.kw(), tf32Probe), values(r, p.n() * p.o() * oh * ow, tf32Probe),
                tf32Probe);
    }

    private static float[] values(Random r, int size, boolean tf32Probe) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = tf32Probe ? (float) ((1 + r.nextInt(8)) * (1 + Math.pow(2, -12))) : (float) r.nextGaussian();
        }
        return v;
    }
}
