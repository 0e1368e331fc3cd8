package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.SampleSettings;
import io.distill4j.data.sample.GeneratedSample;
import io.distill4j.data.sample.SampleDatasetGenerator;
import io.distill4j.data.sample.SampleSpec;
import io.distill4j.manifest.DecidingSettings;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.Provenance;
import io.distill4j.manifest.Reuse;
import io.distill4j.manifest.SampleManifest;
import io.distill4j.manifest.StageSettings;
import io.distill4j.storage.AtomicOutput;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code generate-sample}: writes the small Cityscapes- and COCO-layout datasets the embedded
 * pipeline runs on, deterministically from {@code distill4j.sample.seed}. Needs no Spark.
 */
@Command(
        name = "generate-sample",
        mixinStandardHelpOptions = true,
        description = "write the small sample datasets in the exact Cityscapes and COCO layouts",
        footer = {
            "",
            "Writes distill4j.sample.output/cityscapes (leftImg8bit/ + gtFine/) and .../coco (train2017/, val2017/, "
                    + "annotations/instances_*.json) from distill4j.sample.seed; sizes in distill4j.sample.*. An existing complete "
                    + "sample is kept unless --overwrite is given."
        })
final class GenerateSampleCommand implements Callable<Integer> {
    @Mixin
    private ConfigOptions options;

    @Option(names = "--overwrite", description = "regenerate an existing complete sample")
    private boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Distill4jConfig config = options.load();
        if (options.printConfig()) {
            options.print(config);
            return 0;
        }
        Result r = generate(config.sample(), config.hadoop(), overwrite);
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
        Instant started = Instant.now();
        StageSettings settings = DecidingSettings.sample(s);
        if (Manifest.exists(fs, out) && !overwrite) {
            Optional<String> whyNot = Reuse.whyNot(Manifests.read(fs, out, SampleManifest.class), settings, Map.of());
            if (whyNot.isPresent()) {
                throw new StageOutputException("generate-sample: " + out
                        + " was made with other settings and cannot be reused: " + whyNot.get()
                        + "; --overwrite regenerates it, or set sample.output to another directory");
            }
            return new Result(
                    out.toString(),
                    false,
                    out + " already holds a complete sample (seed "
                            + Manifests.read(fs, out, SampleManifest.class).seed() + "); --overwrite regenerates it");
        }
        SampleSpec spec = new SampleSpec(
                s.seed(),
                new SampleSpec.DatasetSize(
                        s.cityscapes().train(),
                        s.cityscapes().val(),
                        s.cityscapes().width(),
                        s.cityscapes().height()),
                new SampleSpec.DatasetSize(
                        s.coco().train(),
                        s.coco().val(),
                        s.coco().width(),
                        s.coco().height()));
        AtomicOutput output =
                AtomicOutput.begin(fs, out, true, "generate-sample", "distill4j.sample.output", System.out::println);
        try {
            GeneratedSample g = SampleDatasetGenerator.generate(fs, output.tempDir(), spec);
            Map<String, Long> count = new java.util.LinkedHashMap<>();
            count.put("cityscapes", (long) g.cityscapesImages());
            count.put("coco", (long) g.cocoImages());
            SampleManifest m = new SampleManifest(
                    SampleManifest.STAGE,
                    Instant.now().toString(),
                    Provenance.of(started, "none", "none", s.seed(), Map.of(), settings),
                    s.seed(),
                    count,
                    g.cocoAnnotations(),
                    g.cocoCrowdRegions());
            output.commit(Manifests.toJson(m));
            return new Result(
                    out.toString(),
                    true,
                    "wrote " + g.cityscapesImages() + " Cityscapes-layout and " + g.cocoImages()
                            + " COCO-layout images (" + g.cocoAnnotations() + " annotations) to " + out);
        } catch (Exception e) {
            output.abort();
            throw e;
        }
    }
}
