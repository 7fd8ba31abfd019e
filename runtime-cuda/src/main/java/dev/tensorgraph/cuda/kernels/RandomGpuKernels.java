package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * GPU kernels of RandomUniform, RandomStandardNormal and TruncatedNormal (float32), giving the CPU kernels'
 * numbers for the same seeds (up to the last-bit differences of double log/sin/cos between the JVM and
 * CUDA, which survive the rounding to float about once in 10^8 normals). The shape is a host-memory input;
 * each run reserves 256 Philox blocks per output as the CPU's generator does, and a kernel after the sampler
 * moves the device-resident counter, so a recorded run keeps drawing fresh numbers on every replay.
 */
public final class RandomGpuKernels implements DeviceKernelLibrary {
    private static final String GPU = KernelRegistry.GPU;
    /** TensorFlow's kReservedSamplesPerOutput: Philox blocks a sampling op reserves per output element. */
    private static final long RESERVED_BLOCKS_PER_OUTPUT = 256;

    @Override
    public void register(KernelRegistry r) {
        r.register(GPU, "RandomUniform", shapeOnHost(op -> sampler(op, "philox_uniform_f32")));
        r.register(GPU, "RandomStandardNormal", shapeOnHost(op -> sampler(op, "philox_normal_f32")));
        r.register(GPU, "TruncatedNormal", shapeOnHost(op -> sampler(op, "philox_truncated_normal_f32")));
    }

    private static KernelFactory shapeOnHost(KernelFactory f) {
        return KernelFactory.withHostMemory(f, new int[] {0}, new int[0]);
    }

    private static Kernel sampler(Operation op, String kernel) {
        DType dtype = op.attrType("dtype");
        if (dtype != DType.FLOAT32) {
            throw LayoutHostArgs.noKernel(op, dtype);
        }
        long seed = op.attrLong("seed");
        long seed2 = op.attrLong("seed2");
        return ctx -> {
            CudaDevice dev = CudaDevice.of(ctx);
            Object state = ctx.<Object>sessionState(() -> RandomGpuState.create(dev, seed, seed2));
            if (!(state instanceof RandomGpuState generator)) {
                throw new FailedPreconditionException(LayoutHostArgs.describe(ctx) + " already keeps a generator on "
                        + "another device in this session; a random op must stay on one device for a session");
            }
            DeviceTensor out = ctx.allocateOnDevice(dtype, shapeFrom(ctx, ctx.input(0)));
            long n = out.numElements();
            if (n > 0) {
                dev.launch1d(dev.function(RandomSources.RANDOM, kernel), (n + 3) / 4, out, n, generator.counter(),
                        generator.key0(), generator.key1());
                dev.launch(dev.function(RandomSources.RANDOM, "philox_advance"), 1, 1, 1, 1, 1, 1, 0,
                        generator.counter(), n * RESERVED_BLOCKS_PER_OUTPUT);
            }
            ctx.setOutput(0, out);
        };
    }

    /** The output shape held by a shape input (an int32 or int64 vector). */
    private static Shape shapeFrom(KernelContext ctx, Tensor t) {
        if (t.shape().rank() != 1 || (t.dtype() != DType.INT32 && t.dtype() != DType.INT64)) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": shape must be a vector of {int32,int64}, got "
                    + t.dtype() + " tensor of shape " + t.shape());
        }
        long[] dims = LayoutHostArgs.longs(ctx, t, "shape");
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": Dimension " + i
                        + " of shape must be non-negative, got " + dims[i]);
            }
        }
        return Shape.of(dims);
    }
}
