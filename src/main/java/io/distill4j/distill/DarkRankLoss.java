package io.distill4j.distill;

import io.distill4j.model.loss.DenseLossFunction;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DarkRank (Chen, Wang, Zhang, AAAI 2018): transfer of cross-sample similarities, i.e. how the
 * teacher ranks the other images of the minibatch around each image.
 * <pre>
 *   e_n   = mean over the H*W positions of the map of example n, then u_n = e_n / ||e_n||
 *   S(q, c) = -alpha * ||u_q - u_c||_2^beta                      (student and teacher alike)
 *   list(q) = the k = min(listSize, N-1) other examples nearest to q by the teacher, nearest first
 *   hard:  l_q = -log P_S(list(q))                               (ListMLE of the teacher's ranking)
 *   soft:  l_q = sum_{pi over the k! orders} P_T(pi) (log P_T(pi) - log P_S(pi))   (KL(P_T || P_S))
 *   P(pi) = prod_i exp S(q, c_pi(i)) / sum_{j >= i} exp S(q, c_pi(j))            (Plackett-Luce)
 *   L = weight * (1/N) * sum_q l_q
 * </pre>
 * Every example is a query once, and the candidates are the other examples of the same minibatch: a
 * minibatch of one example has no candidates and contributes 0 (with a zero gradient). The loss is
 * cross-sample, so example q's row of the gradient also collects the terms where q is a candidate.
 *
 * <p>Embeddings are L2-normalised (distances in [0, 2], so alpha = beta = 3 gives scores in
 * [-24, 0]); this also makes the loss independent of each embedding's scale. Student and teacher
 * embeddings may have different widths: only distances within each network are compared, so no
 * adapter is needed. Norms are floored at 1e-12 and squared distances at 1e-12; where a floor is hit
 * the gradient through it is zero.
 *
 * <p>Output: student map [N, studentChannels * studentPixels]; labels: teacher map
 * [N, teacherChannels * teacherPixels], both NCHW flattened in c order (pixels = 1 for a vector).
 */
public final class DarkRankLoss extends DenseLossFunction {

    /** How the teacher's ranking is transferred. */
    public enum Transfer {
        /** KL divergence between the teacher's and the student's distributions over all orders of the list. */
        SOFT,
        /** Likelihood of the teacher's order of the list under the student's scores (ListMLE). */
        HARD;

        public static Transfer parse(String s) {
            for (Transfer t : values()) {
                if (t.name().equalsIgnoreCase(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("transfer must be soft or hard, cannot be: " + s);
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Longest list for soft transfer: it enumerates listSize! orders (6! = 720). */
    public static final int MAX_SOFT_LIST = 6;

    static final double NORM_FLOOR = 1e-12;
    static final double SQUARED_DISTANCE_FLOOR = 1e-12;

    @JsonProperty("studentChannels")
    private final int studentChannels;

    @JsonProperty("studentPixels")
    private final int studentPixels;

    @JsonProperty("teacherChannels")
    private final int teacherChannels;

    @JsonProperty("teacherPixels")
    private final int teacherPixels;

    @JsonProperty("alpha")
    private final double alpha;

    @JsonProperty("beta")
    private final double beta;

    @JsonProperty("listSize")
    private final int listSize;

    @JsonProperty("transfer")
    private final Transfer transfer;

    @JsonProperty("weight")
    private final double weight;

    @JsonCreator
    public DarkRankLoss(
            @JsonProperty("studentChannels") int studentChannels,
            @JsonProperty("studentPixels") int studentPixels,
            @JsonProperty("teacherChannels") int teacherChannels,
            @JsonProperty("teacherPixels") int teacherPixels,
            @JsonProperty("alpha") double alpha,
            @JsonProperty("beta") double beta,
            @JsonProperty("listSize") int listSize,
            @JsonProperty("transfer") Transfer transfer,
            @JsonProperty("weight") double weight) {
        this.studentChannels = positive("studentChannels", studentChannels);
        this.studentPixels = positive("studentPixels", studentPixels);
        this.teacherChannels = positive("teacherChannels", teacherChannels);
        this.teacherPixels = positive("teacherPixels", teacherPixels);
        this.alpha = positive("alpha", alpha);
        this.beta = positive("beta", beta);
        this.transfer = Objects.requireNonNull(transfer, "transfer");
        if (listSize < 2 || (transfer == Transfer.SOFT && listSize > MAX_SOFT_LIST)) {
            throw new IllegalArgumentException("listSize must be at least 2"
                    + (transfer == Transfer.SOFT
                            ? " and at most " + MAX_SOFT_LIST + " for soft transfer (it enumerates listSize! orders)"
                            : "")
                    + ", cannot be: " + listSize);
        }
        this.listSize = listSize;
        this.weight = weight(weight);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        int n = (int) output.size(0);
        requireColumns(
                output, "student map", "[N, studentChannels*studentPixels]", (long) studentChannels * studentPixels);
        requireColumns(
                labels,
                "labels",
                "[N, teacherChannels*teacherPixels] teacher map",
                (long) teacherChannels * teacherPixels);
        int k = Math.min(listSize, n - 1);
        if (k < 1) {
            return new Terms(
                    Nd4j.zeros(output.dataType(), n, 1),
                    withGradient ? Nd4j.zeros(output.dataType(), output.shape()) : null);
        }
        INDArray pooledS = pool(output, studentChannels, studentPixels);
        INDArray normS = Transforms.max(pooledS.norm2(true, 1), NORM_FLOOR, false);
        INDArray unitS = pooledS.div(normS);
        INDArray unitT = unit(pool(labels, teacherChannels, teacherPixels));

        INDArray squaredS = squaredDistances(unitS);
        INDArray distS = Transforms.sqrt(Transforms.max(squaredS, SQUARED_DISTANCE_FLOOR, true), false);
        INDArray distT = Transforms.sqrt(Transforms.max(squaredDistances(unitT), SQUARED_DISTANCE_FLOOR, true), false);
        int[][] lists = teacherLists(distT, k);
        INDArray listDistS = gather(distS, lists);
        INDArray scoresS = scores(listDistS);

        INDArray perQuery;
        INDArray gradScores = null;
        if (transfer == Transfer.HARD || k == 1) {
            // The list is in the teacher's order, so its ranking is the identity order. (With one
            // candidate there is one order: both modes give 0.)
            perQuery = PlackettLuce.logProbability(scoresS).negi();
            if (withGradient) {
                gradScores = PlackettLuce.gradient(scoresS).negi();
            }
        } else {
            INDArray perms = PlackettLuce.permutationMatrix(k, output.dataType());
            long orders = perms.size(1) / k;
            INDArray orderedS = scoresS.mmul(perms).reshape('c', (long) n * orders, k);
            INDArray orderedT = scores(gather(distT, lists)).mmul(perms).reshape('c', (long) n * orders, k);
            INDArray logPS = PlackettLuce.logProbability(orderedS).reshape('c', n, orders);
            INDArray logPT = PlackettLuce.logProbability(orderedT).reshape('c', n, orders);
            INDArray pT = Transforms.exp(logPT, true);
            perQuery = pT.mul(logPT.sub(logPS)).sum(true, 1);
            if (withGradient) {
                INDArray perOrder =
                        PlackettLuce.gradient(orderedS).mulColumnVector(pT.reshape('c', (long) n * orders, 1));
                gradScores = perOrder.reshape('c', n, orders * k)
                        .mmul(perms.transpose())
                        .negi();
            }
        }
        INDArray perExample = perQuery.muli(weight).reshape(n, 1);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        // S = -alpha d^beta: dS/dd = -alpha beta d^(beta-1); zero where the distance floor was hit.
        INDArray listSquaredS = gather(squaredS, lists);
        INDArray open = listSquaredS.gt(SQUARED_DISTANCE_FLOOR).castTo(output.dataType());
        INDArray gradDist = gradScores
                .muli(weight)
                .muli(Transforms.pow(listDistS, beta - 1, true).muli(-alpha * beta))
                .muli(open);
        // d ||u_q - u_c|| = (u_q - u_c) / d: with M = W + W^T for W[q, c] = dL/dd_qc / d_qc,
        // dL/du_x = sum_y M[x, y] (u_x - u_y).
        INDArray w = scatter(gradDist.divi(listDistS), lists, n);
        INDArray m = w.add(w.transpose());
        INDArray gradUnit = unitS.mulColumnVector(m.sum(true, 1).reshape(n, 1)).subi(m.mmul(unitS));
        // Through u = e / ||e||: (g - u (u . g)) / ||e||, the projection only where the norm floor is not hit.
        INDArray unfloored = pooledS.norm2(true, 1).gte(NORM_FLOOR).castTo(output.dataType());
        INDArray projection =
                unitS.mulColumnVector(unitS.mul(gradUnit).sum(true, 1).muli(unfloored));
        INDArray gradPooled = gradUnit.subi(projection).diviColumnVector(normS);
        return new Terms(perExample, unpool(gradPooled, n));
    }

    private INDArray scores(INDArray distances) {
        return Transforms.pow(distances, beta, true).muli(-alpha);
    }

    /** Mean over the pixels of each channel: [N, C*P] to [N, C]. */
    private static INDArray pool(INDArray flat, int channels, int pixels) {
        INDArray map = flat.reshape('c', flat.size(0), channels, pixels);
        return pixels == 1 ? map.reshape('c', flat.size(0), channels).dup() : map.mean(2);
    }

    private INDArray unpool(INDArray gradPooled, int n) {
        INDArray grad = Nd4j.zeros(gradPooled.dataType(), n, studentChannels, studentPixels)
                .addi(gradPooled.reshape('c', n, studentChannels, 1).div(studentPixels));
        return grad.reshape('c', n, (long) studentChannels * studentPixels);
    }

    private static INDArray unit(INDArray rows) {
        return rows.div(Transforms.max(rows.norm2(true, 1), NORM_FLOOR, false));
    }

    /** ||u_q||^2 + ||u_c||^2 - 2 u_q . u_c as [N, N]. */
    private static INDArray squaredDistances(INDArray rows) {
        INDArray squared = rows.mul(rows).sum(true, 1);
        INDArray gram = rows.mmul(rows.transpose());
        return gram.muli(-2).addiColumnVector(squared).addiRowVector(squared.reshape(1, rows.size(0)));
    }

    /**
     * For each query, the k other examples in increasing teacher distance (ties by index): the
     * candidate list and, in that order, the teacher's ranking of it.
     */
    private static int[][] teacherLists(INDArray distT, int k) {
        int n = (int) distT.size(0);
        double[][] d = distT.toDoubleMatrix();
        int[][] lists = new int[n][];
        for (int q = 0; q < n; q++) {
            final int query = q;
            lists[q] = java.util.stream.IntStream.range(0, n)
                    .filter(c -> c != query)
                    .boxed()
                    .sorted((a, b) -> Double.compare(d[query][a], d[query][b]) != 0
                            ? Double.compare(d[query][a], d[query][b])
                            : Integer.compare(a, b))
                    .limit(k)
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        return lists;
    }

    /** [N, k] with matrix[q, lists[q][i]]. */
    private static INDArray gather(INDArray matrix, int[][] lists) {
        INDArray out = Nd4j.create(matrix.dataType(), lists.length, lists[0].length);
        for (int q = 0; q < lists.length; q++) {
            for (int i = 0; i < lists[q].length; i++) {
                out.putScalar(q, i, matrix.getDouble(q, lists[q][i]));
            }
        }
        return out;
    }

    /** The inverse of {@link #gather}: [N, N] with values[q, i] at (q, lists[q][i]), zero elsewhere. */
    private static INDArray scatter(INDArray values, int[][] lists, int n) {
        INDArray out = Nd4j.zeros(values.dataType(), n, n);
        for (int q = 0; q < lists.length; q++) {
            for (int i = 0; i < lists[q].length; i++) {
                out.putScalar(q, lists[q][i], values.getDouble(q, i));
            }
        }
        return out;
    }

    public int getStudentChannels() {
        return studentChannels;
    }

    public int getStudentPixels() {
        return studentPixels;
    }

    public int getTeacherChannels() {
        return teacherChannels;
    }

    public int getTeacherPixels() {
        return teacherPixels;
    }

    public double getAlpha() {
        return alpha;
    }

    public double getBeta() {
        return beta;
    }

    public int getListSize() {
        return listSize;
    }

    public Transfer getTransfer() {
        return transfer;
    }

    public double getWeight() {
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DarkRankLoss other
                && studentChannels == other.studentChannels
                && studentPixels == other.studentPixels
                && teacherChannels == other.teacherChannels
                && teacherPixels == other.teacherPixels
                && alpha == other.alpha
                && beta == other.beta
                && listSize == other.listSize
                && transfer == other.transfer
                && weight == other.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                studentChannels,
                studentPixels,
                teacherChannels,
                teacherPixels,
                alpha,
                beta,
                listSize,
                transfer,
                weight);
    }

    @Override
    public String toString() {
        return "DarkRankLoss("
                + String.join(
                        ", ",
                        Arrays.asList(
                                "studentChannels=" + studentChannels,
                                "studentPixels=" + studentPixels,
                                "teacherChannels=" + teacherChannels,
                                "teacherPixels=" + teacherPixels,
                                "alpha=" + alpha,
                                "beta=" + beta,
                                "listSize=" + listSize,
                                "transfer=" + transfer.id(),
                                "weight=" + weight))
                + ")";
    }
}
