package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.FLAT_LOOP;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.broadcastLoop;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.ctype;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.loopLocals;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.loopParams;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.suffix;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CUDA C of the arithmetic, comparison, unary and cast kernels, generated from expression tables. Each
 * expression sees the operands {@code x} and {@code y}, the op's float attribute {@code p} (LeakyRelu's
 * alpha) and the element type {@code T}. Float32 transcendental functions are evaluated in double and
 * rounded once, as the CPU kernels do, so both devices agree to the last bit almost always.
 *
 * <p>Binary kernels come in two forms: {@code <op>_<dtype>_flat(a, b, o, n, as, bs, p)} where each operand
 * is either full-size (stride 1) or one element (stride 0), and {@code <op>_<dtype>_bcast(a, b, o, n, p,
 * loop...)} for general broadcasting (see {@link ElementwisePrelude}). The float32 and 16-bit kernels and the
 * comparisons come one op to a source, so a model compiles only the ops it uses; the rarer dtypes keep one
 * source each.
 */
public final class ElementwiseSources {
    private ElementwiseSources() {}

    /** Binary arithmetic: C name, then the float and integer expressions (null where the op has none). */
    static final Map<String, String[]> BINARY = new LinkedHashMap<>();
    /** Unary functions: C name, then the float and integer expressions. */
    static final Map<String, String[]> UNARY = new LinkedHashMap<>();
    /** Comparisons of two numbers, giving bool. */
    static final Map<String, String> COMPARE = new LinkedHashMap<>();
    /** Bool-only binary ops. */
    static final Map<String, String> LOGICAL = new LinkedHashMap<>();
    /** The dtypes Cast converts between on the GPU. */
    static final List<DType> CAST_TYPES =
            List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT8, DType.BOOL);
    /** The 16-bit floats the GPU casts to and from float32 (and to each other, through float32). */
    static final List<DType> HALF_CAST_TYPES = List.of(DType.FLOAT32, DType.BFLOAT16, DType.HALF);

    static {
        binary("add", "x + y", "tg_iadd(x, y)");
        binary("sub", "x - y", "tg_isub(x, y)");
        binary("mul", "x * y", "tg_imul(x, y)");
        binary("div", "x / y", "tg_idiv(x, y)");
        binary("div_no_nan", "(y == (T)0 ? (T)0 : x / y)", null);
        binary("floor_div", "tg_floor(x / y)", "tg_ifloordiv(x, y)");
        binary("floor_mod", "tg_floor_mod(x, y)", "tg_ifloormod(x, y)");
        binary("trunc_mod", "tg_fmod(x, y)", "tg_imod(x, y)");
        binary("pow", "(T)pow((double)x, (double)y)", null);
        binary("maximum", "tg_max(x, y)", "(x > y ? x : y)");
        binary("minimum", "tg_min(x, y)", "(x < y ? x : y)");
        binary("squared_difference", "(x - y) * (x - y)", "tg_imul(tg_isub(x, y), tg_isub(x, y))");
        // Gradient ops: x is the first input (the gradient, or the forward output y for *Grad of y), y the second.
        binary("relu_grad", "(y > (T)0 ? x : (T)0)", "(y > (T)0 ? x : (T)0)");
        binary("sigmoid_grad", "y * x * ((T)1 - x)", null);
        binary("tanh_grad", "y * ((T)1 - tg_mul(x, x))", null);
        binary("sqrt_grad", "y * (T)0.5 / x", null);
        binary("rsqrt_grad", "y * (T)-0.5 * x * x * x", null);
        binary("reciprocal_grad", "-y * x * x", null);
        binary("relu6_grad", "(y > (T)0 && y < (T)6 ? x : (T)0)", null);
        binary("elu_grad", "(y < (T)0 ? x * (y + (T)1) : x)", null);
        binary("leaky_relu_grad", "(y > (T)0 ? x : x * p)", null);
        binary("softplus_grad", "(T)((double)x / (1.0 + exp(-(double)y)))", null);
        // SELU: scale 1.0507009873554805, scale * alpha 1.7580993408473766.
        binary("selu_grad", "(y < (T)0 ? x * (y + (T)1.7580993408473766) : x * (T)1.0507009873554805)", null);
        binary("softsign_grad", "x / (((T)1 + tg_fabs(y)) * ((T)1 + tg_fabs(y)))", null);

        unary("neg", "-x", "tg_ineg(x)");
        unary("abs", "tg_fabs(x)", "(x < (T)0 ? tg_ineg(x) : x)");
        unary("square", "x * x", "tg_imul(x, x)");
        unary("sign", "(x > (T)0 ? (T)1 : (x < (T)0 ? (T)-1 : x))", "(T)(x > (T)0 ? 1 : (x < (T)0 ? -1 : 0))");
        unary("relu", "(x > (T)0 ? x : (x != x ? x : (T)0))", "(x > (T)0 ? x : (T)0)");
        unary("round", "tg_rint(x)", "x");
        unary("floor", "tg_floor(x)", null);
        unary("ceil", "tg_ceil(x)", null);
        unary("sqrt", "tg_sqrt(x)", null);
        unary("rsqrt", "(T)(1.0 / sqrt((double)x))", null);
        unary("exp", "(T)exp((double)x)", null);
        unary("log", "(T)log((double)x)", null);
        unary("log1p", "(T)log1p((double)x)", null);
        unary("tanh", "(T)tanh((double)x)", null);
        unary("sigmoid", "(T)(1.0 / (1.0 + exp(-(double)x)))", null);
        unary("reciprocal", "(T)1 / x", null);
        unary("relu6", "(x > (T)0 ? (x < (T)6 ? x : (T)6) : (x != x ? x : (T)0))", null);
        unary("elu", "(x < (T)0 ? (T)expm1((double)x) : x)", null);
        unary("leaky_relu", "(x > (T)0 ? x : x * p)", null);
        unary("softplus", "(T)tg_softplus((double)x)", null);
        unary("selu", "(x > (T)0 ? (T)(1.0507009873554805 * (double)x) : (T)(1.7580993408473766 * expm1((double)x)))",
                null);
        unary("softsign", "x / ((T)1 + tg_fabs(x))", null);
        unary("erf", "(T)erf((double)x)", null);
        unary("erfc", "(T)erfc((double)x)", null);
        unary("sin", "(T)sin((double)x)", null);
        unary("cos", "(T)cos((double)x)", null);

        COMPARE.put("equal", "x == y");
        COMPARE.put("not_equal", "x != y");
        COMPARE.put("less", "x < y");
        COMPARE.put("less_equal", "x <= y");
        COMPARE.put("greater", "x > y");
        COMPARE.put("greater_equal", "x >= y");
        LOGICAL.put("equal", "(x != 0) == (y != 0)");
        LOGICAL.put("not_equal", "(x != 0) != (y != 0)");
        LOGICAL.put("logical_and", "(x != 0) && (y != 0)");
        LOGICAL.put("logical_or", "(x != 0) || (y != 0)");
    }

    private static void binary(String name, String floatExpr, String intExpr) {
        BINARY.put(name, new String[] {floatExpr, intExpr});
    }

    private static void unary(String name, String floatExpr, String intExpr) {
        UNARY.put(name, new String[] {floatExpr, intExpr});
    }

    public static final CudaSource BINARY_F64 = source("tg_binary_f64", arithmetic(DType.FLOAT64, null));
    public static final CudaSource BINARY_INT = source("tg_binary_int",
            arithmetic(DType.INT32, null) + arithmetic(DType.INT64, null));
    public static final CudaSource UNARY_OTHER = source("tg_unary_other", unaries(DType.FLOAT64, null)
            + unaries(DType.INT32, null) + unaries(DType.INT64, null)
            + "extern \"C\" __global__ void logical_not_bool(const unsigned char* a, unsigned char* o, i64 n) {\n  "
            + FLAT_LOOP + " o[i] = a[i] == 0 ? 1 : 0;\n}\n");
    public static final CudaSource CAST = source("tg_cast", casts());
    /** Casts between float32 and the 16-bit floats, bit for bit as the CPU's (see {@code HalfFloats}). */
    public static final CudaSource HALF_CAST = source("tg_half_cast", halfCasts());
    /** Names of the per-op sources of 16-bit arithmetic start with this; the binary ones hold 8-wide kernels too. */
    private static final String HALF_PREFIX = "tg_half_";
    /**
     * The sources compiled one op at a time, by name. NVRTC's time grows with a source's length: all float
     * arithmetic of one dtype in one source took 4 s (float32) to 13 s (the 16-bit floats) on an H100, and a
     * model uses a handful of those ops; one op's kernels compile in a fraction of a second.
     */
    private static final ConcurrentHashMap<String, CudaSource> PER_OP = new ConcurrentHashMap<>();

    private static CudaSource source(String name, String kernels) {
        return new CudaSource(name, ElementwisePrelude.CODE + kernels);
    }

    /** Every source here (each op's on its own where they are split), for the compile check. */
    public static List<CudaSource> all() {
        List<CudaSource> all = new ArrayList<>(List.of(BINARY_F64, BINARY_INT, UNARY_OTHER, CAST, HALF_CAST));
        for (DType t : new DType[] {DType.FLOAT32, DType.BFLOAT16, DType.HALF}) {
            BINARY.keySet().forEach(op -> all.add(binarySource(t, op)));
            UNARY.keySet().stream().filter(op -> hasUnary(op, t)).forEach(op -> all.add(unarySource(t, op)));
        }
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT8}) {
            COMPARE.keySet().forEach(op -> all.add(compareSource(t, op)));
        }
        LOGICAL.keySet().forEach(op -> all.add(compareSource(DType.BOOL, op)));
        return all;
    }

    /** The source holding the binary arithmetic kernels of {@code op} on {@code t}. */
    static CudaSource binarySource(DType t, String op) {
        return switch (t) {
            case BFLOAT16, HALF -> PER_OP.computeIfAbsent(HALF_PREFIX + HalfFloatCodecs.suffix(t) + "_" + op,
                    name -> new CudaSource(name, ElementwisePrelude.CODE + HalfFloatCodecs.CODE + EIGHT_WIDE
                            + halfBinary(t, op)));
            case FLOAT32 -> PER_OP.computeIfAbsent("tg_binary_f32_" + op, name -> source(name, arithmetic(t, op)));
            case FLOAT64 -> BINARY_F64;
            default -> BINARY_INT;
        };
    }

    /** The source holding the unary kernel {@code op} on {@code t}. */
    static CudaSource unarySource(DType t, String op) {
        if (t.isHalfPrecision()) {
            return PER_OP.computeIfAbsent(HALF_PREFIX + "unary_" + HalfFloatCodecs.suffix(t) + "_" + op,
                    name -> new CudaSource(name, ElementwisePrelude.CODE + HalfFloatCodecs.CODE + halfUnary(t, op)));
        }
        return t == DType.FLOAT32
                ? PER_OP.computeIfAbsent("tg_unary_f32_" + op, name -> source(name, unaries(t, op)))
                : UNARY_OTHER;
    }

    /** The source holding comparison or logical kernel {@code op} for operands of {@code t}. */
    static CudaSource compareSource(DType t, String op) {
        return PER_OP.computeIfAbsent("tg_compare_" + suffix(t) + "_" + op, name -> source(name, comparisons(t, op)));
    }

    /** Whether {@code source} has 8-wide flat variants ({@link #eightWide}) of its binary kernels. */
    static boolean hasEightWide(CudaSource source) {
        return source.name().startsWith(HALF_PREFIX + HalfFloatCodecs.suffix(DType.BFLOAT16) + "_")
                || source.name().startsWith(HALF_PREFIX + HalfFloatCodecs.suffix(DType.HALF) + "_");
    }

    /** Whether the arithmetic kernel {@code name} exists for {@code t} (float32/64, int32/64). */
    static boolean hasBinary(String name, DType t) {
        String[] e = BINARY.get(name);
        return e != null && expressionFor(e, t) != null;
    }

    static boolean hasUnary(String name, DType t) {
        String[] e = UNARY.get(name);
        return e != null && expressionFor(e, t) != null;
    }

    /** Whether comparison or logical kernel {@code name} exists for operands of {@code t}. */
    static boolean hasCompare(String name, DType t) {
        if (t == DType.BOOL) {
            return LOGICAL.containsKey(name);
        }
        return COMPARE.containsKey(name) && (t.isNumeric() || t == DType.UINT8);
    }

    private static String expressionFor(String[] expressions, DType t) {
        return switch (t) {
            case FLOAT32, FLOAT64, BFLOAT16, HALF -> expressions[0];
            case INT32, INT64 -> expressions[1];
            default -> null;
        };
    }

    /** The binary kernels of {@code t}: of op {@code only}, or of every op when it is null. */
    private static String arithmetic(DType t, String only) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String[]> e : BINARY.entrySet()) {
            String expr = expressionFor(e.getValue(), t);
            if (expr != null && (only == null || only.equals(e.getKey()))) {
                binaryKernels(b, e.getKey() + "_" + suffix(t), ctype(t), ctype(t), expr);
            }
        }
        return b.toString();
    }

    /** The comparison {@code op} on operands of {@code t}, or the logical op on bools. */
    private static String comparisons(DType t, String op) {
        StringBuilder b = new StringBuilder();
        if (t == DType.BOOL) {
            binaryKernels(b, op + "_bool", "unsigned char", "unsigned char", LOGICAL.get(op));
        } else {
            binaryKernels(b, op + "_" + suffix(t), ctype(t), "unsigned char", COMPARE.get(op));
        }
        return b.toString();
    }

    private static void binaryKernels(StringBuilder b, String name, String in, String out, String expr) {
        binaryKernels(b, name, in, out, in, "", "(" + out + ")", expr);
    }

    /**
     * The flat and broadcasting kernels of {@code expr}: operands of C type {@code in} are read through
     * {@code load} (a function name, or empty) as {@code T}, results written through {@code store}.
     */
    private static void binaryKernels(StringBuilder b, String name, String in, String out, String t, String load,
                                      String store, String expr) {
        String compute = "o[%s] = " + store + "(" + expr + ");";
        b.append("extern \"C\" __global__ void ").append(name).append("_flat(const ").append(in).append("* a, const ")
                .append(in).append("* b, ").append(out).append("* o, i64 n, int as, int bs, double param) {\n")
                .append("  typedef ").append(t).append(" T;\n")
                .append("  const T p = (T)param; (void)p;\n  ")
                .append(FLAT_LOOP).append(" {\n")
                .append("    const T x = ").append(load).append("(a[i * as]);\n    const T y = ").append(load)
                .append("(b[i * bs]);\n    ")
                .append(String.format(compute, "i")).append("\n  }\n}\n");
        b.append("extern \"C\" __global__ void ").append(name).append("_bcast(const ").append(in).append("* a, const ")
                .append(in).append("* b, ").append(out).append("* o, i64 n, double param, ")
                .append(loopParams("sa", "sb")).append(") {\n")
                .append("  typedef ").append(t).append(" T;\n")
                .append("  const T p = (T)param; (void)p;\n")
                .append(loopLocals("sa", "sb"))
                .append(broadcastLoop(2, "const T x = " + load + "(a[off[0]]); const T y = " + load + "(b[off[1]]); "
                        + String.format(compute, "i")))
                .append("}\n");
    }

    /**
     * Eight values of one format as one or two 16-byte words, so the 8-wide kernels ({@code _x8}) load and store
     * whole words: a 2-byte access per thread leaves most of each memory transaction unused. The values are
     * converted one by one with the same codecs as the scalar kernels, so both give the same bits.
     */
    private static final String EIGHT_WIDE = """
            union tg_narrow8 { uint4 u; unsigned short h[8]; };
            union tg_wide8 { uint4 u[2]; float f[8]; };
            """;

    /** The grid-stride loop of an 8-wide kernel over {@code groups} groups of 8 values. */
    private static final String GROUP_LOOP =
            "for (i64 g = (i64)blockIdx.x * blockDim.x + threadIdx.x; g < groups; g += (i64)blockDim.x * gridDim.x)";

    /** The union holding 8 values of {@code t} and the name of its value array. */
    private static String[] eight(DType t) {
        return t == DType.FLOAT32 ? new String[] {"tg_wide8", "f"} : new String[] {"tg_narrow8", "h"};
    }

    /** Loads group {@code g} of {@code array} (16-byte words) into union {@code v} holding values of {@code t}. */
    private static String load8(DType t, String v, String array) {
        return t == DType.FLOAT32 ? v + ".u[0] = " + array + "[2 * g]; " + v + ".u[1] = " + array + "[2 * g + 1];"
                : v + ".u = " + array + "[g];";
    }

    private static String store8(DType t, String v, String array) {
        return t == DType.FLOAT32 ? array + "[2 * g] = " + v + ".u[0]; " + array + "[2 * g + 1] = " + v + ".u[1];"
                : array + "[g] = " + v + ".u;";
    }

    /** The name of the 8-wide variant of a kernel over 16-bit or float32 values. */
    static String eightWide(String kernel) {
        return kernel + "_x8";
    }

    /** The binary kernels of {@code op} on bfloat16 or float16 values, computing in float32 (8-wide flat too). */
    private static String halfBinary(DType t, String op) {
        StringBuilder b = new StringBuilder();
        String sfx = HalfFloatCodecs.suffix(t);
        String load = "tg_load_" + sfx;
        String store = "tg_store_" + sfx;
        String expr = BINARY.get(op)[0];
        binaryKernels(b, op + "_" + sfx, "unsigned short", "unsigned short", "float", load, store, expr);
        b.append("extern \"C\" __global__ void ").append(eightWide(op + "_" + sfx + "_flat"))
                .append("(const uint4* a, const uint4* b, uint4* o, i64 groups, double param) {\n")
                .append("  typedef float T;\n  const T p = (T)param; (void)p;\n  ").append(GROUP_LOOP)
                .append(" {\n    tg_narrow8 va, vb, vo;\n    va.u = a[g];\n    vb.u = b[g];\n")
                .append("    #pragma unroll\n    for (int k = 0; k < 8; k++) {\n")
                .append("      const T x = ").append(load).append("(va.h[k]);\n      const T y = ").append(load)
                .append("(vb.h[k]);\n      vo.h[k] = ").append(store).append("(").append(expr)
                .append(");\n    }\n    o[g] = vo.u;\n  }\n}\n");
        return b.toString();
    }

    /** The unary kernel {@code op} on bfloat16 or float16 values, computing in float32. */
    private static String halfUnary(DType t, String op) {
        StringBuilder b = new StringBuilder();
        String sfx = HalfFloatCodecs.suffix(t);
        unaryKernel(b, op + "_" + sfx, "unsigned short", "float", "tg_load_" + sfx, "tg_store_" + sfx,
                UNARY.get(op)[0]);
        return b.toString();
    }

    /** The unary kernels of {@code t}: of op {@code only}, or of every op when it is null. */
    private static String unaries(DType t, String only) {
        StringBuilder b = new StringBuilder();
        String c = ctype(t);
        for (Map.Entry<String, String[]> e : UNARY.entrySet()) {
            String expr = expressionFor(e.getValue(), t);
            if (expr == null || (only != null && !only.equals(e.getKey()))) {
                continue;
            }
            unaryKernel(b, e.getKey() + "_" + suffix(t), c, c, "", "(T)", expr);
        }
        return b.toString();
    }

    private static void unaryKernel(StringBuilder b, String name, String c, String t, String load, String store,
                                    String expr) {
        b.append("extern \"C\" __global__ void ").append(name)
                .append("(const ").append(c).append("* a, ").append(c).append("* o, i64 n, double param) {\n")
                .append("  typedef ").append(t).append(" T;\n")
                .append("  const T p = (T)param; (void)p;\n  ")
                .append(FLAT_LOOP).append(" {\n    const T x = ").append(load).append("(a[i]);\n    o[i] = ")
                .append(store).append("(").append(expr).append(");\n  }\n}\n");
    }

    /**
     * C++'s conversions as TensorFlow's Cast uses them: floating sources go through double and integer
     * sources through long long (so nothing is rounded twice), floats to integers truncate toward zero
     * (saturating, NaN to 0, as the hardware and Java do), numbers to bool test {@code != 0}, bool to numbers
     * gives 0 or 1, integers narrow by wrapping.
     */
    private static String casts() {
        StringBuilder b = new StringBuilder();
        for (DType src : CAST_TYPES) {
            for (DType dst : CAST_TYPES) {
                if (src == dst) {
                    continue;
                }
                String wide = src.isFloating() ? "(double)a[i]" : src == DType.BOOL ? "(i64)(a[i] != 0)" : "(i64)a[i]";
                String value = switch (dst) {
                    case BOOL -> "(unsigned char)(v != 0)";
                    case UINT8 -> src.isFloating() ? "(unsigned char)(i64)v" : "(unsigned char)v";
                    default -> "(" + ctype(dst) + ")v";
                };
                b.append("extern \"C\" __global__ void ").append(castKernel(src, dst)).append("(const ")
                        .append(ctype(src)).append("* a, ").append(ctype(dst)).append("* o, i64 n) {\n  ")
                        .append(FLAT_LOOP).append(" {\n    const ").append(src.isFloating() ? "double" : "i64")
                        .append(" v = ").append(wide).append(";\n    o[i] = ").append(value).append(";\n  }\n}\n");
            }
        }
        return b.toString();
    }

    /** Casts through the bit-exact conversions of {@link HalfFloatCodecs}. */
    private static String halfCasts() {
        StringBuilder b = new StringBuilder(HalfFloatCodecs.CODE).append(EIGHT_WIDE);
        for (DType src : HALF_CAST_TYPES) {
            for (DType dst : HALF_CAST_TYPES) {
                if (src == dst || !(src.isHalfPrecision() || dst.isHalfPrecision())) {
                    continue;
                }
                b.append("extern \"C\" __global__ void ").append(castKernel(src, dst)).append("(const ")
                        .append(HalfFloatCodecs.storage(src)).append("* a, ").append(HalfFloatCodecs.storage(dst)).append("* o, i64 n) {\n  ")
                        .append(FLAT_LOOP).append(" o[i] = tg_store_").append(HalfFloatCodecs.suffix(dst)).append("(tg_load_")
                        .append(HalfFloatCodecs.suffix(src)).append("(a[i]));\n}\n");
                String[] in = eight(src);
                String[] out = eight(dst);
                b.append("extern \"C\" __global__ void ").append(eightWide(castKernel(src, dst)))
                        .append("(const uint4* a, uint4* o, i64 groups) {\n  ").append(GROUP_LOOP).append(" {\n    ")
                        .append(in[0]).append(" s;\n    ").append(out[0]).append(" d;\n    ").append(load8(src, "s", "a"))
                        .append("\n    #pragma unroll\n    for (int k = 0; k < 8; k++) d.").append(out[1])
                        .append("[k] = tg_store_").append(HalfFloatCodecs.suffix(dst)).append("(tg_load_")
                        .append(HalfFloatCodecs.suffix(src)).append("(s.").append(in[1]).append("[k]));\n    ")
                        .append(store8(dst, "d", "o")).append("\n  }\n}\n");
            }
        }
        return b.toString();
    }

    static String castKernel(DType src, DType dst) {
        if (src.isHalfPrecision() || dst.isHalfPrecision()) {
            return "cast_" + HalfFloatCodecs.suffix(src) + "_" + HalfFloatCodecs.suffix(dst);
        }
        return "cast_" + suffix(src) + "_" + suffix(dst);
    }
}
