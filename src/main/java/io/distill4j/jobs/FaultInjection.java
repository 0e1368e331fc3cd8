package io.distill4j.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Deliberate faults for the fault-tolerance tests. Production runs never set the properties.
 *
 * <ul>
 * <li>{@code distill4j-fault.<stage>=<item>}: the task processing the named item (e.g. a shard
 * file) throws once per JVM, to prove that Spark's task retries cache every sample exactly once.
 * <li>{@code distill4j-fault.<stage>.hold=<dir>}: the first task of the stage anywhere on this
 * machine to reach {@link #maybeHold} (with {@code distill4j-fault.<stage>.hold.item=<item>} set,
 * the first one processing that item, e.g. {@code epoch-2} in distill) creates
 * {@code <dir>/<stage>-<item>.held} holding its process id, then waits {@link #HOLD_MILLIS}; every later task (a retry, another executor, a rerun)
 * passes straight through. A test waits for the marker and kills the JVM it names (an executor or
 * a driver) while the stage is provably running, instead of racing a task that takes milliseconds.
 * The marker is created atomically in a local directory, so only one task in all JVMs holds.
 * </ul>
 * The prefix is {@code distill4j-fault.}, not {@code distill4j.}: the configuration loader reads
 * {@code distill4j.*} system properties as configuration keys and refuses unknown ones, which
 * would stop a driver that runs tasks itself (local mode) before the hook is reached.
 */
public final class FaultInjection {
    /** Long enough for a test to see the marker and kill the process; short enough not to hang a run. */
    static final long HOLD_MILLIS = 60_000;

    private static final java.util.Set<String> FIRED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FaultInjection() {}

    static void maybeFail(String stage, String item) {
        String target = System.getProperty("distill4j-fault." + stage);
        if (target != null && target.equals(item) && FIRED.add(stage + "/" + item)) {
            throw new IllegalStateException("injected failure in " + stage + " while processing " + item);
        }
    }

    static void maybeHold(String stage, String item) {
        String dir = System.getProperty("distill4j-fault." + stage + ".hold");
        if (dir == null) return;
        String wanted = System.getProperty("distill4j-fault." + stage + ".hold.item");
        if (wanted != null && !wanted.equals(item)) return;
        Path marker = Paths.get(dir, stage + "-" + item + ".held");
        Path anyHeld = Paths.get(dir, stage + ".held");
        try {
            Files.createDirectories(marker.getParent());
            // One hold per stage across every JVM: the stage-wide marker is the lock.
            Files.createFile(anyHeld);
        } catch (FileAlreadyExistsException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("fault injection: cannot create " + anyHeld, e);
        }
        try {
            // Written then renamed, so a test never reads a half-written process id.
            Path tmp = Paths.get(dir, stage + "-" + item + ".tmp");
            Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
            Files.move(tmp, marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(HOLD_MILLIS);
        } catch (IOException e) {
            throw new UncheckedIOException("fault injection: cannot write " + marker, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
