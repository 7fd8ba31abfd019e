package dev.tensorgraph.cpu;

import dev.tensorgraph.errors.UnimplementedException;

/**
 * The loops of the unary elementwise kernels, one counted loop per (operation, dtype). Float32 functions
 * are evaluated in double and rounded once. Round is half to even ({@link Math#rint}), as TensorFlow's.
 */
final class UnaryLoops {
    static final int SQUARE = 0;
    static final int SQRT = 1;
    static final int RSQRT = 2;
    static final int EXP = 3;
    static final int LOG = 4;
    static final int LOG1P = 5;
    static final int ABS = 6;
    static final int NEG = 7;
    static final int SIGN = 8;
    static final int RECIPROCAL = 9;
    static final int SIGMOID = 10;
    static final int TANH = 11;
    static final int RELU = 12;
    static final int ROUND = 13;
    static final int FLOOR = 14;
    static final int CEIL = 15;

    private UnaryLoops() {}

    /** Whether integer tensors support {@code op}. */
    static boolean supportsIntegers(int op) {
        return op == SQUARE || op == ABS || op == NEG || op == SIGN || op == RELU || op == ROUND;
    }
    /**
     * tanh for float32 results through one {@link Math#exp} in double, several times faster than
     * {@link Math#tanh}: {@code 1 - 2/(e^2|x| + 1)} has an absolute error near 1e-16, far below float32's
     * precision once |x| passes 2^-13, and below that tanh(x) = x(1 - x^2/3 ...) is x to float32's precision.
     */
    static double tanhForFloat(double x) {
        double ax = Math.abs(x);
        if (ax < 0x1p-13) {
            return x;
        }
        return Math.copySign(1 - 2 / (Math.exp(2 * ax) + 1), x);
    }

//# let signum float=Math.signum double=Math.signum int=Integer.signum long=Long.signum
//# let tanh float=tanhForFloat double=Math.tanh
//# for float double int long

    static void ${tag}(int op, ${T}[] a, ${T}[] o, int n) {
        ${tag}(op, a, o, 0, n);
    }

    /** Elements {@code [from, to)}: a part of a large array, for a kernel that splits it over threads. */
    static void ${tag}(int op, ${T}[] a, ${T}[] o, int from, int to) {
        switch (op) {
            case SQUARE -> {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] * a[i];
                }
            }
//# if floating
            case SQRT -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) Math.sqrt(a[i]);
                }
            }
            case RSQRT -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) (1.0 / Math.sqrt(a[i]));
                }
            }
            case EXP -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) Math.exp(a[i]);
                }
            }
            case LOG -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) Math.log(a[i]);
                }
            }
            case LOG1P -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) Math.log1p(a[i]);
                }
            }
//# end
            case ABS -> {
                for (int i = from; i < to; i++) {
                    o[i] = Math.abs(a[i]);
                }
            }
            case NEG -> {
                for (int i = from; i < to; i++) {
                    o[i] = -a[i];
                }
            }
            case SIGN -> {
                for (int i = from; i < to; i++) {
                    o[i] = ${signum}(a[i]);
                }
            }
//# if floating
            case RECIPROCAL -> {
                for (int i = from; i < to; i++) {
                    o[i] = 1 / a[i];
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) (1.0 / (1.0 + Math.exp(-a[i])));
                }
            }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) ${tanh}(a[i]);
                }
            }
//# end
            case RELU -> {
                for (int i = from; i < to; i++) {
                    o[i] = Math.max(a[i], 0);
                }
            }
//# if floating
            case ROUND -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) Math.rint(a[i]);
                }
            }
            case FLOOR -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) Math.floor(a[i]);
                }
            }
            case CEIL -> {
                for (int i = from; i < to; i++) {
                    o[i] = (${T}) Math.ceil(a[i]);
                }
            }
//# else
            case ROUND -> {
                for (int i = from; i < to; i++) {
                    o[i] = a[i];
                }
            }
//# end
            default -> throw new UnimplementedException("unary operation " + op + " is not implemented for ${T}");
        }
    }
//# end
}
