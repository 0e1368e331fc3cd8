package io.distill4j.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code distill4j SUBCOMMAND} in a child JVM, started as {@code jobs/distill4j} starts it (the
 * build's Java 17 options, the project's {@code jobs/conf/log4j2.properties}, a headless AWT), on
 * the test settings for one work directory and sample. Each child's console goes to
 * {@code logDir/NAME.log} ({@link ChildJvm}).
 */
record CliJvm(Path work, Path sample, Path logDir) {
    /**
     * Starts {@code io.distill4j.cli.Main SUBCOMMAND <test settings> extra...} with
     * {@code -Dproperty} for each of {@code properties} and {@code env} added to its environment.
     */
    ChildJvm start(String name, List<String> properties, Map<String, String> env, String subcommand, String... extra) {
        List<String> jvm = new ArrayList<>(List.of(
                "-Xmx1536m",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile="
                        + Path.of("jobs/conf/log4j2.properties").toAbsolutePath()));
        jvm.addAll(List.of(LocalClusterSupport.java17Options().split(" ")));
        for (String p : properties) jvm.add("-D" + p);
        List<String> args = new ArrayList<>();
        args.add(subcommand);
        args.addAll(SparkTestSupport.overrides(
                work.toString(), sample.resolve("cityscapes").toString(), extra));
        return ChildJvm.start(name, ChildJvm.projectClasspath(), jvm, "io.distill4j.cli.Main", args, env, logDir);
    }
}
