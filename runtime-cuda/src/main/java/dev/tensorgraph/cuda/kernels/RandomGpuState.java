package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceTensor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One random op's Philox generator on the GPU for the life of a session, as the CPU's RandomGenerator: the
 * key {@code (seed)} stays on the host, the 128-bit counter {@code (0, 0, seed2)} lives in device memory
 * and only kernels move it, so replays of a recorded run continue the sequence. Seeds (0, 0) mean
 * "nondeterministic", seeded from a fresh random source.
 */
final class RandomGpuState implements AutoCloseable {
    private final DeviceContext device;
    private final DeviceTensor counter;
    private final int key0;
    private final int key1;

    private RandomGpuState(DeviceContext device, DeviceTensor counter, int key0, int key1) {
        this.device = device;
        this.counter = counter;
        this.key0 = key0;
        this.key1 = key1;
    }

    /** A generator at the start of the stream of {@code (seed, seed2)}; uploads its counter (enqueued). */
    static RandomGpuState create(DeviceContext device, long seed, long seed2) {
        if (seed == 0 && seed2 == 0) {
            seed = ThreadLocalRandom.current().nextLong();
            seed2 = ThreadLocalRandom.current().nextLong();
        }
        DeviceTensor counter = device.allocatePersistent(DType.INT32, Shape.of(4));
        int[] words = {0, 0, (int) seed2, (int) (seed2 >>> 32)};
        try {
            device.upload(Tensor.wrap(DType.INT32, Shape.of(4), words), counter);
        } catch (RuntimeException e) {
            device.release(counter.buffer());
            throw e;
        }
        return new RandomGpuState(device, counter, (int) seed, (int) (seed >>> 32));
    }

    /** The counter's 4 words (low first) in device memory. */
    DeviceTensor counter() {
        return counter;
    }

    int key0() {
        return key0;
    }

    int key1() {
        return key1;
    }

    @Override
    public void close() {
        device.release(counter.buffer());
    }
}
