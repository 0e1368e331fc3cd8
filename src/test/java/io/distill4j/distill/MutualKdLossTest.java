package io.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.serde.json.JsonMappers;

class MutualKdLossTest {
    private static final int C = 3, H = 2, W = 4, N = 2;

    @Test
    void eachStudentGetsPixelKdTowardsItsDetachedPeer() {
        Nd4j.getRandom().setSeed(3);
        INDArray a = Nd4j.randn(DataType.DOUBLE, N, C * H * W);
        INDArray b = Nd4j.randn(DataType.DOUBLE, N, C * H * W);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, N, H * W);
        mask.putScalar(0, 5, 0.0);
        MutualKdLoss mutual = new MutualKdLoss(C, H, W, 2.0, 0.5);
        PixelKdLoss kd = new PixelKdLoss(C, H, W, 2.0, 0.5);
        ActivationIdentity id = new ActivationIdentity();
        INDArray both = Nd4j.hstack(a, b);
        double score = mutual.computeScore(mask, both, id, null, true);
        double expected = kd.computeScore(Nd4j.hstack(b, mask), a, id, null, true)
                + kd.computeScore(Nd4j.hstack(a, mask), b, id, null, true);
        assertEquals(expected, score, 1e-12);
        INDArray grad = mutual.computeGradient(mask, both, id, null);
        INDArray ga = kd.computeGradient(Nd4j.hstack(b, mask), a, id, null);
        INDArray gb = kd.computeGradient(Nd4j.hstack(a, mask), b, id, null);
        assertEquals(Nd4j.hstack(ga, gb), grad);
    }

    @Test
    void identicalStudentsHaveZeroLossAndGradient() {
        INDArray a = Nd4j.randn(DataType.DOUBLE, N, C * H * W);
        MutualKdLoss mutual = new MutualKdLoss(C, H, W, 1.0, 1.0);
        INDArray both = Nd4j.hstack(a, a);
        INDArray noMask = Nd4j.zeros(DataType.DOUBLE, N, 0);
        assertEquals(0.0, mutual.computeScore(noMask, both, new ActivationIdentity(), null, true), 1e-12);
        assertEquals(
                0.0,
                mutual.computeGradient(noMask, both, new ActivationIdentity(), null)
                        .amaxNumber()
                        .doubleValue(),
                1e-12);
    }

    @Test
    void survivesTheConfigurationJsonRoundTrip() throws Exception {
        MutualKdLoss loss = new MutualKdLoss(C, H, W, 2.0, 0.5);
        String json = JsonMappers.getMapper().writeValueAsString(loss);
        assertEquals(loss, JsonMappers.getMapper().readValue(json, ILossFunction.class));
    }
}
