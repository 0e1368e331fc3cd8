package io.distill4j.model;

/**
 * A layer of a backbone that takes its parameters from a torchvision model: the DL4J vertex, the
 * torchvision module whose tensors it loads ({@code module + ".weight"}, ...) and how they map.
 * The mapping per kind is in docs/backbones.md.
 *
 * @param vertex        the DL4J layer
 * @param torchModule   torchvision's module path, e.g. {@code layer1.0.conv1}
 * @param kind          what the tensors are
 */
public record PretrainedLayer(String vertex, String torchModule, Kind kind) implements java.io.Serializable {

    /** How a torchvision module's tensors become a DL4J layer's parameters. */
    public enum Kind {
        /** Conv2d without bias: {@code weight} [out, in, kH, kW] -> W, same layout. */
        CONVOLUTION,
        /** Depthwise Conv2d (groups = channels): {@code weight} [C, 1, kH, kW] -> W [kH, kW, C, 1]. */
        DEPTHWISE_CONVOLUTION,
        /**
         * BatchNorm2d: {@code weight} -> gamma, {@code bias} -> beta, {@code running_mean} -> mean,
         * {@code running_var} -> var, or log10stdev = log10(sqrt(var)) when the layer keeps that (DL4J adds eps at inference).
         */
        BATCH_NORM
    }
}
