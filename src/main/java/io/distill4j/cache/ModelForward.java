package io.distill4j.cache;

import io.distill4j.data.ShardRecord;
import io.distill4j.model.InputNormalization;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One inference-mode forward pass over a minibatch of shard samples: named NCHW activations. The
 * DL4J form names them by graph vertex; an ONNX model ({@link io.distill4j.onnx.OnnxForward}) by
 * the distill4j names its output map gives them. Callers hold one per task (neither engine's
 * model object is shared across concurrently running tasks by this interface).
 */
@FunctionalInterface
public interface ModelForward {
    Map<String, INDArray> apply(List<ShardRecord> batch);

    /** A DL4J graph on distill4j's own input (InputNormalization: RGB, NCHW, ImageNet mean/std). */
    static ModelForward of(ComputationGraph net) {
        return batch -> {
            INDArray input = Nd4j.concat(
                    0,
                    batch.stream()
                            .map(r -> InputNormalization.nchw(r.image(), r.height(), r.width()))
                            .toArray(INDArray[]::new));
            return net.feedForward(new INDArray[] {input}, false, false);
        };
    }
}
