package io.distill4j.method;

import io.distill4j.model.TapInfo;

/**
 * One graph output a term asks for: a term is usually one output, a layer-wise MCL term one per
 * (student tap, peer tap) pair, each with its share of the term's weight.
 *
 * @param name          the output's name before de-duplication
 * @param studentTap    the student tap's configured name
 * @param teacherOutput the teacher output's (or the peer tap's) configured name
 * @param weight        the output's weight
 * @param student       the student tap
 * @param teacher       the teacher output it matches (the peer's tap for teacher-free methods)
 */
public record PlannedOutput(
        String name, String studentTap, String teacherOutput, double weight, TapInfo student, TapInfo teacher) {

    /** The one output of a term, under the term's own taps, weight and name. */
    public static PlannedOutput of(MethodTerm t, TapInfo student, TapInfo teacher) {
        return new PlannedOutput(t.outputName(), t.studentTap(), t.teacherOutput(), t.weight(), student, teacher);
    }
}
