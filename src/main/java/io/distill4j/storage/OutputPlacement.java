package io.distill4j.storage;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.fs.Path;

/**
 * Refuses, before anything is written, an output that is one of the stage's inputs, lies inside
 * one, or contains one: replacing such an output would destroy the input (pointing
 * {@code shard.output} at the dataset root deleted the dataset, and the stage then blamed it).
 */
public final class OutputPlacement {
    private OutputPlacement() {}

    /**
     * @param outputKey the configuration key naming {@code output} ("distill4j.…"), or a description of it
     * @param inputs    configuration key to input location, for every input of the stage
     */
    public static void requireApart(String outputKey, Path output, Map<String, Path> inputs) {
        for (Map.Entry<String, Path> in : inputs.entrySet()) {
            Path input = in.getValue();
            if (input == null) continue;
            String where = null;
            if (sameOrInside(output, input)) {
                where = same(output, input) ? "is the input " : "lies inside the input ";
            } else if (sameOrInside(input, output)) {
                where = "contains the input ";
            }
            if (where != null) {
                String remedy = outputKey.startsWith("distill4j.")
                        ? "set " + outputKey + " to a directory outside it"
                        : "move it out of " + in.getKey();
                throw new StageOutputException("output " + output + " (" + outputKey + ") " + where + in.getKey() + " ("
                        + input + "): writing there could destroy it; " + remedy);
            }
        }
    }

    private static boolean same(Path a, Path b) {
        return parts(a).equals(parts(b));
    }

    /** Whether {@code inner} is {@code outer} or below it (same scheme and authority, path prefix). */
    static boolean sameOrInside(Path inner, Path outer) {
        URI i = inner.toUri();
        URI o = outer.toUri();
        if (!Objects.equals(scheme(i), scheme(o)) || !Objects.equals(i.getAuthority(), o.getAuthority())) return false;
        String ip = parts(inner);
        String op = parts(outer);
        return ip.equals(op) || ip.startsWith(op.endsWith("/") ? op : op + "/");
    }

    private static String scheme(URI u) {
        return u.getScheme() == null ? "file" : u.getScheme();
    }

    private static String parts(Path p) {
        String s = new Path(p.toUri().getPath()).toString();
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
