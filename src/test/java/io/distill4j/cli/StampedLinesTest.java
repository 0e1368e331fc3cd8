package io.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class StampedLinesTest {
    @Test
    void statusLinesGetTheTimeAndTheRestIsLeftAlone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out =
                new PrintStream(new StampedLines(bytes, () -> LocalTime.of(9, 5, 7)), true, StandardCharsets.UTF_8);
        out.println("[distill] epoch 1/3  loss 1.2");
        out.println("| model | mIoU |");
        out.println();
        out.print("[pipeline] 2/6 shard: ");
        out.flush();
        out.println("reusing work/shards é");
        out.printf("[a]%n[b]%n");
        assertEquals(
                "09:05:07 [distill] epoch 1/3  loss 1.2\n| model | mIoU |\n\n"
                        + "09:05:07 [pipeline] 2/6 shard: reusing work/shards é\n09:05:07 [a]\n09:05:07 [b]\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }
}
