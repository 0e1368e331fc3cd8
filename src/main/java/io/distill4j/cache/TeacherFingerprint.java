package io.distill4j.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Identifies a teacher: SHA-256 over its configuration JSON, its parameters (as little-endian
 * float32) and the input preprocessing. A cache directory is named by it, so a retrained teacher
 * or a changed preprocessing can never be matched with stale outputs.
 */
public final class TeacherFingerprint {
    private TeacherFingerprint() {}

    /** The first 16 hex digits of the digest (64 bits: collisions are not a practical concern). */
    public static String of(ComputationGraph teacher, String preprocessing) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(teacher.getConfiguration().toJson().getBytes(StandardCharsets.UTF_8));
            INDArray p = teacher.params().castTo(DataType.FLOAT);
            float[] f = p.data().asFloat();
            ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(f);
            md.update(b.array());
            md.update(preprocessing.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /**
     * An ONNX teacher: SHA-256 over the file's bytes, how its input is made and how its outputs are
     * named ({@code onnxDescription}, e.g. {@link io.distill4j.onnx.OnnxModelSpec#describe()}),
     * and the shard preprocessing. Prefixed "onnx" in the digest so it can never equal a DL4J one.
     */
    public static String ofOnnx(byte[] onnx, String onnxDescription, String preprocessing) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update("onnx\n".getBytes(StandardCharsets.UTF_8));
            md.update(onnx);
            md.update(onnxDescription.getBytes(StandardCharsets.UTF_8));
            md.update(preprocessing.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
