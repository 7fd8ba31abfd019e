package dev.tensorgraph.cpu;

import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;

/**
 * The inner loops of the binary elementwise kernels: one counted loop per (operation, dtype) over one
 * broadcast run of {@link BroadcastIndexer}, where operand {@code a} starts at {@code ao} and advances by
 * {@code as} (0 or 1) per element, likewise {@code b}. Integer division and modulo follow TensorFlow:
 * Div and Mod truncate, FloorDiv and FloorMod round toward negative infinity, and a zero divisor fails.
 */
final class BinaryLoops {
    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;
    static final int DIV = 3;
    static final int TRUNC_DIV = 4;
    static final int FLOOR_DIV = 5;
    static final int FLOOR_MOD = 6;
    static final int POW = 7;
    static final int MAX = 8;
    static final int MIN = 9;
    static final int SQUARED_DIFF = 10;
    static final int RELU_GRAD = 11;
    static final int SIGMOID_GRAD = 12;
    static final int TANH_GRAD = 13;
    static final int SQRT_GRAD = 14;
    static final int RSQRT_GRAD = 15;
    static final int RECIPROCAL_GRAD = 16;
    static final int TRUNC_MOD = 17;
    /** x / y, or 0 where y is 0 (TensorFlow's DivNoNan, used by losses that average over weights). */
    static final int DIV_NO_NAN = 18;

    private BinaryLoops() {}

    /**
     * The hottest float operations over two unit-stride runs, written with constant strides so the JIT
     * vectorizes them; false when {@code op} has no such path.
     */
    private static boolean contiguousF32(int op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        if (ao == bo && bo == oo && sameOffsetF32(op, a, b, o, ao, ao + n)) {
            return true;
        }
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] + b[bo + i];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] - b[bo + i];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] * b[bo + i];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] / b[bo + i];
                }
            }
            case RELU_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Float.intBitsToFloat(Float.floatToRawIntBits(a[ao + i]) & positiveMask(b[bo + i]));
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * As {@link #contiguousF32} where all three runs start at the same offset (operands of one shape): C2
     * (JDK 17) vectorizes a loop only when every array in it is indexed by the loop variable alone.
     */
    private static boolean sameOffsetF32(int op, float[] a, float[] b, float[] o, int from, int to) {
        switch (op) {
            case ADD -> {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] + b[i];
                }
            }
            case SUB -> {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] - b[i];
                }
            }
            case MUL -> {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] * b[i];
                }
            }
            case DIV -> {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] / b[i];
                }
            }
            case RELU_GRAD -> {
                for (int i = from; i < to; i++) {
                    o[i] = Float.intBitsToFloat(Float.floatToRawIntBits(a[i]) & positiveMask(b[i]));
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * All ones where {@code v > 0} (NaN excluded), else 0, without a branch: ReluGrad's signs are random, so
     * a compare-and-branch mispredicts half the time. Positive non-NaN floats are exactly the raw bit
     * patterns in {@code [1, 0x7F800000]}.
     */
    static int positiveMask(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (-bits & (bits - 0x7F800001)) >> 31;
    }

    /** As {@link #contiguousF32} with a scalar right operand. */
    private static boolean scalarRightF32(int op, float[] a, int ao, float y, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] + y;
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] - y;
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] * y;
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] / y;
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    static InvalidArgumentException divisionByZero() {
        return new InvalidArgumentException("Integer division by zero");
    }

    private static UnimplementedException unsupported(int op, String type) {
        return new UnimplementedException("binary operation " + op + " is not implemented for " + type);
    }

//# for int long
    static ${T} ipow(${T} base, ${T} exp) {
        if (exp < 0) {
            throw new InvalidArgumentException("Integers to negative integer powers are not allowed");
        }
        ${T} r = 1;
        while (exp != 0) {
            if ((exp & 1) != 0) {
                r *= base;
            }
            base *= base;
            exp >>= 1;
        }
        return r;
    }

//# end
//# for float double int long
    static void ${tag}(int op, ${T}[] a, int ao, int as, ${T}[] b, int bo, int bs, ${T}[] o, int oo, int n) {
//# if float
        if (as == 1 && bs == 1 && contiguousF32(op, a, ao, b, bo, o, oo, n)) {
            return;
        }
        if (as == 1 && bs == 0 && scalarRightF32(op, a, ao, b[bo], o, oo, n)) {
            return;
        }
//# end
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] + b[bo + i * bs];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] - b[bo + i * bs];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] * b[bo + i * bs];
                }
            }
//# if floating
            case DIV, TRUNC_DIV -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] / b[bo + i * bs];
                }
            }
            case DIV_NO_NAN -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] == 0 ? 0 : a[ao + i * as] / b[bo + i * bs];
                }
            }
            case FLOOR_DIV -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (${T}) Math.floor(a[ao + i * as] / b[bo + i * bs]);
                }
            }
            case FLOOR_MOD -> {
                for (int i = 0; i < n; i++) {
                    ${T} x = a[ao + i * as];
                    ${T} y = b[bo + i * bs];
                    ${T} r = x % y;
                    o[oo + i] = r != 0 && (r < 0) != (y < 0) ? r + y : r;
                }
            }
            case TRUNC_MOD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] % b[bo + i * bs];
                }
            }
            case POW -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (${T}) Math.pow(a[ao + i * as], b[bo + i * bs]);
                }
            }
//# else
            case DIV, TRUNC_DIV, FLOOR_DIV, FLOOR_MOD, TRUNC_MOD -> integerDivision(op, a, ao, as, b, bo, bs, o, oo, n);
            case POW -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = ipow(a[ao + i * as], b[bo + i * bs]);
                }
            }
//# end
            case MAX -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]);
                }
            }
            case MIN -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]);
                }
            }
            case SQUARED_DIFF -> {
                for (int i = 0; i < n; i++) {
                    ${T} d = a[ao + i * as] - b[bo + i * bs];
                    o[oo + i] = d * d;
                }
            }
            case RELU_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] > 0 ? a[ao + i * as] : 0;
                }
            }
//# if floating
            case SIGMOID_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] * a[ao + i * as] * (1 - a[ao + i * as]);
                }
            }
            case TANH_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] * (1 - a[ao + i * as] * a[ao + i * as]);
                }
            }
            case SQRT_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] * (${T}) 0.5 / a[ao + i * as];
                }
            }
            case RSQRT_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] * (${T}) -0.5 * a[ao + i * as] * a[ao + i * as] * a[ao + i * as];
                }
            }
            case RECIPROCAL_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = -b[bo + i * bs] * a[ao + i * as] * a[ao + i * as];
                }
            }
//# end
            default -> throw unsupported(op, "${T}");
        }
    }
//# if integral

    /** Integer Div, FloorDiv, FloorMod and Mod: a zero divisor fails, as in TensorFlow. */
    private static void integerDivision(int op, ${T}[] a, int ao, int as, ${T}[] b, int bo, int bs, ${T}[] o, int oo,
                                        int n) {
        for (int i = 0; i < n; i++) {
            ${T} y = b[bo + i * bs];
            if (y == 0) {
                throw divisionByZero();
            }
            ${T} x = a[ao + i * as];
            o[oo + i] = switch (op) {
                case FLOOR_DIV -> Math.floorDiv(x, y);
                case FLOOR_MOD -> Math.floorMod(x, y);
                case TRUNC_MOD -> x % y;
                default -> x / y;
            };
        }
    }
//# end
//# end
}
