package io.distill4j.model.loss;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Plumbing shared by every dense (NCHW-aware) loss: DL4J's score/gradient convention, activation
 * backprop, shape checks and the per-pixel keep mask carried in extra label columns.
 *
 * <p>DL4J convention (read in M2's {@code LossLayer}, {@code BaseOutputLayer} and
 * {@code BaseMultiLayerUpdater#divideByMinibatch}): the layer asks for the score with
 * {@code average=false} and divides it by the minibatch size N itself; the gradient returned by
 * {@link #computeGradient} is applied after the updater divides it by N. So a subclass returns
 * the terms of the <em>sum form</em> {@code N * L} (one row per example) and its gradient
 * {@code d(N * L)/d output}; then both the reported score and the trained objective are exactly L.
 *
 * <p>Subclasses are stateless and immutable: DL4J shares one instance between threads, and Spark
 * rebuilds it on executors from the configuration JSON.
 */
public abstract class DenseLossFunction implements ILossFunction {

    /** Label or prediction values above this count as "keep" in a 0/1 mask (robust to fp16/int8 codecs). */
    protected static final double MASK_THRESHOLD = 0.5;

    /**
     * The loss in sum form for one minibatch.
     *
     * @param perExample [N, 1] terms whose sum over examples is N * L
     * @param gradient   [N, columns of the output] gradient of that sum, or null when not asked for
     */
    public record Terms(INDArray perExample, INDArray gradient) {}

    /**
     * Evaluates the loss in sum form.
     *
     * @param labels       labels cast to the output's data type, [N, label columns]
     * @param output       the activated output, [N, output columns]
     * @param withGradient whether to compute the gradient as well
     */
    protected abstract Terms evaluate(INDArray labels, INDArray output, boolean withGradient);

    private Terms terms(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean withGradient) {
        if (mask != null) {
            // The losses normalise over the valid pixels of the whole batch: a per-example DL4J mask
            // would silently change that denominator, so the mask travels in the labels instead.
            throw new IllegalArgumentException(name() + ": DL4J label masks are not supported; "
                    + "put the per-pixel mask into the label columns");
        }
        if (preOutput.rank() != 2 || labels.rank() != 2) {
            throw new IllegalArgumentException(name() + ": expected 2-d preOutput and labels (flattened NCHW), got "
                    + java.util.Arrays.toString(preOutput.shape()) + " and "
                    + java.util.Arrays.toString(labels.shape()));
        }
        if (labels.size(0) != preOutput.size(0)) {
            throw new IllegalArgumentException(
                    name() + ": labels have " + labels.size(0) + " examples but the output has " + preOutput.size(0));
        }
        INDArray output = activationFn.getActivation(preOutput.dup(), true);
        return evaluate(labels.castTo(preOutput.dataType()), output, withGradient);
    }

    private static INDArray backprop(IActivation activationFn, INDArray preOutput, INDArray dLdOutput) {
        return activationFn.backprop(preOutput.dup(), dLdOutput).getFirst();
    }

    @Override
    public double computeScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        INDArray perExample =
                terms(labels, preOutput, activationFn, mask, false).perExample();
        double sum = perExample.sumNumber().doubleValue();
        return average ? sum / perExample.size(0) : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return terms(labels, preOutput, activationFn, mask, false).perExample();
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return backprop(
                activationFn,
                preOutput,
                terms(labels, preOutput, activationFn, mask, true).gradient());
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        Terms terms = terms(labels, preOutput, activationFn, mask, true);
        double sum = terms.perExample().sumNumber().doubleValue();
        double score = average ? sum / terms.perExample().size(0) : sum;
        return new Pair<>(score, backprop(activationFn, preOutput, terms.gradient()));
    }

    @Override
    public String name() {
        return toString();
    }

    /** Throws unless {@code array} has one of the allowed column counts; {@code what} names it in the message. */
    protected final void requireColumns(INDArray array, String what, String layout, long... allowed) {
        for (long columns : allowed) {
            if (array.size(1) == columns) {
                return;
            }
        }
        throw new IllegalArgumentException(name() + ": " + what + " have " + array.size(1) + " columns, expected "
                + java.util.Arrays.toString(allowed) + " (" + layout + ")");
    }

    /** Columns [from, from + count) of a 2-d array, as a fresh c-order copy. */
    protected static INDArray columns(INDArray array, long from, long count) {
        if (from == 0 && count == array.size(1)) {
            return array;
        }
        return array.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + count))
                .dup('c');
    }

    /**
     * The 0/1 per-pixel keep mask [N, pixels] stored in label columns [from, from + pixels), or all
     * ones when the labels stop at {@code from}.
     */
    protected static INDArray keepMask(INDArray labels, long from, long pixels) {
        if (labels.size(1) == from) {
            return Nd4j.ones(labels.dataType(), labels.size(0), pixels);
        }
        return columns(labels, from, pixels).gt(MASK_THRESHOLD).castTo(labels.dataType());
    }

    /** Checks that a configured dimension is positive; the message names the JSON field. */
    protected static int positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, cannot be: " + value);
        }
        return value;
    }

    /** Checks that a configured scalar is finite and strictly positive; the message names the JSON field. */
    protected static double positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number above 0, cannot be: " + value);
        }
        return value;
    }

    /** Checks that a weight is finite and not negative (0 switches a term off). */
    protected static double weight(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("weight must be a finite number >= 0, cannot be: " + value);
        }
        return value;
    }
}
