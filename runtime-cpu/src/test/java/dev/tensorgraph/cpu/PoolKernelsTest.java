package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pooling loops against a per-element reference. */
class PoolKernelsTest {
    private static NnGeometry geometry(int n, int h, int w, int c, int k, int s, String padding) {
        NnGeometry.Attrs a = new NnGeometry.Attrs(false, s, s, 1, 1, padding, new int[4]);
        return NnGeometry.of(Shape.of(n, h, w, c), k, k, c, a, "test");
    }

    @Test
    void maxAndAvgMatchReference() {
        int[][] cases = {{2, 7, 7, 3, 2, 2}, {1, 5, 6, 2, 3, 2}, {2, 9, 9, 4, 3, 1}};
        Random r = new Random(3);
        for (int[] cs : cases) {
            for (String padding : new String[] {"SAME", "VALID"}) {
                NnGeometry g = geometry(cs[0], cs[1], cs[2], cs[3], cs[4], cs[5], padding);
                float[] x = new float[g.n() * g.h() * g.w() * g.c()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextFloat() * 2 - 1;
                }
                float[] max = new float[g.n() * g.oh() * g.ow() * g.c()];
                float[] avg = new float[max.length];
                PoolLoops.forwardRows(g, x, max, 0, g.n() * g.oh(), 0);
                PoolLoops.forwardRows(g, x, avg, 0, g.n() * g.oh(), 1);
                for (int n = 0; n < g.n(); n++) {
                    for (int oy = 0; oy < g.oh(); oy++) {
                        for (int ox = 0; ox < g.ow(); ox++) {
                            for (int ch = 0; ch < g.c(); ch++) {
                                double m = Double.NEGATIVE_INFINITY;
                                double s = 0;
                                int cnt = 0;
                                for (int ky = 0; ky < g.kh(); ky++) {
                                    for (int kx = 0; kx < g.kw(); kx++) {
                                        int iy = oy * g.sh() - g.padTop() + ky;
                                        int ix = ox * g.sw() - g.padLeft() + kx;
                                        if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                            double v = x[((n * g.h() + iy) * g.w() + ix) * g.c() + ch];
                                            m = Math.max(m, v);
                                            s += v;
                                            cnt++;
                                        }
                                    }
                                }
                                int o = ((n * g.oh() + oy) * g.ow() + ox) * g.c() + ch;
                                assertEquals(m, max[o], 1e-6, "max " + padding);
                                assertEquals(s / cnt, avg[o], 1e-5, "avg " + padding);
                            }
                        }
                    }
                }
            }
        }
    }
}
