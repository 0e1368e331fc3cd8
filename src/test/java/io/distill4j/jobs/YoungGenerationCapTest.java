package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The executors' young-generation cap is added to their options unless the user sized the young generation. */
class YoungGenerationCapTest {
    @Test
    void addedToTheExecutorsOptions() {
        assertEquals("-XX:MaxNewSize=256m", SparkSessions.withYoungGenerationCap(""));
        assertEquals("-Dx=1 -XX:MaxNewSize=256m", SparkSessions.withYoungGenerationCap("-Dx=1"));
    }

    @Test
    void theUsersOwnSizingWins() {
        for (String own : new String[] {"-Xmn512m", "-XX:MaxNewSize=1g", "-XX:NewSize=64m", "-XX:NewRatio=3"}) {
            assertEquals("-Dx=1 " + own, SparkSessions.withYoungGenerationCap("-Dx=1 " + own));
        }
    }
}
