package io.distill4j.tensor;

/**
 * IEEE 754 binary16 ("half") conversion, bit-exact, without lookup tables.
 *
 * <p>Written by hand because Java 17 has no {@code Float.floatToFloat16}/{@code float16ToFloat}
 * (they arrived in Java 20) and the project is pinned to Java 17. Branchy bit manipulation beats a
 * table here: the common case (a normal value) is one subtract, one add and one shift, and nothing
 * pollutes the executor's cache.
 *
 * <p>Rounding is round-to-nearest, ties-to-even, for normal and subnormal results alike; magnitudes
 * from 65520 up (the midpoint between the largest half, 65504, and 2^16) become infinity; magnitudes
 * up to and including 2^-25 (half the smallest subnormal) become a signed zero. NaN stays NaN: the
 * top ten payload bits are kept and the quiet bit is set, so a NaN never turns into infinity.
 */
public final class Half {
    /** Largest finite half value, 65504. */
    public static final float MAX_VALUE = 65504f;
    /** Smallest positive normal half value, 2^-14. */
    public static final float MIN_NORMAL = 0x1p-14f;
    /** Smallest positive subnormal half value, 2^-24. */
    public static final float MIN_VALUE = 0x1p-24f;

    private static final int FLOAT_INF_BITS = 0x7f800000;
    /** |x| at or above 65520 (0x477ff000) rounds to infinity. */
    private static final int FLOAT_OVERFLOW_BITS = 0x477ff000;
    /** |x| at or above 2^-14 is a normal half. */
    private static final int FLOAT_HALF_MIN_NORMAL_BITS = 0x38800000;
    /** |x| at or below 2^-25 rounds to zero (2^-25 itself is a tie that goes to the even zero). */
    private static final int FLOAT_HALF_UNDERFLOW_BITS = 0x33000000;
    /** (127 - 15) << 23: moves a float exponent to the half bias. */
    private static final int REBIAS = 0x38000000;

    private Half() {}

    /** The half bits (in the low 16 bits of the result) nearest to {@code f}. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs >= FLOAT_HALF_MIN_NORMAL_BITS) {
            if (abs < FLOAT_OVERFLOW_BITS) {
                int m = abs - REBIAS;
                // Round the 13 dropped mantissa bits to nearest even; a carry ripples into the exponent.
                m += 0xfff + ((m >>> 13) & 1);
                return (short) (sign | (m >>> 13));
            }
            if (abs <= FLOAT_INF_BITS) return (short) (sign | 0x7c00);
            return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
        }
        if (abs <= FLOAT_HALF_UNDERFLOW_BITS) return (short) sign;
        // Subnormal half: the result counts units of 2^-24. The float is mant * 2^(e - 150) with the
        // implicit bit restored, so the count is mant >> (126 - e), shift in 14..24.
        int e = abs >>> 23;
        int mant = (abs & 0x7fffff) | 0x800000;
        int shift = 126 - e;
        int h = mant >>> shift;
        int rem = mant & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rem > halfway || (rem == halfway && (h & 1) != 0)) h++;
        return (short) (sign | h);
    }

    /** The float value of half bits {@code h} (exact: every half is a float). */
    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = bits & 0x7c00;
        if (exp == 0x7c00) return Float.intBitsToFloat(sign | FLOAT_INF_BITS | ((bits & 0x3ff) << 13));
        if (exp != 0) return Float.intBitsToFloat(sign | (((bits & 0x7fff) << 13) + REBIAS));
        float v = (bits & 0x3ff) * MIN_VALUE;
        return sign != 0 ? -v : v;
    }

    /** True when the half bits are an infinity or a NaN. */
    public static boolean isNonFinite(short h) {
        return (h & 0x7c00) == 0x7c00;
    }
}
