package io.distill4j.jobs;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What the job tests read from, and do to, a distill run directory under {@code work/runs}. */
final class DistillRuns {
    private DistillRuns() {}

    /** The run's saved student.zip. */
    static ComputationGraph student(Path work, String run) throws IOException {
        return ModelSerializer.restoreComputationGraph(
                work.resolve("runs/" + run + "/student.zip").toFile(), false);
    }

    /** |a - b| / |a| over all parameters (L2 norms). */
    static double relativeDifference(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    }

    /** |a - b| / |a| between two runs' saved students' parameters. */
    static double relativeDifference(Path work, String runA, String runB) throws IOException {
        return relativeDifference(
                student(work, runA).params(), student(work, runB).params());
    }

    /**
     * A "crash" after the run's last completed epoch: the checkpoints stay, the manifest that makes
     * the run complete goes, so the next distill of the same run id resumes it.
     */
    static void dropManifest(Path work, String run) throws IOException {
        // Through Hadoop's local file system, as the jobs wrote it: its checksum file goes too.
        FileSystem.getLocal(new Configuration())
                .delete(
                        new org.apache.hadoop.fs.Path(
                                work.resolve("runs/" + run + "/_manifest.json").toUri()),
                        false);
    }
}
