package io.distill4j.distill;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * DarkRank written straight from the paper's formulas in plain double loops, independent of the
 * ND4J implementation: distances from explicit differences, probabilities as products of ratios
 * (not log-sum-exp), permutations by swapping.
 */
final class DarkRankReference {
    private DarkRankReference() {}

    /** L = weight * mean over queries of the hard (ListMLE) or soft (KL over all orders) term. */
    static double loss(
            double[][] student,
            double[][] teacher,
            int cs,
            int ps,
            int ct,
            int pt,
            double alpha,
            double beta,
            int listSize,
            boolean soft,
            double weight) {
        double[][] s = normalised(pooled(student, cs, ps));
        double[][] t = normalised(pooled(teacher, ct, pt));
        int n = s.length;
        int k = Math.min(listSize, n - 1);
        if (k < 1) {
            return 0;
        }
        double total = 0;
        for (int q = 0; q < n; q++) {
            final int query = q;
            List<Integer> others = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                if (c != q) {
                    others.add(c);
                }
            }
            others.sort(Comparator.comparingDouble((Integer c) -> distance(t[query], t[c]))
                    .thenComparingInt(c -> c));
            int[] list =
                    others.subList(0, k).stream().mapToInt(Integer::intValue).toArray();
            double[] scoreS = new double[k];
            double[] scoreT = new double[k];
            for (int i = 0; i < k; i++) {
                scoreS[i] = -alpha * Math.pow(distance(s[q], s[list[i]]), beta);
                scoreT[i] = -alpha * Math.pow(distance(t[q], t[list[i]]), beta);
            }
            if (!soft) {
                total += -Math.log(probability(scoreS, identity(k)));
            } else {
                double kl = 0;
                for (int[] order : orders(k)) {
                    double pT = probability(scoreT, order);
                    kl += pT * Math.log(pT / probability(scoreS, order));
                }
                total += kl;
            }
        }
        return weight * total / n;
    }

    /** Plackett-Luce: prod_i exp s_order(i) / sum_{j >= i} exp s_order(j). */
    static double probability(double[] scores, int[] order) {
        double p = 1;
        for (int i = 0; i < order.length; i++) {
            double denominator = 0;
            for (int j = i; j < order.length; j++) {
                denominator += Math.exp(scores[order[j]]);
            }
            p *= Math.exp(scores[order[i]]) / denominator;
        }
        return p;
    }

    private static int[] identity(int k) {
        int[] order = new int[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        return order;
    }

    static List<int[]> orders(int k) {
        List<int[]> out = new ArrayList<>();
        swap(identity(k), 0, out);
        return out;
    }

    private static void swap(int[] a, int from, List<int[]> out) {
        if (from == a.length) {
            out.add(a.clone());
            return;
        }
        for (int i = from; i < a.length; i++) {
            int x = a[from];
            a[from] = a[i];
            a[i] = x;
            swap(a, from + 1, out);
            a[i] = a[from];
            a[from] = x;
        }
    }

    private static double[][] pooled(double[][] maps, int channels, int pixels) {
        double[][] out = new double[maps.length][channels];
        for (int e = 0; e < maps.length; e++) {
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                for (int p = 0; p < pixels; p++) {
                    sum += maps[e][c * pixels + p];
                }
                out[e][c] = sum / pixels;
            }
        }
        return out;
    }

    private static double[][] normalised(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int e = 0; e < rows.length; e++) {
            double norm = 0;
            for (double v : rows[e]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            out[e] = new double[rows[e].length];
            for (int i = 0; i < rows[e].length; i++) {
                out[e][i] = rows[e][i] / norm;
            }
        }
        return out;
    }

    static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }
}
