package io.distill4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfTest {
    /** Bits of the nearest half by an independent rule: search the sorted finite halves, ties to even. */
    private static short referenceFromFloat(float f) {
        int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
        if (Float.isNaN(f)) throw new IllegalArgumentException("reference handles non-NaN only");
        double a = Math.abs((double) f);
        if (a >= 65520.0) return (short) (sign | 0x7c00);
        int lo = 0;
        int hi = 0x7bff;
        while (lo < hi) { // largest pattern whose value <= a
            int mid = (lo + hi + 1) >>> 1;
            if (valueOf(mid) <= a) lo = mid;
            else hi = mid - 1;
        }
        if (lo == 0x7bff) return (short) (sign | lo);
        double below = valueOf(lo);
        double above = lo == 0x7bff ? 65536.0 : valueOf(lo + 1);
        int pick;
        if (a - below < above - a) pick = lo;
        else if (a - below > above - a) pick = lo + 1;
        else pick = (lo & 1) == 0 ? lo : lo + 1;
        return (short) (sign | pick);
    }

    /** Value of a non-negative finite half pattern, computed from its fields. */
    private static double valueOf(int bits) {
        int e = bits >>> 10;
        int m = bits & 0x3ff;
        return e == 0 ? m * Math.pow(2, -24) : (1024 + m) * Math.pow(2, e - 25);
    }

    @Test
    void everyHalfPatternDecodesToItsFieldValueAndEncodesBackExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = Half.toFloat(h);
            boolean nan = (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0;
            if (nan) {
                assertTrue(Float.isNaN(f), "pattern " + Integer.toHexString(bits));
                assertTrue(
                        Half.isNonFinite(Half.fromFloat(f)) && (Half.fromFloat(f) & 0x3ff) != 0,
                        "NaN pattern " + Integer.toHexString(bits) + " must stay NaN");
                continue;
            }
            if ((bits & 0x7fff) < 0x7c00) {
                double expected = valueOf(bits & 0x7fff) * ((bits & 0x8000) != 0 ? -1 : 1);
                assertEquals(expected, f, 0.0, "pattern " + Integer.toHexString(bits));
            }
            assertEquals(bits, Half.fromFloat(f) & 0xffff, "round trip of pattern " + Integer.toHexString(bits));
        }
    }

    @Test
    void midpointsBetweenNeighbouringHalvesRoundToEvenAndTheirNeighboursRoundToNearest() {
        for (int bits = 0; bits < 0x7bff; bits++) {
            float below = Half.toFloat((short) bits);
            float above = Half.toFloat((short) (bits + 1));
            float mid = (float) (((double) below + above) / 2); // exact: one more significand bit than half
            int even = (bits & 1) == 0 ? bits : bits + 1;
            assertEquals(even, Half.fromFloat(mid) & 0xffff, "midpoint above " + Integer.toHexString(bits));
            assertEquals(
                    bits,
                    Half.fromFloat(Math.nextDown(mid)) & 0xffff,
                    "just below midpoint " + Integer.toHexString(bits));
            assertEquals(
                    bits + 1,
                    Half.fromFloat(Math.nextUp(mid)) & 0xffff,
                    "just above midpoint " + Integer.toHexString(bits));
            assertEquals(
                    bits | 0x8000,
                    Half.fromFloat(-Math.nextDown(mid)) & 0xffff,
                    "negative " + Integer.toHexString(bits));
        }
    }

    @Test
    void randomFloatsAgreeWithReferenceRounding() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 300_000; i++) {
            // Half of the draws are arbitrary bit patterns, half land in or near the half range.
            float f = i % 2 == 0
                    ? Float.intBitsToFloat(rnd.nextInt())
                    : (float)
                            (Math.scalb(rnd.nextDouble(1.0, 2.0), rnd.nextInt(-27, 17)) * (rnd.nextBoolean() ? 1 : -1));
            if (Float.isNaN(f)) continue;
            assertEquals(
                    referenceFromFloat(f),
                    Half.fromFloat(f),
                    "float " + f + " bits " + Integer.toHexString(Float.floatToRawIntBits(f)));
        }
    }

    @Test
    void normalValuesHaveRelativeErrorAtMostTwoToTheMinusEleven() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            float f = (float) Math.scalb(rnd.nextDouble(1.0, 2.0), rnd.nextInt(-14, 16));
            if (f > Half.MAX_VALUE) continue;
            float back = Half.toFloat(Half.fromFloat(f));
            assertTrue(Math.abs(back - f) <= Math.scalb(Math.abs(f), -11), "float " + f + " came back as " + back);
        }
    }

    @Test
    void specialValuesOverflowUnderflowAndSubnormalsFollowIeee() {
        assertEquals(0x7bff, Half.fromFloat(65504f) & 0xffff);
        assertEquals(0x7bff, Half.fromFloat(65519.996f) & 0xffff);
        assertEquals(0x7c00, Half.fromFloat(65520f) & 0xffff, "65520 is the tie that rounds to infinity");
        assertEquals(0x7c00, Half.fromFloat(1e9f) & 0xffff);
        assertEquals(0xfc00, Half.fromFloat(-1e9f) & 0xffff);
        assertEquals(0x7c00, Half.fromFloat(Float.POSITIVE_INFINITY) & 0xffff);
        assertEquals(0xfc00, Half.fromFloat(Float.NEGATIVE_INFINITY) & 0xffff);
        assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat((short) 0x7c00));
        assertEquals(0x8000, Half.fromFloat(-0f) & 0xffff, "negative zero keeps its sign");
        assertEquals(0x0001, Half.fromFloat(0x1p-24f) & 0xffff, "smallest subnormal");
        assertEquals(0x0000, Half.fromFloat(0x1p-25f) & 0xffff, "half the smallest subnormal ties to zero");
        assertEquals(0x0001, Half.fromFloat(Math.nextUp(0x1p-25f)) & 0xffff);
        assertEquals(0x0002, Half.fromFloat(1.5f * 0x1p-24f) & 0xffff, "1.5 units ties to the even 2");
        assertEquals(0x0002, Half.fromFloat(2.5f * 0x1p-24f) & 0xffff, "2.5 units ties to the even 2");
        assertEquals(0x03ff, Half.fromFloat(1023 * 0x1p-24f) & 0xffff, "largest subnormal");
        assertEquals(0x0400, Half.fromFloat(1023.5f * 0x1p-24f) & 0xffff, "rounds up into the smallest normal");
        assertEquals(0x0400, Half.fromFloat(Half.MIN_NORMAL) & 0xffff);
        assertEquals(0x0000, Half.fromFloat(Float.MIN_VALUE) & 0xffff);
        assertEquals(0x3c00, Half.fromFloat(1f) & 0xffff);
        assertEquals(0x3c00, Half.fromFloat(1f + 0x1p-11f) & 0xffff, "tie at 1 + 2^-11 goes to the even 1");
        assertEquals(
                0x3c02, Half.fromFloat(1f + 3 * 0x1p-11f) & 0xffff, "tie at 1 + 3*2^-11 goes to the even 1 + 2^-9");
    }
}
