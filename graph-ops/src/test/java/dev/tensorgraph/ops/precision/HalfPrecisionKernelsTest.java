package dev.tensorgraph.ops.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.HalfFloats;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CPU's bfloat16 and float16 kernels of the ops mixed precision runs in 16 bits, against naive double
 * loops over the same 16-bit inputs rounded once at the end. The kernels accumulate in float32 and round once,
 * so each element may differ from the reference by at most one step of the 16-bit type (where the float32 sum
 * and the exact sum fall on different sides of a rounding boundary).
 */
class HalfPrecisionKernelsTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(18);

    /** Random values exactly representable in {@code dtype}. */
    private static Tensor random(DType dtype, long... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[(int) s.numElements()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) RANDOM.nextGaussian();
        }
        return Tensor.of(dtype, s, v);
    }

    /** Asserts each element is within one 16-bit step of the reference, which is rounded to {@code dtype} here. */
    private static void assertWithinOneStep(String what, DType dtype, double[] reference, Tensor got) {
        assertEquals(dtype, got.dtype(), what + " dtype");
        float[] g = got.toFloats();
        assertEquals(reference.length, g.length, what + " size");
        for (int i = 0; i < g.length; i++) {
            float want = HalfFloats.widen(dtype, HalfFloats.narrow(dtype, (float) reference[i]));
            float step = Math.abs(HalfFloats.widen(dtype, (short) (HalfFloats.narrow(dtype, want) + 1)) - want);
            if (Math.abs(g[i] - want) > step) {
                throw new AssertionError(what + "[" + i + "]: want " + want + " (exact " + reference[i] + "), got " + g[i]);
            }
        }
    }

    private static List<Tensor> run(Graph g, List<Output> fetches, Map<Output, Tensor> feeds) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.run(fetches, feeds);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void matMulWithTransposesAndBiasAddAndRelu(DType dtype) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Tensor a = random(dtype, 7, 33);  // used transposed: [33, 7]
        Tensor b = random(dtype, 5, 33);  // used transposed: [33, 5]
        Tensor bias = random(dtype, 5);
        Output pa = tf.placeholder(dtype, Shape.of(7, 33), "a");
        Output pb = tf.placeholder(dtype, Shape.of(5, 33), "b");
        Output pBias = tf.placeholder(dtype, Shape.of(5), "bias");
        Output product = tf.matmul(pa, pb, false, true);
        Output biased = tf.nn.biasAdd(product, pBias);
        Output relu = tf.nn.relu(biased);
        List<Tensor> r = run(g, List.of(product, biased, relu), Map.of(pa, a, pb, b, pBias, bias));

        double[] x = a.toDoubles();
        double[] y = b.toDoubles();
        double[] want = new double[7 * 5];
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 5; j++) {
                double sum = 0;
                for (int k = 0; k < 33; k++) {
                    sum += x[i * 33 + k] * y[j * 33 + k];
                }
                want[i * 5 + j] = sum;
            }
        }
        assertWithinOneStep("MatMul", dtype, want, r.get(0));
        // BiasAdd and Relu read the rounded product, as the graph hands it on.
        double[] p = r.get(0).toDoubles();
        double[] c = bias.toDoubles();
        double[] biasedWant = new double[p.length];
        double[] reluWant = new double[p.length];
        double[] biasedGot = r.get(1).toDoubles();
        for (int i = 0; i < p.length; i++) {
            biasedWant[i] = p[i] + c[i % 5];
            reluWant[i] = Math.max(0, biasedGot[i]);
        }
        assertWithinOneStep("BiasAdd", dtype, biasedWant, r.get(1));
        assertWithinOneStep("Relu", dtype, reluWant, r.get(2));
    }

    /** Geometry of a NHWC convolution with SAME padding as TensorFlow computes it. */
    private record Conv(int n, int h, int w, int c, int kh, int kw, int k, int stride) {
        int oh() {
            return (h + stride - 1) / stride;
        }

        int ow() {
            return (w + stride - 1) / stride;
        }

        int padTop() {
            return Math.max(0, (oh() - 1) * stride + kh - h) / 2;
        }

        int padLeft() {
            return Math.max(0, (ow() - 1) * stride + kw - w) / 2;
        }

        /**
         * One loop over every (output, tap) pair: out += x * f, and for the backward pass dx += dy * f and
         * df += dy * x, the same products in the other directions.
         */
        void visit(double[] x, double[] f, double[] out, double[] dy, double[] dx, double[] df) {
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < oh(); oy++) {
                    for (int ox = 0; ox < ow(); ox++) {
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * stride + ky - padTop();
                                int ix = ox * stride + kx - padLeft();
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    continue;
                                }
                                for (int ci = 0; ci < c; ci++) {
                                    int xi = ((b * h + iy) * w + ix) * c + ci;
                                    for (int co = 0; co < k; co++) {
                                        int fi = ((ky * kw + kx) * c + ci) * k + co;
                                        int oi = ((b * oh() + oy) * ow() + ox) * k + co;
                                        out[oi] += x[xi] * f[fi];
                                        dx[xi] += dy[oi] * f[fi];
                                        df[fi] += dy[oi] * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void conv2dAndItsTwoBackpropsAsTheirGradients(DType dtype) {
        Conv geo = new Conv(2, 9, 8, 3, 3, 3, 4, 2);
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Tensor x = random(dtype, geo.n, geo.h, geo.w, geo.c);
        Tensor f = random(dtype, geo.kh, geo.kw, geo.c, geo.k);
        Tensor dy = random(dtype, geo.n, geo.oh(), geo.ow(), geo.k);
        Output px = tf.placeholder(dtype, x.shape(), "x");
        Output pf = tf.placeholder(dtype, f.shape(), "f");
        Output pdy = tf.placeholder(dtype, dy.shape(), "dy");
        Output y = tf.nn.conv2d(px, pf, new int[] {1, geo.stride, geo.stride, 1}, "SAME");
        List<Output> grads = tf.gradients(List.of(y), List.of(px, pf), List.of(pdy), List.of());
        assertEquals("Conv2DBackpropInput", grads.get(0).op().type());
        assertEquals("Conv2DBackpropFilter", grads.get(1).op().type());
        List<Tensor> r = run(g, List.of(y, grads.get(0), grads.get(1)), Map.of(px, x, pf, f, pdy, dy));

        double[] out = new double[(int) dy.shape().numElements()];
        double[] dx = new double[(int) x.shape().numElements()];
        double[] df = new double[(int) f.shape().numElements()];
        geo.visit(x.toDoubles(), f.toDoubles(), out, dy.toDoubles(), dx, df);
        assertWithinOneStep("Conv2D", dtype, out, r.get(0));
        assertWithinOneStep("Conv2DBackpropInput", dtype, dx, r.get(1));
        assertWithinOneStep("Conv2DBackpropFilter", dtype, df, r.get(2));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void gradientsOfBiasAddAndReluAndBatchMatMul(DType dtype) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Tensor v = random(dtype, 6, 4);
        Tensor bias = random(dtype, 4);
        Tensor dy = random(dtype, 6, 4);
        Output pv = tf.placeholder(dtype, v.shape(), "v");
        Output pBias = tf.placeholder(dtype, bias.shape(), "bias");
        Output pdy = tf.placeholder(dtype, dy.shape(), "dy");
        Output act = tf.nn.relu(tf.nn.biasAdd(pv, pBias));
        List<Output> grads = tf.gradients(List.of(act), List.of(pv, pBias), List.of(pdy), List.of());
        Tensor s = random(dtype, 3, 4, 5);
        Tensor t = random(dtype, 3, 5, 2);
        Output ps = tf.placeholder(dtype, s.shape(), "s");
        Output pt = tf.placeholder(dtype, t.shape(), "t");
        Output batched = tf.matmul(ps, pt);
        List<Tensor> r = run(g, List.of(grads.get(0), grads.get(1), batched),
                Map.of(pv, v, pBias, bias, pdy, dy, ps, s, pt, t));

        double[] vv = v.toDoubles();
        double[] bb = bias.toDoubles();
        double[] d = dy.toDoubles();
        double[] dv = new double[24];
        double[] db = new double[4];
        for (int i = 0; i < 24; i++) {
            // The pre-activation is rounded to 16 bits before Relu looks at its sign.
            float pre = HalfFloats.widen(dtype, HalfFloats.narrow(dtype, (float) (vv[i] + bb[i % 4])));
            dv[i] = pre > 0 ? d[i] : 0;
        }
        for (int i = 0; i < 24; i++) {
            db[i % 4] += HalfFloats.widen(dtype, HalfFloats.narrow(dtype, (float) dv[i]));
        }
        assertWithinOneStep("ReluGrad", dtype, dv, r.get(0));
        assertWithinOneStep("BiasAddGrad", dtype, db, r.get(1));

        double[] ss = s.toDoubles();
        double[] tt = t.toDoubles();
        double[] want = new double[3 * 4 * 2];
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 2; j++) {
                    for (int k = 0; k < 5; k++) {
                        want[(b * 4 + i) * 2 + j] += ss[(b * 4 + i) * 5 + k] * tt[(b * 5 + k) * 2 + j];
                    }
                }
            }
        }
        assertWithinOneStep("BatchMatMulV2", dtype, want, r.get(2));
    }
}
