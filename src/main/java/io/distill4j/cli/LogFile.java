package io.distill4j.cli;

import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;

/**
 * Where log4j writes the detail the console leaves out ({@code jobs/conf/log4j2.properties} sends
 * Spark's log, task-failure stack traces included, to a file), so an error line can point there.
 */
final class LogFile {
    private LogFile() {}

    static Optional<String> path() {
        try {
            if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) return Optional.empty();
            for (Appender a : ctx.getConfiguration().getAppenders().values()) {
                if (a instanceof FileAppender f) return Optional.of(f.getFileName());
                if (a instanceof RollingFileAppender r) return Optional.of(r.getFileName());
            }
        } catch (LinkageError e) {
            // Another logging back end (a cluster's own): there is no file to point to.
        }
        return Optional.empty();
    }
}
