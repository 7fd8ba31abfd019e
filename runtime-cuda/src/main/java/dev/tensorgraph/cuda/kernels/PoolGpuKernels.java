package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Arrays;

/**
 * GPU kernels of MaxPool, AvgPool, MaxPoolGrad and AvgPoolGrad (float32, NHWC and NCHW) as direct NVRTC
 * kernels ({@link PoolSources}) rather than cuDNN pooling: cuDNN pads symmetrically where TensorFlow's SAME
 * puts the odd cell after, and its choice among equal maxima is not TensorFlow's; pooling is memory-bound,
 * so a direct kernel loses nothing.
 */
final class PoolGpuKernels {
    /**
     * Overlapping max-pool gradients add atomically, one add per window, unless
     * {@code -Dtensorgraph.cuda.maxPoolGrad=gather} asks for the deterministic variant, which gathers per
     * input cell in output order and equals the CPU bit for bit. Measured on an H200 (AlexNet, batch 128,
     * TF32): 7.27 ms per step with atomics, 7.94 with gathering.
     */
    static final boolean GATHER_MAX_POOL_GRAD = "gather".equals(System.getProperty("tensorgraph.cuda.maxPoolGrad"));

    /**
     * 16-bit NHWC pooling over whole groups of eight channels takes the eight-wide kernels of
     * {@link PoolEightWideSources} (same results, bit for bit) unless {@code -Dtensorgraph.cuda.pool8Wide=false},
     * read as each plan is built.
     */
    static final String EIGHT_WIDE_PROPERTY = "tensorgraph.cuda.pool8Wide";

    private PoolGpuKernels() {}

    private static final int MAX = 0;
    private static final int AVG = 1;

    /** Window attributes, read once per plan. */
    private record Pool(ConvGeometry.Attrs attrs, int kh, int kw, DType t, boolean eightWide) {
        static Pool of(Operation op) {
            return of(op, false);
        }

        /** The attributes; {@code sixteenBit}: whether the kernel also takes bfloat16 and float16. */
        static Pool of(Operation op, boolean sixteenBit) {
            DType t = op.attrType("T");
            if (t != DType.FLOAT32 && !(sixteenBit && t.isHalfPrecision())) {
                throw new UnimplementedException(op.type() + " '" + op.name() + "' has no GPU kernel for " + t);
            }
            ConvGeometry.Attrs a = ConvGeometry.Attrs.of(op);
            if ("EXPLICIT".equals(a.padding())) {
                throw new UnimplementedException(op.type() + " '" + op.name() + "' has no GPU kernel for EXPLICIT padding");
            }
            int[] k = op.attrInts("ksize");
            if (k.length != 4) {
                throw new InvalidArgumentException(op.type() + " '" + op.name() + "': ksize needs 4 values");
            }
            int hi = a.nchw() ? 2 : 1;
            boolean eightWide = t.isHalfPrecision() && !"false".equals(System.getProperty(EIGHT_WIDE_PROPERTY));
            return new Pool(a, k[hi], k[hi + 1], t, eightWide);
        }

        ConvGeometry geometry(int[] nhwc, String what) {
            return ConvGeometry.of(nhwc[0], nhwc[1], nhwc[2], nhwc[3], kh, kw, nhwc[3], attrs, what);
        }
    }

    static void register(KernelRegistry r) {
        r.register(KernelRegistry.GPU, "MaxPool", sixteenBit(op -> {
            Pool p = Pool.of(op, true);
            return ctx -> forward(ctx, p, MAX);
        }));
        r.register(KernelRegistry.GPU, "AvgPool", sixteenBit(op -> {
            Pool p = Pool.of(op, true);
            return ctx -> forward(ctx, p, AVG);
        }));
        r.register(KernelRegistry.GPU, "MaxPoolGrad", sixteenBit(op -> {
            Pool p = Pool.of(op, true);
            return ctx -> maxGrad(ctx, p);
        }));
        r.register(KernelRegistry.GPU, "AvgPoolGrad", KernelFactory.withHostMemory(op -> {
            Pool p = Pool.of(op);
            return ctx -> avgGrad(ctx, p);
        }, new int[] {0}, new int[0]));
    }

    /** {@code f}, declared to take bfloat16 and float16 values itself (its kernels compute them in float32). */
    private static KernelFactory sixteenBit(KernelFactory f) {
        return KernelFactory.adapting(f, f, true);
    }

    /** The kernels' geometry arguments, after the tensors and mode. */
    private static Object[] args(ConvGeometry g, boolean nchw, Object... leading) {
        Object[] geometry = {nchw ? 1 : 0, g.n(), g.h(), g.w(), g.c(), g.oh(), g.ow(), g.kh(), g.kw(), g.sh(), g.sw(),
                g.padTop(), g.padLeft()};
        Object[] all = Arrays.copyOf(leading, leading.length + geometry.length + 1);
        System.arraycopy(geometry, 0, all, leading.length, geometry.length);
        return all;
    }

    private static Object[] withTotal(Object[] args, long total) {
        args[args.length - 1] = total;
        return args;
    }

    private static void forward(KernelContext ctx, Pool p, int mode) {
        String op = ctx.op().name();
        DeviceTensor x = ctx.deviceInput(0);
        boolean nchw = p.attrs().nchw();
        int[] d = ConvGpuKernels.nhwc(x.shape(), nchw, op, "input");
        ConvGeometry g = p.geometry(d, op);
        DeviceTensor y = ctx.allocateOnDevice(p.t(), g.outShape(nchw));
        long total = y.numElements();
        if (total > 0 && eightWide(p, g, nchw, x, y)) {
            CudaDevice dev = CudaDevice.of(ctx);
            dev.launch1d(dev.function(PoolEightWideSources.POOL_EIGHT_WIDE, "pool8_forward_" + HalfFloatCodecs.suffix(p.t())),
                    total / 8, eightWideArgs(g, total / 8, x, y, mode));
        } else if (total > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            dev.launch1d(dev.function(PoolSources.POOL, "pool_forward_" + HalfFloatCodecs.suffix(p.t())), total,
                    withTotal(args(g, nchw, x, y, mode), total));
        }
        ctx.setOutput(0, y);
    }

    /** MaxPoolGrad(orig_input, orig_output, grad): the argmax is recomputed from orig_input, as on the CPU. */
    private static void maxGrad(KernelContext ctx, Pool p) {
        String op = ctx.op().name();
        DeviceTensor x = ctx.deviceInput(0);
        DeviceTensor grad = ctx.deviceInput(2);
        boolean nchw = p.attrs().nchw();
        int[] d = ConvGpuKernels.nhwc(x.shape(), nchw, op, "orig_input");
        ConvGeometry g = p.geometry(d, op);
        int[] gd = ConvGpuKernels.nhwc(grad.shape(), nchw, op, "grad");
        if (gd[0] != g.n() || gd[1] != g.oh() || gd[2] != g.ow() || gd[3] != g.c()) {
            throw new InvalidArgumentException(op + ": grad has shape " + grad.shape() + ", which does not match orig_input shape "
                    + x.shape() + " pooled to [" + g.n() + ", " + g.oh() + ", " + g.ow() + ", " + g.c() + "] (NHWC)");
        }
        DeviceTensor dx = ctx.allocateOnDevice(p.t(), x.shape());
        CudaDevice dev = CudaDevice.of(ctx);
        long total = grad.numElements();
        boolean overlap = g.kh() > g.sh() || g.kw() > g.sw();
        boolean half = p.t().isHalfPrecision();
        if (half && (dx.numElements() > Integer.MAX_VALUE || total > Integer.MAX_VALUE)) {
            throw new UnimplementedException(op + ": MaxPoolGrad on 16-bit floats takes fewer than 2^31 elements");
        }
        // 16-bit gradients always gather: they add in float32 and round once, which atomics on 16 bits could not.
        boolean gather = (half || (overlap && GATHER_MAX_POOL_GRAD)) && dx.numElements() <= Integer.MAX_VALUE
                && total <= Integer.MAX_VALUE;
        if (dx.numElements() > 0 && total > 0 && eightWide(p, g, nchw, x, grad, dx)) {
            // One byte per value holds its window's argmax place (at most 3x3 = 9 places).
            DeviceBuffer where = dev.scratch(total);
            String sfx = HalfFloatCodecs.suffix(p.t());
            dev.launch1d(dev.function(PoolEightWideSources.POOL_EIGHT_WIDE, "pool8_argmax_" + sfx), total / 8,
                    eightWideArgs(g, total / 8, x, where));
            long cells = dx.numElements() / 8;
            dev.launch1d(dev.function(PoolEightWideSources.POOL_EIGHT_WIDE, "pool8_grad_gather_" + sfx), cells,
                    eightWideArgs(g, cells, where, grad, dx));
            dev.release(where);
        } else if (dx.numElements() > 0 && total > 0 && gather) {
            // Each input cell gathers from the windows it is the maximum of: deterministic, no atomics.
            DeviceBuffer where = dev.scratch(total * Integer.BYTES);
            String sfx = HalfFloatCodecs.suffix(p.t());
            dev.launch1d(dev.function(PoolSources.POOL, "max_pool_argmax_" + sfx), total,
                    withTotal(args(g, nchw, x, where), total));
            long cells = dx.numElements();
            dev.launch1d(dev.function(PoolSources.POOL, "max_pool_grad_gather_" + sfx), cells,
                    withTotal(args(g, nchw, where, grad, dx), cells));
            dev.release(where);
        } else if (dx.numElements() > 0) {
            dev.zero(dx);
            if (total > 0) {
                dev.launch1d(dev.function(PoolSources.POOL, "max_pool_grad_f32"), total,
                        withTotal(args(g, nchw, x, grad, dx, overlap ? 1 : 0), total));
            }
        }
        ctx.setOutput(0, dx);
    }

    /**
     * Whether the eight-wide kernels take this 16-bit NHWC pooling: channels in whole groups of eight, windows
     * of at most 3x3, every tensor on a 16-byte boundary and every index within 32 bits.
     */
    private static boolean eightWide(Pool p, ConvGeometry g, boolean nchw, DeviceTensor... tensors) {
        if (!p.eightWide() || nchw || g.c() % 8 != 0
                || g.kh() > PoolEightWideSources.MAX_WINDOW || g.kw() > PoolEightWideSources.MAX_WINDOW) {
            return false;
        }
        for (DeviceTensor t : tensors) {
            if (t.address() % 16 != 0 || t.numElements() > Integer.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    /** The eight-wide kernels' arguments: the tensors (and mode), the NHWC geometry, the number of threads. */
    private static Object[] eightWideArgs(ConvGeometry g, long threads, Object... leading) {
        Object[] geometry = {g.n(), g.h(), g.w(), g.c(), g.oh(), g.ow(), g.kh(), g.kw(), g.sh(), g.sw(), g.padTop(),
                g.padLeft(), (int) threads};
        Object[] all = Arrays.copyOf(leading, leading.length + geometry.length);
        System.arraycopy(geometry, 0, all, leading.length, geometry.length);
        return all;
    }

    /** AvgPoolGrad(orig_input_shape on the host, grad). */
    private static void avgGrad(KernelContext ctx, Pool p) {
        String op = ctx.op().name();
        int[] s = ConvGpuKernels.sizes(ctx.input(0), op, "orig_input_shape");
        DeviceTensor grad = ctx.deviceInput(1);
        boolean nchw = p.attrs().nchw();
        int[] d = nchw ? new int[] {s[0], s[2], s[3], s[1]} : s;
        ConvGeometry g = p.geometry(d, op);
        int[] gd = ConvGpuKernels.nhwc(grad.shape(), nchw, op, "grad");
        if (gd[0] != g.n() || gd[1] != g.oh() || gd[2] != g.ow() || gd[3] != g.c()) {
            throw new InvalidArgumentException(op + ": grad has shape " + grad.shape()
                    + ", which does not match orig_input_shape " + Arrays.toString(s));
        }
        DeviceTensor dx = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(s[0], s[1], s[2], s[3]));
        long total = dx.numElements();
        if (total > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            if (grad.numElements() == 0) {
                dev.zero(dx);
            } else {
                dev.launch1d(dev.function(PoolSources.POOL, "avg_pool_grad_f32"), total,
                        withTotal(args(g, nchw, grad, dx), total));
            }
        }
        ctx.setOutput(0, dx);
    }
}
