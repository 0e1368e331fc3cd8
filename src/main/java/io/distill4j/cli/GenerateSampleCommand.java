package io.distill4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.SampleSettings;
import io.distill4j.data.sample.GeneratedSample;
import io.distill4j.data.sample.SampleDatasetGenerator;
import io.distill4j.data.sample.SampleSpec;
import io.distill4j.storage.AtomicOutput;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.Storage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code generate-sample}: writes the small Cityscapes- and COCO-layout datasets the embedded
 * pipeline runs on, deterministically from {@code distill4j.sample.seed}. Needs no Spark.
 */
final class GenerateSampleCommand implements Command {
    @Override
    public String name() {
        return "generate-sample";
    }

    @Override
    public String summary() {
        return "write the small sample datasets in the exact Cityscapes and COCO layouts";
    }

    @Override
    public String usage() {
        return """
                usage: jobs/distill4j generate-sample [--conf FILE] [--overwrite] [key=value ...]

                Writes distill4j.sample.output/cityscapes (leftImg8bit/ + gtFine/) and .../coco (train2017/,
                val2017/, annotations/instances_*.json) from distill4j.sample.seed; sizes in distill4j.sample.*.
                An existing complete sample is kept unless --overwrite is given.""";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CommandLine cl = CommandLine.parse(args, Set.of("--overwrite"), Set.of());
        Distill4jConfig config = cl.config();
        Result r = generate(config.sample(), config.hadoop(), cl.flag("--overwrite"));
        System.out.println("[generate-sample] " + r.message());
        return 0;
    }

    /** What generation did. */
    record Result(String output, boolean generated, String message) {}

    /** Generates unless a complete sample is already there (the pipeline calls this too). */
    static Result generate(SampleSettings s, Map<String, String> hadoop, boolean overwrite) throws Exception {
        Configuration conf = new Configuration();
        hadoop.forEach(conf::set);
        Path out = Storage.path(s.output());
        FileSystem fs = Storage.fs(out, conf);
        if (Manifest.exists(fs, out) && !overwrite) {
            return new Result(out.toString(), false, out + " already holds a complete sample (seed "
                    + Manifest.read(fs, out).path("seed").asText() + "); --overwrite regenerates it");
        }
        SampleSpec spec = new SampleSpec(s.seed(),
                new SampleSpec.DatasetSize(s.cityscapes().train(), s.cityscapes().val(), s.cityscapes().width(), s.cityscapes().height()),
                new SampleSpec.DatasetSize(s.coco().train(), s.coco().val(), s.coco().width(), s.coco().height()));
        AtomicOutput output = AtomicOutput.begin(fs, out, true, "generate-sample", "distill4j.sample.output", System.out::println);
        try {
            GeneratedSample g = SampleDatasetGenerator.generate(fs, output.tempDir(), spec);
            ObjectNode m = Manifest.create("generate-sample");
            m.put("seed", s.seed());
            m.putObject("count").put("cityscapes", g.cityscapesImages()).put("coco", g.cocoImages());
            m.put("coco_annotations", g.cocoAnnotations()).put("coco_crowd_regions", g.cocoCrowdRegions());
            output.commit(m);
            return new Result(out.toString(), true, "wrote " + g.cityscapesImages() + " Cityscapes-layout and " + g.cocoImages()
                    + " COCO-layout images (" + g.cocoAnnotations() + " annotations) to " + out);
        } catch (Exception e) {
            output.abort();
            throw e;
        }
    }
}
