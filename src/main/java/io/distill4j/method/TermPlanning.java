package io.distill4j.method;

import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a method may look at while it turns a term into graph outputs: the task, the student's and
 * the teacher's taps, whether the teacher's own layers are at hand, and the methods already planned
 * (some allow one term per run). Errors name the term as the objective's {@code wherePrefix} says.
 */
public final class TermPlanning {
    private final Task task;
    private final ModelBlueprint student;
    private final Map<String, TapInfo> teacherOutputs;
    private final boolean teacherGraph;
    private final String wherePrefix;
    private final List<DistillMethod> planned = new ArrayList<>();

    /**
     * @param teacherOutputs shapes of the teacher outputs available (from the cache manifest or the teacher)
     * @param teacherGraph   whether the teacher network itself is available (methods that graft its layers need it)
     * @param wherePrefix    how errors start before the term's output name (e.g. "distillation term ")
     */
    public TermPlanning(
            Task task,
            ModelBlueprint student,
            Map<String, TapInfo> teacherOutputs,
            boolean teacherGraph,
            String wherePrefix) {
        this.task = task;
        this.student = student;
        this.teacherOutputs = teacherOutputs;
        this.teacherGraph = teacherGraph;
        this.wherePrefix = wherePrefix;
    }

    public Task task() {
        return task;
    }

    /** The term as error messages name it. */
    public String where(MethodTerm t) {
        return wherePrefix + t.outputName();
    }

    public TapInfo studentTap(String name) {
        return student.tap(name);
    }

    public boolean hasTeacherGraph() {
        return teacherGraph;
    }

    /** The teacher output the term reads, refused naming the outputs there are. */
    public TapInfo teacherOutput(MethodTerm t) {
        TapInfo te = teacherOutputs.get(t.teacherOutput());
        if (te == null) {
            throw new IllegalArgumentException(where(t) + ": the teacher has no output '" + t.teacherOutput()
                    + "' (available: " + teacherOutputs.keySet() + "; add it to cache.outputs)");
        }
        return te;
    }

    /** Refuses a student tap and teacher output at different grids. */
    public void requireSameGrid(MethodTerm t, TapInfo s, TapInfo te) {
        if (s.height() != te.height() || s.width() != te.width()) {
            throw new IllegalArgumentException(where(t) + ": student tap " + s.name() + " is " + s.height() + "x"
                    + s.width() + " but teacher output " + te.name() + " is " + te.height() + "x" + te.width()
                    + "; pick taps at the same stride");
        }
    }

    /** Whether a term of {@code method} was planned before this one. */
    public boolean alreadyPlanned(DistillMethod method) {
        return planned.contains(method);
    }

    /** Records that a term of {@code method} was planned (the objective calls it after each term). */
    public void planned(DistillMethod method) {
        planned.add(method);
    }
}
