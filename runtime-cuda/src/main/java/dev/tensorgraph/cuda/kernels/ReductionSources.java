package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaSource;
import dev.tensorgraph.errors.InternalException;
import java.util.List;

/**
 * CUDA C of the reductions (Sum, Prod, Max, Min, Mean through Sum, ArgMax, ArgMin) over an [outer, r, inner]
 * view of the input. Two shapes of kernel: a row kernel for {@code inner == 1} (a warp or a whole block per
 * output, warp shuffles then shared memory) and a column kernel for {@code inner > 1} (32 adjacent columns
 * per block so loads coalesce, 8 threads per column splitting r). Both can cut r into chunks that write
 * partial results; a second launch folds the chunks, so a reduction to few outputs still fills the GPU.
 *
 * <p>float32 sums and products accumulate in double (as the CPU kernel's sums do); the partial results
 * of chunked float sums stay double. Integer sums and products wrap as Java's do. Max and Min follow
 * Java's Math.max/min: NaN wins, and +0 beats -0 in Max (-0 in Min). Kernel names:
 * {@code red_row_<op>_<t>}, {@code red_col_<op>_<t>} (T in, T out), with {@code _part} (T in,
 * accumulator out) and {@code _fin} (accumulator in, T out) where the accumulator is wider than T;
 * {@code arg_row|arg_col_<max|min>_<t>_<i32|i64>}; {@code red_fill_<t>}.
 */
public final class ReductionSources {
    static final int SUM = 0;
    static final int PROD = 1;
    static final int MAX = 2;
    static final int MIN = 3;
    private static final String[] OP_NAMES = {"sum", "prod", "max", "min"};

    private ReductionSources() {}

    /** The reduction helpers: identities, Java-compatible combining, warp reduction, the two kernels. */
    static final String PRELUDE = """
            typedef long long i64;
            typedef unsigned long long u64;

            __device__ __forceinline__ i64 tg_min64(i64 a, i64 b) { return a < b ? a : b; }

            template <typename A> struct RedLimits;
            template <> struct RedLimits<float> {
              static __device__ __forceinline__ float lowest() { return __int_as_float(0xff800000); }
              static __device__ __forceinline__ float highest() { return __int_as_float(0x7f800000); } };
            template <> struct RedLimits<double> {
              static __device__ __forceinline__ double lowest() { return __longlong_as_double(0xfff0000000000000LL); }
              static __device__ __forceinline__ double highest() { return __longlong_as_double(0x7ff0000000000000LL); } };
            template <> struct RedLimits<int> {
              static __device__ __forceinline__ int lowest() { return (int)0x80000000; }
              static __device__ __forceinline__ int highest() { return 0x7fffffff; } };
            template <> struct RedLimits<long long> {
              static __device__ __forceinline__ long long lowest() { return (long long)0x8000000000000000ULL; }
              static __device__ __forceinline__ long long highest() { return 0x7fffffffffffffffLL; } };

            // Signed overflow is undefined in C; Java wraps, so integer arithmetic goes through unsigned types.
            __device__ __forceinline__ float red_add(float a, float b) { return a + b; }
            __device__ __forceinline__ double red_add(double a, double b) { return a + b; }
            __device__ __forceinline__ int red_add(int a, int b) { return (int)((unsigned)a + (unsigned)b); }
            __device__ __forceinline__ long long red_add(long long a, long long b) { return (long long)((u64)a + (u64)b); }
            __device__ __forceinline__ float red_mul(float a, float b) { return a * b; }
            __device__ __forceinline__ double red_mul(double a, double b) { return a * b; }
            __device__ __forceinline__ int red_mul(int a, int b) { return (int)((unsigned)a * (unsigned)b); }
            __device__ __forceinline__ long long red_mul(long long a, long long b) { return (long long)((u64)a * (u64)b); }

            // Java's Math.max/min: NaN wins; of two zeros max gives -0 only if both are -0, min if either is.
            __device__ __forceinline__ float red_max(float a, float b) {
              if (a != a) return a;
              if (b != b) return b;
              if (a == 0.0f && b == 0.0f) return __int_as_float(__float_as_int(a) & __float_as_int(b));
              return a > b ? a : b; }
            __device__ __forceinline__ float red_min(float a, float b) {
              if (a != a) return a;
              if (b != b) return b;
              if (a == 0.0f && b == 0.0f) return __int_as_float(__float_as_int(a) | __float_as_int(b));
              return a < b ? a : b; }
            __device__ __forceinline__ double red_max(double a, double b) {
              if (a != a) return a;
              if (b != b) return b;
              if (a == 0.0 && b == 0.0) return __longlong_as_double(__double_as_longlong(a) & __double_as_longlong(b));
              return a > b ? a : b; }
            __device__ __forceinline__ double red_min(double a, double b) {
              if (a != a) return a;
              if (b != b) return b;
              if (a == 0.0 && b == 0.0) return __longlong_as_double(__double_as_longlong(a) | __double_as_longlong(b));
              return a < b ? a : b; }
            __device__ __forceinline__ int red_max(int a, int b) { return a > b ? a : b; }
            __device__ __forceinline__ int red_min(int a, int b) { return a < b ? a : b; }
            __device__ __forceinline__ long long red_max(long long a, long long b) { return a > b ? a : b; }
            __device__ __forceinline__ long long red_min(long long a, long long b) { return a < b ? a : b; }

            template <int OP, typename A> __device__ __forceinline__ A red_identity() {
              if constexpr (OP == 0) return (A)0;
              else if constexpr (OP == 1) return (A)1;
              else if constexpr (OP == 2) return RedLimits<A>::lowest();
              else return RedLimits<A>::highest(); }

            template <int OP, typename A> __device__ __forceinline__ A red_combine(A a, A b) {
              if constexpr (OP == 0) return red_add(a, b);
              else if constexpr (OP == 1) return red_mul(a, b);
              else if constexpr (OP == 2) return red_max(a, b);
              else return red_min(a, b); }

            // Lane 0 ends with the warp's result; every lane of the warp must take part.
            template <int OP, typename A> __device__ __forceinline__ A red_warp(A v) {
              for (int o = 16; o > 0; o >>= 1) v = red_combine<OP, A>(v, __shfl_down_sync(0xffffffffu, v, o));
              return v; }

            // Mean divides in the output type, as the CPU kernel does (float division, truncating integers).
            template <typename TO, typename A> __device__ __forceinline__ TO red_finish(A acc, i64 meanCount) {
              TO v = (TO)acc;
              if (meanCount > 0) v = v / (TO)meanCount;
              return v; }

            // out[j] for j = row * nChunks + c: the reduction of in[row, c*chunk .. min(r, (c+1)*chunk)).
            // blockDim.x threads per job (32, or a multiple of 32 with blockDim.y == 1), blockDim.y jobs per block.
            template <typename TI, typename A, typename TO, int OP>
            __device__ __forceinline__ void red_rows(const TI* __restrict__ in, TO* __restrict__ out, i64 rows, i64 r,
                                                     i64 chunk, i64 nChunks, i64 meanCount) {
              __shared__ A partial[32];
              const int lane = threadIdx.x;
              const i64 jobs = rows * nChunks;
              for (i64 j = (i64)blockIdx.x * blockDim.y + threadIdx.y; j < jobs; j += (i64)gridDim.x * blockDim.y) {
                const i64 row = j / nChunks;
                const i64 begin = (j - row * nChunks) * chunk;
                const i64 end = tg_min64(r, begin + chunk);
                const TI* p = in + row * r;
                A acc = red_identity<OP, A>();
                for (i64 k = begin + lane; k < end; k += blockDim.x) acc = red_combine<OP, A>(acc, (A)p[k]);
                acc = red_warp<OP, A>(acc);
                if (blockDim.x > 32) {
                  const int warp = lane >> 5;
                  if ((lane & 31) == 0) partial[warp] = acc;
                  __syncthreads();
                  if (warp == 0) {
                    acc = lane < (int)(blockDim.x >> 5) ? partial[lane] : red_identity<OP, A>();
                    acc = red_warp<OP, A>(acc);
                  }
                  __syncthreads();
                }
                if (lane == 0) out[j] = red_finish<TO, A>(acc, meanCount);
              }
            }

            // out[(a * nChunks + c) * inner + b]: the reduction over k in chunk c of in[a, k, b].
            // Block (32, <= 8): x over 32 adjacent columns, y splitting the chunk.
            template <typename TI, typename A, typename TO, int OP>
            __device__ __forceinline__ void red_cols(const TI* __restrict__ in, TO* __restrict__ out, i64 outer, i64 r,
                                                     i64 inner, i64 chunk, i64 nChunks, i64 meanCount) {
              __shared__ A partial[8][33];
              const int tx = threadIdx.x;
              const int ty = threadIdx.y;
              const i64 jobs = outer * nChunks;
              for (i64 j = blockIdx.y; j < jobs; j += gridDim.y) {
                const i64 a = j / nChunks;
                const i64 begin = (j - a * nChunks) * chunk;
                const i64 end = tg_min64(r, begin + chunk);
                for (i64 b0 = (i64)blockIdx.x * 32; b0 < inner; b0 += (i64)gridDim.x * 32) {
                  const i64 b = b0 + tx;
                  A acc = red_identity<OP, A>();
                  if (b < inner) {
                    const TI* p = in + a * r * inner + b;
                    for (i64 k = begin + ty; k < end; k += blockDim.y) acc = red_combine<OP, A>(acc, (A)p[k * inner]);
                  }
                  partial[ty][tx] = acc;
                  __syncthreads();
                  if (ty == 0 && b < inner) {
                    for (int y = 1; y < (int)blockDim.y; y++) acc = red_combine<OP, A>(acc, partial[y][tx]);
                    out[j * inner + b] = red_finish<TO, A>(acc, meanCount);
                  }
                  __syncthreads();
                }
              }
            }

            // ArgMax/ArgMin keep the first index on ties and skip NaNs, except that a NaN first element wins:
            // the same answer as the CPU's sequential scan with a strict comparison.
            template <bool MAX, typename T> __device__ __forceinline__ bool arg_better(T v, i64 i, T best, i64 bestIdx) {
              if (i < 0) return false;
              if (bestIdx < 0) return true;
              if (MAX ? v > best : v < best) return true;
              return v == best && i < bestIdx; }

            template <typename T, typename TO, bool MAX>
            __device__ __forceinline__ void arg_rows(const T* __restrict__ in, TO* __restrict__ out, i64 rows, i64 r) {
              __shared__ T bestValues[32];
              __shared__ i64 bestIndices[32];
              const int lane = threadIdx.x;
              for (i64 j = (i64)blockIdx.x * blockDim.y + threadIdx.y; j < rows; j += (i64)gridDim.x * blockDim.y) {
                const T* p = in + j * r;
                T best = p[0];
                i64 bestIdx = -1;
                for (i64 k = lane; k < r; k += blockDim.x) {
                  const T v = p[k];
                  if (v == v && (bestIdx < 0 || (MAX ? v > best : v < best))) { best = v; bestIdx = k; }
                }
                for (int o = 16; o > 0; o >>= 1) {
                  const T ov = __shfl_down_sync(0xffffffffu, best, o);
                  const i64 oi = __shfl_down_sync(0xffffffffu, bestIdx, o);
                  if (arg_better<MAX, T>(ov, oi, best, bestIdx)) { best = ov; bestIdx = oi; }
                }
                if (blockDim.x > 32) {
                  const int warp = lane >> 5;
                  if ((lane & 31) == 0) { bestValues[warp] = best; bestIndices[warp] = bestIdx; }
                  __syncthreads();
                  if (lane == 0) {
                    for (int w = 1; w < (int)(blockDim.x >> 5); w++) {
                      if (arg_better<MAX, T>(bestValues[w], bestIndices[w], best, bestIdx)) {
                        best = bestValues[w]; bestIdx = bestIndices[w];
                      }
                    }
                  }
                  __syncthreads();
                }
                if (lane == 0) {
                  const T first = p[0];
                  out[j] = (TO)((first != first || bestIdx < 0) ? 0 : bestIdx);
                }
              }
            }

            // inner > 1: one thread per output, the CPU's scan verbatim (loads coalesce across adjacent outputs).
            template <typename T, typename TO, bool MAX>
            __device__ __forceinline__ void arg_cols(const T* __restrict__ in, TO* __restrict__ out, i64 outer, i64 r,
                                                     i64 inner) {
              const i64 n = outer * inner;
              for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (i64)gridDim.x * blockDim.x) {
                const i64 a = t / inner;
                const i64 b = t - a * inner;
                const T* p = in + a * r * inner + b;
                T best = p[0];
                i64 bestIdx = 0;
                for (i64 k = 1; k < r; k++) {
                  const T v = p[k * inner];
                  if (MAX ? v > best : v < best) { best = v; bestIdx = k; }
                }
                out[t] = (TO)bestIdx;
              }
            }

            template <typename T> __device__ __forceinline__ void red_fill(T* out, i64 n, T value) {
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) out[i] = value;
            }
            """;

    /** float32 reductions, ArgMax/ArgMin of float32, and the float32 fill. */
    static final CudaSource FLOAT32 = new CudaSource("tg_reduction_f32", PRELUDE + kernelsFor(DType.FLOAT32));

    /** int32 and int64 reductions, ArgMax/ArgMin of them, and their fills. */
    static final CudaSource INTEGER = new CudaSource("tg_reduction_int",
            PRELUDE + kernelsFor(DType.INT32) + kernelsFor(DType.INT64));

    /** Every CUDA source of the reduction, softmax, layout and random kernels, for compile checks. */
    public static List<CudaSource> all() {
        return List.of(FLOAT32, INTEGER, SoftmaxSources.SOFTMAX, LayoutSources.LAYOUT, RandomSources.RANDOM);
    }

    static boolean supports(DType t) {
        return t == DType.FLOAT32 || t == DType.INT32 || t == DType.INT64;
    }

    static CudaSource source(DType t) {
        return t == DType.FLOAT32 ? FLOAT32 : INTEGER;
    }

    /** The kernel-name tag of a dtype. */
    static String tag(DType t) {
        return switch (t) {
            case FLOAT32 -> "f32";
            case INT32 -> "i32";
            case INT64 -> "i64";
            default -> throw new InternalException("no reduction kernels for dtype " + t);
        };
    }

    static String opName(int op) {
        return OP_NAMES[op];
    }

    /** Whether partial results of {@code op} over {@code t} are kept in a wider type (double for float32 sums). */
    static boolean widerAccumulator(DType t, int op) {
        return t == DType.FLOAT32 && (op == SUM || op == PROD);
    }

    /** Bytes of one accumulator (partial result) of {@code op} over {@code t}. */
    static int accumulatorBytes(DType t, int op) {
        return widerAccumulator(t, op) ? 8 : t.byteSize();
    }

    private static String cType(DType t) {
        return switch (t) {
            case FLOAT32 -> "float";
            case INT32 -> "int";
            default -> "long long";
        };
    }

    private static String kernelsFor(DType t) {
        StringBuilder b = new StringBuilder();
        String c = cType(t);
        String tag = tag(t);
        for (int op = 0; op < 4; op++) {
            String acc = widerAccumulator(t, op) ? "double" : c;
            String base = opName(op) + "_" + tag;
            rowAndColumn(b, base, c, acc, c, op);
            if (widerAccumulator(t, op)) {
                rowAndColumn(b, base + "_part", c, acc, acc, op);
                rowAndColumn(b, base + "_fin", acc, acc, c, op);
            }
        }
        for (String kind : new String[] {"max", "min"}) {
            for (String outTag : new String[] {"i32", "i64"}) {
                String out = outTag.equals("i32") ? "int" : "long long";
                String flag = kind.equals("max") ? "true" : "false";
                String name = kind + "_" + tag + "_" + outTag;
                b.append("extern \"C\" __global__ void arg_row_").append(name).append("(const ").append(c)
                        .append("* in, ").append(out).append("* out, i64 rows, i64 r) { arg_rows<").append(c)
                        .append(", ").append(out).append(", ").append(flag).append(">(in, out, rows, r); }\n");
                b.append("extern \"C\" __global__ void arg_col_").append(name).append("(const ").append(c)
                        .append("* in, ").append(out).append("* out, i64 outer, i64 r, i64 inner) { arg_cols<")
                        .append(c).append(", ").append(out).append(", ").append(flag)
                        .append(">(in, out, outer, r, inner); }\n");
            }
        }
        b.append("extern \"C\" __global__ void red_fill_").append(tag).append("(").append(c).append("* out, i64 n, ")
                .append(c).append(" value) { red_fill<").append(c).append(">(out, n, value); }\n");
        return b.toString();
    }

    private static void rowAndColumn(StringBuilder b, String name, String in, String acc, String out, int op) {
        String targs = "<" + in + ", " + acc + ", " + out + ", " + op + ">";
        b.append("extern \"C\" __global__ void red_row_").append(name).append("(const ").append(in).append("* in, ")
                .append(out).append("* out, i64 rows, i64 r, i64 chunk, i64 nChunks, i64 meanCount) { red_rows")
                .append(targs).append("(in, out, rows, r, chunk, nChunks, meanCount); }\n");
        b.append("extern \"C\" __global__ void red_col_").append(name).append("(const ").append(in).append("* in, ")
                .append(out).append("* out, i64 outer, i64 r, i64 inner, i64 chunk, i64 nChunks, i64 meanCount) { red_cols")
                .append(targs).append("(in, out, outer, r, inner, chunk, nChunks, meanCount); }\n");
    }
}
