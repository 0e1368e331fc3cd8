package io.distill4j.onnx.export;

import static io.distill4j.onnx.export.OnnxGraphBuilder.real;

import java.util.List;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * DL4J activation functions as ONNX nodes. Element-wise only: an activation that mixes channels
 * (softmax) or that has no exact ONNX form is refused, naming the vertex.
 */
final class Activations {
    private Activations() {}

    static boolean isIdentity(IActivation fn) {
        return fn == null || fn instanceof ActivationIdentity;
    }

    /**
     * Where a layer's own op should write: the vertex name itself when the activation is the
     * identity, otherwise an intermediate that {@link #apply} then reads.
     */
    static String preActivation(VertexExport v, IActivation fn) {
        return isIdentity(fn) ? v.name() : v.local("preact");
    }

    /** Writes {@code fn} from {@code input} into the vertex's output (nothing for the identity). */
    static void apply(VertexExport v, IActivation fn, String input) {
        if (isIdentity(fn)) {
            return;
        }
        OnnxGraphBuilder g = v.graph();
        String out = v.name();
        List<String> in = List.of(input);
        if (fn instanceof ActivationReLU relu) {
            if (relu.getThreshold() != null && relu.getThreshold() != 0.0) {
                throw v.refuse("ReLU with threshold " + relu.getThreshold() + " has no ONNX form here");
            }
            String x = input;
            if (relu.getNegativeSlope() != null && relu.getNegativeSlope() != 0.0) {
                if (relu.getMax() != null) {
                    throw v.refuse("ReLU with both a negative slope and a maximum has no ONNX form here");
                }
                g.node("LeakyRelu", in, out, real("alpha", relu.getNegativeSlope()));
            } else if (relu.getMax() != null) {
                clip(v, x, 0f, relu.getMax().floatValue());
            } else {
                g.node("Relu", in, out);
            }
        } else if (fn instanceof ActivationReLU6) {
            clip(v, input, 0f, 6f);
        } else if (fn instanceof ActivationLReLU lrelu) {
            g.node("LeakyRelu", in, out, real("alpha", lrelu.getAlpha()));
        } else if (fn instanceof ActivationELU elu) {
            g.node("Elu", in, out, real("alpha", elu.getAlpha()));
        } else if (fn instanceof ActivationSigmoid) {
            g.node("Sigmoid", in, out);
        } else if (fn instanceof ActivationTanH) {
            g.node("Tanh", in, out);
        } else if (fn instanceof ActivationSoftPlus) {
            g.node("Softplus", in, out);
        } else if (fn instanceof ActivationHardSigmoid) {
            // DL4J: min(1, max(0, 0.2x + 0.5)), ONNX's HardSigmoid with these alpha and beta.
            g.node("HardSigmoid", in, out, real("alpha", 0.2), real("beta", 0.5));
        } else if (fn instanceof ActivationSwish) {
            String s = g.node("Sigmoid", in, v.local("sigmoid"));
            g.node("Mul", List.of(input, s), out);
        } else {
            throw v.refuse("activation " + fn + " has no ONNX mapping");
        }
    }

    private static void clip(VertexExport v, String input, float min, float max) {
        OnnxGraphBuilder g = v.graph();
        String lo = g.scalar(v.local("clip_min"), min);
        String hi = g.scalar(v.local("clip_max"), max);
        g.node("Clip", List.of(input, lo, hi), v.name());
    }
}
