package io.distill4j.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Numerically stable log-probabilities with plain ND4J ops. SameDiff's {@code logSoftmax} fails in
 * DL4J M2 (docs/stack.md), and {@code log(softmax(x))} overflows for large logits.
 */
public final class StableMath {

    private StableMath() {}

    /** log softmax of {@code x} along {@code axis}: {@code x - max - log(sum(exp(x - max)))}; a new array. */
    public static INDArray logSoftmax(INDArray x, int axis) {
        INDArray shifted = x.sub(x.max(true, axis));
        INDArray logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(true, axis), false);
        return shifted.subi(logSumExp);
    }

    /** log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|)), finite for every finite x; a new array. */
    public static INDArray logSigmoid(INDArray x) {
        INDArray softTail =
                Transforms.log1p(Transforms.exp(Transforms.abs(x, true).negi(), false), false);
        return Transforms.min(x, 0.0, true).subi(softTail);
    }
}
