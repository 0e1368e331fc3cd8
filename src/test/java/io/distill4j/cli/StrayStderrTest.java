package io.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

class StrayStderrTest {

    @Test
    void aStackTracePrintedByAnotherThreadGoesToTheLogAndTheReturnedStreamStillReachesTheConsole() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        LoggerConfig stray = new LoggerConfig("distill4j.stderr", Level.INFO, false);
        stray.addAppender(capture, Level.INFO, null);
        ctx.getConfiguration().addLogger("distill4j.stderr", stray);
        ctx.updateLoggers();

        PrintStream original = System.err;
        ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(consoleBytes, true, StandardCharsets.UTF_8));
        try {
            PrintStream console = StrayStderr.toLog();
            Thread library =
                    new Thread(() -> new IllegalStateException("rejected while stopping").printStackTrace(), "pool-7");
            library.start();
            library.join();
            console.println("distill4j shard: error: the one line");

            String onConsole = consoleBytes.toString(StandardCharsets.UTF_8);
            assertEquals("distill4j shard: error: the one line" + System.lineSeparator(), onConsole);
            assertTrue(
                    logged.contains("[pool-7] java.lang.IllegalStateException: rejected while stopping"),
                    logged.toString());
            assertTrue(logged.stream().anyMatch(l -> l.startsWith("[pool-7] \tat ")), logged.toString());
            assertFalse(logged.stream().anyMatch(String::isBlank), logged.toString());
        } finally {
            System.setErr(original);
            ctx.getConfiguration().removeLogger("distill4j.stderr");
            ctx.updateLoggers();
            capture.stop();
        }
    }
}
