package io.distill4j.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Who a lock, a reader lease or an ownership marker belongs to: one run of one stage in one
 * process (run id, stage, host, pid, start time, last heartbeat), as stored in those small JSON files.
 *
 * @param heartbeat when the holder last said it is alive (refreshed by {@link Heartbeats})
 */
public record StageRun(String run, String stage, String host, long pid, Instant started, Instant heartbeat) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = localHost();

    /** A new run of {@code stage} in this process. */
    public static StageRun start(String stage) {
        Instant now = Instant.now();
        return new StageRun(
                UUID.randomUUID().toString(),
                stage,
                HOST,
                ProcessHandle.current().pid(),
                now,
                now);
    }

    public StageRun beating(Instant now) {
        return new StageRun(run, stage, host, pid, started, now);
    }

    public byte[] toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("run", run)
                .put("stage", stage)
                .put("host", host)
                .put("pid", pid)
                .put("started", started.toString())
                .put("heartbeat", heartbeat.toString());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The holder a file describes; empty when it is torn, half-written or not ours. */
    public static Optional<StageRun> parse(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (n == null || !n.hasNonNull("run") || !n.hasNonNull("heartbeat")) return Optional.empty();
            return Optional.of(new StageRun(
                    n.path("run").asText(),
                    n.path("stage").asText("?"),
                    n.path("host").asText("?"),
                    n.path("pid").asLong(-1),
                    Instant.parse(n.path("started").asText(n.path("heartbeat").asText())),
                    Instant.parse(n.path("heartbeat").asText())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the holder is gone: a process of this host that no longer exists, or no heartbeat
     * for longer than {@code bound} (another host, or a pid reused by an unrelated process).
     */
    public boolean isStale(Instant now, Duration bound) {
        if (host.equals(HOST)
                && pid > 0
                && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return true;
        return Duration.between(heartbeat, now).compareTo(bound) > 0;
    }

    /** One phrase naming the run for error lines. */
    public String describe(Instant now) {
        return String.format(
                "%s run %s on %s (pid %d, started %s, last heartbeat %d s ago)",
                stage,
                run.substring(0, Math.min(8, run.length())),
                host,
                pid,
                started,
                Math.max(0, Duration.between(heartbeat, now).toSeconds()));
    }

    public static String thisHost() {
        return HOST;
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
