package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.Float32TwinContext;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.Float32Twins;
import dev.tensorgraph.op.ServiceProviders;

/**
 * Runs GPU ops on bfloat16 and float16 values that have no 16-bit kernel with their float32 GPU kernel, on the
 * device: each 16-bit input is cast to float32 in device memory, the float32 twin's kernel runs
 * ({@link Float32Twins}), and each output the op declares 16-bit is cast back (rounded to nearest-even, as the
 * CPU does). So mixed precision keeps its BiasAdd, Relu, pooling and their gradients on the GPU, in float32
 * arithmetic between 16-bit tensors, rather than copying them to the CPU; the casts are elementwise launches
 * on the same stream, recorded with the rest into device graphs.
 */
public final class HalfPrecisionGpuWidening implements DeviceKernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.registerWidening(KernelRegistry.GPU, HalfPrecisionGpuWidening::widen);
    }

    static KernelFactory widen(KernelFactory factory) {
        return KernelFactory.adapting(factory, op -> {
            if (!Float32Twins.applies(factory, op)) {
                // Kernels that would see 16-bit values themselves were not written for them: the CPU runs the op.
                throw new UnimplementedException(op.type() + " op '" + op.name() + "' has no GPU kernel for 16-bit floats");
            }
            Operation twin = ServiceProviders.one(Float32Twins.class).float32Twin(op);
            Kernel kernel = factory.create(twin);
            return ctx -> kernel.compute(new WideningContext(ctx, op, twin));
        }, true);
    }

    private static DeviceTensor cast(KernelContext ctx, DeviceTensor x, DType to) {
        DeviceTensor out = ctx.allocateOnDevice(to, x.shape());
        ElementwiseGpuKernels.launchHalfCast(ctx, x, out);
        return out;
    }

    /** {@link Float32TwinContext} with device inputs cast up on the device and device outputs cast back. */
    private static final class WideningContext extends Float32TwinContext {
        private final KernelContext ctx;
        private final DeviceTensor[] widened;

        WideningContext(KernelContext ctx, Operation op, Operation twin) {
            super(ctx, op, twin);
            this.ctx = ctx;
            this.widened = new DeviceTensor[ctx.numInputs()];
        }

        @Override
        public DeviceTensor deviceInput(int i) {
            DeviceTensor t = ctx.deviceInput(i);
            if (!t.dtype().isHalfPrecision()) {
                return t;
            }
            if (widened[i] == null) {
                widened[i] = cast(ctx, t, DType.FLOAT32); // freed by the executor when the run ends
            }
            return widened[i];
        }

        @Override
        public void setOutput(int i, DeviceTensor t) {
            DType declared = declaredOutput(i);
            ctx.setOutput(i, declared.isHalfPrecision() && t.dtype() == DType.FLOAT32 ? cast(ctx, t, declared) : t);
        }
    }
}
