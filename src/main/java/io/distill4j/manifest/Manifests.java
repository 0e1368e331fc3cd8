package io.distill4j.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes the typed stage manifests as {@code _manifest.json} (snake_case keys, the
 * layout docs/manifests.md documents). Readers name the record they expect; a manifest of another
 * stage or with a malformed field is refused with the directory and the reason.
 */
public final class Manifests {
    /** Record components map to snake_case keys; keys a reader does not know (newer writers) are ignored. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    private static final Map<String, Class<? extends StageManifest>> BY_STAGE = Map.of(
            ShardManifest.STAGE,
            ShardManifest.class,
            TeacherManifest.STAGE,
            TeacherManifest.class,
            CacheManifest.STAGE,
            CacheManifest.class,
            RunManifest.STAGE,
            RunManifest.class,
            SampleManifest.STAGE,
            SampleManifest.class);

    private Manifests() {}

    /** Jackson reads a JSON null into a JsonNode property as NullNode; records hold plain null. */
    static com.fasterxml.jackson.databind.JsonNode orNull(com.fasterxml.jackson.databind.JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    /** The JSON form, as {@code AtomicOutput.commit} and {@code RunDirectory.complete} take it. */
    public static ObjectNode toJson(StageManifest m) {
        return JSON.valueToTree(m);
    }

    /** Reads a committed output's manifest as {@code type}, refusing a manifest of another stage. */
    public static <T extends StageManifest> T read(FileSystem fs, Path dir, Class<T> type) {
        StageManifest m = read(fs, dir);
        if (!type.isInstance(m)) {
            throw new StageOutputException(dir + " holds the output of stage '" + m.stage() + "', not of "
                    + stageOf(type) + " (" + Manifest.FILE_NAME + ")");
        }
        return type.cast(m);
    }

    /** Reads a committed output's manifest as the record of the stage it names. */
    public static StageManifest read(FileSystem fs, Path dir) {
        ObjectNode n = Manifest.read(fs, dir);
        String stage = n.path("stage").asText();
        Class<? extends StageManifest> type = BY_STAGE.get(stage);
        if (type == null) {
            throw new StageOutputException(new Path(dir, Manifest.FILE_NAME) + ": field 'stage' is '" + stage
                    + "'; expected one of " + new java.util.TreeSet<>(BY_STAGE.keySet()));
        }
        try {
            return JSON.treeToValue(n, type);
        } catch (JsonProcessingException e) {
            throw new StageOutputException(
                    new Path(dir, Manifest.FILE_NAME) + " is not a valid " + stage + " manifest: "
                            + e.getOriginalMessage(),
                    e);
        }
    }

    /** The manifest of a model output (a teacher or a distill run). */
    public static ModelManifest readModel(FileSystem fs, Path dir) {
        StageManifest m = read(fs, dir);
        if (m instanceof ModelManifest mm) return mm;
        throw new StageOutputException(
                dir + " holds the output of stage '" + m.stage() + "', not a model (train-teacher or distill)");
    }

    private static String stageOf(Class<?> type) {
        return BY_STAGE.entrySet().stream()
                .filter(e -> e.getValue() == type)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(type.getSimpleName());
    }
}
