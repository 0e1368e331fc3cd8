package io.distill4j.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * A model body without output layers: the contract between the model builders and the trainer.
 * {@link #graphBuilder()} gives a fresh {@link GraphBuilder} (global settings: seed, Adam with the
 * spec's learning rate, ReLU init, ConvolutionMode.Same, float; input "image" [N,3,H,W]) whose
 * vertices end at the taps; the trainer adds output layers on chosen taps (usually with
 * {@link GraphHeads#addLossOutput}), sets the outputs, calls {@link GraphHeads#pruneToOutputs}
 * when some head branch gets no loss, and builds. Each call returns a new builder,
 * so a blueprint can be completed several ways (teacher training, distillation, evaluation).
 */
public final class ModelBlueprint {

    private final ModelSpec spec;
    private final Supplier<GraphBuilder> body;
    private final Map<String, TapInfo> taps;
    private final PretrainedBackbone pretrained;

    ModelBlueprint(ModelSpec spec, Supplier<GraphBuilder> body, Map<String, TapInfo> taps) {
        this(spec, body, taps, null);
    }

    private ModelBlueprint(
            ModelSpec spec, Supplier<GraphBuilder> body, Map<String, TapInfo> taps, PretrainedBackbone pretrained) {
        this.spec = spec;
        this.body = body;
        this.taps = Collections.unmodifiableMap(new LinkedHashMap<>(taps));
        this.pretrained = pretrained;
    }

    /**
     * This blueprint whose fresh networks get their backbone's weights from {@code source}
     * ({@link #initialize}); the heads stay randomly initialised.
     */
    public ModelBlueprint withPretrainedBackbone(PretrainedBackbone source) {
        if (source != null && pretrainedLayers().isEmpty()) {
            throw new IllegalArgumentException("model '" + spec.name() + "': backbone " + spec.backbone()
                    + " has no pretrained weights to load; init needs a torchvision backbone ("
                    + String.join(
                            ", ", Backbones.ids().subList(1, Backbones.ids().size())) + ")");
        }
        return new ModelBlueprint(spec, body, taps, source);
    }

    /** Where fresh networks take their backbone's weights from, if anywhere. */
    public java.util.Optional<PretrainedBackbone> pretrainedBackbone() {
        return java.util.Optional.ofNullable(pretrained);
    }

    /** The backbone layers that load torchvision weights (empty for the compact backbone). */
    public List<PretrainedLayer> pretrainedLayers() {
        return Backbones.of(spec.backbone()).write(Encoder.newGraph(spec), spec).pretrained();
    }

    /**
     * Prepares a freshly initialised network holding this body: loads the pretrained backbone
     * when one is set ({@link #withPretrainedBackbone}); does nothing otherwise. Layer names are
     * those of the body, so any graph built from {@link #graphBuilder()} qualifies.
     */
    public void initialize(org.deeplearning4j.nn.graph.ComputationGraph net) {
        if (pretrained != null) pretrained.loadInto(net, this);
    }

    /**
     * This model for an {@code height x width} input: the same layers with the same parameter shapes
     * (the pyramid pooling's kernels are the grid divided by the bins, so they follow the size), and
     * the same pretrained source. Refused with one line naming the spec when the output stride or
     * the pyramid bins do not divide the size.
     */
    public ModelBlueprint atSize(int height, int width) {
        if (height == spec.inputHeight() && width == spec.inputWidth()) return this;
        ModelBlueprint sized = of(spec.withInputSize(height, width));
        return new ModelBlueprint(sized.spec, sized.body, sized.taps, pretrained);
    }

    /** The builder for the spec's task. */
    public static ModelBlueprint of(ModelSpec spec) {
        return spec.task().build(spec);
    }

    /**
     * A blueprint of {@code task} whose body {@code writer} puts onto a fresh graph (from the spec's
     * global settings) each time one is asked for; the taps come from one such writing.
     */
    static ModelBlueprint written(
            ModelSpec spec,
            Task task,
            java.util.function.BiFunction<GraphBuilder, ModelSpec, Map<String, TapInfo>> writer) {
        if (spec.task() != task) {
            throw new IllegalArgumentException(
                    "model spec '" + spec.name() + "': task must be " + task + ", is " + spec.task());
        }
        Map<String, TapInfo> taps = writer.apply(Encoder.newGraph(spec), spec);
        return new ModelBlueprint(
                spec,
                () -> {
                    GraphBuilder graph = Encoder.newGraph(spec);
                    var unused = writer.apply(graph, spec); // the same taps as above: only the vertices are wanted here
                    return graph;
                },
                taps);
    }

    public ModelSpec spec() {
        return spec;
    }

    /** A new builder holding the body (no outputs set). */
    public GraphBuilder graphBuilder() {
        return body.get();
    }

    /** Taps in network order (input side first). */
    public Map<String, TapInfo> taps() {
        return taps;
    }

    public TapInfo tap(String name) {
        TapInfo tap = taps.get(name);
        if (tap == null) {
            throw new IllegalArgumentException(
                    "model '" + spec.name() + "' has no tap '" + name + "'; taps: " + taps.keySet());
        }
        return tap;
    }

    /**
     * The body plus one {@link GraphHeads#addLossOutput LossLayer} output per entry (tap name ->
     * loss), named {@code "out_" + tap}, in the map's order, built into a configuration. Vertices
     * that lead to none of these outputs are removed ({@link GraphHeads#pruneToOutputs}).
     */
    public ComputationGraphConfiguration withLossOutputs(Map<String, ILossFunction> lossPerTap) {
        if (lossPerTap.isEmpty()) {
            throw new IllegalArgumentException("model '" + spec.name() + "': at least one output is needed");
        }
        GraphBuilder graph = graphBuilder();
        String[] outputs = new String[lossPerTap.size()];
        int i = 0;
        for (Map.Entry<String, ILossFunction> e : lossPerTap.entrySet()) {
            outputs[i++] = GraphHeads.addLossOutput(graph, outputName(e.getKey()), tap(e.getKey()), e.getValue());
        }
        return GraphHeads.pruneToOutputs(graph.setOutputs(outputs)).build();
    }

    /** The output-layer name {@link #withLossOutputs} gives a tap. */
    public static String outputName(String tap) {
        return "out_" + tap;
    }

    /** Trainable parameters of the body (output layers add none). */
    public long parameterCount() {
        GraphBuilder graph = graphBuilder();
        TapInfo last = List.copyOf(taps.values()).get(taps.size() - 1);
        // A parameter-free output so the graph can be built and counted.
        graph.addLayer(
                "count_out",
                new CnnLossLayer.Builder(new LossL2())
                        .activation(Activation.IDENTITY)
                        .build(),
                last.vertexName());
        ComputationGraph net =
                new ComputationGraph(graph.setOutputs("count_out").build());
        net.init();
        return net.numParams();
    }

    /** Name, architecture settings, parameter count and every tap's shape. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(spec.name())
                .append(" (")
                .append(spec.task())
                .append("): backbone=")
                .append(spec.backbone());
        if (Backbones.defaultId().equals(spec.backbone())) {
            sb.append(" width=").append(spec.width()).append(" depth=").append(spec.depth());
        }
        if (pretrained != null) sb.append(" init=").append(pretrained.location());
        sb.append(" outputStride=")
                .append(spec.outputStride())
                .append(" context=")
                .append(spec.contextHead())
                .append(" classes=")
                .append(spec.numClasses())
                .append(" input=3x")
                .append(spec.inputHeight())
                .append('x')
                .append(spec.inputWidth())
                .append(" params=")
                .append(parameterCount())
                .append('\n');
        for (TapInfo tap : taps.values()) {
            sb.append("  tap ")
                    .append(tap.name())
                    .append(" <- ")
                    .append(tap.vertexName())
                    .append(": ")
                    .append(tap.channels())
                    .append('x')
                    .append(tap.height())
                    .append('x')
                    .append(tap.width())
                    .append('\n');
        }
        return sb.toString();
    }
}
