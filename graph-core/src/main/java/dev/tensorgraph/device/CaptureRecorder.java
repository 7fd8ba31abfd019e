package dev.tensorgraph.device;

import dev.tensorgraph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RunRecorder} of a device that records the work enqueued between
 * {@link DeviceContext#beginCapture()} and {@link DeviceContext#endCapture()}. A run key's first run goes
 * step by step (it compiles kernels, autotunes and fills caches, which must not be recorded), its second is
 * recorded and computed by replaying the recording, and later runs upload their feeds into the recording's
 * memory and replay it. A recording is dropped when a variable gets a new value object, and a key whose
 * recording failed runs step by step from then on. At most {@link #MAX_RECORDINGS} keys are recorded.
 */
public final class CaptureRecorder implements RunRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureRecorder.class);
    /** Recordings kept per plan; runs with further keys run step by step. */
    public static final int MAX_RECORDINGS = 8;

    private final DeviceContext device;
    private final ConcurrentHashMap<List<Object>, Recording> recordings = new ConcurrentHashMap<>();

    /** What a recorded run needs to replay: the work, where feeds go, where fetches come from. */
    private static final class Recording {
        int stepByStepRuns;
        boolean failed;
        CapturedWork work;
        DeviceTensor[] uploadTargets;
        DeviceTensor[] fetchSources;
        DeviceTensor[] variableValues;
    }

    public CaptureRecorder(DeviceContext device) {
        this.device = device;
    }

    @Override
    public List<Tensor> run(RecordableRun run) {
        Recording rec = null;
        List<Object> key = run.key();
        if (key != null) {
            rec = recordings.get(key);
            if (rec == null && recordings.size() < MAX_RECORDINGS) {
                rec = recordings.computeIfAbsent(key, k -> new Recording());
            }
        }
        if (rec != null && rec.work != null) {
            if (sameValues(rec.variableValues, run.variableValues())) {
                return replay(rec, run);
            }
            rec.work.close();
            rec.work = null;
            rec.stepByStepRuns = 0;
        }
        if (rec != null && !rec.failed && rec.stepByStepRuns >= 1) {
            List<Tensor> r = recordAndRun(rec, run);
            if (r != null) {
                return r;
            }
        }
        List<Tensor> result = run.runStepByStep();
        if (rec != null) {
            rec.stepByStepRuns++;
        }
        return result;
    }

    /**
     * Runs the plan once while the device records its work, then replays the recording to compute this run.
     * Returns null when recording failed; the run is then restarted (nothing of it was computed yet).
     */
    private List<Tensor> recordAndRun(Recording rec, RecordableRun run) {
        device.beginCapture();
        try {
            rec.uploadTargets = run.runUploads();
            run.runBody();
        } catch (RuntimeException e) {
            LOG.debug("recording a run failed; running step by step from now on", e);
            CapturedWork w = device.endCapture();
            if (w != null) {
                w.close();
            }
            return fail(rec, run);
        }
        rec.work = device.endCapture();
        if (rec.work == null) {
            return fail(rec, run);
        }
        rec.fetchSources = run.fetchSources();
        for (DeviceTensor source : rec.fetchSources) {
            if (source == null) {
                // A fetch on an untaken branch: let the step-by-step path report it.
                rec.work.close();
                rec.work = null;
                return fail(rec, run);
            }
        }
        rec.variableValues = run.variableValues();
        rec.work.replay();
        run.handOverDeviceValues();
        return downloadFetches(rec);
    }

    private static List<Tensor> fail(Recording rec, RecordableRun run) {
        rec.failed = true;
        run.restart();
        return null;
    }

    private List<Tensor> replay(Recording rec, RecordableRun run) {
        Tensor[] feeds = run.uploadedValues();
        for (int i = 0; i < feeds.length; i++) {
            device.upload(feeds[i], rec.uploadTargets[i]);
        }
        rec.work.replay();
        return downloadFetches(rec);
    }

    private List<Tensor> downloadFetches(Recording rec) {
        List<Tensor> result = new ArrayList<>(rec.fetchSources.length);
        for (DeviceTensor src : rec.fetchSources) {
            result.add(device.download(src));
        }
        return result;
    }

    /** Whether each variable still has the value object it had when recorded. */
    private static boolean sameValues(DeviceTensor[] recorded, DeviceTensor[] now) {
        for (int v = 0; v < now.length; v++) {
            if (now[v] != recorded[v]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int numRecordings() {
        int n = 0;
        for (Recording r : recordings.values()) {
            n += r.work != null ? 1 : 0;
        }
        return n;
    }

    @Override
    public void close() {
        for (Recording r : recordings.values()) {
            if (r.work != null) {
                r.work.close();
                r.work = null;
            }
        }
        recordings.clear();
    }
}
