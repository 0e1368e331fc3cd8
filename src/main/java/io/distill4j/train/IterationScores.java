package io.distill4j.train;

import java.io.Serializable;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Records every minibatch's score on the workers into a Spark accumulator, so the driver can write
 * per-iteration lines to metrics.jsonl without any shared storage. DL4J ships this listener to the
 * workers (Java serialization) and calls it after each fit; Spark merges accumulator updates when
 * a task finishes (a retried task can report its iterations twice; each line names its worker).
 */
public final class IterationScores extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;
    private final CollectionAccumulator<String> lines;
    private final int epoch;
    private transient String worker;

    public IterationScores(CollectionAccumulator<String> lines, int epoch) {
        this.lines = lines;
        this.epoch = epoch;
    }

    @Override
    public void iterationDone(Model model, int iteration, int ignoredEpoch) {
        if (worker == null) worker = UUID.randomUUID().toString().substring(0, 8);
        lines.add(String.format(
                Locale.ROOT,
                "{\"kind\":\"iteration\",\"epoch\":%d,\"iteration\":%d,\"worker\":\"%s\","
                        + "\"score\":%s,\"time_ms\":%d}",
                epoch,
                iteration,
                worker,
                json(model.score()),
                System.currentTimeMillis()));
    }

    private static String json(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
