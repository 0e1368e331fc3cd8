package io.distill4j.distill;

import io.distill4j.model.loss.DenseLossFunction;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The student's side of holistic distillation (Liu et al. CVPR 2019): a frozen Wasserstein
 * {@link HolisticCritic} scores the pair (image, student segmentation map) and the student
 * maximises that score.
 * <pre>
 *   Q_n  = softmax over channels of (student logits_n / tau), per position
 *   L    = -weight * (1/N) sum_n D(I_n, Q_n)
 *   dL/dlogits_n[c,p] = -(weight/N) (1/tau) Q[c,p] (g[c,p] - sum_c' Q[c',p] g[c',p]),   g = dD/dQ
 * </pre>
 * The critic is trained elsewhere (between the student's Spark epochs, on the driver) and installed
 * by replacing this loss in the graph configuration; its parameters travel inside the loss, so the
 * configuration broadcast of parameter averaging ships them to the workers and every checkpoint
 * records the critic the student trained against.
 *
 * <p>Output: student logits [N, classes * P] (NCHW flattened, P = height * width). Labels:
 * [N, 3 * P + classes * P]: the normalised image resampled to the logits grid (3 channels), then
 * the teacher's logits. This loss reads only the image; the teacher logits ride along so the critic
 * round can take its real samples from the same training examples.
 */
public final class HolisticLoss extends DenseLossFunction {
    @JsonProperty("classes")
    private final int classes;

    @JsonProperty("height")
    private final int height;

    @JsonProperty("width")
    private final int width;

    @JsonProperty("tau")
    private final double tau;

    @JsonProperty("weight")
    private final double weight;

    @JsonProperty("hidden")
    private final int hidden;

    @JsonProperty("kernel")
    private final int kernel;

    @JsonProperty("criticParams")
    private final double[] criticParams;
    /** Rebuilt from the JSON fields by the creator; kept (Serializable) for Spark's Java serialization. */
    @JsonIgnore
    private final HolisticCritic critic;

    @JsonCreator
    public HolisticLoss(
            @JsonProperty("classes") int classes,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("tau") double tau,
            @JsonProperty("weight") double weight,
            @JsonProperty("hidden") int hidden,
            @JsonProperty("kernel") int kernel,
            @JsonProperty("criticParams") double[] criticParams) {
        this(classes, height, width, tau, weight, HolisticCritic.of(classes, hidden, kernel, criticParams));
    }

    public HolisticLoss(int classes, int height, int width, double tau, double weight, HolisticCritic critic) {
        this.classes = positive("classes", classes);
        this.height = positive("height", height);
        this.width = positive("width", width);
        this.tau = positive("tau", tau);
        this.weight = weight(weight);
        if (critic.classes() != classes) {
            throw new IllegalArgumentException(
                    "critic scores " + critic.classes() + "-class maps, the student has " + classes);
        }
        this.critic = critic;
        this.hidden = critic.hidden();
        this.kernel = critic.kernel();
        this.criticParams = critic.params();
    }

    /** The same loss against another critic (the next round's). */
    public HolisticLoss withCritic(HolisticCritic next) {
        return new HolisticLoss(classes, height, width, tau, weight, next);
    }

    public HolisticCritic critic() {
        return critic;
    }

    public double tau() {
        return tau;
    }

    /** Label columns: the image at the grid, then the teacher logits. */
    public int labelColumns() {
        return (3 + classes) * height * width;
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        int p = height * width;
        requireColumns(output, "outputs", "student logits NCHW", (long) classes * p);
        requireColumns(labels, "labels", "image at the grid (3 x H x W) then teacher logits", labelColumns());
        int n = (int) output.size(0);
        double[][] logits = output.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] rows = labels.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] perExample = new double[n];
        double[][] gradient = withGradient ? new double[n][] : null;
        for (int i = 0; i < n; i++) {
            double[] image = Arrays.copyOfRange(rows[i], 0, 3 * p);
            double[] q = softmax(logits[i], classes, p, tau);
            perExample[i] = -weight * critic.score(q, image, height, width);
            if (withGradient) {
                double[] g = critic.gradQ(q, image, height, width);
                gradient[i] = softmaxBackward(q, g, classes, p, tau, -weight);
            }
        }
        INDArray terms =
                Nd4j.create(perExample, new long[] {n, 1}, DataType.DOUBLE).castTo(output.dataType());
        return new Terms(terms, withGradient ? Nd4j.create(gradient).castTo(output.dataType()) : null);
    }

    /** Per-position softmax over the channels of z / tau (CHW flattened). */
    public static double[] softmax(double[] z, int channels, int positions, double tau) {
        double[] q = new double[channels * positions];
        for (int p = 0; p < positions; p++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < channels; c++) max = Math.max(max, z[c * positions + p] / tau);
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                double e = Math.exp(z[c * positions + p] / tau - max);
                q[c * positions + p] = e;
                sum += e;
            }
            for (int c = 0; c < channels; c++) q[c * positions + p] /= sum;
        }
        return q;
    }

    /** scale * d(softmax(z / tau))^T g: the gradient with respect to z of scale * (g . Q). */
    static double[] softmaxBackward(double[] q, double[] g, int channels, int positions, double tau, double scale) {
        double[] out = new double[q.length];
        for (int p = 0; p < positions; p++) {
            double dot = 0;
            for (int c = 0; c < channels; c++) dot += q[c * positions + p] * g[c * positions + p];
            for (int c = 0; c < channels; c++) {
                int i = c * positions + p;
                out[i] = scale * q[i] * (g[i] - dot) / tau;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HolisticLoss h
                && h.classes == classes
                && h.height == height
                && h.width == width
                && h.tau == tau
                && h.weight == weight
                && h.hidden == hidden
                && h.kernel == kernel
                && Arrays.equals(h.criticParams, criticParams);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(
                classes, height, width, tau, weight, hidden, kernel, Arrays.hashCode(criticParams));
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "HolisticLoss(classes=%d, %dx%d, tau=%s, weight=%s, critic %d hidden, %dx%d)",
                classes,
                height,
                width,
                tau,
                weight,
                hidden,
                kernel,
                kernel);
    }
}
