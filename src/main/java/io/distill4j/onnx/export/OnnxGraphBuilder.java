package io.distill4j.onnx.export;

import io.distill4j.onnx.proto.OnnxElementTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * The ONNX graph under construction: nodes, initializers (float32 weights as little-endian raw
 * data, the layout ONNX prescribes) and attribute helpers. Every value name is checked to be new,
 * so two mappings can never write the same tensor.
 */
public final class OnnxGraphBuilder {
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    /** Claims a value name; fails when it is taken (a bug in a mapping, or a clash of DL4J names). */
    String claim(String name) {
        if (!names.add(name)) {
            throw new OnnxExportException("ONNX value name '" + name + "' is written twice");
        }
        return name;
    }

    /** Adds a node computing {@code output} and returns {@code output}. */
    public String node(String opType, List<String> inputs, String output, Onnx.AttributeProto... attributes) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder()
                .setOpType(opType)
                .setName(output)
                .addAllInput(inputs)
                .addOutput(claim(output));
        for (Onnx.AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return output;
    }

    /** A float32 initializer with the given dims holding {@code values} in row-major order. */
    public String floats(String name, long[] dims, float[] values) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count != values.length) {
            throw new OnnxExportException("initializer '" + name + "': " + values.length + " values for dims "
                    + java.util.Arrays.toString(dims));
        }
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        graph.addInitializer(OnnxElementTypes.set(Onnx.TensorProto.newBuilder(), "data_type", OnnxElementTypes.FLOAT)
                .setName(claim(name))
                .addAllDims(asList(dims))
                .setRawData(ByteString.copyFrom(b.array())));
        return name;
    }

    /** A float32 initializer from an ND4J array, reshaped to {@code dims} (same element count). */
    public String floats(String name, long[] dims, INDArray values) {
        return floats(name, dims, values.castTo(DataType.FLOAT).dup('c').data().asFloat());
    }

    /** A float32 scalar initializer (rank 0), as Clip's min and max are. */
    public String scalar(String name, float value) {
        return floats(name, new long[0], new float[] {value});
    }

    /** An int64 initializer of rank 1 (Pad's pads). */
    public String int64s(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        graph.addInitializer(OnnxElementTypes.set(Onnx.TensorProto.newBuilder(), "data_type", OnnxElementTypes.INT64)
                .setName(claim(name))
                .addDims(values.length)
                .setRawData(ByteString.copyFrom(b.array())));
        return name;
    }

    public static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder a =
                Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static Onnx.AttributeProto ints(String name, int[] values) {
        return ints(name, java.util.Arrays.stream(values).asLongStream().toArray());
    }

    public static Onnx.AttributeProto integer(String name, long value) {
        return Onnx.AttributeProto.newBuilder()
                .setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    public static Onnx.AttributeProto real(String name, double value) {
        return Onnx.AttributeProto.newBuilder()
                .setName(name)
                .setType(Onnx.AttributeProto.AttributeType.FLOAT)
                .setF((float) value)
                .build();
    }

    public static Onnx.AttributeProto string(String name, String value) {
        return Onnx.AttributeProto.newBuilder()
                .setName(name)
                .setType(Onnx.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value))
                .build();
    }

    /** The graph as built so far (inputs and outputs are added by the exporter). */
    Onnx.GraphProto.Builder proto() {
        return graph;
    }

    private static List<Long> asList(long[] dims) {
        return java.util.Arrays.stream(dims).boxed().toList();
    }
}
