package dev.tensorgraph.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.Session;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.ops.Saver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a saving process with SIGKILL at random moments, over and over, and checks after every kill that
 * {@link Saver#latestCheckpoint} names a complete checkpoint whose values are exactly one of the states the
 * child saved — never a half-written one — and that every complete checkpoint left in the folder is too.
 * Each new child resumes from the newest checkpoint, as a restarted training job would.
 */
class CrashSafeSaveTest {
    private static final int KILLS = 32;
    private static final Pattern SAVED = Pattern.compile("saved (\\d+) (-?\\d+)");
    private static final Pattern PREFIX = Pattern.compile("model-(\\d+)");

    @TempDir
    Path dir;

    /** Checksums of the states after each step, replayed in this process. */
    private final List<Long> reference = new ArrayList<>();
    private CheckpointChild.Model replay;
    private Session replaySession;

    @Test
    void killedSavesNeverLeaveAHalfWrittenLatestCheckpoint() throws Exception {
        Random random = new Random(20240611);
        Map<Long, Long> reported = new HashMap<>();
        long t0 = System.nanoTime();
        long lastRestored = 0;
        int withCheckpoint = 0;
        try {
            for (int k = 0; k < KILLS; k++) {
                Process p = start();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String ready = readLineWithin(out, p, 30);
                assertTrue(ready != null && ready.startsWith("ready "), "child did not start: " + ready);
                long resumedAt = Long.parseLong(ready.substring(6).trim());
                assertEquals(lastRestored, resumedAt, "the child resumes from the newest checkpoint");
                if (k == 0) {
                    // On a loaded machine the first save can take longer than the longest random delay; without
                    // one, every kill would find an empty folder and test nothing.
                    waitForFirstCheckpoint(p);
                }
                Thread.sleep(random.nextInt(400));
                // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe
                // and lose the lines the child printed just before dying.
                assertTrue(p.toHandle().destroyForcibly(), "kill failed");
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), "killed child did not exit");
                List<String> rest = new ArrayList<>();
                for (String line; (line = out.readLine()) != null; ) {
                    rest.add(line);
                }
                long lastReported = resumedAt;
                for (String line : rest) {
                    Matcher m = SAVED.matcher(line);
                    if (m.matches()) {
                        long step = Long.parseLong(m.group(1));
                        long sum = Long.parseLong(m.group(2));
                        Long before = reported.put(step, sum);
                        if (before != null) {
                            assertEquals(before, sum, "step " + step + " saved with different values by two children");
                        }
                        lastReported = Math.max(lastReported, step);
                    } else if (!line.isBlank() && !line.startsWith("SLF4J")) {
                        fail("unexpected child output (an error?): " + line + "\n" + String.join("\n", rest));
                    }
                }
                Path latest = Saver.latestCheckpoint(dir);
                if (latest == null) {
                    assertEquals(0, lastReported, "a checkpoint was reported saved but none is found");
                    continue;
                }
                withCheckpoint++;
                long step = stepOf(latest);
                // The newest is the last reported save, or one more whose "saved" line the kill cut off.
                assertTrue(step == lastReported || step == lastReported + 1,
                        "latest checkpoint is step " + step + " but the child last reported " + lastReported);
                long restored = restoreChecksum(latest, step);
                if (reported.containsKey(step)) {
                    assertEquals(reported.get(step), restored, "restored values of step " + step);
                }
                assertEquals(referenceChecksum(step), restored, "restored values of step " + step + " vs. a replay");
                checkEveryCompleteCheckpoint();
                lastRestored = step;
            }
        } finally {
            if (replaySession != null) {
                replaySession.close();
            }
        }
        long tmp;
        try (Stream<Path> s = Files.list(dir)) {
            tmp = s.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        }
        System.out.printf("[CrashSafe] %d kills in %.1fs; %d left a checkpoint; reached step %d; %d saves reported;"
                        + " %d orphaned temp files%n",
                KILLS, (System.nanoTime() - t0) / 1e9, withCheckpoint, lastRestored, reported.size(), tmp);
        assertTrue(withCheckpoint >= KILLS / 2, "most kills should come after some save: " + withCheckpoint);
    }

    private void waitForFirstCheckpoint(Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Saver.latestCheckpoint(dir) == null && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private Process start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CheckpointChild.class.getName(), dir.toString());
        pb.redirectErrorStream(true);
        return pb.start();
    }

    /** The next line of the child's output, or fails after {@code seconds}. */
    private static String readLineWithin(BufferedReader out, Process p, int seconds) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    if (!l.startsWith("SLF4J")) {
                        return l;
                    }
                }
                return null;
            } catch (IOException e) {
                return "read failed: " + e;
            }
        });
        try {
            return line.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new AssertionError("child printed nothing within " + seconds + "s");
        }
    }

    private static long stepOf(Path prefix) {
        Matcher m = PREFIX.matcher(prefix.getFileName().toString());
        assertTrue(m.matches(), "unexpected checkpoint name " + prefix);
        return Long.parseLong(m.group(1));
    }

    /** Restores {@code prefix} into a new graph and session; checks the saved global step matches the name. */
    private static long restoreChecksum(Path prefix, long step) {
        CheckpointChild.Model m = CheckpointChild.Model.build();
        Saver saver = new Saver(m.g());
        try (Session s = m.newSession()) {
            saver.restore(s, prefix);
            assertEquals(step, m.stepValue(s), "global step inside " + prefix);
            return m.checksum(s);
        }
    }

    /** Every prefix with both files present must read cleanly and hold the replayed state of its step. */
    private void checkEveryCompleteCheckpoint() throws IOException {
        TreeMap<Long, Path> complete = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".index")) {
                    Path prefix = dir.resolve(name.substring(0, name.length() - ".index".length()));
                    assertTrue(Files.exists(CheckpointFiles.dataFile(prefix)),
                            "an index without its data file: " + f + " (data must be written first)");
                    complete.put(stepOf(prefix), prefix);
                }
            }
        }
        for (Map.Entry<Long, Path> e : complete.entrySet()) {
            assertEquals(referenceChecksum(e.getKey()), restoreChecksum(e.getValue(), e.getKey()),
                    "checkpoint " + e.getValue());
        }
    }

    private long referenceChecksum(long step) {
        if (replay == null) {
            replay = CheckpointChild.Model.build();
            replaySession = replay.newSession();
            replaySession.run(replay.init());
            reference.add(replay.checksum(replaySession));
        }
        while (reference.size() <= step) {
            replaySession.run(replay.train());
            reference.add(replay.checksum(replaySession));
        }
        return reference.get((int) step);
    }
}
