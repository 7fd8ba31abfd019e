package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.ArgReductionAxis;

/**
 * GPU kernels of the reductions: Sum, Mean, Prod, Max, Min (float32, int32, int64), ArgMax and ArgMin (of
 * those, int32 or int64 output), and BiasAddGrad (float32, NHWC or NCHW). Axes are host-memory inputs, as
 * in TensorFlow, so the kernels choose their launches from shapes alone. Results match the CPU kernels:
 * Mean of integers truncates, Mean of nothing is NaN (0 for integers), Max/Min of nothing are the lowest and
 * highest values, ArgMax/ArgMin return the first index on ties.
 */
public final class ReductionGpuKernels implements DeviceKernelLibrary {
    private static final String GPU = KernelRegistry.GPU;
    private static final int MEAN = -1;

    @Override
    public void register(KernelRegistry r) {
        r.register(GPU, "Sum", axesOnHost(op -> reduction(op, ReductionSources.SUM)));
        r.register(GPU, "Prod", axesOnHost(op -> reduction(op, ReductionSources.PROD)));
        r.register(GPU, "Max", axesOnHost(op -> reduction(op, ReductionSources.MAX)));
        r.register(GPU, "Min", axesOnHost(op -> reduction(op, ReductionSources.MIN)));
        r.register(GPU, "Mean", axesOnHost(op -> reduction(op, MEAN)));
        r.register(GPU, "ArgMax", axesOnHost(op -> argReduction(op, true)));
        r.register(GPU, "ArgMin", axesOnHost(op -> argReduction(op, false)));
        r.register(GPU, "BiasAddGrad", ReductionGpuKernels::biasAddGrad);
    }

    private static KernelFactory axesOnHost(KernelFactory f) {
        return KernelFactory.withHostMemory(f, new int[] {1}, new int[0]);
    }

    private static DType numericType(Operation op) {
        DType t = op.attrType("T");
        if (!ReductionSources.supports(t)) {
            throw LayoutHostArgs.noKernel(op, t);
        }
        return t;
    }

    private static Kernel reduction(Operation op, int code) {
        DType t = numericType(op);
        boolean keepDims = op.attrBool("keep_dims");
        return ctx -> {
            DeviceTensor in = ctx.deviceInput(0);
            long[] axes = LayoutHostArgs.longs(ctx, ctx.input(1), "reduction_indices");
            ReductionPasses plan = ReductionPasses.of(LayoutHostArgs.describe(ctx), in.shape().dims(), axes, keepDims);
            ctx.setOutput(0, reduce(ctx, in, plan, code, t));
        };
    }

    /** The reduction of {@code in} by the plan: a view when nothing is folded, the identity for no input. */
    private static DeviceTensor reduce(KernelContext ctx, DeviceTensor in, ReductionPasses plan, int code, DType t) {
        if (plan.passes().length == 0 && in.numElements() > 0) {
            return in.withShape(plan.outShape());
        }
        CudaDevice dev = CudaDevice.of(ctx);
        DeviceTensor out = ctx.allocateOnDevice(t, plan.outShape());
        int op = code == MEAN ? ReductionSources.SUM : code;
        if (in.numElements() == 0) {
            if (out.numElements() > 0) {
                ReductionRunner.fill(dev, out, identity(t, op, code == MEAN));
            }
            return out;
        }
        ReductionRunner.reduce(dev, in, out, plan, op, code == MEAN);
        return out;
    }

    private static Object identity(DType t, int op, boolean mean) {
        return switch (t) {
            case FLOAT32 -> mean ? Float.NaN : switch (op) {
                case ReductionSources.SUM -> 0f;
                case ReductionSources.PROD -> 1f;
                case ReductionSources.MAX -> Float.NEGATIVE_INFINITY;
                default -> Float.POSITIVE_INFINITY;
            };
            case INT32 -> switch (op) {
                case ReductionSources.SUM -> 0;
                case ReductionSources.PROD -> 1;
                case ReductionSources.MAX -> Integer.MIN_VALUE;
                default -> Integer.MAX_VALUE;
            };
            default -> switch (op) {
                case ReductionSources.SUM -> 0L;
                case ReductionSources.PROD -> 1L;
                case ReductionSources.MAX -> Long.MIN_VALUE;
                default -> Long.MAX_VALUE;
            };
        };
    }

    private static Kernel argReduction(Operation op, boolean max) {
        DType t = numericType(op);
        DType outType = op.attrType("output_type");
        if (outType != DType.INT32 && outType != DType.INT64) {
            throw LayoutHostArgs.noKernel(op, outType);
        }
        return ctx -> {
            DeviceTensor in = ctx.deviceInput(0);
            Tensor dim = ctx.input(1);
            if (dim.numElements() != 1) {
                throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": dimension must be a scalar, got shape "
                        + dim.shape());
            }
            ArgReductionAxis view = ArgReductionAxis.of(LayoutHostArgs.describe(ctx) + ": ", in.shape(),
                    LayoutHostArgs.longs(ctx, dim, "dimension")[0]);
            DeviceTensor out = ctx.allocateOnDevice(outType, view.outShape());
            if (out.numElements() > 0) {
                ReductionRunner.argReduce(CudaDevice.of(ctx), in, out, view.outer(), view.size(), view.inner(), max);
            }
            ctx.setOutput(0, out);
        };
    }

    /** The bias gradient: a Sum over every axis but the channel axis of the [outer, channels, inner] layout. */
    private static Kernel biasAddGrad(Operation op) {
        DType t = op.attrType("T");
        if (t != DType.FLOAT32) {
            throw LayoutHostArgs.noKernel(op, t);
        }
        boolean nchw = "NCHW".equals(op.attrString("data_format"));
        return ctx -> {
            DeviceTensor g = ctx.deviceInput(0);
            long[] layout = LayoutHostArgs.biasLayout(ctx, g.shape(), nchw);
            ReductionPasses plan = ReductionPasses.of(LayoutHostArgs.describe(ctx), layout, new long[] {0, 2}, false);
            DeviceTensor view = g.withShape(Shape.of(layout));
            ctx.setOutput(0, reduce(ctx, view, plan, ReductionSources.SUM, t));
        };
    }
}
