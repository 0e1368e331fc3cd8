package io.distill4j.eval.coco;

import static io.distill4j.eval.coco.CocoEvalParams.AREA_RANGES;
import static io.distill4j.eval.coco.CocoEvalParams.EPS;
import static io.distill4j.eval.coco.CocoEvalParams.IOU_THRESHOLDS;
import static io.distill4j.eval.coco.CocoEvalParams.MAX_DETS;
import static io.distill4j.eval.coco.CocoEvalParams.MAX_IOU_THRESHOLD;
import static io.distill4j.eval.coco.CocoEvalParams.RECALL_THRESHOLDS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bounding-box evaluation that reproduces pycocotools' {@code COCOeval(iouType='bbox')} with
 * default parameters step by step: {@code evaluate()} (per image and category matching at 100
 * detections), {@code accumulate()} (precision/recall tables) and {@code summarize()} (the twelve
 * numbers). Where pycocotools has a quirk it is kept, with a comment, because users compare these
 * numbers with published ones.
 */
public final class CocoEvaluator {
    private static final int T = IOU_THRESHOLDS.length;
    private static final int R = RECALL_THRESHOLDS.length;
    private static final int A = AREA_RANGES.length;
    private static final int M = MAX_DETS.length;

    private CocoEvaluator() {}

    /**
     * In-memory entry point for the evaluate job.
     *
     * @param imageIds    every evaluated image (also those without ground truth)
     * @param categoryIds the evaluated categories; detections of other categories are not counted
     */
    public static CocoStats evaluate(
            Collection<Long> imageIds,
            Collection<Integer> categoryIds,
            List<CocoGt> groundTruth,
            List<CocoDetection> detections) {
        Map<Integer, String> categories = new HashMap<>();
        for (int c : categoryIds) categories.put(c, String.valueOf(c));
        return evaluate(CocoGroundTruth.of(new ArrayList<>(imageIds), categories, groundTruth), detections);
    }

    /**
     * Results none of whose categories is in the ground truth would score 0 AP for no visible reason:
     * almost certainly the results of a model with another label map (e.g. contiguous 0..79
     * indices for COCO's 1..90 ids). Dropping some categories is normal; dropping all is refused.
     */
    private static void requireSharedCategory(CocoGroundTruth gt, List<CocoDetection> detections) {
        if (detections.isEmpty()) return;
        TreeSet<Integer> used = new TreeSet<>();
        for (CocoDetection d : detections) used.add(d.categoryId());
        for (int c : used) if (gt.categories().containsKey(c)) return;
        throw new IllegalArgumentException(
                "none of the " + detections.size() + " results has a category_id of the ground truth "
                        + "(results use " + sample(used) + "; ground truth has "
                        + sample(new TreeSet<>(gt.categories().keySet()))
                        + "): results of a model with another label map?");
    }

    private static String sample(TreeSet<Integer> ids) {
        return ids.size() <= 6
                ? ids.toString()
                : ids.stream()
                        .limit(6)
                        .map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(", ", "[", ", ... (" + ids.size() + " ids)]"));
    }

    /**
     * Evaluates {@code detections} against {@code gt}. Like pycocotools' {@code loadRes}, a detection
     * on an image that is not in the ground truth is an error; detections of categories not in the
     * ground truth are dropped, as {@code getAnnIds(catIds=...)} drops them, unless every detection's
     * category is absent (then this refuses them, naming both id sets).
     */
    public static CocoStats evaluate(CocoGroundTruth gt, List<CocoDetection> detections) {
        Set<Long> images = new HashSet<>(gt.imageIds());
        for (int i = 0; i < detections.size(); i++) {
            if (!images.contains(detections.get(i).imageId())) {
                throw new IllegalArgumentException("result " + i + " has image_id "
                        + detections.get(i).imageId() + ", which is not an image of the ground truth");
            }
        }
        List<Integer> catIds = new ArrayList<>(new TreeSet<>(gt.categories().keySet()));
        requireSharedCategory(gt, detections);
        List<Long> imgIds = gt.imageIds();
        Map<Long, Integer> imgIndex = new HashMap<>();
        for (int i = 0; i < imgIds.size(); i++) imgIndex.put(imgIds.get(i), i);
        Map<Integer, Integer> catIndex = new HashMap<>();
        for (int k = 0; k < catIds.size(); k++) catIndex.put(catIds.get(k), k);

        // Group by (image, category) keeping input order, which pycocotools keeps too.
        int cells = imgIds.size() * catIds.size();
        List<List<Integer>> gtCells = new ArrayList<>(cells);
        List<List<CocoDetection>> dtCells = new ArrayList<>(cells);
        for (int i = 0; i < cells; i++) {
            gtCells.add(new ArrayList<>());
            dtCells.add(new ArrayList<>());
        }
        for (int i = 0; i < gt.annotations().size(); i++) {
            CocoGt g = gt.annotations().get(i);
            Integer img = imgIndex.get(g.imageId());
            Integer cat = catIndex.get(g.categoryId());
            if (img != null && cat != null)
                gtCells.get(cat * imgIds.size() + img).add(i);
        }
        for (CocoDetection d : detections) {
            Integer cat = catIndex.get(d.categoryId());
            if (cat != null)
                dtCells.get(cat * imgIds.size() + imgIndex.get(d.imageId())).add(d);
        }

        int maxDet = MAX_DETS[M - 1];
        // evalImgs[k][a][i], null where an image has neither ground truth nor detections of k
        ImageEval[][][] evalImgs = new ImageEval[catIds.size()][A][imgIds.size()];
        for (int k = 0; k < catIds.size(); k++) {
            for (int i = 0; i < imgIds.size(); i++) {
                int cell = k * imgIds.size() + i;
                List<Integer> gtIdx = gtCells.get(cell);
                List<CocoDetection> dts = dtCells.get(cell);
                if (gtIdx.isEmpty() && dts.isEmpty()) continue;
                List<CocoGt> gts = new ArrayList<>(gtIdx.size());
                long[] gtIds = new long[gtIdx.size()];
                for (int j = 0; j < gtIds.length; j++) {
                    gts.add(gt.annotations().get(gtIdx.get(j)));
                    gtIds[j] = gt.annotationId(gtIdx.get(j));
                }
                List<CocoDetection> sorted = sortByScore(dts, maxDet);
                double[][] ious = boxIous(sorted, gts);
                for (int a = 0; a < A; a++) evalImgs[k][a][i] = evaluateImage(gts, gtIds, sorted, ious, AREA_RANGES[a]);
            }
        }
        return accumulateAndSummarize(evalImgs, catIds);
    }

    /** Highest score first, stable (numpy argsort(-score, kind='mergesort')), cut to {@code maxDet}. */
    private static List<CocoDetection> sortByScore(List<CocoDetection> dts, int maxDet) {
        List<CocoDetection> sorted = new ArrayList<>(dts);
        sorted.sort(Comparator.comparingDouble((CocoDetection d) -> -d.score()));
        return sorted.size() > maxDet ? sorted.subList(0, maxDet) : sorted;
    }

    /**
     * IoU of every detection with every ground truth, as pycocotools' C {@code bbIou}: for a crowd
     * ground truth the union is the detection's area alone; gt area here is its box w * h.
     */
    static double[][] boxIous(List<CocoDetection> dts, List<CocoGt> gts) {
        double[][] o = new double[dts.size()][gts.size()];
        for (int g = 0; g < gts.size(); g++) {
            CocoGt G = gts.get(g);
            double ga = G.w() * G.h();
            for (int d = 0; d < dts.size(); d++) {
                CocoDetection D = dts.get(d);
                double da = D.w() * D.h();
                double w = Math.min(D.w() + D.x(), G.w() + G.x()) - Math.max(D.x(), G.x());
                if (w <= 0) continue;
                double h = Math.min(D.h() + D.y(), G.h() + G.y()) - Math.max(D.y(), G.y());
                if (h <= 0) continue;
                double inter = w * h;
                double union = G.iscrowd() ? da : da + ga - inter;
                o[d][g] = inter / union;
            }
        }
        return o;
    }

    /** One image and category at one area range: COCOeval.evaluateImg. */
    private record ImageEval(double[] dtScores, boolean[][] dtMatched, boolean[][] dtIgnore, boolean[] gtIgnore) {}

    private static ImageEval evaluateImage(
            List<CocoGt> gtsIn, long[] gtIdsIn, List<CocoDetection> dts, double[][] iousIn, double[] range) {
        int G = gtsIn.size();
        int D = dts.size();
        boolean[] ignoreIn = new boolean[G];
        for (int g = 0; g < G; g++) {
            CocoGt gt = gtsIn.get(g);
            ignoreIn[g] = gt.iscrowd() || gt.area() < range[0] || gt.area() > range[1];
        }
        // ground truth sorted ignore-last, stable
        Integer[] order = new Integer[G];
        for (int g = 0; g < G; g++) order[g] = g;
        Arrays.sort(order, Comparator.comparingInt(g -> ignoreIn[g] ? 1 : 0));
        boolean[] gtIg = new boolean[G];
        boolean[] crowd = new boolean[G];
        long[] gtIds = new long[G];
        for (int g = 0; g < G; g++) {
            gtIg[g] = ignoreIn[order[g]];
            crowd[g] = gtsIn.get(order[g]).iscrowd();
            gtIds[g] = gtIdsIn[order[g]];
        }
        boolean[][] dtMatched = new boolean[T][D];
        boolean[][] dtIgnore = new boolean[T][D];
        if (G > 0 && D > 0) {
            for (int t = 0; t < T; t++) {
                boolean[] gtMatched = new boolean[G];
                for (int d = 0; d < D; d++) {
                    double best = Math.min(IOU_THRESHOLDS[t], MAX_IOU_THRESHOLD);
                    int m = -1;
                    for (int g = 0; g < G; g++) {
                        // a matched regular gt is taken; a crowd gt can take many detections
                        if (gtMatched[g] && !crowd[g]) continue;
                        // already matched a regular gt and the rest are ignored ones: keep it
                        if (m > -1 && !gtIg[m] && gtIg[g]) break;
                        double iou = iousIn[d][order[g]];
                        if (iou < best) continue;
                        best = iou;
                        m = g;
                    }
                    if (m == -1) continue;
                    dtIgnore[t][d] = gtIg[m];
                    // pycocotools stores the gt id and tests it for truth: a gt with id 0 reads as unmatched
                    dtMatched[t][d] = gtIds[m] != 0;
                    gtMatched[m] = true;
                }
            }
        }
        double[] scores = new double[D];
        for (int d = 0; d < D; d++) {
            CocoDetection det = dts.get(d);
            scores[d] = det.score();
            boolean outside = det.area() < range[0] || det.area() > range[1];
            for (int t = 0; t < T; t++) {
                // unmatched detections outside the area range are not false positives
                if (!dtMatched[t][d] && outside) dtIgnore[t][d] = true;
            }
        }
        return new ImageEval(scores, dtMatched, dtIgnore, gtIg);
    }

    /** COCOeval.accumulate followed by summarize's twelve means. */
    private static CocoStats accumulateAndSummarize(ImageEval[][][] evalImgs, List<Integer> catIds) {
        int K = catIds.size();
        // precision[t][r][k][a][m] and recall[t][k][a][m], -1 where there is no ground truth
        double[] precision = new double[T * R * K * A * M];
        double[] recall = new double[T * K * A * M];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        for (int k = 0; k < K; k++) {
            for (int a = 0; a < A; a++) {
                for (int m = 0; m < M; m++) {
                    int maxDet = MAX_DETS[m];
                    List<ImageEval> E = new ArrayList<>();
                    for (ImageEval e : evalImgs[k][a]) if (e != null) E.add(e);
                    if (E.isEmpty()) continue;
                    int total = 0;
                    int npig = 0;
                    for (ImageEval e : E) {
                        total += Math.min(maxDet, e.dtScores.length);
                        for (boolean ig : e.gtIgnore) if (!ig) npig++;
                    }
                    if (npig == 0) continue;
                    // concatenate the images' first maxDet detections, then a stable sort by score
                    double[] scores = new double[total];
                    boolean[][] matched = new boolean[T][total];
                    boolean[][] ignored = new boolean[T][total];
                    int pos = 0;
                    for (ImageEval e : E) {
                        int n = Math.min(maxDet, e.dtScores.length);
                        System.arraycopy(e.dtScores, 0, scores, pos, n);
                        for (int t = 0; t < T; t++) {
                            System.arraycopy(e.dtMatched[t], 0, matched[t], pos, n);
                            System.arraycopy(e.dtIgnore[t], 0, ignored[t], pos, n);
                        }
                        pos += n;
                    }
                    Integer[] inds = new Integer[total];
                    for (int i = 0; i < total; i++) inds[i] = i;
                    Arrays.sort(inds, Comparator.comparingDouble(i -> -scores[i]));
                    for (int t = 0; t < T; t++) {
                        double[] rc = new double[total];
                        double[] pr = new double[total];
                        double tp = 0;
                        double fp = 0;
                        for (int j = 0; j < total; j++) {
                            int i = inds[j];
                            if (!ignored[t][i]) {
                                if (matched[t][i]) tp++;
                                else fp++;
                            }
                            rc[j] = tp / npig;
                            pr[j] = tp / (fp + tp + EPS);
                        }
                        recall[((t * K + k) * A + a) * M + m] = total > 0 ? rc[total - 1] : 0;
                        for (int i = total - 1; i > 0; i--) {
                            if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
                        }
                        for (int r = 0; r < R; r++) {
                            int idx = searchsortedLeft(rc, RECALL_THRESHOLDS[r]);
                            // past the highest recall reached, pycocotools leaves the entries at 0
                            double q = idx < total ? pr[idx] : 0;
                            precision[(((t * R + r) * K + k) * A + a) * M + m] = q;
                        }
                    }
                }
            }
        }
        double[] stats = new double[12];
        stats[0] = meanPrecision(precision, K, -1, 0, 2);
        stats[1] = meanPrecision(precision, K, 0, 0, 2);
        stats[2] = meanPrecision(precision, K, 5, 0, 2);
        stats[3] = meanPrecision(precision, K, -1, 1, 2);
        stats[4] = meanPrecision(precision, K, -1, 2, 2);
        stats[5] = meanPrecision(precision, K, -1, 3, 2);
        stats[6] = meanRecall(recall, K, 0, 0);
        stats[7] = meanRecall(recall, K, 0, 1);
        stats[8] = meanRecall(recall, K, 0, 2);
        stats[9] = meanRecall(recall, K, 1, 2);
        stats[10] = meanRecall(recall, K, 2, 2);
        stats[11] = meanRecall(recall, K, 3, 2);
        Map<Integer, Double> perCategory = new java.util.LinkedHashMap<>();
        for (int k = 0; k < K; k++) perCategory.put(catIds.get(k), categoryAp(precision, K, k));
        return new CocoStats(stats, perCategory);
    }

    /** numpy.searchsorted(sorted, v, side='left'): the first index whose value is >= v. */
    private static int searchsortedLeft(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Mean of the entries > -1 in C order (t, r, k), or -1 if none; {@code t < 0} means all thresholds. */
    private static double meanPrecision(double[] precision, int K, int tOnly, int a, int m) {
        double[] kept = new double[T * R * K];
        int n = 0;
        for (int t = 0; t < T; t++) {
            if (tOnly >= 0 && t != tOnly) continue;
            for (int r = 0; r < R; r++) {
                for (int k = 0; k < K; k++) {
                    double v = precision[(((t * R + r) * K + k) * A + a) * M + m];
                    if (v > -1) kept[n++] = v;
                }
            }
        }
        return n == 0 ? -1 : NumpyMean.mean(kept, n);
    }

    private static double meanRecall(double[] recall, int K, int a, int m) {
        double[] kept = new double[T * K];
        int n = 0;
        for (int t = 0; t < T; t++) {
            for (int k = 0; k < K; k++) {
                double v = recall[((t * K + k) * A + a) * M + m];
                if (v > -1) kept[n++] = v;
            }
        }
        return n == 0 ? -1 : NumpyMean.mean(kept, n);
    }

    /** AP@[.50:.95], all areas, 100 detections, of one category (-1 when it has no ground truth). */
    private static double categoryAp(double[] precision, int K, int k) {
        double[] kept = new double[T * R];
        int n = 0;
        for (int t = 0; t < T; t++) {
            for (int r = 0; r < R; r++) {
                double v = precision[(((t * R + r) * K + k) * A) * M + 2];
                if (v > -1) kept[n++] = v;
            }
        }
        return n == 0 ? -1 : NumpyMean.mean(kept, n);
    }
}
