package dev.tensorgraph.cpu;

import dev.tensorgraph.errors.InternalException;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float matrix products with the JDK's vector API ({@code jdk.incubator.vector}), used instead of
 * {@link JavaSgemm} when that module is in the boot layer ({@code --add-modules jdk.incubator.vector};
 * {@code scripts/tensorgraph} adds it where no native BLAS is installed); see
 * {@link Gemm#vectorApiAvailable()}. Without the module this class must not be touched at all: loading it
 * loads the vector API.
 *
 * <p>The layout is the usual one of BLAS libraries: blocks of op(B) ({@link #KC} x {@link #NC}) and of op(A)
 * ({@link #MC} x KC) are copied into panels that the micro-kernel reads in order, {@link #MR} rows of A
 * by four vectors' worth of columns of B, with 20 vector accumulators that stay in registers for a
 * whole block of the shared dimension (on AVX-512, 20 of the 32 registers; per step it loads four vectors of
 * B and broadcasts five values of A for 20 fused multiply-adds). Transposes cost nothing beyond the
 * copies. Products of few rows read an untransposed A where it lies ({@link InPlaceAKernel}). Like
 * {@link VectorConv}'s, the kernel's result is stored through a vector of known type, which keeps
 * C2 from boxing the accumulators as long as the process uses one float species ({@link FloatSumVectors} says why;
 * {@code VectorSpeciesTest} keeps the runtime to one).
 */
final class VectorSgemm {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /**
     * Rows of C per micro-kernel call: with four vectors a row, 20 accumulators of the 32 AVX-512 registers. Six
     * rows (24 accumulators) ran either at about 205 or at about 150 GFLOP/s a core on a Zen 5, by the luck of the
     * compile: two identical copies of the kernel in one JVM often landed one in each mode, and W2 moved between 240
     * and 330 GFLOP/s from one JVM to the next. Five rows ran at 180-208 in 27 of 28 compiles, W2 at 298-353 in 12
     * of 13 JVMs.
     */
    static final int MR = 5;
    /** Columns of C per micro-kernel call: four vectors. */
    static final int NR = 4 * LANES;
    /**
     * Shared-dimension block. C is read and written once per block, so fewer blocks save its traffic: on a Zen 5,
     * 1024 against 256 took W2's product from 340-358 to 348-377 GFLOP/s on two threads (alternated in one JVM)
     * and W3's five products from 1216-1262 to 1157-1203 us a step, most of it in [128,784]x[784,512], now one block.
     * One B micro-panel (KC x NR: 256 KB at 512 bits) and one A block (MC x KC: 400 KB) then share the second-level
     * cache, which is at least 1 MB on every server core with 512-bit vectors; with narrower vectors, where that
     * cache may be 256 KB, the block stays at 256.
     */
    static final int KC = LANES >= 16 ? 1024 : 256;
    /** Rows of A per packed block (a multiple of MR): the packed A block fits the second-level cache. */
    private static final int MC = 100;
    /** Columns of B per packed block. */
    private static final int NC = 1024;
    /**
     * How {@link #tiles} is told where op(A) lies: copied into panels (this value); read in place with its rows
     * {@code lda > 0} apart (an untransposed A); or, for {@code lda < 0}, read in place as the transpose of an A
     * whose rows are {@code -lda} apart, each step of the shared dimension a row of A (see
     * {@link #readsTransposedAInPlace}).
     */
    private static final int PACKED = 0;
    /**
     * The deepest product split by columns whose transposed A is read in place ({@link #readsTransposedAInPlace}):
     * a tile reads one line of A per step, which the next two tiles read again from the first-level cache only while
     * a tile's lines fit there.
     */
    private static final int TRANSPOSED_IN_PLACE_MAX_DEPTH = 256;
    /**
     * Products split by columns copy op(A) once, all threads together (see {@link #sharingA}), where a block of it
     * fits SHARED_A_ROWS x KC floats (1 MB at 512-bit vectors): always with at most this many rows.
     */
    private static final int SHARED_A_ROWS = 255;
    /** Floats in the shared copy of op(A): a block of SHARED_A_ROWS rows, or of more rows over a shorter depth. */
    private static final int SHARED_A_LENGTH = (SHARED_A_ROWS + MR - 1) / MR * MR * KC;
    /**
     * The shortest shared dimension at which a product with at least as many rows as columns is split by columns for
     * its shared copy of op(A) (see {@link #splitsByColumns}).
     */
    private static final int COLUMN_SPLIT_MIN_DEPTH = 128;
    /** Row tiles of op(A) a thread copies into the shared copy at a time (see {@link Parallel#forChunks}). */
    private static final int PACK_GRAIN_TILES = 8;
    /** Below this many multiply-adds a product stays on the calling thread. */
    private static final long MIN_PARALLEL_WORK = 1L << 18;

    /**
     * Buffers of the thread running a product (a thread runs one product at a time): packed B, packed A, an edge tile
     * of C, and the zero-padded last rows of an op(A) read in place.
     */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(
            () -> new float[][] {new float[KC * ((NC + NR - 1) / NR) * NR], new float[MC * KC], new float[MR * NR],
                new float[MR * KC]});

    /** The copy of op(A) the threads of a product share, owned by the thread that calls {@link #sharingA}. */
    private static final ThreadLocal<float[]> SHARED_A = ThreadLocal.withInitial(() -> new float[SHARED_A_LENGTH]);

    private VectorSgemm() {}

    /**
     * Whether this kernel beats an OpenBLAS held to 256-bit kernels on a product of this size (see
     * {@link NativeBlas#narrowerThanVectors()}): with every dimension at least 128. On a Zen 5, W3's five products
     * ([128,784]x[784,512] and its gradients down to [128,512]^T x [128,256]) ran at 185-300 GFLOP/s on two threads
     * here against 150-200 in OpenBLAS. Skinnier products (W5's dense layers at batch 16) stay with OpenBLAS:
     * with every product here W5 took 1199 against 551 ms a step.
     */
    static boolean outrunsNarrowBlas(int m, int n, int k) {
        return m >= 128 && n >= 128 && k >= 128;
    }

    /** Floats per vector of the species the kernels use. */
    static int lanes() {
        return LANES;
    }

    /**
     * As {@link JavaSgemm#multiply}: {@code C[m,n] (+)= op(A) op(B)}, split over the threads by columns of C when C
     * has fewer rows than columns or op(A) fits one shared copy, else by rows. Every part reads the whole of the
     * other operand, which the threads copy into panels together ({@link #sharingB}, {@link #sharingA}), except where
     * a product split by columns has too much of op(A) for one shared copy: each part then copies it. With the
     * copies shared, W3's five products took 952-1071 against 1009-1082 us a step on a Zen 5 (alternated in one JVM;
     * [128,512]x[512,256]: 115-149 against 127-165 us).
     *
     * <p>The copies and the parts that share them run in chunks ({@link Parallel#forChunks}): a thread done with its
     * share takes chunks from the end of another's, which keeps a core the host runs slower from holding up the
     * product. On a Zen 5 VM whose second core ran W2's half 10-15% slower, chunks handed out from one counter took
     * W2's product from 292 to 316 GFLOP/s (medians, alternated in one JVM); with the cores equally fast, W2 with
     * stealing ran at 339 and 343 against 340 and 341 in two JVMs. Parts that each copy op(A) keep the static split,
     * since a chunk taken over would copy it again.
     */
    static void multiply(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                         float[] c, int cOff, boolean accumulate, int threads) {
        multiply(ta, tb, m, n, k, 1f, a, aOff, b, bOff, accumulate ? 1f : 0f, c, cOff, threads);
    }

    /**
     * {@code C[m,n] = alpha op(A) op(B) + beta C}, as BLAS's sgemm (with {@code beta = 0} C is overwritten, never
     * read). Alpha is applied to an untransposed A as it is copied into panels and to B where A is transposed
     * ({@link #readsTransposedAInPlace}), so each element is {@code sum(alpha a b)} rather than {@code alpha sum(a b)}:
     * the two differ in the last bits.
     */
    static void multiply(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, float[] b,
                         int bOff, float beta, float[] c, int cOff, int threads) {
        multiply(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, threads, null);
    }

    /**
     * As above, then {@code finish} (when not null) on each part of C by the thread that computed it, right after
     * it: a part is a block of rows or of columns, still in that core's cache.
     */
    static void multiply(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, float[] b,
                         int bOff, float beta, float[] c, int cOff, int threads, ProductFinisher finish) {
        multiply(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, threads, finish, null, null);
    }

    /**
     * As above, with op(A) or op(B) already copied into panels by {@link SgemmPanels#packWholeA} or {@link
     * SgemmPanels#packWholeB} where {@code packedA} or {@code packedB} is not null: that operand's own array is not
     * read, where the product would copy it, and the factor its copy takes must be 1 (see {@link #alphaOfA}).
     */
    static void multiply(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, float[] b,
                         int bOff, float beta, float[] c, int cOff, int threads, ProductFinisher finish,
                         float[] packedA, float[] packedB) {
        if (packedB != null && alphaOfB(ta, alpha) != 1f || packedA != null && alphaOfA(ta, alpha) != 1f) {
            throw new InternalException("a packed operand holds it unscaled, but this product scales it by " + alpha);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(c, cOff, n, 0, m, 0, n, beta);
            if (finish != null) {
                finish.finish(0, m, 0, n);
            }
            return;
        }
        long work = (long) m * n * k;
        int rowTiles = (m + MR - 1) / MR;
        int columnPanels = (n + NR - 1) / NR;
        boolean sharedAFits = sharedAFits(m, k);
        boolean byColumns = splitsByColumns(m, n, k);
        int parts = work < MIN_PARALLEL_WORK ? 1 : Math.max(1, Math.min(threads, byColumns ? columnPanels : rowTiles));
        // Parts start at multiples of MR rows (NR columns) so that every part but the last has whole micro-tiles.
        if (parts == 1) {
            part(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, 0, m, 0, n, finish, packedA, packedB);
        } else if (byColumns && sharedAFits) {
            sharingA(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, parts, finish, packedA, packedB);
        } else if (byColumns) {
            Parallel.forRange(columnPanels, parts, (p0, p1) -> part(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta,
                    c, cOff, 0, m, p0 * NR, Math.min(n, p1 * NR), finish, packedA, packedB));
        } else {
            sharingB(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, parts, finish, packedA, packedB);
        }
    }

    /**
     * Whether a product is split over the threads by columns of C rather than by rows: where C has at least two panels
     * of columns and either fewer rows than columns, or an op(A) that fits one shared copy over a shared dimension of
     * at least {@link #COLUMN_SPLIT_MIN_DEPTH}.
     *
     * <p>With op(A) in one shared copy, a split by columns gives each thread the same columns of a weight matrix in its
     * gradient's update as in the forward product that reads it: the matrix stays in that core's cache instead of
     * crossing to the other. W3 switched between the two every 300 steps in one JVM on a Zen 5, medians of three JVMs:
     * 601-623 against 577-594 steps/s. But a split by columns also leaves in every row of C one cache line that both
     * threads write, since a Java array's elements do not start on a line: [128,32]x[32,128] on two threads took 26 us
     * or 12 us as C started 4 floats apart. Over a short shared dimension those lines cost more than the arithmetic
     * between them, and a tall C has many: on two threads of a Zen 5, split by rows against by columns,
     * [1000,10]x[10,512] 75 against 191-207 us, [64,2704]^T x [64,128] plus C (a dense layer's update at batch 64)
     * 172-235 against 296-303 us, [32,4096]^T x [32,512] plus C 470-494 against 616-668 us, [1024,16]x[16,1024]
     * 189-232 against 281-291 us; at a depth of 128 (W3's updates) the two ran alike.
     */
    static boolean splitsByColumns(int m, int n, int k) {
        return (n + NR - 1) / NR >= 2 && (m < n || (sharedAFits(m, k) && k >= COLUMN_SPLIT_MIN_DEPTH));
    }

    /** Whether op(A), all m rows over one block of the shared dimension, fits {@link #SHARED_A}'s copy. */
    private static boolean sharedAFits(int m, int k) {
        return (long) (m + MR - 1) / MR * MR * Math.min(k, KC) <= SHARED_A_LENGTH;
    }

    /**
     * A product split by rows whose blocks of op(B) the threads copy together, each a share of the panels, and then
     * all read: each would otherwise copy the whole of op(B).
     */
    private static void sharingB(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                                 float[] b, int bOff, float beta, float[] c, int cOff, int parts,
                                 ProductFinisher finish, float[] packedA, float[] packedB) {
        float[] bp = packedB != null ? packedB : BUFFERS.get()[0];
        int rowTiles = (m + MR - 1) / MR;
        float bAlpha = alphaOfB(ta, alpha);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                int col = jc;
                int depth = pc;
                int panels = packedB != null ? SgemmPanels.packedBOffset(n, depth, kc, col) : 0;
                if (packedB == null) {
                    Parallel.forChunks((nc + NR - 1) / NR, parts, 1, (q0, q1) -> SgemmPanels.packB(tb, n, k, bAlpha,
                            b, bOff, depth, kc, col, nc, q0, q1, bp));
                }
                Parallel.forChunks(rowTiles, parts, MC / MR, (t0, t1) -> {
                    int r0 = t0 * MR;
                    int r1 = Math.min(m, t1 * MR);
                    float[][] own = BUFFERS.get();
                    if (depth == 0 && beta != 0f) {
                        scale(c, cOff, n, r0, r1, col, col + nc, beta);
                    }
                    rows(ta, m, k, alpha, a, aOff, packedA, r0, r1, depth, kc, own, bp, panels, nc, c, cOff + col,
                            n, beta != 0f || depth > 0);
                    if (finish != null && depth + kc == k) {
                        finish.finish(r0, r1, col, col + nc);
                    }
                });
            }
        }
    }

    /**
     * A product of few rows split by columns: the threads copy each block of op(A), all of its rows, together, each
     * a share of the row panels, and then all read it; each would otherwise copy the whole of it.
     */
    private static void sharingA(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                                 float[] b, int bOff, float beta, float[] c, int cOff, int parts,
                                 ProductFinisher finish, float[] packedA, float[] packedB) {
        boolean inPlace = readsAInPlace(ta, m, alpha) || readsTransposedAInPlace(ta, k);
        float aAlpha = alphaOfA(ta, alpha);
        float bAlpha = alphaOfB(ta, alpha);
        float[] ap = inPlace ? null : packedA != null ? packedA : SHARED_A.get();
        int rowTiles = (m + MR - 1) / MR;
        int columnPanels = (n + NR - 1) / NR;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            int depth = pc;
            int apOff = packedA != null ? SgemmPanels.packedAOffset(m, depth, kc, 0) : 0;
            if (!inPlace && packedA == null) {
                Parallel.forChunks(rowTiles, parts, PACK_GRAIN_TILES, (t0, t1) -> SgemmPanels.packA(ta, m, k, aAlpha, a,
                        aOff, t0 * MR, Math.min(m, t1 * MR) - t0 * MR, depth, kc, ap, t0 * kc * MR));
            }
            Parallel.forChunks(columnPanels, parts, 1, (p0, p1) -> {
                int j0 = p0 * NR;
                int j1 = Math.min(n, p1 * NR);
                float[][] own = BUFFERS.get();
                if (depth == 0 && beta != 0f) {
                    scale(c, cOff, n, 0, m, j0, j1, beta);
                }
                for (int jc = j0; jc < j1; jc += NC) {
                    int nc = Math.min(NC, j1 - jc);
                    float[] bp = packedB != null ? packedB : own[0];
                    int panels = packedB != null ? SgemmPanels.packedBOffset(n, depth, kc, jc) : 0;
                    if (packedB == null) {
                        SgemmPanels.packB(tb, n, k, bAlpha, b, bOff, depth, kc, jc, nc, 0, (nc + NR - 1) / NR, bp);
                    }
                    boolean add = beta != 0f || depth > 0;
                    if (inPlace && ta) {
                        tiles(kc, a, aOff + depth * m, -m, m, bp, panels, nc, c, cOff + jc, n, own, add);
                    } else if (inPlace) {
                        tiles(kc, a, aOff + depth, k, m, bp, panels, nc, c, cOff + jc, n, own, add);
                    } else {
                        tiles(kc, ap, apOff, PACKED, m, bp, panels, nc, c, cOff + jc, n, own, add);
                    }
                }
                if (finish != null && depth + kc == k) {
                    finish.finish(0, m, j0, j1);
                }
            });
        }
    }

    private static void part(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                             float[] b, int bOff, float beta, float[] c, int cOff, int r0, int r1, int j0, int j1,
                             ProductFinisher finish, float[] packedA, float[] packedB) {
        block(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, r0, r1, j0, j1, packedA, packedB);
        if (finish != null) {
            finish.finish(r0, r1, j0, j1);
        }
    }

    /** C[r0, r1) x [j0, j1) *= beta; zeros it for beta = 0 whatever it held (NaN included). */
    private static void scale(float[] c, int cOff, int ldc, int r0, int r1, int j0, int j1, float beta) {
        if (beta == 1f) {
            return;
        }
        for (int r = r0; r < r1; r++) {
            int row = cOff + r * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row + j0, row + j1, 0f);
            } else {
                for (int j = j0; j < j1; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }

    /** Rows [r0, r1) and columns [j0, j1) of C. */
    private static void block(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                              float[] b, int bOff, float beta, float[] c, int cOff, int r0, int r1, int j0, int j1,
                              float[] packedA, float[] packedB) {
        float[][] buffers = BUFFERS.get();
        float[] bp = packedB != null ? packedB : buffers[0];
        float bAlpha = alphaOfB(ta, alpha);
        // A beta other than 0 and 1 scales this part of C once; the products are then added to it.
        boolean accumulate = beta != 0f;
        if (accumulate) {
            scale(c, cOff, n, r0, r1, j0, j1, beta);
        }
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                int panels = packedB != null ? SgemmPanels.packedBOffset(n, pc, kc, jc) : 0;
                if (packedB == null) {
                    SgemmPanels.packB(tb, n, k, bAlpha, b, bOff, pc, kc, jc, nc, 0, (nc + NR - 1) / NR, bp);
                }
                rows(ta, m, k, alpha, a, aOff, packedA, r0, r1, pc, kc, buffers, bp, panels, nc, c, cOff + jc, n,
                        accumulate || pc > 0);
            }
        }
    }

    /**
     * Whether the kernel reads op(A) where it lies instead of from a packed copy: for products of at most
     * {@link #SHARED_A_ROWS} rows of an untransposed A with alpha 1. The copy there is a pass of its own that both
     * threads wait for, and the rows of A are already what {@link InPlaceAKernel} reads. On a Zen 5, alternated in one
     * JVM, medians of ten rounds: {@code [128,784]x[784,512]} on two threads ran at 312 against 262 GFLOP/s. Larger
     * products keep the copy: read in place, 1000^3 ran at 305-333 against 334-357 GFLOP/s.
     */
    static boolean readsAInPlace(boolean ta, int m, float alpha) {
        return !ta && alpha == 1f && m <= SHARED_A_ROWS;
    }

    /**
     * The factor op(A)'s copy is scaled by: alpha for an untransposed A, 1 for a transposed one, whose alpha goes into
     * B's copy instead ({@link #alphaOfB}) so that A may be read in place with the same bits
     * ({@link #readsTransposedAInPlace}).
     */
    private static float alphaOfA(boolean ta, float alpha) {
        return ta ? 1f : alpha;
    }

    /** The factor op(B)'s copy is scaled by: alpha where A is transposed, else 1 (see {@link #alphaOfA}). */
    private static float alphaOfB(boolean ta, float alpha) {
        return ta ? alpha : 1f;
    }

    /**
     * Whether a product split by columns reads its transposed A in place rather than from the copy all threads
     * share ({@link #sharingA}): over a shared dimension of at most {@link #TRANSPOSED_IN_PLACE_MAX_DEPTH}. A tile's
     * rows of op(A) at one step are then five adjacent floats of a row of A, as in a panel, only a row of A apart
     * from one step to the next; alpha is in the copy of B either way, so both give the same bits. These are the
     * weight gradients of dense layers, {@code x^T dy} over a batch, mostly fused with their update. The shared copy
     * writes lines that the other core read in the product before, and reads what the other core wrote: on a Zen 5
     * whose two cores were on different third-level caches, the copy took 85 of the 430 us a {@code [784,512]}
     * weight's update at batch 128 took on two threads. Alternated in one JVM, medians of 20 rounds, in place against
     * the copy: that update 324 against 384 us, {@code [512,256]}'s 121 against 180; with the two cores on one
     * third-level cache 337 against 337 and 115 against 128. Products split by rows keep their copies, one per thread:
     * read in place, {@code [1024,1024]^T x [1024,1024]} over a depth of 128 took 867 against 845 us.
     */
    static boolean readsTransposedAInPlace(boolean ta, int k) {
        return ta && k <= TRANSPOSED_IN_PLACE_MAX_DEPTH;
    }

    /**
     * Whether a product with alpha 1 on two threads copies op(A) into panels (a copy kept across runs then saves work),
     * rather than reading it where it lies.
     */
    static boolean copiesA(boolean ta, int m, int n, int k) {
        return !readsAInPlace(ta, m, 1f)
                && !(splitsByColumns(m, n, k) && sharedAFits(m, k) && readsTransposedAInPlace(ta, k));
    }

    /**
     * Rows [r0, r1) of C at {@code co} (nc columns, rows {@code ldc} apart) against packed B, a block of MC rows of
     * op(A) at a time, each multiplied by every panel of B: op(A) read in place, or copied into {@code buffers[1]}.
     */
    private static void rows(boolean ta, int m, int k, float alpha, float[] a, int aOff, float[] packedA, int r0,
                             int r1, int pc, int kc, float[][] buffers, float[] bp, int bpOff, int nc, float[] c,
                             int co, int ldc, boolean add) {
        boolean inPlace = readsAInPlace(ta, m, alpha);
        for (int ic = r0; ic < r1; ic += MC) {
            int mc = Math.min(MC, r1 - ic);
            if (inPlace) {
                tiles(kc, a, aOff + ic * k + pc, k, mc, bp, bpOff, nc, c, co + ic * ldc, ldc, buffers, add);
            } else if (packedA != null) {
                tiles(kc, packedA, SgemmPanels.packedAOffset(m, pc, kc, ic), PACKED, mc, bp, bpOff, nc, c,
                        co + ic * ldc, ldc, buffers, add);
            } else {
                SgemmPanels.packA(ta, m, k, alphaOfA(ta, alpha), a, aOff, ic, mc, pc, kc, buffers[1], 0);
                tiles(kc, buffers[1], 0, PACKED, mc, bp, bpOff, nc, c, co + ic * ldc, ldc, buffers, add);
            }
        }
    }

    /**
     * C[mc, nc] at {@code co} (rows {@code ldc} apart) from mc rows of op(A) and nc columns of packed B (its panels
     * from {@code bpOff}), added to C
     * or stored there ({@code add}). op(A) is packed panels from {@code ao}, or read in place as {@link #PACKED}
     * describes; rows past mc are then never read, a last tile of fewer than MR rows taking its rows from a
     * zero-padded copy ({@code buffers[3]}). {@code buffers[2]} holds edge tiles.
     */
    private static void tiles(int kc, float[] a, int ao, int lda, int mc, float[] bp, int bpOff, int nc, float[] c,
                              int co, int ldc, float[][] buffers, boolean add) {
        boolean packed = lda == PACKED;
        boolean transposed = lda < 0;
        int tileStride = packed ? kc * MR : transposed ? MR : MR * lda;
        int fullTiles = packed ? (mc + MR - 1) / MR : mc / MR;
        int lastRows = mc - fullTiles * MR;
        float[] lastA = buffers[3];
        // The last tile's rows as a panel (transposed A) or as rows kc apart (A in place by rows).
        int lastLda = transposed ? PACKED : kc;
        if (lastRows > 0) {
            Arrays.fill(lastA, 0, MR * kc, 0f);
            for (int r = 0; r < lastRows; r++) {
                if (transposed) {
                    for (int p = 0; p < kc; p++) {
                        lastA[p * MR + r] = a[ao + p * -lda + fullTiles * MR + r];
                    }
                } else {
                    System.arraycopy(a, ao + (fullTiles * MR + r) * lda, lastA, r * kc, kc);
                }
            }
        }
        // A B micro-panel (KC x NR) is read by every micro-tile of the A block in turn, both from the second-level
        // cache; the other order streamed the whole packed B block once per micro-tile of A (123 against 186
        // GFLOP/s a core at 1024^3 on a Zen 5).
        for (int p = 0; p * NR < nc; p++) {
            int w = Math.min(NR, nc - p * NR);
            int bo = bpOff + p * kc * NR;
            for (int q = 0; q < fullTiles; q++) {
                int h = Math.min(MR, mc - q * MR);
                tile(kc, a, ao + q * tileStride, lda, bp, bo, c, co + q * MR * ldc + p * NR, ldc, h, w, buffers[2],
                        add);
            }
            if (lastRows > 0) {
                tile(kc, lastA, 0, lastLda, bp, bo, c, co + fullTiles * MR * ldc + p * NR, ldc, lastRows, w, buffers[2],
                        add);
            }
        }
    }

    /**
     * One MR x NR tile of C from an A panel and a B panel over kc steps; the top-left h x w of it is real. It is
     * added to C, or stored there for the first block of the shared dimension of a product that overwrites C.
     * The kernel only ever adds: a whole tile goes into C (zeroed first when the product overwrites it), an
     * edge tile into a zeroed MR x NR buffer and from there into C.
     */
    private static void tile(int kc, float[] a, int ao, int lda, float[] bp, int bo, float[] c, int co, int ldc, int h,
                             int w, float[] edge, boolean add) {
        if (h == MR && w == NR) {
            if (!add) {
                for (int r = 0; r < MR; r++) {
                    Arrays.fill(c, co + r * ldc, co + r * ldc + NR, 0f);
                }
            }
            product(kc, a, ao, lda, bp, bo, c, co, ldc);
            return;
        }
        Arrays.fill(edge, 0f);
        product(kc, a, ao, lda, bp, bo, edge, 0, NR);
        if (add) {
            addTile(edge, c, co, ldc, h, w);
        } else {
            for (int r = 0; r < h; r++) {
                System.arraycopy(edge, r * NR, c, co + r * ldc, w);
            }
        }
    }

    /** One tile's product added to {@code t}, by the kernel for packed A or for A read in place. */
    private static void product(int kc, float[] a, int ao, int lda, float[] bp, int bo, float[] t, int o, int ld) {
        if (lda == PACKED) {
            kernel(kc, a, ao, MR, bp, bo, t, o, ld);
        } else if (lda < 0) {
            kernel(kc, a, ao, -lda, bp, bo, t, o, ld);
        } else {
            InPlaceAKernel.kernel(kc, a, ao, lda, bp, bo, t, o, ld);
        }
    }

    /**
     * Adds op(A) op(B) over kc steps for one MR x NR tile to {@code t} at {@code o}, rows {@code ld} apart, the
     * tile's MR rows of op(A) adjacent at each step and {@code aStep} apart from one step to the next. The
     * additions are written out, each on a vector just loaded (of known type: a call on a vector carried through
     * the loop is a virtual call, which boxes), and nothing else is in this method: when C2 stopped inlining
     * helpers here (its node count cut-off), it boxed the accumulators and the product ran at 11 GFLOP/s.
     */
    private static void kernel(int kc, float[] ap, int ao, int aStep, float[] bp, int bo, float[] t, int o, int ld) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + LANES);
            FloatVector b2 = FloatVector.fromArray(SPECIES, bp, bi + 2 * LANES);
            FloatVector b3 = FloatVector.fromArray(SPECIES, bp, bi + 3 * LANES);
            int ai = ao + p * aStep;
            FloatVector x = FloatVector.broadcast(SPECIES, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(SPECIES, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(SPECIES, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(SPECIES, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(SPECIES, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
        }
        int t0 = o;
        FloatVector.fromArray(SPECIES, t, t0).add(c00).intoArray(t, t0);
        FloatVector.fromArray(SPECIES, t, t0 + LANES).add(c01).intoArray(t, t0 + LANES);
        FloatVector.fromArray(SPECIES, t, t0 + 2 * LANES).add(c02).intoArray(t, t0 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t0 + 3 * LANES).add(c03).intoArray(t, t0 + 3 * LANES);
        int t1 = o + ld;
        FloatVector.fromArray(SPECIES, t, t1).add(c10).intoArray(t, t1);
        FloatVector.fromArray(SPECIES, t, t1 + LANES).add(c11).intoArray(t, t1 + LANES);
        FloatVector.fromArray(SPECIES, t, t1 + 2 * LANES).add(c12).intoArray(t, t1 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t1 + 3 * LANES).add(c13).intoArray(t, t1 + 3 * LANES);
        int t2 = o + 2 * ld;
        FloatVector.fromArray(SPECIES, t, t2).add(c20).intoArray(t, t2);
        FloatVector.fromArray(SPECIES, t, t2 + LANES).add(c21).intoArray(t, t2 + LANES);
        FloatVector.fromArray(SPECIES, t, t2 + 2 * LANES).add(c22).intoArray(t, t2 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t2 + 3 * LANES).add(c23).intoArray(t, t2 + 3 * LANES);
        int t3 = o + 3 * ld;
        FloatVector.fromArray(SPECIES, t, t3).add(c30).intoArray(t, t3);
        FloatVector.fromArray(SPECIES, t, t3 + LANES).add(c31).intoArray(t, t3 + LANES);
        FloatVector.fromArray(SPECIES, t, t3 + 2 * LANES).add(c32).intoArray(t, t3 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t3 + 3 * LANES).add(c33).intoArray(t, t3 + 3 * LANES);
        int t4 = o + 4 * ld;
        FloatVector.fromArray(SPECIES, t, t4).add(c40).intoArray(t, t4);
        FloatVector.fromArray(SPECIES, t, t4 + LANES).add(c41).intoArray(t, t4 + LANES);
        FloatVector.fromArray(SPECIES, t, t4 + 2 * LANES).add(c42).intoArray(t, t4 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t4 + 3 * LANES).add(c43).intoArray(t, t4 + 3 * LANES);
    }

    /** Adds the top-left {@code h x w} of the MR x NR tile {@code t} to C at {@code co}, rows {@code ldc} apart. */
    private static void addTile(float[] t, float[] c, int co, int ldc, int h, int w) {
        if (w == NR) {
            for (int r = 0; r < h; r++) {
                int row = co + r * ldc;
                for (int j = 0; j < NR; j += LANES) {
                    FloatVector.fromArray(SPECIES, c, row + j).add(FloatVector.fromArray(SPECIES, t, r * NR + j))
                            .intoArray(c, row + j);
                }
            }
            return;
        }
        for (int r = 0; r < h; r++) {
            int row = co + r * ldc;
            for (int j = 0; j < w; j++) {
                c[row + j] += t[r * NR + j];
            }
        }
    }
}
