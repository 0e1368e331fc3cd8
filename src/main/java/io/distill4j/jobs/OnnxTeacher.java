package io.distill4j.jobs;

import io.distill4j.cache.TeacherFingerprint;
import io.distill4j.model.TapInfo;
import io.distill4j.onnx.OnnxModelException;
import io.distill4j.onnx.OnnxModelSettings;
import io.distill4j.onnx.OnnxModelSpec;
import io.distill4j.onnx.OnnxModels;
import io.distill4j.onnx.OnnxOutput;
import io.distill4j.storage.Storage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * An ONNX model as the driver holds it: the file's bytes (read once through Hadoop, so local,
 * hdfs:// and s3a:// alike), its spec checked against the shards at start-up, and its fingerprint.
 */
record OnnxTeacher(byte[] bytes, OnnxModelSpec spec, String fingerprint) {
    /** The key teacher.onnx's settings come from, which every refusal names. */
    static final String KEY = "distill4j.teacher.onnx";

    /**
     * Reads and checks the file.
     *
     * @param preprocessing the shards' preprocessing ({@link io.distill4j.train.Examples#preprocessing}),
     *                      part of the fingerprint as for a DL4J teacher
     */
    static OnnxTeacher open(
            Configuration hadoop,
            OnnxModelSettings settings,
            String keyPrefix,
            TaskModels models,
            Shards shards,
            String preprocessing) {
        byte[] bytes = read(hadoop, settings.path(), keyPrefix);
        OnnxModelSpec spec = OnnxModels.resolve(
                bytes,
                settings,
                keyPrefix,
                new OnnxModels.Expectation(models.id(), shards.height(), shards.width(), models.classes()));
        return new OnnxTeacher(bytes, spec, TeacherFingerprint.ofOnnx(bytes, spec.describe(), preprocessing));
    }

    static byte[] read(Configuration hadoop, String location, String keyPrefix) {
        Path file = Storage.path(location);
        try {
            FileSystem fs = Storage.fs(file, hadoop);
            long len = fs.getFileStatus(file).getLen();
            if (len > Integer.MAX_VALUE - 8) {
                throw new OnnxModelException(keyPrefix + ".path: " + file + " is " + len
                        + " bytes; ONNX Runtime's Java API " + "takes a model of at most 2 GB from memory");
            }
            byte[] b = new byte[(int) len];
            try (FSDataInputStream in = fs.open(file)) {
                in.readFully(0, b);
            }
            return b;
        } catch (FileNotFoundException e) {
            throw new OnnxModelException(keyPrefix + ".path: " + file + " does not exist");
        } catch (IOException e) {
            throw new OnnxModelException(keyPrefix + ".path: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The outputs as taps (vertex name = the ONNX output's name), in the map's order. */
    Map<String, TapInfo> taps() {
        Map<String, TapInfo> taps = new LinkedHashMap<>();
        for (OnnxOutput o : spec.outputs()) {
            int[] s = spec.shapes().get(o.name());
            taps.put(o.name(), new TapInfo(o.name(), o.onnxName(), s[0], s[1], s[2]));
        }
        return taps;
    }

    ExecutorModel.Onnx broadcast(JavaSparkContext sc) {
        return new ExecutorModel.Onnx(fingerprint, spec, sc.broadcast(bytes));
    }

    /** Shipped to the executors computing only the outputs named. */
    ExecutorModel.Onnx broadcast(JavaSparkContext sc, java.util.Collection<String> names) {
        return new ExecutorModel.Onnx(fingerprint, spec.only(names), sc.broadcast(bytes));
    }
}
