package dev.tensorgraph.ops.device;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.VariableSlot;

/** Test-device kernels for a handful of float32 ops; their work goes through the device's stream. */
final class FakeDeviceKernels {
    private static boolean registered;
    static volatile boolean failNextAdd;

    private FakeDeviceKernels() {}

    static synchronized void registerOnce() {
        if (registered) {
            return;
        }
        registered = true;
        KernelRegistry r = KernelRegistry.global();
        String t = FakeDevice.TYPE;
        r.register(t, "VariableV2", op -> ctx -> {
            FakeDevice dev = (FakeDevice) ctx.device();
            if (ctx.variable(-1).isInitialized()) {
                ctx.setOutput(0, ctx.variable(-1).getOnDevice(dev));
            }
        });
        r.register(t, "Identity", floatOnly(ctx -> ctx.setOutput(0, ctx.deviceInput(0))));
        r.register(t, "Assign", floatOnly(ctx -> {
            FakeDevice dev = (FakeDevice) ctx.device();
            VariableSlot slot = ctx.variable(0);
            DeviceTensor value = ctx.deviceInput(1);
            DeviceTensor cur = slot.peekOnDevice();
            if (cur != null && cur.shape().equals(value.shape())) {
                dev.copy(value, cur);
            } else {
                DeviceTensor fresh = dev.allocatePersistent(value.dtype(), value.shape());
                dev.copy(value, fresh);
                DeviceTensor old = slot.setOnDevice(dev, fresh);
                if (old != null) {
                    ctx.releaseAfterRun(old);
                }
                cur = fresh;
            }
            ctx.setOutput(0, cur);
        }));
        r.register(t, "Switch", KernelFactory.withHostMemory(floatOnly(ctx -> {
            boolean p = ((boolean[]) ctx.input(1).array())[0];
            ctx.setOutput(p ? 1 : 0, ctx.deviceInput(0));
            ctx.setOutputDead(p ? 0 : 1);
        }), new int[] {1}, new int[0]));
        r.register(t, "Add", floatOnly(ctx -> binary(ctx, true)));
        r.register(t, "Mul", floatOnly(ctx -> binary(ctx, false)));
        r.register(t, "Sum", KernelFactory.withHostMemory(floatOnly(ctx -> {
            FakeDevice dev = (FakeDevice) ctx.device();
            DeviceTensor x = ctx.deviceInput(0);
            int[] axes = (int[]) ctx.input(1).array();
            if (axes.length != x.shape().rank()) {
                throw new UnimplementedException("the test device sums over all axes only");
            }
            DeviceTensor out = ctx.allocateOnDevice(DType.FLOAT32, Shape.scalar());
            float[] in = FakeDevice.data(x);
            float[] o = FakeDevice.data(out);
            int n = (int) x.numElements();
            dev.enqueue(() -> {
                float s = 0;
                for (int i = 0; i < n; i++) {
                    s += in[i];
                }
                o[0] = s;
            });
            ctx.setOutput(0, out);
        }), new int[] {1}, new int[0]));
    }

    private static KernelFactory floatOnly(Kernel k) {
        return op -> {
            if (op.numOutputs() > 0 && op.output(0).dtype() != DType.FLOAT32) {
                throw new UnimplementedException("the test device runs float32 only");
            }
            return k;
        };
    }

    /** Same-shape or scalar-operand add/multiply. */
    private static void binary(dev.tensorgraph.kernel.KernelContext ctx, boolean add) {
        if (add && failNextAdd) {
            failNextAdd = false;
            throw new dev.tensorgraph.errors.InvalidArgumentException("injected failure");
        }
        FakeDevice dev = (FakeDevice) ctx.device();
        DeviceTensor a = ctx.deviceInput(0);
        DeviceTensor b = ctx.deviceInput(1);
        DeviceTensor big = a.numElements() >= b.numElements() ? a : b;
        DeviceTensor out = ctx.allocateOnDevice(DType.FLOAT32, big.shape());
        float[] x = FakeDevice.data(a);
        float[] y = FakeDevice.data(b);
        float[] o = FakeDevice.data(out);
        int n = (int) big.numElements();
        boolean xs = a.numElements() == 1 && n > 1;
        boolean ys = b.numElements() == 1 && n > 1;
        dev.enqueue(() -> {
            for (int i = 0; i < n; i++) {
                float u = x[xs ? 0 : i];
                float v = y[ys ? 0 : i];
                o[i] = add ? u + v : u * v;
            }
        });
        ctx.setOutput(0, out);
    }
}
