package io.distill4j.model;

import io.distill4j.onnx.proto.OnnxElementTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.params.DepthwiseConvolutionParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.protobuf.CodedInputStream;

/**
 * The float tensors (initializers) of an ONNX file exported from a torchvision model, by their
 * PyTorch parameter names ({@code layer1.0.conv1.weight}, {@code bn1.running_var}), and their
 * loading into a backbone's {@link PretrainedLayer}s. Read with the ONNX protobuf classes that
 * nd4j-api carries; no ONNX Runtime involved.
 *
 * <p>torch 1.13's default export ({@code TrainingMode.EVAL}) folds every BatchNorm into the
 * preceding convolution and renames the tensors ({@code onnx::Conv_193}); such a file is refused
 * with the export command that keeps them (docs/backbones.md).
 */
public final class TorchvisionWeights {

    /** The export that keeps BatchNorm tensors and names: what the refusal tells users to run. */
    public static final String EXPORT_HINT = "export with torch.onnx.export(model.eval(), x, f, opset_version=13, "
            + "training=torch.onnx.TrainingMode.PRESERVE)";

    private final String file;
    private final Map<String, INDArray> tensors;
    private final boolean hasBatchNormNodes;
    private final java.util.Set<String> used = new java.util.TreeSet<>();

    private TorchvisionWeights(String file, Map<String, INDArray> tensors, boolean hasBatchNormNodes) {
        this.file = file;
        this.tensors = tensors;
        this.hasBatchNormNodes = hasBatchNormNodes;
    }

    /** Parses an ONNX model; {@code file} names it in errors. */
    public static TorchvisionWeights read(InputStream in, String file) {
        Onnx.ModelProto model;
        try {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE); // ResNet-50 is ~100 MB, above protobuf's 64 MB default
            model = Onnx.ModelProto.parseFrom(coded);
        } catch (IOException e) {
            throw new PretrainedWeightsException(file + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        if (!model.hasGraph() || model.getGraph().getInitializerCount() == 0) {
            throw new PretrainedWeightsException(file + ": not an ONNX model with weights (no initializers)");
        }
        Map<String, INDArray> tensors = new HashMap<>();
        for (Onnx.TensorProto t : model.getGraph().getInitializerList()) {
            if (OnnxElementTypes.get(t, "data_type") != OnnxElementTypes.FLOAT) continue;
            tensors.put(t.getName(), toArray(t, file));
        }
        // torch 1.13 stores equal tensors once and hands the others on through Identity nodes
        // (Identity(layer1.0.bn1.bias) -> layer1.0.bn2.running_mean): fresh BatchNorms all start equal.
        for (Onnx.NodeProto node : model.getGraph().getNodeList()) {
            if (node.getOpType().equals("Identity")
                    && node.getInputCount() == 1
                    && node.getOutputCount() == 1
                    && tensors.containsKey(node.getInput(0))
                    && !tensors.containsKey(node.getOutput(0))) {
                tensors.put(node.getOutput(0), tensors.get(node.getInput(0)));
            }
        }
        boolean batchNorm = model.getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("BatchNormalization"));
        return new TorchvisionWeights(file, tensors, batchNorm);
    }

    private static INDArray toArray(Onnx.TensorProto t, String file) {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        float[] values;
        if (!t.getRawData().isEmpty()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            values = new float[raw.remaining() / Float.BYTES];
            raw.asFloatBuffer().get(values);
        } else if (t.getFloatDataCount() > 0) {
            values = new float[t.getFloatDataCount()];
            for (int i = 0; i < values.length; i++) values[i] = t.getFloatData(i);
        } else {
            throw new PretrainedWeightsException(
                    file + ": tensor '" + t.getName() + "' has no inline data (external data files are not supported)");
        }
        if (values.length != n) {
            throw new PretrainedWeightsException(file + ": tensor '" + t.getName() + "' holds " + values.length
                    + " values for shape " + Arrays.toString(dims));
        }
        return Nd4j.createFromArray(values).reshape(dims.length == 0 ? new long[] {1} : dims);
    }

    /** Tensor names in the file (float initializers only). */
    public java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(tensors.keySet());
    }

    /**
     * Copies every layer's tensors into {@code net}, all checked before any is written: a missing
     * tensor or a shape that does not fit refuses the file, naming the tensor and both shapes.
     *
     * @param model names the model in errors (e.g. "resnet18")
     * @return the names of the tensors loaded
     */
    public java.util.Set<String> loadInto(ComputationGraph net, List<PretrainedLayer> layers, String model) {
        // Identity keys: parameter views, each written once, after every tensor was checked.
        Map<INDArray, INDArray> writes = new java.util.IdentityHashMap<>();
        used.clear();
        for (PretrainedLayer layer : layers) {
            Layer dl4j = net.getLayer(layer.vertex());
            if (dl4j == null) {
                throw new IllegalStateException(model + ": network has no layer '" + layer.vertex() + "'");
            }
            switch (layer.kind()) {
                case CONVOLUTION -> writes.put(
                        dl4j.getParam(ConvolutionParamInitializer.WEIGHT_KEY),
                        tensor(layer, "weight", dl4j.getParam(ConvolutionParamInitializer.WEIGHT_KEY), model));
                case DEPTHWISE_CONVOLUTION -> {
                    INDArray target = dl4j.getParam(DepthwiseConvolutionParamInitializer.WEIGHT_KEY);
                    // torch [C, 1, kH, kW] -> DL4J [kH, kW, C, 1]
                    long[] s = target.shape();
                    INDArray w = tensor(layer, "weight", new long[] {s[2], s[3], s[0], s[1]}, model);
                    writes.put(target, w.permute(2, 3, 0, 1));
                }
                case BATCH_NORM -> loadBatchNorm(dl4j, layer, model, writes);
            }
        }
        for (Map.Entry<INDArray, INDArray> w : writes.entrySet()) w.getKey().assign(w.getValue());
        return java.util.Set.copyOf(used);
    }

    private void loadBatchNorm(Layer dl4j, PretrainedLayer layer, String model, Map<INDArray, INDArray> writes) {
        INDArray gamma = dl4j.getParam(BatchNormalizationParamInitializer.GAMMA);
        writes.put(gamma, tensor(layer, "weight", gamma, model));
        INDArray beta = dl4j.getParam(BatchNormalizationParamInitializer.BETA);
        writes.put(beta, tensor(layer, "bias", beta, model));
        INDArray mean = dl4j.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        writes.put(mean, tensor(layer, "running_mean", mean, model));
        BatchNormalization conf = (BatchNormalization) dl4j.conf().getLayer();
        if (conf.isUseLogStd()) {
            // DL4J keeps log10(s) when useLogStd is on (its default) and divides by sqrt(s^2 + eps) at
            // inference, adding eps itself: s = sqrt(running_var), not sqrt(running_var + eps).
            INDArray logStd = dl4j.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
            INDArray var = tensor(layer, "running_var", logStd, model).castTo(DataType.DOUBLE);
            writes.put(
                    logStd,
                    Transforms.log(Transforms.sqrt(var, false), 10, false).castTo(logStd.dataType()));
        } else {
            INDArray var = dl4j.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR);
            writes.put(var, tensor(layer, "running_var", var, model));
        }
    }

    private INDArray tensor(PretrainedLayer layer, String suffix, INDArray target, String model) {
        return tensor(layer, suffix, target.shape(), model);
    }

    /** The tensor {@code module.suffix}, reshaped to {@code shape} when only its rank differs (BN vectors). */
    private INDArray tensor(PretrainedLayer layer, String suffix, long[] shape, String model) {
        String name = layer.torchModule() + "." + suffix;
        INDArray t = tensors.get(name);
        used.add(name);
        if (t == null) {
            if (!hasBatchNormNodes) {
                throw new PretrainedWeightsException(
                        file + ": no tensor '" + name + "' and no BatchNormalization node: "
                                + "BatchNorm was folded into the convolutions by torch.onnx.export's default (TrainingMode.EVAL); "
                                + EXPORT_HINT);
            }
            throw new PretrainedWeightsException(file + ": no tensor '" + name + "', which " + model
                    + " needs for layer '"
                    + layer.vertex() + "' (is this a torchvision " + model + " exported with its parameter names? "
                    + EXPORT_HINT + ")");
        }
        long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        boolean vectorOfSameLength = t.rank() == 1 && t.length() == count && shape.length <= 2;
        if (!Arrays.equals(t.shape(), shape) && !vectorOfSameLength) {
            throw new PretrainedWeightsException(
                    file + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + " but " + model
                            + " needs " + Arrays.toString(shape) + " for layer '" + layer.vertex() + "'");
        }
        return t.reshape(shape);
    }
}
