package io.distill4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.Missing;
import com.typesafe.config.ConfigException.WrongType;
import io.distill4j.onnx.OnnxModelSettings;
import io.distill4j.onnx.OnnxOutput;
import io.distill4j.onnx.OnnxPreprocessing;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where the teacher model lives and how long train-teacher trains it; or, with {@code onnx.path},
 * an ONNX teacher (e.g. exported from PyTorch) that cache-teacher, distill and evaluate run with
 * ONNX Runtime instead.
 */
public record TeacherSettings(String dir, int epochs, boolean overwrite, OnnxModelSettings onnx) {
    static final String ONNX_KEY = "distill4j.teacher.onnx";

    static TeacherSettings from(Keys k, Config root) {
        return new TeacherSettings(
                k.nonEmpty("dir"), k.intIn("epochs", 1, 100_000), k.bool("overwrite"), onnx(k.child("onnx"), root));
    }

    /** True when the teacher is an ONNX file. */
    public boolean isOnnx() {
        return onnx.present();
    }

    private static OnnxModelSettings onnx(Keys k, Config root) {
        String pre = k.string("preprocessing").trim();
        OnnxPreprocessing preprocessing = null;
        if (!pre.isEmpty()) {
            try {
                preprocessing = OnnxPreprocessing.parse(pre);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ONNX_KEY + ".preprocessing: " + e.getMessage() + " ("
                        + root.getValue(ONNX_KEY + ".preprocessing").origin().description() + ")");
            }
        }
        return new OnnxModelSettings(
                k.string("path").trim(),
                k.string("input").trim(),
                k.intIn("height", 0, 65_536),
                k.intIn("width", 0, 65_536),
                preprocessing,
                outputs(root));
    }

    private static List<OnnxOutput> outputs(Config root) {
        String key = ONNX_KEY + ".outputs";
        List<? extends Config> list;
        try {
            list = root.getConfigList(key);
        } catch (WrongType e) {
            throw new ConfigException(key + ": expected a list of {onnx, name, stride} objects ("
                    + e.origin().description() + ")");
        }
        List<OnnxOutput> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Config o = list.get(i);
            String where = key + "[" + i + "]";
            ObjectKeys.check(o, where, Set.of("onnx", "name", "stride"));
            try {
                int stride = o.getInt("stride");
                if (stride < 1 || stride > 1024) {
                    throw new ConfigException(where + ".stride: must be in 1..1024, got " + stride + " ("
                            + o.origin().description() + ")");
                }
                out.add(new OnnxOutput(o.getString("onnx"), o.getString("name"), stride));
            } catch (Missing | WrongType e) {
                throw new ConfigException(where + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        where + ": " + e.getMessage() + " (" + o.origin().description() + ")");
            }
        }
        return List.copyOf(out);
    }
}
