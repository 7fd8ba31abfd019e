package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.FusedKernelFactory;
import dev.tensorgraph.kernel.FusionPattern;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * Fused GPU steps of an addition then Relu (Add or AddV2; float32, bfloat16, float16), a residual block's end
 * (ResNet's shortcut addition and the Relu after it, whose sizes are known only at run time): one pass over
 * the values when the two addends have one shape, else the broadcasting addition then Relu in place.
 */
final class FusedAddReluGpuKernels {
    private FusedAddReluGpuKernels() {}

    static void register(KernelRegistry r) {
        for (String add : new String[] {"Add", "AddV2"}) {
            r.registerFused(KernelRegistry.GPU, FusionPattern.of(add, "Relu"),
                    FusedKernelFactory.withHalfPrecision((sum, relu) -> {
                        DType t = sum.attrType("T");
                        if (t != relu.attrType("T") || (t != DType.FLOAT32 && !t.isHalfPrecision())) {
                            throw new UnimplementedException("fused " + add + " and Relu take float32, bfloat16 or "
                                    + "float16 only");
                        }
                        return ctx -> addRelu(ctx, t);
                    }));
        }
    }

    private static void addRelu(KernelContext ctx, DType t) {
        DeviceTensor a = ctx.deviceInput(0);
        DeviceTensor b = ctx.deviceInput(1);
        String kernel = "add_act_" + HalfFloatCodecs.suffix(t);
        DeviceTensor out;
        if (a.shape().equals(b.shape())) {
            out = ctx.allocateOnDevice(t, a.shape());
            ElementwiseGpuKernels.launchFlat(ctx, ConvEpilogueSources.CONV_EPILOGUE, kernel, out.numElements(), a, b, out,
                    out.numElements(), ConvEpilogueSources.RELU);
        } else {
            out = ElementwiseGpuKernels.binary(ctx, ElementwiseSources.binarySource(t, "add"), "add_" + ElementwisePrelude.suffix(t),
                    t, 0.0, false);
            ElementwiseGpuKernels.launchFlat(ctx, ConvEpilogueSources.CONV_EPILOGUE, kernel, out.numElements(), out, null,
                    out, out.numElements(), ConvEpilogueSources.RELU);
        }
        ctx.setOutput(0, out);
    }
}
