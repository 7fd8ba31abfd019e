package dev.tensorgraph.ops.device;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.StagedFeed;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.CapturedWork;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InternalException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A device whose memory is host arrays and whose stream runs work at once, or records it while capturing:
 * enough to test placement, copies, buffer release and record/replay without a GPU. Float32 only.
 */
final class FakeDevice implements DeviceContext {
    static final String TYPE = "TESTDEVICE";
    private static final AtomicLong NEXT_ADDRESS = new AtomicLong(0x1000);

    static final class Buffer implements DeviceBuffer {
        final long address = NEXT_ADDRESS.getAndAdd(1 << 16);
        final float[] data;

        Buffer(int n) {
            data = new float[Math.max(1, n)];
        }

        @Override
        public long address() {
            return address;
        }

        @Override
        public long byteSize() {
            return 4L * data.length;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Buffer> live = new HashSet<>();
    private List<Runnable> recording;
    private Set<Buffer> captureOwned;
    private boolean closed;
    /** Staged copies not yet taken by an upload nor given back, by the host array they copy. */
    private final IdentityHashMap<Object, StagedCopy> staged = new IdentityHashMap<>();
    int uploads;
    int stagedUploads;
    int downloads;
    int replays;

    /** A staged feed: a device buffer filled at once from the host array. */
    private final class StagedCopy implements StagedFeed {
        final Object array;
        final Buffer buffer;
        boolean used;
        boolean closed;

        StagedCopy(Object array, Buffer buffer) {
            this.array = array;
            this.buffer = buffer;
        }

        @Override
        public boolean staged() {
            return true;
        }

        @Override
        public boolean used() {
            synchronized (staged) {
                return used;
            }
        }

        @Override
        public void close() {
            synchronized (staged) {
                if (!used && !closed && staged.remove(array, this)) {
                    release(buffer);
                }
                closed = true;
            }
        }
    }

    static float[] data(DeviceTensor t) {
        return ((Buffer) t.buffer()).data;
    }

    /** Runs {@code work} now, or records it while capturing, as a stream would. */
    void enqueue(Runnable work) {
        if (recording != null) {
            recording.add(work);
        } else {
            work.run();
        }
    }

    @Override
    public String deviceType() {
        return TYPE;
    }

    @Override
    public String name() {
        return "TESTDEVICE:0";
    }

    @Override
    public DeviceTensor allocate(DType dtype, Shape shape) {
        Buffer b = newBuffer(dtype, shape);
        if (captureOwned != null) {
            captureOwned.add(b);
        }
        return new DeviceTensor(dtype, shape, b);
    }

    @Override
    public DeviceTensor allocatePersistent(DType dtype, Shape shape) {
        return new DeviceTensor(dtype, shape, newBuffer(dtype, shape));
    }

    private Buffer newBuffer(DType dtype, Shape shape) {
        if (closed) {
            throw new FailedPreconditionException("device closed");
        }
        if (dtype != DType.FLOAT32) {
            throw new InternalException("the test device holds float32 only, got " + dtype);
        }
        Buffer b = new Buffer((int) shape.numElements());
        synchronized (live) {
            live.add(b);
        }
        return b;
    }

    @Override
    public void release(DeviceBuffer buffer) {
        synchronized (live) {
            if (captureOwned != null && captureOwned.contains(buffer)) {
                return;
            }
            if (!live.remove((Buffer) buffer)) {
                throw new InternalException("buffer released twice or never allocated: 0x" + Long.toHexString(buffer.address()));
            }
        }
    }

    @Override
    public StagedFeed stage(Tensor value) {
        float[] from = (float[]) value.array();
        Buffer b = newBuffer(value.dtype(), value.shape());
        System.arraycopy(from, 0, b.data, 0, from.length);
        StagedCopy c = new StagedCopy(from, b);
        synchronized (staged) {
            StagedCopy earlier = staged.put(from, c);
            if (earlier != null) {
                release(earlier.buffer);
            }
        }
        return c;
    }

    @Override
    public void upload(Tensor src, DeviceTensor dst) {
        float[] from = (float[]) src.array();
        StagedCopy c;
        synchronized (staged) {
            c = recording == null ? staged.remove(from) : null;
            if (c != null) {
                c.used = true;
            }
        }
        if (c != null) {
            stagedUploads++;
            System.arraycopy(c.buffer.data, 0, data(dst), 0, from.length);
            release(c.buffer);
            return;
        }
        uploads++;
        System.arraycopy(from, 0, data(dst), 0, from.length);
    }

    @Override
    public Tensor download(DeviceTensor src) {
        downloads++;
        float[] out = new float[(int) src.numElements()];
        System.arraycopy(data(src), 0, out, 0, out.length);
        return Tensor.wrap(DType.FLOAT32, src.shape(), out);
    }

    @Override
    public void copy(DeviceTensor src, DeviceTensor dst) {
        float[] from = data(src);
        float[] to = data(dst);
        int n = (int) src.numElements();
        enqueue(() -> System.arraycopy(from, 0, to, 0, n));
    }

    @Override
    public void synchronize() {}

    @Override
    public ReentrantLock runLock() {
        return lock;
    }

    @Override
    public boolean supportsCapture() {
        return true;
    }

    @Override
    public void beginCapture() {
        recording = new ArrayList<>();
        captureOwned = new HashSet<>();
    }

    @Override
    public CapturedWork endCapture() {
        List<Runnable> work = recording;
        Set<Buffer> owned = captureOwned;
        recording = null;
        captureOwned = null;
        return new CapturedWork() {
            @Override
            public void replay() {
                replays++;
                work.forEach(Runnable::run);
            }

            @Override
            public void close() {
                synchronized (live) {
                    live.removeAll(owned);
                }
            }
        };
    }

    @Override
    public long bytesInUse() {
        synchronized (live) {
            return live.stream().mapToLong(Buffer::byteSize).sum();
        }
    }

    @Override
    public long peakBytesInUse() {
        return bytesInUse();
    }

    @Override
    public void resetPeakBytes() {}

    @Override
    public long reservedBytes() {
        return bytesInUse();
    }

    @Override
    public void close() {
        synchronized (staged) {
            staged.values().forEach(c -> release(c.buffer));
            staged.clear();
        }
        closed = true;
    }
}
