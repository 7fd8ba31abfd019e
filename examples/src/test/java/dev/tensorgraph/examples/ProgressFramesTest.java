package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.junit.jupiter.api.Test;

class ProgressFramesTest {
    private static long frames(String text, String progress) {
        return text.chars().filter(c -> c == '\r').count() == 0 ? 0
                : java.util.Arrays.stream(text.split("\r")).filter(f -> f.contains(progress)).count();
    }

    @Test
    void theFinalFrameIsPrintedOnce() throws Exception {
        for (int pause : new int[] {0, 60}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            try (ProgressFrames frames = new ProgressFrames(out);
                 ProgressBar bar = new ProgressBarBuilder().setTaskName("epoch 1/1").setInitialMax(5)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(20).setConsumer(frames).build()) {
                for (int i = 0; i < 5; i++) {
                    bar.step();
                    bar.setExtraMessage(" loss " + i);
                }
                // With a pause the periodic refresh draws the final state before close draws it again.
                Thread.sleep(pause);
            }
            // Closed after the bar, the frames end the line even when the library skipped it.
            String text = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(1, frames(text, "5/5"), text.replace("\r", "<CR>"));
            assertTrue(text.endsWith(System.lineSeparator()), "the bar ends its line");
        }
    }

    @Test
    void framesThatPrintedNothingEndNoLineAndASecondCloseNone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressFrames quiet = new ProgressFrames(out);
        quiet.close();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        ProgressFrames frames = new ProgressFrames(out);
        frames.accept("epoch 1/1 100% [====] 5/5 (0:00:01 / 0:00:00)");
        frames.close();
        frames.close();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.split(System.lineSeparator(), -1).length - 1, text);
    }
}
