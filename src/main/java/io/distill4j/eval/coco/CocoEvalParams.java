package io.distill4j.eval.coco;

/** pycocotools' default bbox parameters, with the thresholds computed exactly as numpy.linspace does. */
final class CocoEvalParams {
    /** 0.50:0.05:0.95 (10). */
    static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    /** 0:0.01:1 (101). */
    static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);
    /** Ascending, as COCOeval sorts them; the last one bounds matching. */
    static final int[] MAX_DETS = {1, 10, 100};
    /** all, small, medium, large by ground-truth area; both ends inclusive as in COCOeval. */
    static final double[][] AREA_RANGES = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};

    static final String[] AREA_LABELS = {"all", "small", "medium", "large"};
    /** COCOeval caps the IoU needed for a match just below 1 so that IoU 1 still matches at t = 1. */
    static final double MAX_IOU_THRESHOLD = 1 - 1e-10;
    /** numpy's np.spacing(1), added to precision's denominator. */
    static final double EPS = Math.ulp(1.0);

    private CocoEvalParams() {}

    /** numpy.linspace(start, stop, num) with endpoint: i * step + start, last element exactly stop. */
    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] v = new double[num];
        for (int i = 0; i < num; i++) v[i] = i * step + start;
        v[num - 1] = stop;
        return v;
    }
}
