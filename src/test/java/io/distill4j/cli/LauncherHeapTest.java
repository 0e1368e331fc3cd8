package io.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * jobs/distill4j's driver heap: DISTILL4J_HEAP sets -Xmx without dropping JAVA_OPTS or
 * DISTILL4J_JAVA_OPTS. Runs the launcher's own bash function and then a real JVM with its options.
 */
class LauncherHeapTest {
    private record Result(int code, String out) {}

    /** Sources jobs/lib.sh, builds the options as the launcher does, and starts {@code java OPTIONS -XshowSettings:vm -version}. */
    private static Result jvmWith(Map<String, String> env) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        "bash",
                        "-c",
                        "source jobs/lib.sh && jvm_options && printf 'option %s\\n' \"${JVM_OPTIONS[@]}\" && "
                                + "exec '" + java + "' \"${JVM_OPTIONS[@]}\" -XshowSettings:vm -version")
                .redirectErrorStream(true);
        pb.environment()
                .keySet()
                .removeAll(List.of("DISTILL4J_HEAP", "JAVA_OPTS", "DISTILL4J_JAVA_OPTS", "JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    @Test
    void defaultHeapIsSixGigabytes() throws Exception {
        Result r = jvmWith(Map.of());
        assertEquals(0, r.code, r.out);
        assertTrue(r.out.contains("Max. Heap Size: 6.00G"), r.out);
    }

    @Test
    void heapVariableKeepsTheOtherJvmOptions() throws Exception {
        Result r = jvmWith(Map.of(
                "DISTILL4J_HEAP",
                "512m",
                "JAVA_OPTS",
                "-Dfrom.java.opts=1 -Xss2m",
                "DISTILL4J_JAVA_OPTS",
                "-Dfrom.distill4j.opts=1"));
        assertEquals(0, r.code, r.out);
        assertTrue(r.out.contains("Max. Heap Size: 512.00M"), r.out);
        assertTrue(r.out.contains("option -Dfrom.java.opts=1\noption -Xss2m\noption -Dfrom.distill4j.opts=1"), r.out);
    }

    @Test
    void youngGenerationIsCappedUnlessTheUserSizesIt() throws Exception {
        Result capped = jvmWith(Map.of());
        assertEquals(0, capped.code, capped.out);
        assertTrue(capped.out.contains("option -Xmx6g\noption -XX:MaxNewSize=256m\n"), capped.out);
        Result own = jvmWith(Map.of("JAVA_OPTS", "-XX:MaxNewSize=1g -XX:+PrintFlagsFinal"));
        assertEquals(0, own.code, own.out);
        // The JVM takes the last occurrence: the user's 1 GiB, not the launcher's 256 MiB.
        assertTrue(own.out.matches("(?s).*size_t MaxNewSize\\s+= 1073741824 .*"), own.out);
    }

    @Test
    void malformedHeapIsOneLine() throws Exception {
        Result r = jvmWith(Map.of("DISTILL4J_HEAP", "6 GB"));
        assertEquals(2, r.code, r.out);
        assertEquals("[distill4j] DISTILL4J_HEAP=6 GB is not a heap size such as 6g, 12g or 8192m", r.out.trim());
    }
}
