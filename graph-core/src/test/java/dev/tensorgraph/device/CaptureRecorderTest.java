package dev.tensorgraph.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InternalException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The record-once, replay-later policy of {@link CaptureRecorder}, driven by scripted runs on a device that
 * logs what it is asked to do: which run of a key is recorded, what a replay uploads and downloads, and how
 * a changed variable, a failed recording or an unrecordable key fall back to running step by step.
 */
class CaptureRecorderTest {
    private static final Tensor FETCHED_STEP_BY_STEP = Tensor.of(1f);

    /** A device whose only work is logging: captures, replays, uploads into and downloads from buffers. */
    private static final class LoggingDevice implements DeviceContext {
        final List<String> log = new ArrayList<>();
        boolean failNextCapture;
        int opened;
        int closed;

        @Override
        public void beginCapture() {
            log.add("begin");
        }

        @Override
        public CapturedWork endCapture() {
            log.add("end");
            if (failNextCapture) {
                failNextCapture = false;
                return null;
            }
            int id = ++opened;
            return new CapturedWork() {
                @Override
                public void replay() {
                    log.add("replay " + id);
                }

                @Override
                public void close() {
                    closed++;
                    log.add("close " + id);
                }
            };
        }

        @Override
        public void upload(Tensor src, DeviceTensor dst) {
            log.add("upload " + src.floatValue() + " to " + dst.address());
        }

        @Override
        public Tensor download(DeviceTensor src) {
            log.add("download " + src.address());
            return Tensor.of((float) src.address());
        }

        @Override
        public String deviceType() {
            return "TEST";
        }

        @Override
        public String name() {
            return "TEST:0";
        }

        @Override
        public boolean supportsCapture() {
            return true;
        }

        // ---- not used by a recorder ----

        @Override
        public DeviceTensor allocate(DType dtype, Shape shape) {
            throw new InternalException("not used");
        }

        @Override
        public DeviceTensor allocatePersistent(DType dtype, Shape shape) {
            throw new InternalException("not used");
        }

        @Override
        public void release(DeviceBuffer buffer) {
            throw new InternalException("not used");
        }

        @Override
        public void copy(DeviceTensor src, DeviceTensor dst) {
            throw new InternalException("not used");
        }

        @Override
        public void synchronize() {
        }

        @Override
        public ReentrantLock runLock() {
            return new ReentrantLock();
        }

        @Override
        public long bytesInUse() {
            return 0;
        }

        @Override
        public long peakBytesInUse() {
            return 0;
        }

        @Override
        public void resetPeakBytes() {
        }

        @Override
        public long reservedBytes() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private static DeviceTensor at(long address) {
        return new DeviceTensor(DType.FLOAT32, Shape.scalar(), new DeviceBuffer() {
            @Override
            public long address() {
                return address;
            }

            @Override
            public long byteSize() {
                return 4;
            }
        });
    }

    /** A run with one feed (uploaded to address 10) and one fetch (downloaded from 20), logging each call. */
    private static final class ScriptedRun implements RecordableRun {
        final List<String> log;
        final List<Object> key;
        final float feed;
        DeviceTensor variable;
        boolean bodyFails;
        boolean fetchUncomputed;

        ScriptedRun(List<String> log, List<Object> key, float feed, DeviceTensor variable) {
            this.log = log;
            this.key = key;
            this.feed = feed;
            this.variable = variable;
        }

        @Override
        public List<Object> key() {
            return key;
        }

        @Override
        public List<Tensor> runStepByStep() {
            log.add("step by step");
            return List.of(FETCHED_STEP_BY_STEP);
        }

        @Override
        public DeviceTensor[] runUploads() {
            log.add("uploads");
            return new DeviceTensor[] {at(10)};
        }

        @Override
        public void runBody() {
            log.add("body");
            if (bodyFails) {
                throw new InternalException("this kernel cannot be recorded");
            }
        }

        @Override
        public Tensor[] uploadedValues() {
            return new Tensor[] {Tensor.of(feed)};
        }

        @Override
        public DeviceTensor[] fetchSources() {
            return new DeviceTensor[] {fetchUncomputed ? null : at(20)};
        }

        @Override
        public DeviceTensor[] variableValues() {
            return new DeviceTensor[] {variable};
        }

        @Override
        public void handOverDeviceValues() {
            log.add("hand over");
        }

        @Override
        public void restart() {
            log.add("restart");
        }
    }

    private static List<String> run(CaptureRecorder recorder, LoggingDevice dev, ScriptedRun run, List<Tensor> result) {
        dev.log.clear();
        result.addAll(recorder.run(run));
        return List.copyOf(dev.log);
    }

    @Test
    void aKeysSecondRunIsRecordedAndLaterRunsReplayWithTheirFeeds() {
        LoggingDevice dev = new LoggingDevice();
        CaptureRecorder recorder = new CaptureRecorder(dev);
        DeviceTensor variable = at(30);
        List<Tensor> out = new ArrayList<>();
        assertEquals(List.of("step by step"), run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 1f, variable), out));
        assertSame(FETCHED_STEP_BY_STEP, out.get(0));
        assertEquals(0, recorder.numRecordings());
        assertEquals(List.of("begin", "uploads", "body", "end", "replay 1", "hand over", "download 20"),
                run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 2f, variable), out));
        assertEquals(1, recorder.numRecordings());
        assertEquals(List.of("upload 3.0 to 10", "replay 1", "download 20"),
                run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 3f, variable), out));
        assertEquals(20f, out.get(2).floatValue(), 0f);
        // Another key is another recording, recorded on its own second run.
        assertEquals(List.of("step by step"), run(recorder, dev, new ScriptedRun(dev.log, List.of("b"), 4f, variable), out));
        recorder.close();
        assertEquals(1, dev.closed);
        assertEquals(0, recorder.numRecordings());
    }

    @Test
    void aNewVariableValueDropsTheRecordingAndTheKeyIsRecordedAgain() {
        LoggingDevice dev = new LoggingDevice();
        CaptureRecorder recorder = new CaptureRecorder(dev);
        List<Tensor> out = new ArrayList<>();
        run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 1f, at(30)), out);
        run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 1f, at(30)), out);
        DeviceTensor assigned = at(31);
        assertEquals(List.of("close 1", "step by step"),
                run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 1f, assigned), out),
                "the recording read the old value object");
        assertEquals(List.of("begin", "uploads", "body", "end", "replay 2", "hand over", "download 20"),
                run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 1f, assigned), out));
        assertEquals(List.of("upload 1.0 to 10", "replay 2", "download 20"),
                run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 1f, assigned), out));
    }

    @Test
    void aFailedRecordingRestartsTheRunStepByStepAndIsNotTriedAgain() {
        for (String failure : List.of("kernel throws", "device refuses", "fetch not computed")) {
            LoggingDevice dev = new LoggingDevice();
            CaptureRecorder recorder = new CaptureRecorder(dev);
            List<Tensor> out = new ArrayList<>();
            run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 1f, at(30)), out);
            ScriptedRun second = new ScriptedRun(dev.log, List.of("a"), 1f, at(30));
            second.bodyFails = failure.equals("kernel throws");
            second.fetchUncomputed = failure.equals("fetch not computed");
            dev.failNextCapture = failure.equals("device refuses");
            List<String> log = run(recorder, dev, second, out);
            assertEquals(List.of("restart", "step by step"), log.subList(log.size() - 2, log.size()), failure + ": " + log);
            assertEquals(failure.equals("device refuses") ? 0 : 1, dev.closed, failure + ": the partial recording is freed");
            assertSame(FETCHED_STEP_BY_STEP, out.get(1), failure);
            assertEquals(List.of("step by step"), run(recorder, dev, new ScriptedRun(dev.log, List.of("a"), 1f, at(30)), out),
                    failure);
            assertEquals(0, recorder.numRecordings(), failure);
        }
    }

    @Test
    void runsWithoutAKeyOrBeyondTheLastKeptKeyGoStepByStep() {
        LoggingDevice dev = new LoggingDevice();
        CaptureRecorder recorder = new CaptureRecorder(dev);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of("step by step"), run(recorder, dev, new ScriptedRun(dev.log, null, 1f, at(30)), out));
        }
        for (int k = 0; k <= CaptureRecorder.MAX_RECORDINGS; k++) {
            for (int i = 0; i < 2; i++) {
                run(recorder, dev, new ScriptedRun(dev.log, List.of(k), 1f, at(30)), out);
            }
        }
        assertEquals(CaptureRecorder.MAX_RECORDINGS, recorder.numRecordings());
        assertEquals(List.of("step by step"), run(recorder, dev,
                new ScriptedRun(dev.log, List.of(CaptureRecorder.MAX_RECORDINGS), 1f, at(30)), out));
        assertTrue(out.size() > CaptureRecorder.MAX_RECORDINGS);
    }
}
