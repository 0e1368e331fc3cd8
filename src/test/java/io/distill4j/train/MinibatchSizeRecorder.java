package io.distill4j.train;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A loss that delegates to another and records the minibatch size of every gradient it computes:
 * how a test sees the batches DL4J's Spark workers really assemble (local mode: same JVM).
 */
public final class MinibatchSizeRecorder implements ILossFunction {
    static final List<Long> GRADIENT_BATCH_SIZES = new CopyOnWriteArrayList<>();

    @JsonProperty("delegate")
    private final ILossFunction delegate;

    @JsonCreator
    public MinibatchSizeRecorder(@JsonProperty("delegate") ILossFunction delegate) {
        this.delegate = delegate;
    }

    @Override
    public double computeScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return delegate.computeScore(labels, preOutput, activationFn, mask, average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return delegate.computeScoreArray(labels, preOutput, activationFn, mask);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        GRADIENT_BATCH_SIZES.add(preOutput.size(0));
        return delegate.computeGradient(labels, preOutput, activationFn, mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        GRADIENT_BATCH_SIZES.add(preOutput.size(0));
        return delegate.computeGradientAndScore(labels, preOutput, activationFn, mask, average);
    }

    @Override
    public String name() {
        return "MinibatchSizeRecorder(" + delegate.name() + ")";
    }
}
