package io.distill4j.distill;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The Plackett-Luce (ListMLE) probability of a ranking given scores, the permutation model of
 * DarkRank and ListNet. For scores z_1..z_n of a list in the order of the ranking:
 * <pre>
 *   log P = sum_{i=1}^{n-1} ( z_i - log sum_{k=i}^{n} exp z_k )
 *   d log P / d z_j = sum_{i <= j, i < n} ( [i = j] - exp(z_j - log sum_{k>=i} exp z_k) )
 * </pre>
 * (the i = n term is z_n - z_n = 0 and is left out). Each row of the arrays is one list. Every
 * log-sum-exp subtracts its own suffix maximum, so lists with very spread scores stay finite.
 */
final class PlackettLuce {
    private PlackettLuce() {}

    /** Log-probability [R, 1] of the listed order of each row of {@code scores} [R, n]. */
    static INDArray logProbability(INDArray scores) {
        long n = scores.size(1);
        INDArray logP = Nd4j.zeros(scores.dataType(), scores.size(0), 1);
        for (long i = 0; i < n - 1; i++) {
            logP.addi(column(scores, i)).subi(suffixLogSumExp(scores, i));
        }
        return logP;
    }

    /** d log P / d scores [R, n], for each row. */
    static INDArray gradient(INDArray scores) {
        long n = scores.size(1);
        INDArray grad = Nd4j.zeros(scores.dataType(), scores.size(0), n);
        for (long i = 0; i < n - 1; i++) {
            INDArray suffix = scores.get(NDArrayIndex.all(), NDArrayIndex.interval(i, n));
            INDArray softmax = Transforms.exp(suffix.subColumnVector(suffixLogSumExp(scores, i)), false);
            INDArray target = grad.get(NDArrayIndex.all(), NDArrayIndex.interval(i, n));
            target.subi(softmax);
            grad.get(NDArrayIndex.all(), NDArrayIndex.point(i)).addi(1.0);
        }
        return grad;
    }

    /** log sum_{k >= i} exp scores[:, k] as [R, 1]. */
    private static INDArray suffixLogSumExp(INDArray scores, long i) {
        INDArray suffix = scores.get(NDArrayIndex.all(), NDArrayIndex.interval(i, scores.size(1)));
        INDArray max = suffix.max(true, 1);
        return Transforms.log(Transforms.exp(suffix.subColumnVector(max), false).sum(true, 1), false)
                .addi(max);
    }

    private static INDArray column(INDArray scores, long i) {
        return scores.get(NDArrayIndex.all(), NDArrayIndex.interval(i, i + 1));
    }

    /**
     * All n! permutations of 0..n-1 in lexicographic order, as a 0/1 matrix [n, n! * n] with a one at
     * (perm_p(i), p * n + i): {@code scores.mmul(m)} lays out each permutation's reordered scores
     * side by side, and {@code grad.mmul(m.transpose())} sums gradients back onto the original items.
     */
    static INDArray permutationMatrix(int n, org.nd4j.linalg.api.buffer.DataType type) {
        List<int[]> perms = permutations(n);
        INDArray m = Nd4j.zeros(type, n, (long) perms.size() * n);
        for (int p = 0; p < perms.size(); p++) {
            int[] perm = perms.get(p);
            for (int i = 0; i < n; i++) {
                m.putScalar(perm[i], (long) p * n + i, 1.0);
            }
        }
        return m;
    }

    /** The permutations of 0..n-1 in lexicographic order. */
    static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] prefix, boolean[] used, int depth, List<int[]> out) {
        if (depth == prefix.length) {
            out.add(prefix.clone());
            return;
        }
        for (int v = 0; v < prefix.length; v++) {
            if (!used[v]) {
                used[v] = true;
                prefix[depth] = v;
                permute(prefix, used, depth + 1, out);
                used[v] = false;
            }
        }
    }
}
