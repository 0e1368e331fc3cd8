package io.distill4j.method;

import com.typesafe.config.Config;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.List;
import java.util.Set;

/**
 * One distillation method (a term {@code kind}): its options, the tasks it supports, how a term
 * becomes graph outputs, the labels those outputs read and the driver round it needs. A method is
 * stateless; everything a run varies lives in its {@link MethodTerm}. Adding a method is one class
 * implementing this and one line in {@code config.DistillTerm.Kind}.
 */
public interface DistillMethod {

    /** The kind as configurations write it, e.g. {@code pixel-kd}. */
    String id();

    /** The tasks whose objectives wire this method. */
    Set<Task> tasks();

    /** The option keys a term of this kind may carry besides kind, student-tap, teacher-output, weight and tau. */
    default Set<String> optionKeys() {
        return Set.of();
    }

    /** The options of a term that sets none of {@link #optionKeys()}. */
    default MethodOptions defaultOptions() {
        return MethodOptions.NONE;
    }

    /**
     * Reads and validates this method's keys of a term object.
     *
     * @param where the term's configuration path, for messages ({@code distill4j.distill.terms[0]})
     * @throws IllegalArgumentException naming {@code where.key} for a value out of range
     */
    default MethodOptions readOptions(Config term, String where) {
        return defaultOptions();
    }

    /** Whether the method trains against a peer student in the same graph instead of a teacher (nothing cached). */
    default boolean teacherFree() {
        return false;
    }

    /** Whether the method runs the student's features through the teacher's own layers (a DL4J teacher). */
    default boolean graftsTeacher() {
        return false;
    }

    /** Views of each image a training example holds (2: the image and its horizontal flip). */
    default int viewsPerImage() {
        return 1;
    }

    /**
     * The graph outputs of one term, checked against the taps: by default one output between the
     * student tap and the teacher output at the same grid, after {@link #check}.
     */
    default List<PlannedOutput> plan(TermPlanning p, MethodTerm t) {
        TapInfo s = p.studentTap(t.studentTap());
        TapInfo te = p.teacherOutput(t);
        check(p, t, s, te);
        p.requireSameGrid(t, s, te);
        return List.of(PlannedOutput.of(t, s, te));
    }

    /** The method's own conditions on the taps of a term (the default plan calls it). */
    default void check(TermPlanning p, MethodTerm t, TapInfo student, TapInfo teacher) {}

    /**
     * Adds the output named {@code output} (and any adapter, projection or graft it needs) to the graph.
     *
     * @param t the term of this output (for a layer-wise term: of this pair, with its share of the weight)
     */
    void wire(GraphWiring w, String output, MethodTerm t, TapInfo student, TapInfo teacher);

    /** What the output's labels hold. */
    LabelLayout labels(Task task, TapInfo teacher);

    /** The driver round a term with these options needs between epochs. */
    default DriverRound round(MethodOptions options) {
        return DriverRound.NONE;
    }
}
