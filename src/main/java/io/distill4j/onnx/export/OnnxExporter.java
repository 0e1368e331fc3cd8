package io.distill4j.onnx.export;

import io.distill4j.model.InputNormalization;
import io.distill4j.model.Task;
import io.distill4j.onnx.proto.OnnxElementTypes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes the deployable part of a trained distill4j graph as an ONNX model (opset 13, IR version 7):
 * input {@code image} float32 [batch, 3, H, W], normalised as {@link InputNormalization} does; the
 * task heads ({@link TaskHeads}) as outputs under their own names; every vertex the heads depend on,
 * each written by its {@link VertexMapping}; nothing else (loss layers, adapters and peers do not feed
 * a head, so they are left out). The metadata_props say the task, input, preprocessing, output
 * strides and class count (keys {@code distill4j.*}). For inference inside distill4j (a teacher's
 * cache, the online teacher) further vertices can be made outputs too, under their vertex names:
 * the taps ({@code neck}, {@code stage2}, ...) the cache holds besides the heads.
 */
public final class OnnxExporter {
    public static final int OPSET = 13;
    public static final int IR_VERSION = 7;
    public static final String INPUT = "image";
    public static final String PRODUCER = "distill4j";
    public static final String KEY_TASK = "distill4j.task";
    public static final String KEY_INPUT = "distill4j.input";
    public static final String KEY_PREPROCESSING = "distill4j.preprocessing";
    public static final String KEY_OUTPUTS = "distill4j.outputs";
    public static final String KEY_CLASSES = "distill4j.classes";

    private OnnxExporter() {}

    /** What was exported, for messages and manifests. */
    public record Exported(
            Onnx.ModelProto model, Task task, Map<String, ExportedTensor> outputs, SpatialSize size, int nodes) {}

    /** Exports {@code net} declaring the input size it was trained at when the graph tells it, else dynamic. */
    public static Exported export(ComputationGraph net) {
        return export(net, trainedSize(net.getConfiguration()));
    }

    public static Exported export(ComputationGraph net, SpatialSize size) {
        return export(net, size, List.of());
    }

    /**
     * The task heads and, after them, each vertex of {@code extraOutputs} (e.g. a tap) as a graph
     * output named after the vertex; a vertex that is a head already is not repeated.
     */
    public static Exported export(ComputationGraph net, SpatialSize size, List<String> extraOutputs) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        TaskHeads heads = TaskHeads.of(conf);
        if (conf.getNetworkInputs().size() != 1) {
            throw new OnnxExportException(
                    "the graph has " + conf.getNetworkInputs().size() + " inputs " + conf.getNetworkInputs()
                            + "; a student has one image input");
        }
        String dl4jInput = conf.getNetworkInputs().get(0);
        List<String> outputVertices = new ArrayList<>(heads.vertices());
        for (String extra : extraOutputs) {
            if (!conf.getVertices().containsKey(extra)) {
                throw new OnnxExportException("the graph has no vertex '" + extra + "' to export as an output");
            }
            if (!outputVertices.contains(extra)) {
                outputVertices.add(extra);
            }
        }
        Set<String> needed = ancestors(conf, outputVertices);

        OnnxGraphBuilder graph = new OnnxGraphBuilder();
        graph.claim(INPUT);
        Map<String, ExportedTensor> tensors = new HashMap<>();
        tensors.put(dl4jInput, new ExportedTensor(INPUT, InputNormalization.CHANNELS, 1));
        for (String name : conf.getTopologicalOrderStr()) {
            if (!needed.contains(name) || name.equals(dl4jInput)) {
                continue;
            }
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex instanceof LayerVertex lv && lv.getPreProcessor() != null) {
                throw new OnnxExportException("cannot export vertex '" + name + "': it has an input preprocessor ("
                        + lv.getPreProcessor().getClass().getSimpleName() + "), which no mapping covers");
            }
            VertexMapping mapping = VertexMappings.of(name, vertex);
            List<ExportedTensor> inputs = new ArrayList<>();
            for (String in : conf.getVertexInputs().get(name)) {
                inputs.add(tensors.get(in));
            }
            Map<String, INDArray> params = net.getVertex(name).paramTable(false);
            ExportedTensor out =
                    mapping.write(new VertexExport(name, vertex, inputs, params == null ? Map.of() : params, graph));
            tensors.put(name, out);
        }

        Map<String, ExportedTensor> outputs = new LinkedHashMap<>();
        for (String vertex : outputVertices) {
            outputs.put(vertex, tensors.get(vertex));
        }
        Onnx.GraphProto.Builder g =
                graph.proto().setName(PRODUCER + "-" + heads.task().id());
        g.addInput(valueInfo(
                INPUT,
                dims(
                        size.isDynamic() ? null : (long) size.height(),
                        size.isDynamic() ? null : (long) size.width(),
                        InputNormalization.CHANNELS,
                        "height",
                        "width")));
        Map<String, InputType> types = fixedTypes(conf, size);
        for (ExportedTensor t : outputs.values()) {
            InputType type = types.get(t.name());
            Long h = null;
            Long w = null;
            if (type instanceof InputType.InputTypeConvolutional c) {
                h = c.getHeight();
                w = c.getWidth();
            }
            g.addOutput(valueInfo(t.name(), dims(h, w, t.channels(), t.name() + "_height", t.name() + "_width")));
        }
        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion(version())
                .setDocString("distill4j " + heads.task().id() + " model exported from a DL4J ComputationGraph")
                .setGraph(g);
        model.addOpsetImportBuilder().setDomain("").setVersion(OPSET);
        metadata(heads.task(), outputs)
                .forEach((k, v) -> model.addMetadataPropsBuilder().setKey(k).setValue(v));
        return new Exported(model.build(), heads.task(), outputs, size, g.getNodeCount());
    }

    /** The distill4j.* metadata of the convention shared with the ONNX readers. */
    static Map<String, String> metadata(Task task, Map<String, ExportedTensor> outputs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_TASK, task.id());
        m.put(KEY_INPUT, INPUT);
        m.put(KEY_PREPROCESSING, preprocessing());
        List<String> strides = new ArrayList<>();
        for (ExportedTensor t : outputs.values()) {
            strides.add(t.name() + ":" + number(t.stride()));
        }
        m.put(KEY_OUTPUTS, String.join(",", strides));
        m.put(KEY_CLASSES, Long.toString(outputs.values().iterator().next().channels()));
        return m;
    }

    /**
     * {@code rgb;nchw;scale=255;mean=r,g,b;std=r,g,b}: the input is RGB, NCHW, and each value is
     * (pixel / scale - mean[c]) / std[c] for 0-255 pixels, from {@link InputNormalization}'s constants.
     */
    public static String preprocessing() {
        return "rgb;nchw;scale=255;mean=" + join(InputNormalization.MEAN) + ";std=" + join(InputNormalization.STD);
    }

    /**
     * The input size a student.zip was trained at: its task loss layers flatten the heads with a
     * CnnToFeedForwardPreProcessor that records the head's H and W, times the head's stride. Dynamic
     * when the graph has no such layer (a bare body).
     */
    public static SpatialSize trainedSize(ComputationGraphConfiguration conf) {
        TaskHeads heads = TaskHeads.of(conf);
        String head = heads.vertices().get(0);
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            GraphVertex v = conf.getVertices().get(e.getKey());
            if (e.getValue().contains(head)
                    && v instanceof LayerVertex lv
                    && lv.getPreProcessor() instanceof CnnToFeedForwardPreProcessor p) {
                int stride = (int) Math.round(headStride(conf, head));
                return new SpatialSize((int) p.getInputHeight() * stride, (int) p.getInputWidth() * stride);
            }
        }
        return SpatialSize.DYNAMIC;
    }

    /** The stride of a head, read from the layers on its path (without writing anything). */
    private static double headStride(ComputationGraphConfiguration conf, String head) {
        double stride = 1;
        String current = head;
        // Follow first inputs back to the image: strides multiply along any path of a distill4j graph.
        while (!conf.getNetworkInputs().contains(current)) {
            GraphVertex v = conf.getVertices().get(current);
            if (v instanceof LayerVertex lv) {
                var layer = lv.getLayerConf().getLayer();
                if (layer instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
                    stride *= c.getStride()[0];
                } else if (layer instanceof org.deeplearning4j.nn.conf.layers.SubsamplingLayer s) {
                    stride *= s.getStride()[0];
                } else if (layer instanceof org.deeplearning4j.nn.conf.layers.Upsampling2D u) {
                    stride /= u.getSize()[0];
                }
            }
            current = conf.getVertexInputs().get(current).get(0);
        }
        return stride;
    }

    private static Map<String, InputType> fixedTypes(ComputationGraphConfiguration conf, SpatialSize size) {
        if (size.isDynamic()) {
            return Map.of();
        }
        try {
            return conf.getLayerActivationTypes(
                    InputType.convolutional(size.height(), size.width(), InputNormalization.CHANNELS));
        } catch (RuntimeException e) {
            // Shapes of the outputs are then left symbolic: ONNX Runtime infers them anyway.
            return Map.of();
        }
    }

    private static Set<String> ancestors(ComputationGraphConfiguration conf, List<String> heads) {
        Set<String> needed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(heads);
        while (!todo.isEmpty()) {
            String v = todo.poll();
            if (needed.add(v)) {
                todo.addAll(conf.getVertexInputs().getOrDefault(v, List.of()));
            }
        }
        return needed;
    }

    private static List<Onnx.TensorShapeProto.Dimension> dims(
            Long h, Long w, long channels, String hName, String wName) {
        List<Onnx.TensorShapeProto.Dimension> d = new ArrayList<>();
        d.add(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build());
        d.add(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(channels).build());
        d.add(
                h == null
                        ? Onnx.TensorShapeProto.Dimension.newBuilder()
                                .setDimParam(hName)
                                .build()
                        : Onnx.TensorShapeProto.Dimension.newBuilder()
                                .setDimValue(h)
                                .build());
        d.add(
                w == null
                        ? Onnx.TensorShapeProto.Dimension.newBuilder()
                                .setDimParam(wName)
                                .build()
                        : Onnx.TensorShapeProto.Dimension.newBuilder()
                                .setDimValue(w)
                                .build());
        return d;
    }

    private static Onnx.ValueInfoProto valueInfo(String name, List<Onnx.TensorShapeProto.Dimension> dims) {
        Onnx.TypeProto.Tensor.Builder t = OnnxElementTypes.set(
                        Onnx.TypeProto.Tensor.newBuilder(), "elem_type", OnnxElementTypes.FLOAT)
                .setShape(Onnx.TensorShapeProto.newBuilder().addAllDim(dims));
        return Onnx.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(t))
                .build();
    }

    /**
     * The project version: the jar manifest's, else the pom.properties Maven puts into every jar it
     * builds (the jar plugin here writes no Implementation-Version), else "dev" (classes directory).
     */
    static String version() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        try (java.io.InputStream in =
                OnnxExporter.class.getResourceAsStream("/META-INF/maven/io.distill4j/distill4j/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (java.io.IOException e) {
            // falls back to "dev" below
        }
        return "dev";
    }

    private static String join(float[] values) {
        List<String> s = new ArrayList<>();
        for (float f : values) {
            s.add(Float.toString(f));
        }
        return String.join(",", s);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
