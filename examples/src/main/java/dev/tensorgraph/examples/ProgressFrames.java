package dev.tensorgraph.examples;

import java.io.PrintStream;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * Prints a progress bar's frames to a stream, leaving out a frame that shows the same progress as the one before
 * (only its clock differs). The progress-bar library draws the final state twice when a bar closes, once by its
 * periodic refresh and once more on close; logs then held every epoch's last line twice.
 *
 * <p>Open it as a resource before the bar ({@code try (ProgressFrames f = ...; ProgressBar bar = ...)}): the library
 * does not end the bar's line when the bar closes before its first periodic refresh ran (a short epoch on a busy
 * machine), and closing this after the bar ends the line then. Closing twice ends it once.
 */
final class ProgressFrames implements ProgressBarConsumer {
    /** The elapsed and remaining time of a frame, "(0:00:02 / 0:00:00)", which changes without progress. */
    private static final Pattern CLOCK = Pattern.compile("\\(\\d+:\\d{2}:\\d{2} / [^)]*\\)");

    private final ConsoleProgressBarConsumer console;
    private String last;
    private boolean closed;

    ProgressFrames(PrintStream out) {
        this.console = new ConsoleProgressBarConsumer(out);
    }

    @Override
    public int getMaxRenderedLength() {
        return console.getMaxRenderedLength();
    }

    @Override
    public synchronized void accept(String frame) {
        String progress = CLOCK.matcher(frame).replaceAll("");
        if (progress.equals(last)) {
            return;
        }
        last = progress;
        console.accept(frame);
    }

    @Override
    public synchronized void close() {
        if (!closed && last != null) {
            console.close();
        }
        closed = true;
    }
}
