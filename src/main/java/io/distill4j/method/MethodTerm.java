package io.distill4j.method;

/**
 * What a method reads of one configured term (the configuration's {@code DistillTerm} implements
 * it): the taps it connects, its weight and temperature, and the method's own options.
 */
public interface MethodTerm {
    String studentTap();

    String teacherOutput();

    double weight();

    double tau();

    MethodOptions options();

    /** A short name for the graph output and metrics: e.g. "pixel-kd@logits". */
    String outputName();
}
