package io.distill4j.train;

import io.distill4j.config.DistillTerm;
import io.distill4j.data.ShardRecord;
import io.distill4j.model.Task;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * What the training jobs need from a task's objective: the graph to train (task outputs plus one
 * output per distillation term), the deployable student graph, and the one-example
 * {@link MultiDataSet} whose labels follow {@link #outputNames()}. Serializable because executors
 * build examples with it; the graph-building side may hold driver-only state.
 */
public interface TrainingObjective extends Serializable {

    /**
     * {@code name}, or {@code name#2}, {@code name#3} ... when an earlier term already has that output
     * name (two terms of the same kind on the same tap).
     */
    static String uniqueOutputName(List<String> taken, String name) {
        String n = name;
        for (int i = 2; taken.contains(n); i++) n = name + "#" + i;
        return n;
    }

    /** The dense task the objective trains. */
    Task task();

    /** Output names in graph order: task outputs first, then the distillation terms. */
    List<String> outputNames();

    /** The graph to train: student body, task outputs, term outputs and their adapters. */
    ComputationGraphConfiguration configuration();

    /** Prepares a freshly initialised network of {@link #configuration()} (e.g. copies frozen teacher layers). */
    void initialize(ComputationGraph net);

    /** The deployable student: body and task outputs only. */
    ComputationGraphConfiguration studentOnlyConfiguration();

    /** Whether a peer student is trained in the same graph (mutual learning). */
    boolean hasPeer();

    /** Each distillation output name with the term it was built from, in graph order. */
    Map<String, DistillTerm> distillationOutputs();

    /** Teacher outputs (cache output or tap names) the examples need, without duplicates. */
    List<String> teacherOutputsNeeded();

    /**
     * One training example.
     *
     * @param teacher decoded teacher outputs by name (CHW floats); empty when no term needs the teacher
     */
    MultiDataSet example(ShardRecord record, Map<String, float[]> teacher);
}
