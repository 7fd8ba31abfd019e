package dev.tensorgraph;

/**
 * Conversions between float32 and the two 16-bit floating types, {@link DType#BFLOAT16} and {@link DType#HALF},
 * whose tensors hold the raw bit patterns in a {@code short[]}. Narrowing rounds to the nearest value, ties to
 * the even pattern, as TensorFlow's casts do; values beyond the largest finite one become infinities and NaNs
 * stay NaNs as TensorFlow makes them: every NaN is bfloat16's {@code 0x7fc0}, while float16 keeps the sign and
 * the top mantissa bits and sets the quiet bit. Widening is exact.
 *
 * <pre>{@code
 * short b = HalfFloats.toBfloat16(1.00390625f);   // 0x3f80 (1.0): a tie, rounded to the even pattern
 * float f = HalfFloats.fromHalf((short) 0x3c00);  // 1.0
 * }</pre>
 */
public final class HalfFloats {
    private static final int FLOAT_SIGN = 0x8000_0000;
    private static final int FLOAT_INFINITY = 0x7f80_0000;
    /** 65520, halfway between HALF's largest finite value 65504 and 65536: from there on it rounds to infinity. */
    private static final int HALF_OVERFLOW = 0x477f_f000;
    /** 2^-14, HALF's smallest normal value; below it values are subnormal multiples of 2^-24. */
    private static final int HALF_MIN_NORMAL = 0x3880_0000;
    private static final float TWO_POW_24 = 16_777_216f;

    private HalfFloats() {}

    /** The bfloat16 bit pattern nearest to {@code f} (ties to even). */
    public static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & ~FLOAT_SIGN) > FLOAT_INFINITY) {
            return (short) 0x7fc0;
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    /** The float32 value of a bfloat16 bit pattern. */
    public static float fromBfloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The IEEE half-precision bit pattern nearest to {@code f} (ties to even), subnormals included. */
    public static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & ~FLOAT_SIGN;
        if (abs >= FLOAT_INFINITY) {
            return (short) (sign | (abs > FLOAT_INFINITY ? 0x7e00 | ((abs & 0x7f_ffff) >>> 13) : 0x7c00));
        }
        if (abs >= HALF_OVERFLOW) {
            return (short) (sign | 0x7c00);
        }
        if (abs < HALF_MIN_NORMAL) {
            // Scaling by 2^24 is exact, and rint rounds half to even: the count of 2^-24 steps (1024 is the
            // smallest normal, whose pattern is the same number).
            return (short) (sign | (int) Math.rint(Float.intBitsToFloat(abs) * TWO_POW_24));
        }
        int pattern = ((((abs >>> 23) - 127 + 15) << 10) | ((abs & 0x7f_ffff) >>> 13));
        int dropped = abs & 0x1fff;
        if (dropped > 0x1000 || (dropped == 0x1000 && (pattern & 1) == 1)) {
            pattern++; // a carry into the exponent is the next binade, as it should be
        }
        return (short) (sign | pattern);
    }

    /** The float32 value of a half-precision bit pattern. */
    public static float fromHalf(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0) {
            float magnitude = mantissa / TWO_POW_24;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | FLOAT_INFINITY | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** The bit pattern of {@code f} in {@code dtype}, which must be {@link DType#BFLOAT16} or {@link DType#HALF}. */
    public static short narrow(DType dtype, float f) {
        return dtype == DType.BFLOAT16 ? toBfloat16(f) : toHalf(f);
    }

    /** The float32 value of a bit pattern of {@code dtype} ({@link DType#BFLOAT16} or {@link DType#HALF}). */
    public static float widen(DType dtype, short bits) {
        return dtype == DType.BFLOAT16 ? fromBfloat16(bits) : fromHalf(bits);
    }

    /** Every element of {@code values} narrowed to {@code dtype}. */
    public static short[] narrow(DType dtype, float[] values) {
        short[] r = new short[values.length];
        narrow(dtype, values, r);
        return r;
    }

    /** Narrows {@code values} into {@code out} (same length). */
    public static void narrow(DType dtype, float[] values, short[] out) {
        if (dtype == DType.BFLOAT16) {
            for (int i = 0; i < values.length; i++) {
                out[i] = toBfloat16(values[i]);
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                out[i] = toHalf(values[i]);
            }
        }
    }

    /** Every pattern of {@code bits} widened from {@code dtype} to float32. */
    public static float[] widen(DType dtype, short[] bits) {
        float[] r = new float[bits.length];
        widen(dtype, bits, r);
        return r;
    }

    /** Widens {@code bits} into {@code out} (same length). */
    public static void widen(DType dtype, short[] bits, float[] out) {
        if (dtype == DType.BFLOAT16) {
            for (int i = 0; i < bits.length; i++) {
                out[i] = fromBfloat16(bits[i]);
            }
        } else {
            for (int i = 0; i < bits.length; i++) {
                out[i] = fromHalf(bits[i]);
            }
        }
    }
}
