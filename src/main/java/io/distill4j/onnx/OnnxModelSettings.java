package io.distill4j.onnx;

import java.io.Serializable;
import java.util.List;

/**
 * What the configuration says about an ONNX file ({@code teacher.onnx}); each blank or empty part
 * is taken from the file's distill4j metadata ({@link OnnxMetadata}) when it has it.
 *
 * @param path          the .onnx file (local, hdfs://, s3a://); blank when the teacher is DL4J's
 * @param input         the input tensor's name; blank = the metadata's, or the file's only input
 * @param height        the input height the file expects; 0 = the shards' height
 * @param width         the input width; 0 = the shards' width
 * @param preprocessing null = the metadata's
 * @param outputs       empty = the metadata's outputs, each under its own name
 */
public record OnnxModelSettings(
        String path, String input, int height, int width, OnnxPreprocessing preprocessing, List<OnnxOutput> outputs)
        implements Serializable {
    public OnnxModelSettings {
        outputs = List.copyOf(outputs);
    }

    /** No ONNX file: the teacher is the DL4J model of teacher.dir. */
    public static OnnxModelSettings none() {
        return new OnnxModelSettings("", "", 0, 0, null, List.of());
    }

    /** Only a path: everything else from the file's metadata (what {@code evaluate --model} uses). */
    public static OnnxModelSettings fromFile(String path) {
        return new OnnxModelSettings(path, "", 0, 0, null, List.of());
    }

    public boolean present() {
        return !path.isBlank();
    }

    /** The same description for another file (the keys describe any file that lacks the metadata). */
    public OnnxModelSettings withPath(String other) {
        return new OnnxModelSettings(other, input, height, width, preprocessing, outputs);
    }
}
