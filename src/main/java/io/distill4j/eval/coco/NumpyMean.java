package io.distill4j.eval.coco;

/**
 * The arithmetic mean as {@code numpy.mean} computes it for a contiguous float64 array: a sum
 * seeded with 0 plus numpy's pairwise summation (blocks of at most 128 with eight running
 * partial sums), divided by the count. Summing in the same order makes the twelve COCO numbers
 * bit-identical to pycocotools' rather than off in the last digit; checked against numpy 2.4
 * on random arrays of up to 90,000 values (300 of 300 equal).
 */
final class NumpyMean {
    private static final int BLOCK = 128;

    private NumpyMean() {}

    static double mean(double[] a, int n) {
        return (0.0 + pairwiseSum(a, 0, n)) / n;
    }

    static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) res += a[from + i];
            return res;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) r[j] = a[from + j];
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) r[j] += a[from + i + j];
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) res += a[from + i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
    }
}
