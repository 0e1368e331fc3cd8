package io.distill4j.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** Test-only completion of blueprints with DL4J's built-in CNN losses. */
final class TestGraphs {

    private TestGraphs() {}

    /** Segmentation: softmax cross-entropy on logits; detection: L2 on heatmap and reg. */
    static ComputationGraphConfiguration withBuiltInLosses(ModelBlueprint blueprint) {
        GraphBuilder graph = blueprint.graphBuilder();
        List<String> outputs = new ArrayList<>();
        if (blueprint.spec().task() == Task.SEGMENTATION) {
            graph.addLayer(
                    "out_logits",
                    new CnnLossLayer.Builder(new LossMCXENT())
                            .activation(Activation.SOFTMAX)
                            .build(),
                    blueprint.tap("logits").vertexName());
            outputs.add("out_logits");
        } else {
            for (String tap : List.of("heatmap", "reg")) {
                graph.addLayer(
                        "out_" + tap,
                        new CnnLossLayer.Builder(new LossL2())
                                .activation(Activation.IDENTITY)
                                .build(),
                        blueprint.tap(tap).vertexName());
                outputs.add("out_" + tap);
            }
        }
        return graph.setOutputs(outputs.toArray(String[]::new)).build();
    }

    static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }
}
