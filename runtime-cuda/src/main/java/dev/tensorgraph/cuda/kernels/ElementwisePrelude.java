package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.errors.UnimplementedException;

/**
 * The CUDA C shared by the elementwise and training sources: type names, math overloads that keep one
 * expression valid for float and double, integer arithmetic that wraps as Java's does (signed overflow is
 * undefined in C, so it goes through unsigned types), and the broadcast index walk.
 *
 * <p>A broadcast loop is described by at most {@link BroadcastPlan#MAX_RANK} dimensions, right-aligned in
 * eight scalar kernel arguments (unused leading ones are 1), and per operand eight element strides. Kernel
 * arguments must be scalars or pointers, and a per-run device array would break replay of a recording, so
 * the shape travels by value.
 */
final class ElementwisePrelude {
    private ElementwisePrelude() {}

    static final String CODE = """
            typedef long long i64;
            typedef unsigned long long u64;

            template <typename T> struct tg_unsigned;
            template <> struct tg_unsigned<int> { typedef unsigned int type; };
            template <> struct tg_unsigned<long long> { typedef unsigned long long type; };

            template <typename T> __device__ __forceinline__ T tg_iadd(T x, T y) {
              typedef typename tg_unsigned<T>::type U; return (T)((U)x + (U)y); }
            template <typename T> __device__ __forceinline__ T tg_isub(T x, T y) {
              typedef typename tg_unsigned<T>::type U; return (T)((U)x - (U)y); }
            template <typename T> __device__ __forceinline__ T tg_imul(T x, T y) {
              typedef typename tg_unsigned<T>::type U; return (T)((U)x * (U)y); }
            template <typename T> __device__ __forceinline__ T tg_ineg(T x) {
              typedef typename tg_unsigned<T>::type U; return (T)((U)0 - (U)x); }
            // A zero divisor gives 0 (the CPU kernel fails instead; a device cannot raise mid-kernel), and -1 is
            // special-cased because MIN / -1 traps or is undefined in hardware while Java wraps to MIN.
            template <typename T> __device__ __forceinline__ T tg_idiv(T x, T y) {
              return y == (T)0 ? (T)0 : (y == (T)-1 ? tg_ineg(x) : (T)(x / y)); }
            template <typename T> __device__ __forceinline__ T tg_imod(T x, T y) {
              return (y == (T)0 || y == (T)-1) ? (T)0 : (T)(x % y); }
            template <typename T> __device__ __forceinline__ T tg_ifloordiv(T x, T y) {
              if (y == (T)0) return (T)0;
              if (y == (T)-1) return tg_ineg(x);
              T q = x / y;
              return (x % y != (T)0 && ((x < (T)0) != (y < (T)0))) ? (T)(q - 1) : q; }
            template <typename T> __device__ __forceinline__ T tg_ifloormod(T x, T y) {
              T r = tg_imod(x, y);
              return (r != (T)0 && ((r < (T)0) != (y < (T)0))) ? (T)(r + y) : r; }

            // A product the compiler may not fuse into a following add (FMA), where the CPU kernels round the
            // product first and the results must agree bit for bit.
            __device__ __forceinline__ float tg_mul(float x, float y) { return __fmul_rn(x, y); }
            __device__ __forceinline__ double tg_mul(double x, double y) { return __dmul_rn(x, y); }
            __device__ __forceinline__ float tg_floor(float x) { return floorf(x); }
            __device__ __forceinline__ double tg_floor(double x) { return floor(x); }
            __device__ __forceinline__ float tg_ceil(float x) { return ceilf(x); }
            __device__ __forceinline__ double tg_ceil(double x) { return ceil(x); }
            __device__ __forceinline__ float tg_rint(float x) { return rintf(x); }
            __device__ __forceinline__ double tg_rint(double x) { return rint(x); }
            __device__ __forceinline__ float tg_sqrt(float x) { return sqrtf(x); }
            __device__ __forceinline__ double tg_sqrt(double x) { return sqrt(x); }
            __device__ __forceinline__ float tg_fabs(float x) { return fabsf(x); }
            __device__ __forceinline__ double tg_fabs(double x) { return fabs(x); }
            __device__ __forceinline__ float tg_fmod(float x, float y) { return fmodf(x, y); }
            __device__ __forceinline__ double tg_fmod(double x, double y) { return fmod(x, y); }
            // Java's Math.max/min: NaN wins.
            __device__ __forceinline__ float tg_max(float x, float y) { return x != x ? x : (y != y ? y : fmaxf(x, y)); }
            __device__ __forceinline__ double tg_max(double x, double y) { return x != x ? x : (y != y ? y : fmax(x, y)); }
            __device__ __forceinline__ float tg_min(float x, float y) { return x != x ? x : (y != y ? y : fminf(x, y)); }
            __device__ __forceinline__ double tg_min(double x, double y) { return x != x ? x : (y != y ? y : fmin(x, y)); }
            template <typename T> __device__ __forceinline__ T tg_floor_mod(T x, T y) {
              T r = tg_fmod(x, y);
              return (r != (T)0 && ((r < (T)0) != (y < (T)0))) ? r + y : r; }
            // log(1 + e^x) without overflow.
            __device__ __forceinline__ double tg_softplus(double x) {
              return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x)); }

            // Element offsets of K operands for flat output index i. dims holds 8 right-aligned sizes (the last
            // `rank` are used), strides K rows of 8. I is unsigned int when every offset fits in 31 bits (the
            // host checks), since 64-bit division costs several times more.
            template <typename I, int K>
            __device__ __forceinline__ void tg_offsets(I i, int rank, const i64* dims, const i64* strides, I* off) {
            #pragma unroll
              for (int k = 0; k < K; ++k) off[k] = 0;
            #pragma unroll
              for (int d = 7; d >= 0; --d) {
                if (d >= 8 - rank) {
                  I dim = (I)dims[d];
                  I q = i / dim;
                  I c = i - q * dim;
                  i = q;
            #pragma unroll
                  for (int k = 0; k < K; ++k) off[k] += c * (I)strides[k * 8 + d];
                }
              }
            }
            """;

    /** The parameter list of a broadcast loop over {@code operands} operands (after n). */
    static String loopParams(String... strideNames) {
        StringBuilder b = new StringBuilder("int narrow, int rank");
        for (int d = 0; d < BroadcastPlan.MAX_RANK; d++) {
            b.append(", i64 d").append(d);
        }
        for (String s : strideNames) {
            for (int d = 0; d < BroadcastPlan.MAX_RANK; d++) {
                b.append(", i64 ").append(s).append(d);
            }
        }
        return b.toString();
    }

    /** Declarations of the local {@code dims} and {@code strides} arrays from {@link #loopParams}. */
    static String loopLocals(String... strideNames) {
        StringBuilder b = new StringBuilder("  const i64 dims[8] = {");
        for (int d = 0; d < BroadcastPlan.MAX_RANK; d++) {
            b.append(d == 0 ? "" : ", ").append('d').append(d);
        }
        b.append("};\n  const i64 strides[").append(8 * strideNames.length).append("] = {");
        boolean first = true;
        for (String s : strideNames) {
            for (int d = 0; d < BroadcastPlan.MAX_RANK; d++) {
                b.append(first ? "" : ", ").append(s).append(d);
                first = false;
            }
        }
        return b.append("};\n").toString();
    }

    /**
     * A broadcast loop: {@code body} runs once per output index {@code i} with the operands' element offsets in
     * {@code off[0..k-1]}, in a 32-bit variant when {@code narrow} and a 64-bit one otherwise.
     */
    static String broadcastLoop(int operands, String body) {
        return "  if (narrow) {\n"
                + "    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x) {\n"
                + "      unsigned off[" + operands + "];\n"
                + "      tg_offsets<unsigned, " + operands + ">(i, rank, dims, strides, off);\n"
                + "      " + body + "\n"
                + "    }\n"
                + "  } else {\n"
                + "    for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x) {\n"
                + "      i64 off[" + operands + "];\n"
                + "      tg_offsets<i64, " + operands + ">(i, rank, dims, strides, off);\n"
                + "      " + body + "\n"
                + "    }\n"
                + "  }\n";
    }

    /** The opening of a grid-stride loop over {@code i < n}. */
    static final String FLAT_LOOP =
            "for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x)";

    /** The C type of a dtype's elements; bool is one byte holding 0 or 1. */
    static String ctype(DType t) {
        return switch (t) {
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            case INT32 -> "int";
            case INT64 -> "long long";
            case UINT8, BOOL -> "unsigned char";
            default -> throw new UnimplementedException("no GPU element type for " + t);
        };
    }

    /** The dtype's suffix in kernel names. */
    static String suffix(DType t) {
        return switch (t) {
            case FLOAT32 -> "f32";
            case BFLOAT16 -> "bf16";
            case HALF -> "f16";
            case FLOAT64 -> "f64";
            case INT32 -> "i32";
            case INT64 -> "i64";
            case UINT8 -> "u8";
            case BOOL -> "bool";
            default -> throw new UnimplementedException("no GPU element type for " + t);
        };
    }

    /** An unsigned C type of {@code bytes} bytes, for kernels that only move bits. */
    static String bitsType(int bytes) {
        return switch (bytes) {
            case 1 -> "unsigned char";
            case 2 -> "unsigned short";
            case 4 -> "unsigned int";
            default -> "unsigned long long";
        };
    }
}
