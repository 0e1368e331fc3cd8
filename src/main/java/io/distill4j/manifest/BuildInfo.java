package io.distill4j.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The distill4j version and git commit this build was made from, embedded by Maven at build time
 * ({@code io/distill4j/build.properties}, filtered, and {@code io/distill4j/git-commit.txt}, the
 * output of {@code git rev-parse HEAD}): nothing shells out to git at run time.
 * A build from uncommitted changes records the commit they were made on.
 */
public record BuildInfo(String version, String gitCommit) {
    static final String RESOURCE = "/io/distill4j/build.properties";
    static final String COMMIT_RESOURCE = "/io/distill4j/git-commit.txt";
    private static final BuildInfo CURRENT = load();

    public static BuildInfo current() {
        return CURRENT;
    }

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the classpath", e);
        }
        return new BuildInfo(known(p.getProperty("version")), commit());
    }

    /** The 40-hex commit, or "unknown" (built outside a git clone: git printed an error instead). */
    private static String commit() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(COMMIT_RESOURCE)) {
            if (in == null) return "unknown";
            String s = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return s.matches("[0-9a-f]{40}") ? s : "unknown";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + COMMIT_RESOURCE + " from the classpath", e);
        }
    }

    /** An unfilled placeholder (a build outside a git clone) or a missing value reads "unknown". */
    private static String known(String v) {
        return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
    }
}
