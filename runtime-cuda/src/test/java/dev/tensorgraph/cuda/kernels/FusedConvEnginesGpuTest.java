package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.KernelTestDevices.assumeGpu;
import static dev.tensorgraph.cuda.kernels.KernelTestDevices.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Runs every fused plan {@link FusedConvEngines} finalizes for convolutions with a bias, a bias then Relu, and a
 * bias, an added tensor then Relu6 (TF32 problems in both layouts) and compares each result with a naive
 * computation on the host in double, within TF32 rounding. Also lists, per problem, how many fused plans the
 * float32 and the bfloat16 problems get, which depends on the cuDNN version and the engines allowed. Skips
 * without a GPU.
 */
class FusedConvEnginesGpuTest {
    /** n, c, h, w, o, kh, kw, pad, stride: a 3x3 same-size layer and a strided one. */
    private static final int[][] SHAPES = {{2, 16, 9, 9, 32, 3, 3, 1, 1}, {3, 8, 11, 10, 16, 3, 3, 1, 2}};

    /** TF32 operands are off by up to 2^-11 each; twice the product's error per unit of magnitude. */
    private static final double TF32_RELATIVE = Math.pow(2, -9);

    private static final FusedConvGpuKernels.Epilogue[] EPILOGUES = {
            new FusedConvGpuKernels.Epilogue(false, ConvEpilogueSources.IDENTITY),
            new FusedConvGpuKernels.Epilogue(false, ConvEpilogueSources.RELU),
            new FusedConvGpuKernels.Epilogue(true, ConvEpilogueSources.RELU6),
    };

    @Test
    void everyFusedPlanMatchesANaiveConvolutionWithItsEpilogue() {
        assumeGpu();
        Random r = new Random(21);
        List<String> counts = new ArrayList<>();
        try (CudaDevice dev = (CudaDevice) new CudaRuntime().open(0, SessionOptions.gpu(0).allowTf32(true))) {
            for (int[] s : SHAPES) {
                for (boolean nchw : new boolean[] {false, true}) {
                    for (FusedConvGpuKernels.Epilogue e : EPILOGUES) {
                        ConvAlgorithms.Problem p = problem(s, nchw, cudnn.CUDNN_DATA_FLOAT);
                        counts.add("float32 " + p + " " + e + ": " + check(dev, p, e, r) + " fused plans");
                        if (!nchw) {
                            ConvAlgorithms.Problem half = problem(s, false, cudnn.CUDNN_DATA_BFLOAT16);
                            counts.add("bfloat16 " + half + " " + e + ": " + count(dev, half, e) + " fused plans");
                        }
                    }
                }
            }
        }
        counts.forEach(System.out::println);
    }

    private static ConvAlgorithms.Problem problem(int[] s, boolean nchw, int dataType) {
        return new ConvAlgorithms.Problem(ConvAlgorithms.Direction.FORWARD, s[0], s[1], s[2], s[3], s[4], s[5], s[6],
                s[7], s[7], s[8], s[8], 1, 1, nchw, true, 1, dataType);
    }

    private static int count(CudaDevice dev, ConvAlgorithms.Problem p, FusedConvGpuKernels.Epilogue e) {
        try (DnnBackend owner = new DnnBackend("FusedConvEnginesGpuTest")) {
            return FusedConvEngines.candidates(dev, owner, "FusedConvEnginesGpuTest",
                    new FusedConvEngines.Key(p, e.add(), e.activation())).size();
        } catch (RuntimeException ex) {
            return 0;
        }
    }

    /** Runs each fused plan of {@code p} with epilogue {@code e} on random data; returns how many there were. */
    private static int check(CudaDevice dev, ConvAlgorithms.Problem p, FusedConvGpuKernels.Epilogue e, Random r) {
        int oh = ConvEngineGraphs.outSize(p.h(), p.kh(), p.padH(), p.sh(), p.dh());
        int ow = ConvEngineGraphs.outSize(p.w(), p.kw(), p.padW(), p.sw(), p.dw());
        float[] x = gaussian(r, p.n() * p.c() * p.h() * p.w());
        float[] w = gaussian(r, p.o() * p.c() * p.kh() * p.kw());
        float[] bias = gaussian(r, p.o());
        float[] side = gaussian(r, p.n() * p.o() * oh * ow);
        double[][] ref = reference(p, oh, ow, x, w, bias, e.add() ? side : null, e.activation());
        try (DnnBackend owner = new DnnBackend("FusedConvEnginesGpuTest")) {
            List<ConvEngines.Plan> plans;
            try {
                plans = FusedConvEngines.candidates(dev, owner, "FusedConvEnginesGpuTest",
                        new FusedConvEngines.Key(p, e.add(), e.activation()));
            } catch (RuntimeException ex) {
                return 0;
            }
            DeviceTensor dx = upload(dev, x);
            DeviceTensor dw = upload(dev, w);
            DeviceTensor dy = upload(dev, new float[side.length]);
            DeviceTensor db = upload(dev, bias);
            DeviceTensor ds = upload(dev, side);
            try {
                for (ConvEngines.Plan plan : plans) {
                    float[] poison = new float[side.length];
                    Arrays.fill(poison, Float.NaN);
                    dev.upload(Tensor.of(DType.FLOAT32, dy.shape(), poison), dy);
                    int status = e.add()
                            ? plan.execute(dev, dx.address(), dw.address(), dy.address(), db.address(), ds.address())
                            : plan.execute(dev, dx.address(), dw.address(), dy.address(), db.address());
                    assertEquals(cudnn.CUDNN_STATUS_SUCCESS, status, "engine " + plan.label() + " on " + p + " " + e);
                    compare(p + " " + e + " engine " + plan.label(), ref, dev.download(dy).floats());
                }
            } finally {
                for (DeviceTensor t : new DeviceTensor[] {dx, dw, dy, db, ds}) {
                    dev.release(t.buffer());
                }
            }
            return plans.size();
        }
    }

    /** The expected outputs and the magnitudes they are checked against (sums of |terms|, |bias|, |side|). */
    private static double[][] reference(ConvAlgorithms.Problem p, int oh, int ow, float[] x, float[] w, float[] bias,
                                        float[] side, int activation) {
        double[] out = new double[p.n() * p.o() * oh * ow];
        double[] magnitude = new double[out.length];
        for (int n = 0; n < p.n(); n++) {
            for (int o = 0; o < p.o(); o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int yi = at(p.nchw(), p.o(), oh, ow, n, o, i, j);
                        double sum = bias[o];
                        double abs = Math.abs(bias[o]);
                        for (int c = 0; c < p.c(); c++) {
                            for (int kr = 0; kr < p.kh(); kr++) {
                                int ih = i * p.sh() - p.padH() + kr;
                                for (int ks = 0; ks < p.kw(); ks++) {
                                    int iw = j * p.sw() - p.padW() + ks;
                                    if (ih >= 0 && ih < p.h() && iw >= 0 && iw < p.w()) {
                                        double t = (double) x[at(p.nchw(), p.c(), p.h(), p.w(), n, c, ih, iw)]
                                                * w[at(p.nchw(), p.c(), p.kh(), p.kw(), o, c, kr, ks)];
                                        sum += t;
                                        abs += Math.abs(t);
                                    }
                                }
                            }
                        }
                        if (side != null) {
                            sum += side[yi];
                            abs += Math.abs(side[yi]);
                        }
                        if (activation != ConvEpilogueSources.IDENTITY) {
                            sum = Math.max(sum, 0);
                        }
                        if (activation == ConvEpilogueSources.RELU6) {
                            sum = Math.min(sum, 6);
                        }
                        out[yi] = sum;
                        magnitude[yi] = abs;
                    }
                }
            }
        }
        return new double[][] {out, magnitude};
    }

    private static void compare(String what, double[][] ref, float[] got) {
        for (int i = 0; i < got.length; i++) {
            double allowed = TF32_RELATIVE * ref[1][i] + 1e-6;
            double err = Math.abs(ref[0][i] - got[i]);
            if (!(err <= allowed)) {
                fail(String.format("%s: element %d is %s, expected %.8g (error %.3g, allowed %.3g)", what, i, got[i],
                        ref[0][i], err, allowed));
            }
        }
    }

    /** Flat index of logical (n, c, h, w) stored NCHW, or NHWC (filters: KCRS or KRSC likewise). */
    private static int at(boolean nchw, int channels, int height, int width, int n, int c, int h, int w) {
        return nchw ? ((n * channels + c) * height + h) * width + w : ((n * height + h) * width + w) * channels + c;
    }

    private static float[] gaussian(Random r, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
