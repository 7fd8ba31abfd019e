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

    static int ipowi(int base, int exp) {
        if (exp < 0) {
            throw new InvalidArgumentException("Integers to negative integer powers are not allowed");
        }
        int r = 1;
        while (exp != 0) {
            if ((exp & 1) != 0) {
                r *= base;
            }
            base *= base;
            exp >>= 1;
        }
        return r;
    }

    static long ipowl(long base, long exp) {
        if (exp < 0) {
            throw new InvalidArgumentException("Integers to negative integer powers are not allowed");
        }
        long r = 1;
        while (exp != 0) {
            if ((exp & 1) != 0) {
                r *= base;
            }
            base *= base;
            exp >>= 1;
        }
        return r;
    }

    static void f32(int op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
        if (as == 1 && bs == 1 && contiguousF32(op, a, ao, b, bo, o, oo, n)) {
            return;
        }
        if (as == 1 && bs == 0 && scalarRightF32(op, a, ao, b[bo], o, oo, n)) {
            return;
        }
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
                    o[oo + i] = (float) Math.floor(a[ao + i * as] / b[bo + i * bs]);
                }
            }
            case FLOOR_MOD -> {
                for (int i = 0; i < n; i++) {
                    float x = a[ao + i * as];
                    float y = b[bo + i * bs];
                    float r = x % y;
                    o[oo + i] = r != 0 && (r < 0) != (y < 0) ? r + y : r;
                }
            }
            case POW -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) Math.pow(a[ao + i * as], b[bo + i * bs]);
                }
            }
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
                    float d = a[ao + i * as] - b[bo + i * bs];
                    o[oo + i] = d * d;
                }
            }
            case RELU_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] > 0 ? a[ao + i * as] : 0;
                }
            }
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
                    o[oo + i] = b[bo + i * bs] * (float) 0.5 / a[ao + i * as];
                }
            }
            case RSQRT_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] * (float) -0.5 * a[ao + i * as] * a[ao + i * as] * a[ao + i * as];
                }
            }
            case RECIPROCAL_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = -b[bo + i * bs] * a[ao + i * as] * a[ao + i * as];
                }
            }
            case TRUNC_MOD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] % b[bo + i * bs];
                }
            }
            default -> throw unsupported(op, "float");
        }
    }

    static void f64(int op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] o, int oo, int n) {
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
                    o[oo + i] = (double) Math.floor(a[ao + i * as] / b[bo + i * bs]);
                }
            }
            case FLOOR_MOD -> {
                for (int i = 0; i < n; i++) {
                    double x = a[ao + i * as];
                    double y = b[bo + i * bs];
                    double r = x % y;
                    o[oo + i] = r != 0 && (r < 0) != (y < 0) ? r + y : r;
                }
            }
            case POW -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (double) Math.pow(a[ao + i * as], b[bo + i * bs]);
                }
            }
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
                    double d = a[ao + i * as] - b[bo + i * bs];
                    o[oo + i] = d * d;
                }
            }
            case RELU_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] > 0 ? a[ao + i * as] : 0;
                }
            }
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
                    o[oo + i] = b[bo + i * bs] * (double) 0.5 / a[ao + i * as];
                }
            }
            case RSQRT_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] * (double) -0.5 * a[ao + i * as] * a[ao + i * as] * a[ao + i * as];
                }
            }
            case RECIPROCAL_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = -b[bo + i * bs] * a[ao + i * as] * a[ao + i * as];
                }
            }
            case TRUNC_MOD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] % b[bo + i * bs];
                }
            }
            default -> throw unsupported(op, "double");
        }
    }

    static void i32(int op, int[] a, int ao, int as, int[] b, int bo, int bs, int[] o, int oo, int n) {
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
            case DIV, TRUNC_DIV -> {
                for (int i = 0; i < n; i++) {
                    int y = b[bo + i * bs];
                    if (y == 0) {
                        throw divisionByZero();
                    }
                    int x = a[ao + i * as];
                    o[oo + i] = x / y;
                }
            }
            case FLOOR_DIV -> {
                for (int i = 0; i < n; i++) {
                    int y = b[bo + i * bs];
                    if (y == 0) {
                        throw divisionByZero();
                    }
                    int x = a[ao + i * as];
                    o[oo + i] = Math.floorDiv(x, y);
                }
            }
            case FLOOR_MOD -> {
                for (int i = 0; i < n; i++) {
                    int y = b[bo + i * bs];
                    if (y == 0) {
                        throw divisionByZero();
                    }
                    int x = a[ao + i * as];
                    o[oo + i] = Math.floorMod(x, y);
                }
            }
            case TRUNC_MOD -> {
                for (int i = 0; i < n; i++) {
                    int y = b[bo + i * bs];
                    if (y == 0) {
                        throw divisionByZero();
                    }
                    int x = a[ao + i * as];
                    o[oo + i] = x % y;
                }
            }
            case POW -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = ipowi(a[ao + i * as], b[bo + i * bs]);
                }
            }
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
                    int d = a[ao + i * as] - b[bo + i * bs];
                    o[oo + i] = d * d;
                }
            }
            case RELU_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] > 0 ? a[ao + i * as] : 0;
                }
            }
            default -> throw unsupported(op, "int");
        }
    }

    static void l64(int op, long[] a, int ao, int as, long[] b, int bo, int bs, long[] o, int oo, int n) {
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
            case DIV, TRUNC_DIV -> {
                for (int i = 0; i < n; i++) {
                    long y = b[bo + i * bs];
                    if (y == 0) {
                        throw divisionByZero();
                    }
                    long x = a[ao + i * as];
                    o[oo + i] = x / y;
                }
            }
            case FLOOR_DIV -> {
                for (int i = 0; i < n; i++) {
                    long y = b[bo + i * bs];
                    if (y == 0) {
                        throw divisionByZero();
                    }
                    long x = a[ao + i * as];
                    o[oo + i] = Math.floorDiv(x, y);
                }
            }
            case FLOOR_MOD -> {
                for (int i = 0; i < n; i++) {
                    long y = b[bo + i * bs];
                    if (y == 0) {
                        throw divisionByZero();
                    }
                    long x = a[ao + i * as];
                    o[oo + i] = Math.floorMod(x, y);
                }
            }
            case TRUNC_MOD -> {
                for (int i = 0; i < n; i++) {
                    long y = b[bo + i * bs];
                    if (y == 0) {
                        throw divisionByZero();
                    }
                    long x = a[ao + i * as];
                    o[oo + i] = x % y;
                }
            }
            case POW -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = ipowl(a[ao + i * as], b[bo + i * bs]);
                }
            }
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
                    long d = a[ao + i * as] - b[bo + i * bs];
                    o[oo + i] = d * d;
                }
            }
            case RELU_GRAD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = b[bo + i * bs] > 0 ? a[ao + i * as] : 0;
                }
            }
            default -> throw unsupported(op, "long");
        }
    }
}
