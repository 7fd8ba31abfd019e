package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;

/**
 * CUDA C that reads and writes bfloat16 and float16 values as float32: integer arithmetic on the bit patterns with
 * the CPU's rounding to nearest-even and NaNs (see {@code HalfFloats}), so both devices give the same bits. 16-bit
 * values are {@code unsigned short} in memory. For kernels written once for every float format, the codec structs
 * {@code tg_f32}, {@code tg_bf16} and {@code tg_f16} name the stored type {@code S} with {@code load} and
 * {@code store}; a template over the codec is then instantiated per format ({@link #suffix}).
 */
final class HalfFloatCodecs {
    private HalfFloatCodecs() {}

    static final String CODE = """
            __device__ __forceinline__ float tg_load_bf16(unsigned short h) { return __uint_as_float(((unsigned)h) << 16); }
            __device__ __forceinline__ unsigned short tg_store_bf16(float f) {
              unsigned u = __float_as_uint(f);
              if ((u & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;
              return (unsigned short)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
            }
            __device__ __forceinline__ float tg_load_f16(unsigned short h) {
              unsigned sign = ((unsigned)h & 0x8000u) << 16, e = ((unsigned)h >> 10) & 0x1fu, m = (unsigned)h & 0x3ffu;
              if (e == 0) { float v = (float)m / 16777216.0f; return sign ? -v : v; }
              if (e == 31) return __uint_as_float(sign | 0x7f800000u | (m << 13));
              return __uint_as_float(sign | ((e - 15 + 127) << 23) | (m << 13));
            }
            __device__ __forceinline__ unsigned short tg_store_f16(float f) {
              unsigned u = __float_as_uint(f), sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
              if (a >= 0x7f800000u) return (unsigned short)(sign | (a > 0x7f800000u ? 0x7e00u | ((a & 0x7fffffu) >> 13) : 0x7c00u));
              if (a >= 0x477ff000u) return (unsigned short)(sign | 0x7c00u);
              if (a < 0x38800000u) return (unsigned short)(sign | (unsigned)rintf(__uint_as_float(a) * 16777216.0f));
              unsigned p = (((a >> 23) - 127 + 15) << 10) | ((a & 0x7fffffu) >> 13), d = a & 0x1fffu;
              if (d > 0x1000u || (d == 0x1000u && (p & 1u))) p++;
              return (unsigned short)(sign | p);
            }
            __device__ __forceinline__ float tg_load_f32(float f) { return f; }
            __device__ __forceinline__ float tg_store_f32(float f) { return f; }

            struct tg_f32 {
              typedef float S;
              static __device__ __forceinline__ float load(S v) { return v; }
              static __device__ __forceinline__ S store(float f) { return f; }
            };
            struct tg_bf16 {
              typedef unsigned short S;
              static __device__ __forceinline__ float load(S v) { return tg_load_bf16(v); }
              static __device__ __forceinline__ S store(float f) { return tg_store_bf16(f); }
            };
            struct tg_f16 {
              typedef unsigned short S;
              static __device__ __forceinline__ float load(S v) { return tg_load_f16(v); }
              static __device__ __forceinline__ S store(float f) { return tg_store_f16(f); }
            };
            """;

    /** The suffix of kernels (and the codec, {@code tg_<suffix>}) for values of {@code t}: f32, bf16 or f16. */
    static String suffix(DType t) {
        return ElementwisePrelude.suffix(t);
    }

    /** The C type holding a value of {@code t} in memory. */
    static String storage(DType t) {
        return t == DType.FLOAT32 ? "float" : "unsigned short";
    }

    /** float32, bfloat16 and float16: the formats a codec-templated kernel is instantiated for. */
    static final DType[] FORMATS = {DType.FLOAT32, DType.BFLOAT16, DType.HALF};

    /**
     * {@code extern "C"} kernels {@code <name>_<suffix>} for each of {@code formats}, each calling
     * {@code <template>}{@code <tg_<suffix>>} with the parameters {@code params}, in which {@code S} stands for
     * the stored type; {@code args} are the names passed on.
     */
    static String instantiate(String name, String template, String params, String args, DType... formats) {
        StringBuilder b = new StringBuilder();
        for (DType t : formats) {
            String codec = "tg_" + suffix(t);
            b.append("extern \"C\" __global__ void ").append(name).append('_').append(suffix(t)).append('(')
                    .append(params.replaceAll("\\bS\\b", codec + "::S")).append(") {\n  ").append(template).append('<')
                    .append(codec).append(">(").append(args).append(");\n}\n");
        }
        return b.toString();
    }
}
