package io.distill4j.config;

/** Where the teacher model lives and how long train-teacher trains it. */
public record TeacherSettings(String dir, int epochs, boolean overwrite) {
    static TeacherSettings from(Keys k) {
        return new TeacherSettings(k.nonEmpty("dir"), k.intIn("epochs", 1, 100_000), k.bool("overwrite"));
    }
}
