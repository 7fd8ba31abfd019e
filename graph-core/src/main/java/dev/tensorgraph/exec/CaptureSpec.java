package dev.tensorgraph.exec;

import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a plan's device work can be recorded once and replayed, and what a recording depends on. It can
 * when the plan is: uploads of feeds, then steps whose host-side work depends only on shapes and on the
 * values of a few small fed tensors (a {@code training} flag, a learning rate read on the host), then
 * downloads of fetches. A recording is keyed by the feeds' shapes and those small values.
 */
final class CaptureSpec {
    /** Fed tensors read on the host larger than this make a run ineligible (their values key recordings). */
    static final int MAX_KEY_ELEMENTS = 16;

    static final CaptureSpec NONE = new CaptureSpec(false, "the session has no device that can record work",
            new int[0], 0, 0, new int[0]);

    final boolean capturable;
    final String reason;
    /** Feed slots whose values are read on the host: part of the key. */
    final int[] keyFeedSlots;
    final int firstBody;
    final int firstSuffix;
    /** For fetch {@code i}, the step index of the download that produces it. */
    final int[] fetchDownloadStep;

    private CaptureSpec(boolean capturable, String reason, int[] keyFeedSlots, int firstBody, int firstSuffix,
                        int[] fetchDownloadStep) {
        this.capturable = capturable;
        this.reason = reason;
        this.keyFeedSlots = keyFeedSlots;
        this.firstBody = firstBody;
        this.firstSuffix = firstSuffix;
        this.fetchDownloadStep = fetchDownloadStep;
    }

    static CaptureSpec analyze(Step[] steps, int prefixLength, int suffixLength, int[] fetchSlots,
                               Map<Output, Integer> feedSlots, boolean[] slotOnDevice) {
        int firstSuffix = steps.length - suffixLength;
        Set<Integer> feeds = new HashSet<>(feedSlots.values());
        boolean[] fixed = new boolean[slotOnDevice.length];
        Set<Integer> keyFeeds = new HashSet<>();
        for (int s = prefixLength; s < firstSuffix; s++) {
            Step st = steps[s];
            String why = null;
            switch (st.kind) {
                case DOWNLOAD -> why = "it copies '" + st.op.name() + "' to the host mid-run";
                case UPLOAD -> {
                    if (!fixed[st.inputs[0]]) {
                        why = "it uploads '" + st.op.name() + "', computed on the host from run-time data";
                    }
                }
                case FUNCTION, OP -> {
                    if (st.kind == Step.Kind.FUNCTION) {
                        why = st.functional.captureObstacle();
                    } else if (st.onDevice && !st.factory.capturable()) {
                        why = "op '" + st.op.name() + "' (" + st.op.type() + ") waits for the device";
                    } else if (!st.onDevice && (st.op.def().isStateful() || st.ownVariable != null || hasRef(st))) {
                        why = "op '" + st.op.name() + "' (" + st.op.type() + ") keeps state on the host";
                    }
                    for (int i = 0; i < st.inputs.length && why == null; i++) {
                        int slot = st.inputs[i];
                        if (slotOnDevice[slot]) {
                            continue;
                        }
                        if (feeds.contains(slot)) {
                            keyFeeds.add(slot);
                        } else if (!fixed[slot]) {
                            why = "op '" + st.op.name() + "' reads run-time data on the host";
                        }
                    }
                }
            }
            if (why != null) {
                return notCapturable(why);
            }
            for (int o : st.outputs) {
                if (o >= 0 && !slotOnDevice[o]) {
                    fixed[o] = true;
                }
            }
        }
        int[] fetchDownload = new int[fetchSlots.length];
        for (int i = 0; i < fetchSlots.length; i++) {
            fetchDownload[i] = -1;
            for (int s = firstSuffix; s < steps.length; s++) {
                if (steps[s].outputs[0] == fetchSlots[i]) {
                    fetchDownload[i] = s;
                }
            }
            if (fetchDownload[i] < 0) {
                return notCapturable("fetch " + i + " is a host value");
            }
        }
        int[] key = keyFeeds.stream().mapToInt(Integer::intValue).sorted().toArray();
        return new CaptureSpec(true, "", key, prefixLength, firstSuffix, fetchDownload);
    }

    /**
     * Why a step running {@code body} (a function's plan) within a recorded run would break the recording, or null
     * when every step of it is a device op that may be recorded (or a call of such a function): host steps and
     * copies in a body would run once, when recorded, instead of on every replay.
     */
    static String obstacleInside(Plan body, String what) {
        for (Step st : body.steps) {
            String why = switch (st.kind) {
                case OP -> !st.onDevice ? "op '" + st.op.name() + "' (" + st.op.type() + ") runs on the host"
                        : !st.factory.capturable() ? "op '" + st.op.name() + "' (" + st.op.type() + ") waits for the device"
                        : null;
                case UPLOAD, DOWNLOAD -> "it copies '" + st.op.name() + "' between host and device";
                case LOOP -> "it runs a while loop";
                case FUNCTION -> st.functional.captureObstacle();
            };
            if (why != null) {
                return st.kind == Step.Kind.FUNCTION ? why : what + ": " + why;
            }
        }
        return null;
    }

    private static boolean hasRef(Step st) {
        for (Object r : st.refSlots) {
            if (r != null) {
                return true;
            }
        }
        return false;
    }

    static CaptureSpec notCapturable(String why) {
        return new CaptureSpec(false, why, new int[0], 0, 0, new int[0]);
    }

    /** The recording key of a run: every feed's shape, then the values of the key feeds; null if too large. */
    List<Object> keyOf(Tensor[] values, int[] feedSlotsInOrder) {
        List<Object> key = new ArrayList<>(feedSlotsInOrder.length + keyFeedSlots.length);
        for (int slot : feedSlotsInOrder) {
            Shape shape = values[slot].shape();
            key.add(shape);
        }
        for (int slot : keyFeedSlots) {
            Tensor t = values[slot];
            if (t.numElements() > MAX_KEY_ELEMENTS) {
                return null;
            }
            key.add(valueKey(t));
        }
        return key;
    }

    /** A fed value as part of a key: its dtype and elements (deepToString prints any primitive array). */
    private static Object valueKey(Tensor t) {
        return List.of(t.dtype(), Arrays.deepToString(new Object[] {t.array()}));
    }
}
