package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distill4j.augment.View;
import io.distill4j.augment.ViewedSample;
import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.data.ShardRecord;
import io.distill4j.storage.ShardFiles;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.Examples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The teacher run again, in the test, on the input a cache row says it was computed on: the
 * row's sample seen through the row's view. The cache tests compare the two value by value.
 */
final class TeacherRerun {
    private TeacherRerun() {}

    /** One cache row that matched the rerun: its sample, its view and how many values it holds. */
    record Row(String sampleId, View view, int values) {}

    /** How many samples the shard files hold, and their cache rows, each matched, in file order. */
    record Checked(int samples, List<Row> rows) {}

    /** The shard files of {@code split} under {@code work}'s default shard directory. */
    static List<Path> shardFiles(java.nio.file.Path work, String split) {
        try {
            return ShardFiles.list(
                    FileSystem.getLocal(new Configuration()),
                    new Path(work.resolve("shards").toUri()),
                    split);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code output} of {@code graph} on one sample, as CHW floats. */
    static float[] forward(ComputationGraph graph, ShardRecord sample, String output) {
        return graph.feedForward(new INDArray[] {Examples.image(sample)}, false, false)
                .get(output)
                .dup('c')
                .data()
                .asFloat();
    }

    /**
     * Asserts that every row of the cache files of {@code shardFiles} (in {@code cacheDir/split},
     * one file per shard file) holds {@code teacher}'s {@code output} on the row's sample seen
     * through its view: as many values, each within fp16's error (1e-3 relative plus 1e-4).
     * Returns the rows, for the test's own checks of their number and views.
     */
    static Checked assertCachedViewsMatch(
            ComputationGraph teacher, String output, String cacheDir, String split, List<Path> shardFiles) {
        Configuration conf = new Configuration();
        Map<String, ShardRecord> shards = new HashMap<>();
        for (Path f : shardFiles) for (ShardRecord s : ShardFiles.read(conf, f)) shards.put(s.sampleId(), s);
        List<Row> checked = new ArrayList<>();
        for (Path f : shardFiles) {
            for (CacheRow row : CacheParquet.read(conf, new Path(new Path(cacheDir, split), f.getName()))) {
                View v = View.parse(row.view());
                String what = row.sampleId() + " view " + row.view() + " " + output;
                float[] direct = forward(teacher, ViewedSample.of(shards.get(row.sampleId()), v), output);
                float[] cached = TensorCodecs.forSpec(row.tensor().codec()).decode(row.tensor());
                assertEquals(direct.length, cached.length, what + ": values");
                for (int i = 0; i < direct.length; i++) {
                    assertEquals(direct[i], cached[i], Math.abs(direct[i]) * 1e-3 + 1e-4, what + " " + i);
                }
                checked.add(new Row(row.sampleId(), v, cached.length));
            }
        }
        return new Checked(shards.size(), checked);
    }
}
