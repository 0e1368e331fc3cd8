package io.distill4j.jobs;

/**
 * Deliberate task failures for the fault-tolerance tests: with the system property
 * {@code distill4j.fault.<stage>=<name>} set on the executors, the task processing the named item
 * (e.g. a shard file) throws once per JVM. Production runs never set it; the tests use it to
 * prove that reruns and Spark's task retries cache every sample exactly once.
 */
public final class FaultInjection {
    private static final java.util.Set<String> FIRED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FaultInjection() {}

    static void maybeFail(String stage, String item) {
        String target = System.getProperty("distill4j.fault." + stage);
        if (target != null && target.equals(item) && FIRED.add(stage + "/" + item)) {
            throw new IllegalStateException("injected failure in " + stage + " while processing " + item);
        }
    }
}
