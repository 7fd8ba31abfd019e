package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.suffix;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.cuda.CudaSource;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.List;

/**
 * GPU kernels of the elementwise math family: broadcasting binary arithmetic, the fused activation
 * gradients, unary functions and activations, comparisons and logical ops, and Cast. Semantics follow the
 * CPU kernels (runtime-cpu's ElementwiseKernels, ActivationKernels, CastKernel), with one difference: an
 * integer division by zero gives 0 instead of failing, as a kernel cannot raise an error mid-run.
 * Select, fills, BroadcastTo, Pad and AddN are in {@link ElementwiseArrayKernels}.
 */
public final class ElementwiseGpuKernels implements DeviceKernelLibrary {
    private static final String GPU = KernelRegistry.GPU;

    /**
     * Whether int32 arithmetic runs on the GPU. As in TensorFlow, it does not: int32 tensors are mostly
     * shapes and indices computed on the host, and computing them on the device would copy them there and
     * back (a mid-run download, which also prevents recording the run). int64 arithmetic, comparisons of
     * every type, and casts run on the GPU.
     */
    static final boolean INT32_ARITHMETIC_ON_GPU = false;

    @Override
    public void register(KernelRegistry r) {
        String[][] binaries = {
            {"Add", "add"}, {"AddV2", "add"}, {"Sub", "sub"}, {"Mul", "mul"}, {"RealDiv", "div"}, {"Div", "div"},
            {"DivNoNan", "div_no_nan"}, {"FloorDiv", "floor_div"}, {"FloorMod", "floor_mod"}, {"Mod", "trunc_mod"},
            {"Pow", "pow"}, {"Maximum", "maximum"}, {"Minimum", "minimum"}, {"SquaredDifference", "squared_difference"},
        };
        for (String[] b : binaries) {
            r.register(GPU, b[0], sixteenBit(binary(b[1], false, false)));
        }
        String[][] gradients = {
            {"ReluGrad", "relu_grad"}, {"SigmoidGrad", "sigmoid_grad"}, {"TanhGrad", "tanh_grad"},
            {"SqrtGrad", "sqrt_grad"}, {"RsqrtGrad", "rsqrt_grad"}, {"ReciprocalGrad", "reciprocal_grad"},
            {"InvGrad", "reciprocal_grad"}, {"Relu6Grad", "relu6_grad"}, {"EluGrad", "elu_grad"},
            {"SoftplusGrad", "softplus_grad"}, {"SeluGrad", "selu_grad"}, {"SoftsignGrad", "softsign_grad"},
        };
        for (String[] g : gradients) {
            r.register(GPU, g[0], sixteenBit(binary(g[1], true, false)));
        }
        r.register(GPU, "LeakyReluGrad", sixteenBit(binary("leaky_relu_grad", true, true)));

        String[][] unaries = {
            {"Neg", "neg"}, {"Abs", "abs"}, {"Square", "square"}, {"Sign", "sign"}, {"Relu", "relu"},
            {"Round", "round"}, {"Floor", "floor"}, {"Ceil", "ceil"}, {"Sqrt", "sqrt"}, {"Rsqrt", "rsqrt"},
            {"Exp", "exp"}, {"Log", "log"}, {"Log1p", "log1p"}, {"Tanh", "tanh"}, {"Sigmoid", "sigmoid"},
            {"Reciprocal", "reciprocal"}, {"Inv", "reciprocal"}, {"Relu6", "relu6"}, {"Elu", "elu"},
            {"Softplus", "softplus"}, {"Selu", "selu"}, {"Softsign", "softsign"}, {"Erf", "erf"}, {"Erfc", "erfc"},
            {"Sin", "sin"}, {"Cos", "cos"},
        };
        for (String[] u : unaries) {
            r.register(GPU, u[0], sixteenBit(unary(u[1], false)));
        }
        r.register(GPU, "LeakyRelu", sixteenBit(unary("leaky_relu", true)));
        r.register(GPU, "LogicalNot", ElementwiseGpuKernels::logicalNot);

        String[][] compares = {
            {"Equal", "equal"}, {"NotEqual", "not_equal"}, {"Less", "less"}, {"LessEqual", "less_equal"},
            {"Greater", "greater"}, {"GreaterEqual", "greater_equal"}, {"LogicalAnd", "logical_and"},
            {"LogicalOr", "logical_or"},
        };
        for (String[] c : compares) {
            r.register(GPU, c[0], compare(c[1]));
        }
        KernelFactory cast = ElementwiseGpuKernels::cast;
        r.register(GPU, "Cast", KernelFactory.adapting(cast, cast, true));
        ElementwiseArrayKernels.register(r);
    }

    /**
     * {@code f}, declared to take bfloat16 and float16 values itself: its float kernels exist for them
     * ({@link ElementwiseSources#binarySource}), so no widening casts surround them.
     */
    static KernelFactory sixteenBit(KernelFactory f) {
        return KernelFactory.adapting(f, f, true);
    }

    static UnimplementedException noKernel(Operation op, DType t) {
        return new UnimplementedException(op.type() + " op '" + op.name() + "' has no GPU kernel for dtype " + t);
    }

    /** "Type 'name'", for messages. */
    static String describe(KernelContext ctx) {
        return ctx.op().type() + " op '" + ctx.op().name() + "'";
    }

    private static boolean arithmeticType(DType t) {
        return t == DType.FLOAT32 || t == DType.FLOAT64 || t.isHalfPrecision() || t == DType.INT64
                || (t == DType.INT32 && INT32_ARITHMETIC_ON_GPU);
    }

    /** A broadcasting binary kernel; {@code sameShape} demands equal shapes (the fused gradient ops). */
    private static KernelFactory binary(String name, boolean sameShape, boolean alpha) {
        return op -> {
            DType t = op.input(0).dtype();
            if (!arithmeticType(t) || !ElementwiseSources.hasBinary(name, t)) {
                throw noKernel(op, t);
            }
            double param = alpha ? op.attrFloat("alpha") : 0.0;
            CudaSource source = ElementwiseSources.binarySource(t, name);
            String kernel = name + "_" + suffix(t);
            return ctx -> launchBinary(ctx, source, kernel, t, param, sameShape);
        };
    }

    private static KernelFactory compare(String name) {
        return op -> {
            DType t = op.input(0).dtype();
            if (!ElementwiseSources.hasCompare(name, t)) {
                throw noKernel(op, t);
            }
            String kernel = name + "_" + suffix(t);
            CudaSource source = ElementwiseSources.compareSource(t, name);
            return ctx -> launchBinary(ctx, source, kernel, DType.BOOL, 0.0, false);
        };
    }

    /**
     * {@code out = f(x, y)} with kernels {@code kernel + "_flat"} / {@code "_bcast"} of {@code source}: inputs 0
     * and 1 broadcast against each other.
     */
    static void launchBinary(KernelContext ctx, CudaSource source, String kernel, DType outType, double param,
                             boolean sameShape) {
        ctx.setOutput(0, binary(ctx, source, kernel, outType, param, sameShape));
    }

    /** As {@link #launchBinary}, the result returned rather than set as the op's output. */
    static DeviceTensor binary(KernelContext ctx, CudaSource source, String kernel, DType outType, double param,
                               boolean sameShape) {
        DeviceTensor x = ctx.deviceInput(0);
        DeviceTensor y = ctx.deviceInput(1);
        if (sameShape && !x.shape().equals(y.shape())) {
            throw new InvalidArgumentException(describe(ctx) + ": Incompatible shapes: " + x.shape() + " vs. " + y.shape());
        }
        BroadcastPlan plan = BroadcastPlan.of(describe(ctx), x.shape(), y.shape());
        DeviceTensor out = ctx.allocateOnDevice(outType, plan.shape());
        long n = plan.numElements();
        if (n > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            if (plan.isFlat() && ElementwiseSources.hasEightWide(source) && plan.flatStride(0) == 1
                    && plan.flatStride(1) == 1 && eightWide(n, x, y, out)) {
                dev.launch1d(dev.function(source, ElementwiseSources.eightWide(kernel + "_flat")), n / 8, x, y, out, n / 8,
                        param);
            } else if (plan.isFlat()) {
                dev.launch1d(dev.function(source, kernel + "_flat"), n, x, y, out, n, plan.flatStride(0),
                        plan.flatStride(1), param);
            } else {
                dev.launch1d(dev.function(source, kernel + "_bcast"), n, plan.withLoopArgs(x, y, out, n, param));
            }
        }
        return out;
    }

    private static KernelFactory unary(String name, boolean alpha) {
        return op -> {
            DType t = op.input(0).dtype();
            if (!arithmeticType(t) || !ElementwiseSources.hasUnary(name, t)) {
                throw noKernel(op, t);
            }
            double param = alpha ? op.attrFloat("alpha") : 0.0;
            CudaSource source = ElementwiseSources.unarySource(t, name);
            String kernel = name + "_" + suffix(t);
            return ctx -> {
                DeviceTensor x = ctx.deviceInput(0);
                DeviceTensor out = ctx.allocateOnDevice(t, x.shape());
                launchFlat(ctx, source, kernel, x.numElements(), x, out, x.numElements(), param);
                ctx.setOutput(0, out);
            };
        };
    }

    private static dev.tensorgraph.kernel.Kernel logicalNot(Operation op) {
        if (op.input(0).dtype() != DType.BOOL) {
            throw noKernel(op, op.input(0).dtype());
        }
        return ctx -> {
            DeviceTensor x = ctx.deviceInput(0);
            DeviceTensor out = ctx.allocateOnDevice(DType.BOOL, x.shape());
            launchFlat(ctx, ElementwiseSources.UNARY_OTHER, "logical_not_bool", x.numElements(), x, out, x.numElements());
            ctx.setOutput(0, out);
        };
    }

    /**
     * Cast on the GPU: between float32, float64, the integers and bool; and between float32, bfloat16 and
     * float16 (bit for bit as the CPU). Other pairs run on the CPU.
     */
    private static dev.tensorgraph.kernel.Kernel cast(Operation op) {
        DType src = op.attrType("SrcT");
        DType dst = op.attrType("DstT");
        boolean half = src.isHalfPrecision() || dst.isHalfPrecision();
        List<DType> types = half ? ElementwiseSources.HALF_CAST_TYPES : ElementwiseSources.CAST_TYPES;
        if (!types.contains(src) || !types.contains(dst)) {
            throw new UnimplementedException("Cast op '" + op.name() + "' from " + src + " to " + dst
                    + " has no GPU kernel");
        }
        if (src == dst) {
            return ctx -> ctx.setOutput(0, ctx.deviceInput(0));
        }
        String kernel = ElementwiseSources.castKernel(src, dst);
        return ctx -> {
            DeviceTensor x = ctx.deviceInput(0);
            DeviceTensor out = ctx.allocateOnDevice(dst, x.shape());
            if (half) {
                launchHalfCast(ctx, x, out);
            } else {
                launchFlat(ctx, ElementwiseSources.CAST, kernel, x.numElements(), x, out, x.numElements());
            }
            ctx.setOutput(0, out);
        };
    }

    /**
     * Casts {@code x} into {@code out} (same shape) between float32, bfloat16 and float16, bit for bit as the CPU;
     * 8 values a thread in whole 16-byte words where the sizes and addresses allow.
     */
    static void launchHalfCast(KernelContext ctx, DeviceTensor x, DeviceTensor out) {
        long n = x.numElements();
        String kernel = ElementwiseSources.castKernel(x.dtype(), out.dtype());
        if (eightWide(n, x, out)) {
            launchFlat(ctx, ElementwiseSources.HALF_CAST, ElementwiseSources.eightWide(kernel), n / 8, x, out, n / 8);
        } else {
            launchFlat(ctx, ElementwiseSources.HALF_CAST, kernel, n, x, out, n);
        }
    }

    /** Whether {@code n} values of each tensor may be read or written 8 at a time, as whole 16-byte words. */
    static boolean eightWide(long n, DeviceTensor... tensors) {
        if (n % 8 != 0) {
            return false;
        }
        for (DeviceTensor t : tensors) {
            if (t.address() % 16 != 0) {
                return false;
            }
        }
        return true;
    }

    /** Launches {@code kernel} over {@code n} threads unless {@code n} is 0 (an empty tensor needs no work). */
    static void launchFlat(KernelContext ctx, CudaSource source, String kernel, long n, Object... args) {
        if (n > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            dev.launch1d(dev.function(source, kernel), n, args);
        }
    }

    /** A shape from a host int32/int64 vector input, e.g. Fill's dims. */
    static Shape shapeFrom(KernelContext ctx, int input, String what) {
        dev.tensorgraph.Tensor t = ctx.input(input);
        if (t.shape().rank() > 1) {
            throw new InvalidArgumentException(describe(ctx) + ": " + what + " must be a vector, got shape " + t.shape());
        }
        long[] d = longs(ctx, t, what);
        for (long v : d) {
            if (v < 0) {
                throw new InvalidArgumentException(describe(ctx) + ": " + what + " must hold non-negative sizes, got "
                        + java.util.Arrays.toString(d));
            }
        }
        return Shape.of(d);
    }

    /** The values of a host int32/int64 tensor. */
    static long[] longs(KernelContext ctx, dev.tensorgraph.Tensor t, String what) {
        if (t.dtype() == DType.INT64) {
            return ((long[]) t.array()).clone();
        }
        if (t.dtype() == DType.INT32) {
            int[] a = (int[]) t.array();
            long[] r = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i];
            }
            return r;
        }
        throw new InvalidArgumentException(describe(ctx) + ": " + what + " must be int32 or int64, got " + t.dtype());
    }
}
