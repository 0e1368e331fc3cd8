package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.cache.ModelFiles;
import io.distill4j.config.ConfigException;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.SegmentationMetrics;
import io.distill4j.train.TrainingDriver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * train.validate-every on a real local[2] Spark: the student and the teacher are scored on the val
 * shards between epochs by the evaluate job's evaluator, metrics.jsonl and the console carry the
 * score, and the best model is kept beside the last.
 */
@Tag("spark")
class ValidateEveryTest {
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample().sharded();

    @Test
    void studentIsScoredOnValEveryNEpochsAndAfterTheLastAndTheBestIsKept() throws Exception {
        Distill4jConfig c =
                job.config("distill.run-id=validated", "distill.terms=[]", "train.epochs=3", "train.validate-every=2");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DistillJob(job.spark(), c, false, new PrintStream(out, true)).run();
        java.nio.file.Path run = job.work().resolve("runs/validated");
        List<JsonNode> lines = MetricsJsonl.epochs(run.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).path("validation").isMissingNode(), "epoch 1 is not validated");
        JsonNode v2 = lines.get(1).path("validation");
        JsonNode v3 = lines.get(2).path("validation");
        assertEquals("mIoU", v2.path("metric").asText());
        assertTrue(v3.path("value").isNumber(), "after the last epoch too: " + lines.get(2));
        assertTrue(v2.path("best").asBoolean(), "the first score is the best so far");
        assertEquals(
                v3.path("value").asDouble() > v2.path("value").asDouble(),
                v3.path("best").asBoolean());
        String console = out.toString();
        assertTrue(console.contains("val mIoU"), console);

        // best.zip is the model the best score was computed on: scoring it again gives that score
        JsonNode best = v3.path("best").asBoolean() ? v3 : v2;
        ComputationGraph bestNet = ModelFiles.read(
                FileSystem.getLocal(new Configuration()),
                new Path(run.resolve(TrainingDriver.BEST_FILE).toUri()),
                false);
        Shards shards = Shards.open(job.spark(), c.shard().output());
        List<ShardRecord> val = shards.records(c.evaluate().split()).collect();
        SegmentationMetrics m = new SegmentationMetrics(19);
        List<byte[]> preds =
                SegmentationPredictor.predict(bestNet, val, c.cache().batchSize());
        for (int i = 0; i < val.size(); i++) m.add(val.get(i).segmentation().trainIds(), preds.get(i));
        assertEquals(best.path("value").asDouble(), m.meanIou(), 1e-9);
        assertTrue(Files.exists(run.resolve(DistillJob.STUDENT_FILE)), "the last model stays the stage's output");
    }

    @Test
    void teacherIsValidatedToo() throws Exception {
        Distill4jConfig c =
                job.config("teacher.dir=\"" + job.work().resolve("teacher-v") + "\"", "train.validate-every=1");
        new TrainTeacherJob(job.spark(), c, QUIET).run();
        List<JsonNode> lines = MetricsJsonl.epochs(job.work().resolve("teacher-v/metrics.jsonl"));
        assertEquals(2, lines.size());
        for (JsonNode l : lines) assertTrue(l.path("validation").path("value").isNumber(), l.toString());
        assertTrue(Files.exists(job.work().resolve("teacher-v").resolve(TrainingDriver.BEST_FILE)));
    }

    @Test
    void offWritesNoScoreAndNoBestModel() throws Exception {
        Distill4jConfig c = job.config("distill.run-id=unvalidated", "distill.terms=[]");
        assertEquals(0, c.train().validateEvery(), "off by default");
        new DistillJob(job.spark(), c, false, QUIET).run();
        java.nio.file.Path run = job.work().resolve("runs/unvalidated");
        for (JsonNode l : MetricsJsonl.epochs(run.resolve("metrics.jsonl")))
            assertTrue(l.path("validation").isMissingNode());
        assertFalse(Files.exists(run.resolve(TrainingDriver.BEST_FILE)));
    }

    @Test
    void negativeIntervalIsRejectedByName() {
        var e = assertThrows(ConfigException.class, () -> job.config("train.validate-every=-1"));
        assertTrue(e.getMessage().contains("validate-every"), e.getMessage());
    }
}
