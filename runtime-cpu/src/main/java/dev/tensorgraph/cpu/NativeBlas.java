package dev.tensorgraph.cpu;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system's BLAS through netlib's JNI binding, for float matrix products when one is installed. Convolutions
 * run in Tensorgraph's own vector kernels ({@link VectorConv}, Winograd) where the JVM has the vector API, but
 * products go to OpenBLAS first: on the 2-core AVX-512 machine measured, our {@link VectorSgemm} matched it on
 * 1024^3 but lost a third on the small products of training steps (W3: 303 against 375 steps/s, W4: 184 against
 * 207). {@code -Dtensorgraph.blas=vector} keeps products on the vector kernels too. How calls may reach the library
 * decides how products are split over threads:
 *
 * <ul>
 *   <li>{@link Mode#SPLIT}: Debian's threaded OpenBLAS ({@code libopenblas0-pthread}) when the environment
 *       has {@code OPENBLAS_NUM_THREADS=1} ({@code scripts/tensorgraph} sets it). Each call then computes on
 *       the calling thread, and the library is safe to call from several threads at once, so big products
 *       are split over the session's intra-op threads. A BLAS that threads itself, called from those
 *       threads, would start threads of its own that contend for the same cores.</li>
 *   <li>{@link Mode#WHOLE}: the threaded OpenBLAS otherwise; it gets each product whole and threads it.</li>
 *   <li>{@link Mode#LOCKED}: the single-threaded OpenBLAS ({@code libopenblas0-serial}), or a library of
 *       unknown make. Two calls at once into Debian's single-threaded OpenBLAS return wrong products
 *       (measured: up to 9% of split products differed, and training lost several points of accuracy),
 *       as a build without OpenBLAS's locking would. Calls then take one lock, one product at a time.</li>
 * </ul>
 *
 * <p>Where the environment holds OpenBLAS to kernels narrower than the JVM's vectors ({@code
 * OPENBLAS_CORETYPE=Haswell} on an AVX-512 CPU), big products and 1x1 convolutions run in the vector kernels
 * ({@link #narrowerThanVectors()}); {@code -Dtensorgraph.blas=native} keeps them with OpenBLAS. {@code
 * -Dtensorgraph.blas=java} forces the Java code; {@code -Dtensorgraph.blas=system} takes {@code libblas.so.3} as
 * the dynamic linker finds it, vector API or not; netlib's own {@code dev.ludovic.netlib.blas.nativeLibPath} names
 * a library file and wins over both.
 */
final class NativeBlas {
    /** How the loaded library may be called. */
    enum Mode { SPLIT, WHOLE, LOCKED }

    /** OpenBLAS's x86 core names whose kernels use 512-bit vectors, in lower case. */
    private static final Set<String> AVX512_CORES = Set.of("skylakex", "cooperlake", "sapphirerapids");
    /** Products smaller than this (m*n*k) stay in Java, where a JNI call would cost more than it saves. */
    private static final long MIN_WORK = 1L << 12;
    /**
     * Below this many multiply-adds a product is not split over threads. W3's three products with ten logits
     * (327,680 multiply-adds each) took 24-43 us split and 12-24 us on one thread: the second core's part costs
     * more in handing over and in moving its half of C than the ten microseconds it saves.
     */
    private static final long MIN_SPLIT_WORK = 1L << 20;
    /**
     * A part of a product split by columns has a multiple of this many columns of C: a 64-byte line of C, and the
     * width of the micro-kernels' panels (the library's rows: it computes C transposed).
     */
    private static final int COLUMN_BLOCK = 16;
    private static final String LIBRARY_PATH_PROPERTY = "dev.ludovic.netlib.blas.nativeLibPath";
    /** Held so the logging level set below is not lost to garbage collection. */
    private static final Logger NETLIB_LOG = Logger.getLogger("dev.ludovic.netlib.blas");
    /** Serializes calls in {@link Mode#LOCKED}. */
    private static final Object CALL_LOCK = new Object();
    private static Mode mode = Mode.LOCKED;
    private static final BLAS BLAS_IMPL = load();
    /** Whether the library's kernels are narrower than the JVM's vectors (see {@link #narrowerThanVectors()}). */
    private static final boolean NARROWER_THAN_VECTORS = BLAS_IMPL != null
            && "auto".equalsIgnoreCase(System.getProperty("tensorgraph.blas", "auto"))
            && System.getProperty(LIBRARY_PATH_PROPERTY, "").contains("openblas")
            && Gemm.vectorApiAvailable() && (heldBelowVectorWidth(System.getenv("OPENBLAS_CORETYPE"), VectorSgemm.lanes())
                    || VectorSgemm.lanes() >= 16 && HalfWidthVectorUnits.present());
    /** Whether the library's kernels are named as wide as the JVM's vectors (see {@link #asWideAsVectors()}). */
    private static final boolean AS_WIDE_AS_VECTORS = BLAS_IMPL != null
            && System.getProperty(LIBRARY_PATH_PROPERTY, "").contains("openblas") && Gemm.vectorApiAvailable()
            && wideCoreNamed(System.getenv("OPENBLAS_CORETYPE"), VectorSgemm.lanes()) && !HalfWidthVectorUnits.present();
    /** Whether convolutions go through patches to the library (see {@link #convolvesInLibrary()}). */
    private static final boolean CONVOLVES_IN_LIBRARY = convolutionRule(AS_WIDE_AS_VECTORS);
    /** Whether the netlib in use refuses an operand that starts inside a stored row (see {@link #sgemmParts}). */
    private static final boolean WHOLE_ROW_CHECKS = checksWholeRows();
    /** Lets tests compare the Java loops with the native BLAS in one process. */
    static volatile boolean disabled;

    private NativeBlas() {}

    /** A 1x2 by 2x1 product whose first operand starts one element into a 2-element row of a 4-element array. */
    private static boolean checksWholeRows() {
        if (BLAS_IMPL == null) {
            return false;
        }
        try {
            BLAS_IMPL.sgemm("N", "N", 1, 1, 2, 1f, new float[4], 1, 2, new float[2], 0, 2, 0f, new float[1], 0, 1);
            return false;
        } catch (IndexOutOfBoundsException e) {
            return true;
        }
    }

    private static BLAS load() {
        String choice = System.getProperty("tensorgraph.blas", "auto").toLowerCase(Locale.ROOT);
        if (choice.equals("java") || choice.equals("vector")) {
            return null;
        }
        boolean chosenHere = false;
        if (System.getProperty(LIBRARY_PATH_PROPERTY) == null && !choice.equals("system")) {
            Path threaded = debianOpenBlas("openblas-pthread");
            Path serial = debianOpenBlas("openblas-serial");
            if (threaded != null) {
                System.setProperty(LIBRARY_PATH_PROPERTY, threaded.toString());
                mode = "1".equals(System.getenv("OPENBLAS_NUM_THREADS")) ? Mode.SPLIT : Mode.WHOLE;
                chosenHere = true;
            } else if (serial != null) {
                System.setProperty(LIBRARY_PATH_PROPERTY, serial.toString());
                chosenHere = true;
            }
        }
        Level before = NETLIB_LOG.getLevel();
        // netlib warns loudly when no native library is installed; absence is normal here.
        NETLIB_LOG.setLevel(Level.OFF);
        try {
            BLAS b = NativeBLAS.getInstance();
            if (chosenHere && fellBackToUnfusedKernels(b)) {
                LoggerFactory.getLogger(NativeBlas.class).warn("OpenBLAS ({}) runs kernels without fused multiply-add "
                        + "on this CPU, which has it: it did not recognise the CPU{}. Matrix products run in "
                        + "Tensorgraph's vector kernels instead; OPENBLAS_CORETYPE=SkylakeX (AVX-512 CPUs) or Haswell "
                        + "(AVX2) in the environment lets OpenBLAS use its own fast kernels.",
                        System.getProperty(LIBRARY_PATH_PROPERTY), coreTypeSet() ? " or OPENBLAS_CORETYPE names an old one" : "");
                System.clearProperty(LIBRARY_PATH_PROPERTY);
                return null;
            }
            LoggerFactory.getLogger(NativeBlas.class).debug("using native BLAS {} ({})",
                    System.getProperty(LIBRARY_PATH_PROPERTY, "libblas.so.3"), mode);
            return b;
        } catch (Throwable t) {
            LoggerFactory.getLogger(NativeBlas.class).debug("no native BLAS, using Java kernels: {}", t.toString());
            return null;
        } finally {
            NETLIB_LOG.setLevel(before);
        }
    }

    /**
     * Whether {@code OPENBLAS_CORETYPE} names a core whose OpenBLAS kernels are narrower than the JVM's float
     * vectors: OpenBLAS then runs 8-lane kernels where {@link VectorSgemm} runs 16 lanes. On a Zen 5 with
     * {@code Haswell} set, OpenBLAS reached 100 GFLOP/s a core at 1024^3 against 184 with its AVX-512 kernels
     * and 160 in {@link VectorSgemm}. Only OpenBLAS's x86 AVX-512 core names count as wide.
     */
    static boolean heldBelowVectorWidth(String coreType, int floatLanes) {
        if (coreType == null || coreType.isBlank() || floatLanes < 16) {
            return false;
        }
        return !AVX512_CORES.contains(coreType.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether OpenBLAS, loaded on a CPU whose vectors the JVM can use, runs its products in kernels without fused
     * multiply-add. OpenBLAS built for many CPUs picks kernels by CPU model when it loads, and a model it does not
     * know gets the oldest x86-64 kernels (SSE3, {@code Prescott}): Debian 12's OpenBLAS 0.3.21 did so on an Intel
     * Xeon of family 6, model 207, where W2 then ran at 39 GFLOP/s against 206 with {@code
     * OPENBLAS_CORETYPE=SkylakeX} and 217 in {@link VectorSgemm}, and W3 at 67 steps/s against 225 in the vector
     * kernels. Every kernel that uses the vector units of a CPU with AVX2 or AVX-512 fuses the multiply-add, so one
     * product tells them apart (see {@link #fusesMultiplyAdd}).
     */
    private static boolean fellBackToUnfusedKernels(BLAS blas) {
        if (!Gemm.vectorApiAvailable() || VectorSgemm.lanes() < 8) {
            return false;
        }
        try {
            return !fusesMultiplyAdd((m, n, k, a, lda, b, ldb, c, ldc) ->
                    blas.sgemm("N", "N", m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether the library's single-precision product rounds {@code a1*b1 + a2*b2} once per term, as a fused
     * multiply-add does, rather than rounding each product first. With {@code u = 1 + 2^-12}, {@code u*u = 1 +
     * 2^-11 + 2^-24} is not a float: it rounds to {@code 1 + 2^-11}. The terms {@code (-u)*u + u*u} are then 0
     * when both products are rounded, and {@code 2^-24} in magnitude when the second is fused into the rounded
     * first, in whichever order the kernel takes them. A 32 x 32 C with the same two terms in every element reaches the
     * library's blocked kernels rather than a path for tiny products.
     */
    static boolean fusesMultiplyAdd(ColumnMajorProduct product) {
        int size = 32;
        float u = 1f + 0x1p-12f;
        float[] a = new float[size * 2];
        float[] b = new float[2 * size];
        for (int i = 0; i < size; i++) {
            a[i * 2] = -u;
            a[i * 2 + 1] = u;
            b[i] = u;
            b[size + i] = u;
        }
        float[] c = new float[size * size];
        // Row-major C = A B as the column-major library sees it: C^T = B^T A^T.
        product.multiply(size, size, 2, b, size, a, 2, c, size);
        return Math.abs(c[0]) == 0x1p-24f && Math.abs(c[size * size - 1]) == 0x1p-24f;
    }

    /** {@code C = A B} for column-major operands with leading dimensions, as BLAS's {@code sgemm} computes it. */
    @FunctionalInterface
    interface ColumnMajorProduct {
        void multiply(int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc);
    }

    private static boolean coreTypeSet() {
        String core = System.getenv("OPENBLAS_CORETYPE");
        return core != null && !core.isBlank();
    }

    /**
     * Whether {@code OPENBLAS_CORETYPE} names OpenBLAS's AVX-512 kernels and the JVM's vectors are 512 bits: the
     * library's hand-written kernels then use the same width as ours, and on an Intel Xeon (family 6, model 207,
     * two 512-bit multiply-adds a cycle) they ran W5's convolutions, whose filters are laid out anew on every
     * step, as patch matrices 1.3-1.7x faster than {@link VectorConv} and {@link WinogradConv} (the 5x5 layer 74
     * against 102 ms, a 3x3 384-channel layer 37 against 49 ms, its filter gradient 37 against 61 ms). Unset, the
     * kernels OpenBLAS picked are not known.
     */
    static boolean wideCoreNamed(String coreType, int floatLanes) {
        return coreType != null && floatLanes >= 16
                && AVX512_CORES.contains(coreType.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * {@code -Dtensorgraph.conv=vector} keeps convolutions in the vector kernels and {@code library} sends them to
     * the native BLAS; otherwise {@code auto} decides.
     */
    private static boolean convolutionRule(boolean auto) {
        String choice = System.getProperty("tensorgraph.conv", "auto").trim().toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "vector" -> false;
            case "library" -> BLAS_IMPL != null;
            default -> auto && "auto".equalsIgnoreCase(System.getProperty("tensorgraph.blas", "auto"));
        };
    }

    /**
     * Whether {@code OPENBLAS_CORETYPE} names the loaded OpenBLAS's AVX-512 kernels and the JVM's vectors are 512
     * bits ({@link #wideCoreNamed}), on a CPU whose units are as wide ({@link HalfWidthVectorUnits}).
     */
    static boolean asWideAsVectors() {
        return AS_WIDE_AS_VECTORS && !disabled;
    }

    /**
     * Whether float convolutions of training, whose filters are variables, run as patch matrices times the filter
     * in the native BLAS where the vector kernels ({@link VectorConv}, {@link WinogradConv}) would take them
     * ({@link #wideCoreNamed}). Constant filters stay with the vector kernels, which lay them out once.
     */
    static boolean convolvesInLibrary() {
        return CONVOLVES_IN_LIBRARY && !disabled;
    }

    /** Debian's multiarch location of an OpenBLAS flavour ({@code openblas-serial}, {@code openblas-pthread}). */
    private static Path debianOpenBlas(String flavour) {
        String triplet = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64" -> "aarch64-linux-gnu";
            default -> null;
        };
        if (triplet == null || !System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        Path p = Path.of("/usr/lib", triplet, flavour, "libblas.so.3");
        return Files.isReadable(p) ? p : null;
    }

    /**
     * Whether {@code OPENBLAS_CORETYPE} holds the loaded OpenBLAS to kernels narrower than the JVM's float vectors
     * ({@link #heldBelowVectorWidth}), or the CPU runs 512-bit vectors on 256-bit units
     * ({@link HalfWidthVectorUnits}), where no OpenBLAS kernel is wider than 256 bits in effect. Big products ({@link VectorSgemm#outrunsNarrowBlas}) and 1x1 convolutions
     * then run in the vector kernels; the rest, whose shapes OpenBLAS still runs faster, stays with it.
     * {@code -Dtensorgraph.blas=native} keeps every product with OpenBLAS.
     */
    static boolean narrowerThanVectors() {
        return NARROWER_THAN_VECTORS && !disabled;
    }

    /**
     * Whether a call may take a block of columns of a row-major B that is not transposed: the netlib in use accepts
     * an operand that starts inside a stored row ({@link #checksWholeRows}).
     */
    static boolean takesColumnBlocks() {
        return !WHOLE_ROW_CHECKS;
    }

    /** Whether a native BLAS was loaded. */
    static boolean available() {
        return BLAS_IMPL != null;
    }

    /** How the loaded library is called (meaningful when {@link #available()}). */
    static Mode mode() {
        return mode;
    }

    /** Whether a product of this size should go to the native BLAS. */
    static boolean worthIt(int m, int n, int k) {
        return BLAS_IMPL != null && !disabled && (long) m * n * k >= MIN_WORK;
    }

    /**
     * The number of intra-op threads a caller should use for loops whose bodies call this BLAS: one when the
     * BLAS threads each call itself, all of them otherwise (with {@link Mode#LOCKED} the products take
     * turns, while the rest of each part's work still runs side by side).
     */
    static int callerThreads(int threads) {
        return BLAS_IMPL != null && !disabled && mode == Mode.WHOLE ? 1 : threads;
    }

    /**
     * Row-major {@code C[m,n] = op(A) op(B) + beta C}: A is [m,k] ([k,m] when {@code ta}), B is [k,n] ([n,k]
     * when {@code tb}). BLAS is column-major, so this computes C^T = op(B)^T op(A)^T.
     */
    static void sgemm(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                      float beta, float[] c, int cOff) {
        sgemm(ta, tb, m, n, k, a, aOff, ta ? m : k, b, bOff, tb ? k : n, beta, c, cOff, n);
    }

    /** As {@link #sgemm(boolean, boolean, int, int, int, float[], int, float[], int, float, float[], int)} with explicit row strides. */
    static void sgemm(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                      int ldb, float beta, float[] c, int cOff, int ldc) {
        sgemm(ta, tb, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** {@code C = alpha op(A) op(B) + beta C}, with explicit row strides. */
    private static void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Runnable call = () -> BLAS_IMPL.sgemm(tb ? "T" : "N", ta ? "T" : "N", n, m, k, alpha, b, bOff, Math.max(1, ldb),
                a, aOff, Math.max(1, lda), beta, c, cOff, Math.max(1, ldc));
        callInMode(call);
    }

    /** Runs a library call, under {@link #CALL_LOCK} in {@link Mode#LOCKED}. */
    private static void callInMode(Runnable call) {
        if (mode == Mode.LOCKED) {
            synchronized (CALL_LOCK) {
                call.run();
            }
        } else {
            call.run();
        }
    }

    /**
     * As {@link #sgemm(boolean, boolean, int, int, int, float[], int, float[], int, float, float[], int)}, split
     * into blocks of rows of C (or of columns, when C has few rows) computed on up to {@code threads}
     * threads in {@link Mode#SPLIT} when the product is big.
     */
    static void sgemmSplit(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                           float beta, float[] c, int cOff, int threads) {
        sgemmSplit(ta, tb, m, n, k, 1f, a, aOff, b, bOff, beta, c, cOff, threads);
    }

    /** As above, {@code C = alpha op(A) op(B) + beta C}. */
    static void sgemmSplit(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, float[] b,
                           int bOff, float beta, float[] c, int cOff, int threads) {
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        long work = (long) m * n * k;
        if (mode != Mode.SPLIT || threads < 2 || work < MIN_SPLIT_WORK) {
            sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, n);
            return;
        }
        sgemmParts(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, threads);
    }

    /**
     * The product in parts over {@code threads}, by rows of C or by its columns, whichever makes the parts pack
     * the smaller operand twice: W3's {@code [128,784]x[784,512]} split by rows had each part pack all of the
     * 784x512 weights for 64 rows of C. netlib 3.0.3 (the version Spark
     * ships, which comes first on a Spark class path) checks each operand's offset plus its leading dimension
     * times its column count against the array's length, one row more than a part starting inside a stored row
     * needs; 3.0.4 checks the exact extent. Under 3.0.3 rows of C split A only where A is not transposed, and
     * columns split B only where B is transposed; a split it would refuse is not made.
     */
    static void sgemmParts(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                           float beta, float[] c, int cOff, int threads) {
        sgemmParts(ta, tb, m, n, k, 1f, a, aOff, b, bOff, beta, c, cOff, threads);
    }

    private static void sgemmParts(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                                   float[] b, int bOff, float beta, float[] c, int cOff, int threads) {
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        boolean rowsFit = !ta || !WHOLE_ROW_CHECKS;
        boolean columnsFit = tb || !WHOLE_ROW_CHECKS;
        // Each part packs all of the operand it shares: all of B (k*n) when split by rows, all of A (m*k) by columns.
        // Columns in whole blocks only: the library's edge kernels for a part's last few columns add in another
        // order than its full-width kernels, and the parts would not give the single call's bits.
        boolean wholeBlocks = n % COLUMN_BLOCK == 0 && n >= COLUMN_BLOCK * threads;
        boolean preferRows = wholeBlocks ? m >= n : m >= 16 * threads || m >= n;
        if (rowsFit && (preferRows || !columnsFit)) {
            Parallel.forRange(m, threads, (r0, r1) -> sgemm(ta, tb, r1 - r0, n, k, alpha, a,
                    aOff + (ta ? r0 : r0 * lda), lda, b, bOff, ldb, beta, c, cOff + r0 * n, n));
        } else if (columnsFit) {
            int unit = wholeBlocks ? COLUMN_BLOCK : 1;
            Parallel.forRange(n / unit, threads, (b0, b1) -> sgemm(ta, tb, m, (b1 - b0) * unit, k, alpha, a, aOff, lda,
                    b, bOff + (tb ? b0 * unit * ldb : b0 * unit), ldb, beta, c, cOff + b0 * unit, n));
        } else {
            sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, n);
        }
    }

    static void dgemm(boolean ta, boolean tb, int m, int n, int k, double[] a, int aOff, double[] b, int bOff,
                      double beta, double[] c, int cOff) {
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        callInMode(() -> BLAS_IMPL.dgemm(tb ? "T" : "N", ta ? "T" : "N", n, m, k, 1d, b, bOff, Math.max(1, ldb), a,
                aOff, Math.max(1, lda), beta, c, cOff, Math.max(1, n)));
    }
}
