package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.ElementwiseGpuKernels.describe;
import static dev.tensorgraph.cuda.kernels.ElementwiseGpuKernels.launchFlat;
import static dev.tensorgraph.cuda.kernels.ElementwiseGpuKernels.noKernel;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Arrays;

/**
 * GPU kernels that pick, fill or move elements (any dtype but string): Select/SelectV2, ZerosLike,
 * OnesLike, Fill, BroadcastTo, Pad/PadV2; and AddN. Shapes and paddings are host-memory inputs (as in
 * TensorFlow); scalar values (Fill's value, PadV2's constant) stay in device memory and are read by the
 * kernel, so a recorded run replays correctly when they change.
 */
final class ElementwiseArrayKernels {
    private static final String GPU = KernelRegistry.GPU;

    private ElementwiseArrayKernels() {}

    static void register(KernelRegistry r) {
        r.register(GPU, "Select", op -> selectKernel(op, false));
        r.register(GPU, "SelectV2", op -> selectKernel(op, true));
        r.register(GPU, "ZerosLike", op -> {
            width(op, op.input(0).dtype());
            return ctx -> {
                DeviceTensor x = ctx.deviceInput(0);
                DeviceTensor out = ctx.allocateOnDevice(x.dtype(), x.shape());
                if (out.numElements() > 0) {
                    CudaDevice.of(ctx).zero(out);
                }
                ctx.setOutput(0, out);
            };
        });
        r.register(GPU, "OnesLike", op -> {
            DType t = op.input(0).dtype();
            int w = width(op, t);
            long bits = switch (t) {
                case FLOAT32 -> Float.floatToRawIntBits(1f);
                case FLOAT64 -> Double.doubleToRawLongBits(1.0);
                default -> 1L;
            };
            return ctx -> {
                DeviceTensor x = ctx.deviceInput(0);
                DeviceTensor out = ctx.allocateOnDevice(t, x.shape());
                launchFlat(ctx, ElementwiseDataSources.DATA, "fill_b" + w, out.numElements(), out, out.numElements(), bits);
                ctx.setOutput(0, out);
            };
        });
        r.register(GPU, "Fill", KernelFactory.withHostMemory(op -> {
            int w = width(op, op.input(1).dtype());
            return ctx -> {
                Shape shape = ElementwiseGpuKernels.shapeFrom(ctx, 0, "dims");
                DeviceTensor value = ctx.deviceInput(1);
                if (value.shape().rank() != 0) {
                    throw new InvalidArgumentException(describe(ctx) + ": value must be a scalar, got shape " + value.shape());
                }
                DeviceTensor out = ctx.allocateOnDevice(value.dtype(), shape);
                launchFlat(ctx, ElementwiseDataSources.DATA, "fill_from_b" + w, out.numElements(), out,
                        out.numElements(), value);
                ctx.setOutput(0, out);
            };
        }, new int[] {0}, new int[0]));
        r.register(GPU, "BroadcastTo", KernelFactory.withHostMemory(op -> {
            int w = width(op, op.input(0).dtype());
            return ctx -> broadcastTo(ctx, w);
        }, new int[] {1}, new int[0]));
        r.register(GPU, "Pad", KernelFactory.withHostMemory(op -> {
            int w = width(op, op.input(0).dtype());
            return ctx -> pad(ctx, w, false);
        }, new int[] {1}, new int[0]));
        r.register(GPU, "PadV2", KernelFactory.withHostMemory(op -> {
            int w = width(op, op.input(0).dtype());
            return ctx -> pad(ctx, w, true);
        }, new int[] {1}, new int[0]));
        r.register(GPU, "AddN", ElementwiseArrayKernels::addN);
    }

    /** The element width in bytes of a dtype these kernels move, or no kernel. */
    private static int width(Operation op, DType t) {
        if (t == DType.STRING || t.byteSize() <= 0) {
            throw noKernel(op, t);
        }
        return t.byteSize();
    }

    private static Kernel selectKernel(Operation op, boolean v2) {
        if (op.input(0).dtype() != DType.BOOL) {
            throw noKernel(op, op.input(0).dtype());
        }
        int w = width(op, op.input(1).dtype());
        return ctx -> select(ctx, v2, w);
    }

    /**
     * Select: the condition is a scalar, a vector over the first dimension, or of the shape of t and e (which
     * must be equal). SelectV2: all three broadcast. A scalar condition is read by the kernel, not the host.
     */
    private static void select(KernelContext ctx, boolean v2, int width) {
        DeviceTensor c = ctx.deviceInput(0);
        DeviceTensor t = ctx.deviceInput(1);
        DeviceTensor e = ctx.deviceInput(2);
        Shape cs = c.shape();
        if (!v2) {
            if (!t.shape().equals(e.shape())) {
                throw new InvalidArgumentException(describe(ctx) + ": 'then' and 'else' must have the same size.  but received: "
                        + t.shape() + " vs. " + e.shape());
            }
            if (cs.rank() == 1 && t.shape().rank() > 1) {
                if (cs.size(0) != t.shape().size(0)) {
                    throw new InvalidArgumentException(describe(ctx) + ": Number of batches of 'then' must match size of "
                            + "'cond', but saw: " + t.shape().size(0) + " vs. " + cs.size(0));
                }
                long[] d = new long[t.shape().rank()];
                Arrays.fill(d, 1);
                d[0] = cs.size(0);
                cs = Shape.of(d);
            } else if (cs.rank() != 0 && !cs.equals(t.shape())) {
                throw new InvalidArgumentException(describe(ctx) + ": 'cond' and 'then' must have the same size, but "
                        + "received: " + cs + " vs. " + t.shape());
            }
        }
        BroadcastPlan plan = BroadcastPlan.of(describe(ctx), cs, t.shape(), e.shape());
        DeviceTensor out = ctx.allocateOnDevice(t.dtype(), plan.shape());
        long n = plan.numElements();
        if (n > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            if (plan.isFlat()) {
                dev.launch1d(dev.function(ElementwiseDataSources.DATA, "select_b" + width + "_flat"), n, c, t, e, out, n,
                        plan.flatStride(0), plan.flatStride(1), plan.flatStride(2));
            } else {
                dev.launch1d(dev.function(ElementwiseDataSources.DATA, "select_b" + width + "_bcast"), n,
                        plan.withLoopArgs(c, t, e, out, n));
            }
        }
        ctx.setOutput(0, out);
    }

    private static void broadcastTo(KernelContext ctx, int width) {
        DeviceTensor x = ctx.deviceInput(0);
        Shape target = ElementwiseGpuKernels.shapeFrom(ctx, 1, "shape");
        long[] xd = x.shape().dims();
        long[] td = target.dims();
        boolean ok = xd.length <= td.length;
        int lead = td.length - xd.length;
        long[] srcStrides = new long[td.length];
        long step = 1;
        for (int i = td.length - 1; i >= lead && ok; i--) {
            long d = xd[i - lead];
            ok = d == td[i] || d == 1;
            srcStrides[i] = d == 1 ? 0 : step;
            step *= d;
        }
        if (!ok) {
            throw new InvalidArgumentException(describe(ctx) + ": Unable to broadcast tensor of shape " + x.shape()
                    + " to tensor of shape " + target);
        }
        if (x.shape().equals(target)) {
            ctx.setOutput(0, x);
            return;
        }
        DeviceTensor out = ctx.allocateOnDevice(x.dtype(), target);
        copy(ctx, width, x, out, td, 0, srcStrides, 0, rowMajorStrides(td));
        ctx.setOutput(0, out);
    }

    private static void pad(KernelContext ctx, int width, boolean withConstant) {
        DeviceTensor x = ctx.deviceInput(0);
        dev.tensorgraph.Tensor p = ctx.input(1);
        long[] dims = x.shape().dims();
        int rank = dims.length;
        if (p.shape().rank() != 2 || p.shape().size(0) != rank || p.shape().size(1) != 2) {
            throw new InvalidArgumentException(describe(ctx) + ": paddings must be a matrix of shape [" + rank
                    + ", 2], got " + p.shape() + " for input shape " + x.shape());
        }
        long[] pv = ElementwiseGpuKernels.longs(ctx, p, "paddings");
        long[] od = new long[rank];
        for (int i = 0; i < rank; i++) {
            if (pv[2 * i] < 0 || pv[2 * i + 1] < 0) {
                throw new InvalidArgumentException(describe(ctx) + ": Paddings must be non-negative: " + pv[2 * i] + " "
                        + pv[2 * i + 1]);
            }
            od[i] = dims[i] + pv[2 * i] + pv[2 * i + 1];
        }
        DeviceTensor out = ctx.allocateOnDevice(x.dtype(), Shape.of(od));
        if (withConstant) {
            DeviceTensor constant = ctx.deviceInput(2);
            if (constant.dtype() != x.dtype() || constant.numElements() != 1) {
                throw new InvalidArgumentException(describe(ctx) + ": constant_values must be a scalar of " + x.dtype());
            }
            launchFlat(ctx, ElementwiseDataSources.DATA, "fill_from_b" + width, out.numElements(), out,
                    out.numElements(), constant);
        } else if (out.numElements() > 0) {
            CudaDevice.of(ctx).zero(out);
        }
        long[] os = rowMajorStrides(od);
        long base = 0;
        for (int i = 0; i < rank; i++) {
            base += pv[2 * i] * os[i];
        }
        copy(ctx, width, x, out, dims, 0, rowMajorStrides(dims), base, os);
        ctx.setOutput(0, out);
    }

    /** Copies every element of the walk over {@code dims} from {@code src} to {@code dst}, enqueued. */
    private static void copy(KernelContext ctx, int width, DeviceTensor src, DeviceTensor dst, long[] dims,
                             long srcBase, long[] srcStrides, long dstBase, long[] dstStrides) {
        BroadcastPlan plan = BroadcastPlan.strided(describe(ctx), dims, new long[] {srcBase, dstBase}, srcStrides,
                dstStrides);
        long n = plan.numElements();
        if (n > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            dev.launch1d(dev.function(ElementwiseDataSources.DATA, "copy_b" + width), n,
                    plan.withLoopArgs(src, dst, n, srcBase, dstBase));
        }
    }

    private static long[] rowMajorStrides(long[] dims) {
        long[] s = new long[dims.length];
        long step = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = step;
            step *= dims[i];
        }
        return s;
    }

    private static Kernel addN(Operation op) {
        DType t = op.input(0).dtype();
        if (!ElementwiseDataSources.ADDN_TYPES.contains(t)) {
            throw noKernel(op, t);
        }
        String kernel = "addn_" + ElementwisePrelude.suffix(t);
        int arity = ElementwiseDataSources.ADDN_ARITY;
        return ctx -> {
            int k = ctx.numInputs();
            DeviceTensor first = ctx.deviceInput(0);
            if (k == 1) {
                ctx.setOutput(0, first);
                return;
            }
            for (int j = 1; j < k; j++) {
                if (!ctx.deviceInput(j).shape().equals(first.shape())) {
                    throw new InvalidArgumentException(describe(ctx) + ": Inputs to operation AddN must have the same "
                            + "size and shape.  Input 0: " + first.shape() + " != input " + j + ": "
                            + ctx.deviceInput(j).shape());
                }
            }
            DeviceTensor out = ctx.allocateOnDevice(t, first.shape());
            long n = out.numElements();
            // Launch 1 sums inputs 0..7 into out; each later launch adds up to 7 more to out, in input order.
            int next = 0;
            while (next < k) {
                Object[] args = new Object[3 + arity];
                args[0] = out;
                args[1] = n;
                int used = 0;
                if (next > 0) {
                    args[3 + used++] = out;
                }
                while (used < arity && next < k) {
                    args[3 + used++] = ctx.deviceInput(next++);
                }
                args[2] = used;
                for (int j = used; j < arity; j++) {
                    args[3 + j] = args[3];
                }
                launchFlat(ctx, ElementwiseDataSources.DATA, kernel, n, args);
            }
            ctx.setOutput(0, out);
        };
    }
}
