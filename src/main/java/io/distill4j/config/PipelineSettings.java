package io.distill4j.config;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The student runs the {@code pipeline} command trains, in order, once per seed. */
public record PipelineSettings(List<StudentRun> students, List<Long> seeds) {
    /** One student run: its id and distillation terms (empty = baseline). */
    public record StudentRun(String runId, List<DistillTerm> terms) {}

    static PipelineSettings from(Config root) {
        String key = "distill4j.pipeline.students";
        List<StudentRun> runs = new ArrayList<>();
        List<? extends Config> list = root.getConfigList(key);
        for (int i = 0; i < list.size(); i++) {
            Config o = list.get(i);
            ObjectKeys.check(o, key + "[" + i + "]", Set.of("run-id", "terms"));
            runs.add(new StudentRun(o.getString("run-id"), DistillTerm.list(o.atKey("x"), "x.terms")));
        }
        List<Long> seeds = root.getLongList("distill4j.pipeline.seeds");
        if (seeds.isEmpty()) throw new ConfigException("distill4j.pipeline.seeds: must name at least one seed");
        return new PipelineSettings(List.copyOf(runs), List.copyOf(seeds));
    }
}
