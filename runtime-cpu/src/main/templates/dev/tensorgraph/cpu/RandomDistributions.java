package dev.tensorgraph.cpu;

/**
 * TensorFlow's random distributions over {@link Philox} output ({@code random_distributions.h}) and the
 * CPU fill loops that lay them out ({@code FillPhiloxRandomTask}): uniform floats from 23 random mantissa
 * bits, uniform doubles from 52, Box-Muller normals in pairs, truncated normals by rejection with a fixed
 * budget of 256 blocks per output group, and integers by unsigned modulo.
 */
final class RandomDistributions {
    /** Blocks reserved per output group by sampling distributions (TensorFlow's kReservedSamplesPerOutput). */
    static final int RESERVED_SAMPLES_PER_OUTPUT = 256;
    private static final float EPS_F = 1.0e-7f;
    private static final double EPS_D = 1.0e-7;
    private static final float TRUNCATE = 2.0f;

    private RandomDistributions() {}

    /** A float in [0, 1): exponent 127, 23 random mantissa bits, minus one. */
    static float uint32ToFloat(int x) {
        return Float.intBitsToFloat((x & 0x7fffff) | 0x3f800000) - 1.0f;
    }

    /** A double in [0, 1): the low 20 bits of {@code x0} and all of {@code x1} as the mantissa. */
    static double uint64ToDouble(int x0, int x1) {
        long man = ((long) (x0 & 0xfffff) << 32) | (x1 & 0xffffffffL);
        return Double.longBitsToDouble((1023L << 52) | man) - 1.0;
    }

    /** Two standard normals from two 32-bit values, in float arithmetic as TensorFlow's BoxMullerFloat. */
    static void boxMullerFloat(int x0, int x1, float[] out, int at) {
        float u1 = uint32ToFloat(x0);
        if (u1 < EPS_F) {
            u1 = EPS_F;
        }
        float v1 = (float) (2.0 * Math.PI * uint32ToFloat(x1));
        float u2 = (float) Math.sqrt(-2.0f * (float) Math.log(u1));
        out[at] = (float) Math.sin(v1) * u2;
        out[at + 1] = (float) Math.cos(v1) * u2;
    }

    /** Two standard normals from four 32-bit values, as TensorFlow's BoxMullerDouble. */
    static void boxMullerDouble(int x0, int x1, int x2, int x3, double[] out, int at) {
        double u1 = uint64ToDouble(x0, x1);
        if (u1 < EPS_D) {
            u1 = EPS_D;
        }
        double v1 = 2 * Math.PI * uint64ToDouble(x2, x3);
        double u2 = Math.sqrt(-2.0 * Math.log(u1));
        out[at] = Math.sin(v1) * u2;
        out[at + 1] = Math.cos(v1) * u2;
    }

    // ---- fills: each group of outputs takes one 128-bit block, in order ----

    static void uniform(Philox gen, float[] out, int n) {
        int[] s = new int[4];
        for (int i = 0; i < n; i += 4) {
            gen.next(s);
            int m = Math.min(4, n - i);
            for (int j = 0; j < m; j++) {
                out[i + j] = uint32ToFloat(s[j]);
            }
        }
    }

    static void uniform(Philox gen, double[] out, int n) {
        int[] s = new int[4];
        for (int i = 0; i < n; i += 2) {
            gen.next(s);
            out[i] = uint64ToDouble(s[0], s[1]);
            if (i + 1 < n) {
                out[i + 1] = uint64ToDouble(s[2], s[3]);
            }
        }
    }

    static void normal(Philox gen, float[] out, int n) {
        int[] s = new int[4];
        float[] g = new float[4];
        for (int i = 0; i < n; i += 4) {
            gen.next(s);
            boxMullerFloat(s[0], s[1], g, 0);
            boxMullerFloat(s[2], s[3], g, 2);
            int m = Math.min(4, n - i);
            System.arraycopy(g, 0, out, i, m);
        }
    }

    static void normal(Philox gen, double[] out, int n) {
        int[] s = new int[4];
        double[] g = new double[2];
        for (int i = 0; i < n; i += 2) {
            gen.next(s);
            boxMullerDouble(s[0], s[1], s[2], s[3], g, 0);
            out[i] = g[0];
            if (i + 1 < n) {
                out[i + 1] = g[1];
            }
        }
    }

//# let GROUP float=4 double=2
//# for float double
    /**
     * Normals with |x| < 2 by rejection, as TensorFlow's TruncatedNormalDistribution: groups of 4 floats
     * (one candidate pair from 2 uint32) or 2 doubles (one pair from 4 uint32). Group {@code k} starts at
     * block {@code k * 256} (floats) or {@code k * 128} (doubles) of {@code base}, so the values do not depend
     * on how many candidates earlier groups rejected.
     */
    static void truncatedNormal(Philox base, ${T}[] out, int n) {
        SingleSample single = new SingleSample();
        ${T}[] pair = new ${T}[2];
        long skipPerGroup = ${GROUP}L * RESERVED_SAMPLES_PER_OUTPUT / 4;
        for (int group = 0, i = 0; i < n; group++, i += ${GROUP}) {
            Philox gen = base.copy();
            gen.skip(group * skipPerGroup);
            single.reset(gen);
            int m = Math.min(${GROUP}, n - i);
            int filled = 0;
            while (filled < ${GROUP}) {
                int x0 = single.next();
                int x1 = single.next();
//# if float
                boxMullerFloat(x0, x1, pair, 0);
//# else
                int x2 = single.next();
                int x3 = single.next();
                boxMullerDouble(x0, x1, x2, x3, pair, 0);
//# end
                for (int k = 0; k < 2 && filled < ${GROUP}; k++) {
                    if (Math.abs(pair[k]) < TRUNCATE) {
                        if (filled < m) {
                            out[i + filled] = pair[k];
                        }
                        filled++;
                    }
                }
            }
        }
    }

//# end
    /** Integers in [lo, hi): {@code lo + (x mod (hi - lo))} with the range unsigned, one uint32 each. */
    static void uniformInt(Philox gen, int[] out, int n, int lo, int hi) {
        int range = hi - lo;
        int[] s = new int[4];
        for (int i = 0; i < n; i += 4) {
            gen.next(s);
            int m = Math.min(4, n - i);
            for (int j = 0; j < m; j++) {
                out[i + j] = lo + Integer.remainderUnsigned(s[j], range);
            }
        }
    }

    /** 64-bit integers in [lo, hi), two uint32 (low word first) per value. */
    static void uniformInt(Philox gen, long[] out, int n, long lo, long hi) {
        long range = hi - lo;
        int[] s = new int[4];
        for (int i = 0; i < n; i += 2) {
            gen.next(s);
            long b0 = (s[0] & 0xffffffffL) | ((long) s[1] << 32);
            out[i] = lo + Long.remainderUnsigned(b0, range);
            if (i + 1 < n) {
                long b1 = (s[2] & 0xffffffffL) | ((long) s[3] << 32);
                out[i + 1] = lo + Long.remainderUnsigned(b1, range);
            }
        }
    }

    /** Hands out a generator's 32-bit outputs one at a time (TensorFlow's SingleSampleAdapter). */
    static final class SingleSample {
        private final int[] buf = new int[4];
        private Philox gen;
        private int used = 4;

        SingleSample() {}

        SingleSample(Philox gen) {
            reset(gen);
        }

        void reset(Philox g) {
            this.gen = g;
            this.used = 4;
        }

        int next() {
            if (used == 4) {
                gen.next(buf);
                used = 0;
            }
            return buf[used++];
        }
    }
}
