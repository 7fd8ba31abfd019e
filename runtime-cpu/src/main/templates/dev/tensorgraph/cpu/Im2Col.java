package dev.tensorgraph.cpu;

import java.util.Arrays;

/**
 * Patch matrices of an NHWC image batch: row {@code r} (an output position {@code (n, oy, ox)} in row-major
 * order) holds the {@code kh * kw * c} input values under the window, zeros where the window hangs over the
 * padding, in the filter's {@code [kh, kw, c]} order, so that conv = patches x filter[kh*kw*c, o].
 * {@code col2im} is the transpose: it adds a patch matrix back into the image.
 */
final class Im2Col {
    private Im2Col() {}

    /**
     * Transposed patches: {@code colT[p * (r1 - r0) + (r - r0)]} holds tap {@code p} of output position
     * {@code r}, so a product with the filter can vectorize over output positions when channels are few.
     */
    static void im2colT(NnGeometry g, float[] x, int r0, int r1, float[] colT) {
        int c = g.c();
        int rows = r1 - r0;
        int ohw = g.oh() * g.ow();
        for (int r = r0; r < r1; r++) {
            int n = r / ohw;
            int rem = r - n * ohw;
            int oy = rem / g.ow();
            int ox = rem - oy * g.ow();
            int col = r - r0;
            int p = 0;
            for (int ky = 0; ky < g.kh(); ky++) {
                int iy = oy * g.sh() - g.padTop() + ky * g.dh();
                boolean rowIn = iy >= 0 && iy < g.h();
                for (int kx = 0; kx < g.kw(); kx++) {
                    int ix = ox * g.sw() - g.padLeft() + kx * g.dw();
                    if (rowIn && ix >= 0 && ix < g.w()) {
                        int xo = ((n * g.h() + iy) * g.w() + ix) * c;
                        for (int j = 0; j < c; j++) {
                            colT[(p + j) * rows + col] = x[xo + j];
                        }
                    } else {
                        for (int j = 0; j < c; j++) {
                            colT[(p + j) * rows + col] = 0f;
                        }
                    }
                    p += c;
                }
            }
        }
    }
//# for float double

    /** Writes patch rows {@code [r0, r1)} into {@code col} (row {@code r} at {@code (r - r0) * K}). */
    static void im2col(NnGeometry g, ${T}[] x, int r0, int r1, ${T}[] col) {
        int c = g.c();
        int kw = g.kw();
        int k = g.kh() * kw * c;
        int ohw = g.oh() * g.ow();
        for (int r = r0; r < r1; r++) {
            int n = r / ohw;
            int rem = r - n * ohw;
            int oy = rem / g.ow();
            int ox = rem - oy * g.ow();
            int iy0 = oy * g.sh() - g.padTop();
            int ix0 = ox * g.sw() - g.padLeft();
            int q = (r - r0) * k;
            for (int ky = 0; ky < g.kh(); ky++) {
                int iy = iy0 + ky * g.dh();
                if (iy < 0 || iy >= g.h()) {
                    Arrays.fill(col, q, q + kw * c, 0);
                    q += kw * c;
                    continue;
                }
                int rowBase = (n * g.h() + iy) * g.w();
                if (g.dw() == 1 && ix0 >= 0 && ix0 + kw <= g.w()) {
                    System.arraycopy(x, (rowBase + ix0) * c, col, q, kw * c);
                    q += kw * c;
                    continue;
                }
                for (int kx = 0; kx < kw; kx++) {
                    int ix = ix0 + kx * g.dw();
                    if (ix < 0 || ix >= g.w()) {
                        Arrays.fill(col, q, q + c, 0);
                    } else {
                        System.arraycopy(x, (rowBase + ix) * c, col, q, c);
                    }
                    q += c;
                }
            }
        }
    }

    /** Adds patch rows {@code [r0, r1)} of {@code col} into the image {@code dx}. */
    static void col2im(NnGeometry g, ${T}[] col, int r0, int r1, ${T}[] dx) {
        int c = g.c();
        int kw = g.kw();
        int k = g.kh() * kw * c;
        int ohw = g.oh() * g.ow();
        for (int r = r0; r < r1; r++) {
            int n = r / ohw;
            int rem = r - n * ohw;
            int oy = rem / g.ow();
            int ox = rem - oy * g.ow();
            int iy0 = oy * g.sh() - g.padTop();
            int ix0 = ox * g.sw() - g.padLeft();
            int q = (r - r0) * k;
            for (int ky = 0; ky < g.kh(); ky++) {
                int iy = iy0 + ky * g.dh();
                if (iy < 0 || iy >= g.h()) {
                    q += kw * c;
                    continue;
                }
                int rowBase = (n * g.h() + iy) * g.w();
                if (g.dw() == 1 && ix0 >= 0 && ix0 + kw <= g.w()) {
                    int d = (rowBase + ix0) * c;
                    int len = kw * c;
                    for (int j = 0; j < len; j++) {
                        dx[d + j] += col[q + j];
                    }
                    q += len;
                    continue;
                }
                for (int kx = 0; kx < kw; kx++) {
                    int ix = ix0 + kx * g.dw();
                    if (ix >= 0 && ix < g.w()) {
                        int d = (rowBase + ix) * c;
                        for (int j = 0; j < c; j++) {
                            dx[d + j] += col[q + j];
                        }
                    }
                    q += c;
                }
            }
        }
    }
//# end
}
