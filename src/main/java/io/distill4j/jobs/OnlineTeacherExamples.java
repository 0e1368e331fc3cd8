package io.distill4j.jobs;

import io.distill4j.cache.TeacherInference;
import io.distill4j.data.ShardRecord;
import io.distill4j.train.TrainingObjective;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds training examples with the teacher's outputs computed on the executor, a teacher batch at
 * a time as the trainer pulls them: a task holds one teacher batch of examples, not its partition,
 * and taking the first few examples (the probe) runs the teacher on those only. Every record that
 * passes through gets exactly one teacher forward; {@code forwards} (may be null) counts them.
 */
final class OnlineTeacherExamples implements FlatMapFunction<Iterator<ShardRecord>, MultiDataSet> {
    private final TrainingObjective objective;
    private final ExecutorModel teacher;
    private final Map<String, String> keyToName;
    private final int batch;
    private final LongAccumulator forwards;

    /**
     * @param keyToName the forward pass's name of each needed output -> its distill4j name
     * @param batch     records per teacher forward
     */
    OnlineTeacherExamples(
            TrainingObjective objective,
            ExecutorModel teacher,
            Map<String, String> keyToName,
            int batch,
            LongAccumulator forwards) {
        this.objective = objective;
        this.teacher = teacher;
        this.keyToName = Map.copyOf(keyToName);
        this.batch = Math.max(1, batch);
        this.forwards = forwards;
    }

    @Override
    public Iterator<MultiDataSet> call(Iterator<ShardRecord> records) {
        List<String> keys = List.copyOf(keyToName.keySet());
        return new Iterator<>() {
            private final List<MultiDataSet> ready = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) return true;
                if (!records.hasNext()) return false;
                List<ShardRecord> part = new ArrayList<>(batch);
                while (part.size() < batch && records.hasNext()) part.add(records.next());
                List<Map<String, float[]>> values;
                // The trainer pulls examples on DL4J's prefetch thread, inside its iterator workspace;
                // a graph's forward pass refuses to start with a workspace open.
                try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    values = teacher.with(forward -> TeacherInference.run(forward, part, keys, batch));
                }
                if (forwards != null) forwards.add(part.size());
                ready.clear();
                next = 0;
                for (int i = 0; i < part.size(); i++) {
                    Map<String, float[]> byName = new LinkedHashMap<>();
                    values.get(i).forEach((k, a) -> byName.put(keyToName.get(k), a));
                    ready.add(objective.example(part.get(i), byName));
                }
                return true;
            }

            @Override
            public MultiDataSet next() {
                if (!hasNext()) throw new NoSuchElementException();
                MultiDataSet m = ready.get(next);
                ready.set(next++, null);
                return m;
            }
        };
    }
}
