package dev.tensorgraph.cpu;

/**
 * The typed inner loops of the reductions over an [outer, r, inner] view of the input: reducing the last
 * axis ({@code inner == 1}) runs one accumulator per output, reducing leading axes accumulates whole rows
 * (vectorizable). float32 sums accumulate in double. One copy per storage type.
 */
final class ReductionLoops {
    static final int SUM = 0;
    static final int PROD = 1;
    static final int MAX = 2;
    static final int MIN = 3;

    private ReductionLoops() {}

//# let Name float=Float double=Double int=Int long=Long
//# let Sum float=double double=double int=int long=long
//# let LOWEST float=Float.NEGATIVE_INFINITY double=Double.NEGATIVE_INFINITY int=Integer.MIN_VALUE long=Long.MIN_VALUE
//# let HIGHEST float=Float.POSITIVE_INFINITY double=Double.POSITIVE_INFINITY int=Integer.MAX_VALUE long=Long.MAX_VALUE
//# for float double int long
    /** out[a,b] = op over r of in[a,r,b]; in and out are distinct arrays. */
    static void reduce(${T}[] in, ${T}[] out, int outer, int r, int inner, int op) {
        if (r == 0) {
            java.util.Arrays.fill(out, 0, outer * inner, identity${Name}(op));
            return;
        }
        if (inner == 1) {
            for (int a = 0; a < outer; a++) {
                int base = a * r;
                switch (op) {
                    case SUM -> {
                        ${Sum} s = 0;
                        for (int i = base; i < base + r; i++) {
                            s += in[i];
                        }
                        out[a] = (${T}) s;
                    }
                    case PROD -> {
                        ${T} s = 1;
                        for (int i = base; i < base + r; i++) {
                            s *= in[i];
                        }
                        out[a] = s;
                    }
                    case MAX -> {
                        ${T} s = ${LOWEST};
                        for (int i = base; i < base + r; i++) {
                            s = Math.max(s, in[i]);
                        }
                        out[a] = s;
                    }
                    default -> {
                        ${T} s = ${HIGHEST};
                        for (int i = base; i < base + r; i++) {
                            s = Math.min(s, in[i]);
                        }
                        out[a] = s;
                    }
                }
            }
            return;
        }
        for (int a = 0; a < outer; a++) {
            int ob = a * inner;
            System.arraycopy(in, a * r * inner, out, ob, inner);
            for (int k = 1; k < r; k++) {
                int ib = (a * r + k) * inner - ob;
                switch (op) {
                    case SUM -> {
                        for (int b = ob; b < ob + inner; b++) {
                            out[b] += in[ib + b];
                        }
                    }
                    case PROD -> {
                        for (int b = ob; b < ob + inner; b++) {
                            out[b] *= in[ib + b];
                        }
                    }
                    case MAX -> {
                        for (int b = ob; b < ob + inner; b++) {
                            out[b] = Math.max(out[b], in[ib + b]);
                        }
                    }
                    default -> {
                        for (int b = ob; b < ob + inner; b++) {
                            out[b] = Math.min(out[b], in[ib + b]);
                        }
                    }
                }
            }
        }
    }

    static ${T} identity${Name}(int op) {
        return switch (op) {
            case SUM -> 0;
            case PROD -> 1;
            case MAX -> ${LOWEST};
            default -> ${HIGHEST};
        };
    }

    /** Index of the first largest ({@code max}) or smallest element along r, for each (a, b). */
    static void argReduce(${T}[] in, int[] out, int outer, int r, int inner, boolean max) {
        for (int a = 0; a < outer; a++) {
            for (int b = 0; b < inner; b++) {
                int base = a * r * inner + b;
                ${T} best = in[base];
                int bestIdx = 0;
                for (int k = 1; k < r; k++) {
                    ${T} v = in[base + k * inner];
                    if (max ? v > best : v < best) {
                        best = v;
                        bestIdx = k;
                    }
                }
                out[a * inner + b] = bestIdx;
            }
        }
    }

//# end
    /** Any ({@code any}) or All over r for each (a, b). */
    static void reduce(boolean[] in, boolean[] out, int outer, int r, int inner, boolean any) {
        for (int a = 0; a < outer; a++) {
            for (int b = 0; b < inner; b++) {
                int base = a * r * inner + b;
                boolean v = !any;
                for (int k = 0; k < r; k++) {
                    if (in[base + k * inner] == any) {
                        v = any;
                        break;
                    }
                }
                out[a * inner + b] = v;
            }
        }
    }
}
