package dev.tensorgraph.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.device.CapturedWork;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The CUDA device core: probing without a GPU never fails and says why; with a GPU, copies of every dtype,
 * allocator reuse and accounting, NVRTC kernels with each kind of argument, recording and replay, and out
 * of memory as a typed error that leaves the device usable.
 */
class CudaRuntimeTest {
    private static final CudaSource AXPB = new CudaSource("cuda_runtime_test_axpb", """
            extern "C" __global__ void axpb(float* out, const float* x, float a, int n, long long offset, double b) {
                for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                     i += (long long) blockDim.x * gridDim.x) {
                    out[i] = a * x[i] + (float) b + (float) offset;
                }
            }
            """);

    private final CudaRuntime runtime = new CudaRuntime();

    private boolean gpuPresent() {
        return runtime.deviceCount() > 0;
    }

    private CudaDevice openGpu() {
        Assumptions.assumeTrue(gpuPresent(), () -> "no usable GPU: " + runtime.unavailableReason());
        return (CudaDevice) runtime.open(0, SessionOptions.gpu(0));
    }

    private static Graph doubling(Output[] xy) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        xy[0] = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        xy[1] = tf.add(xy[0], xy[0], "y");
        return g;
    }

    /** Same dtype, shape and bits (NaN and -0 included). */
    private static void assertSameValue(Tensor expected, Tensor actual) {
        String what = expected.dtype() + " " + expected.shape();
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertEquals(expected.shape(), actual.shape(), what);
        assertTrue(Objects.deepEquals(expected.array(), actual.array()), "values of " + what);
    }

    @Test
    void probingNeverThrowsAndExplainsAMissingGpu() {
        int n = runtime.deviceCount();
        assertTrue(n >= 0);
        assertEquals("GPU", runtime.deviceType());
        if (n == 0) {
            assertFalse(runtime.unavailableReason().isEmpty(), "a missing GPU comes with a reason");
        } else {
            assertEquals("", runtime.unavailableReason());
        }
    }

    @Test
    void withoutAGpuDefaultSessionsUseTheCpuAndRequiredGpusFailWithTheReason() {
        Assumptions.assumeFalse(gpuPresent(), "a GPU is present");
        Output[] xy = new Output[2];
        Graph g = doubling(xy);
        try (Session s = new Session(g, SessionOptions.defaults())) {
            assertNull(s.device());
            Tensor r = s.run(xy[1], Map.of(xy[0], Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {1, 2})));
            assertArrayEquals(new float[] {2, 4}, r.floats());
        }
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> new Session(g, SessionOptions.gpu(0)));
        assertTrue(e.getMessage().contains(runtime.unavailableReason()), e.getMessage());
    }

    @Test
    void everyDtypeMakesTheRoundTrip() {
        try (CudaDevice dev = openGpu()) {
            assertTrue(dev.name().startsWith("GPU:0 ("), dev.name());
            List<Tensor> values = List.of(
                    Tensor.of(DType.FLOAT32, Shape.of(2, 3), new float[] {1, -2, 3.5f, Float.NaN, 0, -0f}),
                    Tensor.of(DType.FLOAT64, Shape.of(3), new double[] {1e300, -2, Math.PI}),
                    Tensor.of(DType.INT32, Shape.of(4), new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}),
                    Tensor.of(DType.INT64, Shape.of(2), new long[] {Long.MIN_VALUE, Long.MAX_VALUE}),
                    Tensor.of(DType.BOOL, Shape.of(5), new boolean[] {true, false, false, true, true}),
                    Tensor.of(DType.UINT8, Shape.of(3), new byte[] {0, 127, (byte) 255}),
                    Tensor.of(DType.FLOAT32, Shape.of(0, 4), new float[0]),
                    Tensor.of(7f));
            for (Tensor v : values) {
                DeviceTensor d = dev.allocate(v.dtype(), v.shape());
                dev.upload(v, d);
                DeviceTensor c = dev.allocate(v.dtype(), v.shape());
                dev.copy(d, c);
                Tensor back = dev.download(c);
                assertSameValue(v, back);
                dev.release(d.buffer());
                dev.release(c.buffer());
            }
            // Larger than one staging chunk, so the copies go in pieces.
            int n = (int) (PinnedStaging.CHUNK_BYTES / 4) * 2 + 1001;
            float[] big = new float[n];
            for (int i = 0; i < n; i++) {
                big[i] = i * 0.5f;
            }
            DeviceTensor d = dev.allocate(DType.FLOAT32, Shape.of(n));
            dev.upload(Tensor.wrap(DType.FLOAT32, Shape.of(n), big), d);
            assertArrayEquals(big, (float[]) dev.download(d).array());
            dev.release(d.buffer());
        }
    }

    @Test
    void releasedMemoryIsReusedAndAccounted() {
        try (CudaDevice dev = openGpu()) {
            long start = dev.bytesInUse();
            dev.resetPeakBytes();
            DeviceTensor a = dev.allocate(DType.FLOAT32, Shape.of(1000));
            DeviceTensor b = dev.allocate(DType.FLOAT32, Shape.of(1 << 20));
            assertTrue(dev.bytesInUse() >= start + 4000 + (4 << 20));
            long peak = dev.peakBytesInUse();
            assertTrue(peak >= dev.bytesInUse());
            long addressA = a.address();
            long addressB = b.address();
            dev.release(a.buffer());
            dev.release(b.buffer());
            dev.release(a.buffer()); // a second release is ignored
            assertEquals(start, dev.bytesInUse());
            assertEquals(peak, dev.peakBytesInUse(), "the peak stays until reset");
            DeviceTensor a2 = dev.allocate(DType.INT32, Shape.of(1000));
            DeviceTensor b2 = dev.allocate(DType.FLOAT32, Shape.of(1 << 20));
            assertEquals(addressA, a2.address(), "same-size blocks are reused");
            assertEquals(addressB, b2.address(), "same-size blocks are reused");
            dev.release(a2.buffer());
            dev.release(b2.buffer());
            dev.resetPeakBytes();
            assertEquals(start, dev.peakBytesInUse());
            DeviceBuffer s = dev.scratch(12345);
            assertTrue(s.byteSize() >= 12345);
            dev.release(s);
            assertEquals(start, dev.bytesInUse());
        }
    }

    @Test
    void compiledKernelsTakeEveryKindOfArgumentAndReplayWhenRecorded() {
        try (CudaDevice dev = openGpu()) {
            long start = dev.bytesInUse();
            int n = 1000;
            float[] xs = new float[n];
            for (int i = 0; i < n; i++) {
                xs[i] = i;
            }
            DeviceTensor x = dev.allocate(DType.FLOAT32, Shape.of(n));
            dev.upload(Tensor.wrap(DType.FLOAT32, Shape.of(n), xs), x);
            DeviceTensor out = dev.allocate(DType.FLOAT32, Shape.of(n));
            CudaFunction f = dev.function(AXPB, "axpb");
            assertEquals(f, dev.function(AXPB, "axpb"), "functions are cached");
            dev.launch1d(f, n, out, x, 2f, n, 3L, 0.5);
            float[] r = (float[]) dev.download(out).array();
            for (int i = 0; i < n; i++) {
                assertEquals(2f * i + 0.5f + 3f, r[i], 0f, "element " + i);
            }

            dev.beginCapture();
            DeviceTensor recorded = dev.allocate(DType.FLOAT32, Shape.of(n));
            dev.launch1d(f, n, recorded, x, -1f, n, 10L, 0.0);
            CapturedWork work = dev.endCapture();
            assertNotNull(work, "recording a kernel launch works");
            work.replay();
            r = (float[]) dev.download(recorded).array();
            assertEquals(-5f + 10f, r[5], 0f);
            for (int i = 0; i < n; i++) {
                xs[i] = 2 * i;
            }
            dev.upload(Tensor.wrap(DType.FLOAT32, Shape.of(n), xs), x);
            work.replay();
            r = (float[]) dev.download(recorded).array();
            assertEquals(-10f + 10f, r[5], 0f, "a replay reads the current contents of its inputs");
            work.close();
            dev.release(x.buffer());
            dev.release(out.buffer());
            assertEquals(start, dev.bytesInUse(), "closing the recording gives its memory back");
        }
    }

    @Test
    void outOfMemoryIsATypedErrorAndTheDeviceStaysUsable() {
        try (CudaDevice dev = openGpu()) {
            long start = dev.bytesInUse();
            Shape huge = Shape.of(1L << 38);
            ResourceExhaustedException e = assertThrows(ResourceExhaustedException.class,
                    () -> dev.allocate(DType.FLOAT32, huge));
            assertTrue(e.getMessage().contains(Long.toString(1L << 40)), e.getMessage());
            assertTrue(e.getMessage().contains("GPU:0"), e.getMessage());
            assertEquals(start, dev.bytesInUse());
            Tensor v = Tensor.of(DType.INT64, Shape.of(3), new long[] {1, 2, 3});
            DeviceTensor d = dev.allocate(DType.INT64, v.shape());
            dev.upload(v, d);
            assertSameValue(v, dev.download(d));
            dev.release(d.buffer());
        }
    }

    @Test
    void plumbingOpsMatchTheCpuAcrossRecordedRuns() {
        Assumptions.assumeTrue(gpuPresent(), () -> "no usable GPU: " + runtime.unavailableReason());
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 3), "x");
        Output flag = tf.placeholder(DType.BOOL, Shape.scalar(), "flag");
        Variable v = tf.variable(tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}}), "v");
        Output r = tf.reshape(tf.identity(x), new int[] {3, -1});
        Output e = tf.squeeze(tf.expandDims(r, 0));
        Output sum = tf.add(tf.reshape(e, new int[] {2, 3}), v);
        Output chosen = tf.cond(flag, () -> tf.add(sum, sum), () -> tf.stopGradient(sum));
        Output assigned = v.assign(chosen);
        // Host fetches (shape queries) keep a plan from being recorded, so they get a plan of their own.
        List<Output> fetches = List.of(assigned);
        List<Output> shapeFetches = List.of(tf.shape(assigned), tf.size(assigned, DType.INT64, "size64"),
                tf.rank(assigned), tf.identity(v.value()));
        try (Session gpu = new Session(g, SessionOptions.gpu(0)); Session cpu = new Session(g, SessionOptions.cpuOnly())) {
            assertNotNull(gpu.device());
            gpu.run(v.initializer(), Map.of());
            cpu.run(v.initializer(), Map.of());
            for (int i = 0; i < 6; i++) {
                Map<Output, Tensor> feeds = Map.of(
                        x, Tensor.of(DType.FLOAT32, Shape.of(2, 3), new float[] {i, 1, 2, 3, 4, -i}),
                        flag, Tensor.of(i % 3 == 0));
                List<Output> f = i == 4 ? shapeFetches : fetches;
                List<Tensor> want = cpu.run(f, feeds);
                List<Tensor> got = gpu.run(f, feeds);
                for (int k = 0; k < want.size(); k++) {
                    assertSameValue(want.get(k), got.get(k));
                }
            }
            List<String> plan = gpu.describePlan(fetches, Set.of(x, flag), List.of());
            assertTrue(plan.stream().anyMatch(l -> l.contains("(Assign) @ GPU")), plan.toString());
            assertTrue(plan.stream().anyMatch(l -> l.startsWith("device graphs:") && !l.contains("not recordable")
                    && !l.contains("(0 recorded)")), "the runs were recorded and replayed: " + plan);
        }
    }

    @Test
    void aClosedDeviceRefusesWork() {
        CudaDevice dev = openGpu();
        dev.close();
        dev.close();
        assertThrows(FailedPreconditionException.class, () -> dev.allocate(DType.FLOAT32, Shape.of(1)));
        assertThrows(FailedPreconditionException.class, () -> dev.function(AXPB, "axpb"));
    }
}
