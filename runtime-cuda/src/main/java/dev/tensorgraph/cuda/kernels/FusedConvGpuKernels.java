package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.List;

/**
 * The GPU kernel of {@code _FusedConv2D} with {@code fused_ops} BiasAdd, optionally then Relu or Relu6 (float32,
 * bfloat16, float16; NHWC or NCHW): the convolution as Conv2D runs it on cuDNN (same algorithm choice and
 * layouts), then bias and activation in one in-place pass over its output ({@link ConvEpilogueSources}), where
 * the unfused graph makes a pass for each of BiasAdd and the activation (and for each op a batch normalization
 * folded into the filter and bias took).
 */
final class FusedConvGpuKernels {
    private FusedConvGpuKernels() {}

    static void register(KernelRegistry r) {
        r.register(KernelRegistry.GPU, "_FusedConv2D", ConvGpuKernels.sixteenBit(op -> {
            ConvGeometry.Attrs a = ConvGpuKernels.attrs(op);
            DType t = op.attrType("T");
            int activation = activation(op);
            boolean nchw = "NCHW".equals(op.attrString("data_format"));
            return ctx -> compute(ctx, a, t, activation, nchw);
        }));
    }

    /** The epilogue's activation code for {@code fused_ops}; unimplemented for anything but BiasAdd [+ Relu|Relu6]. */
    static int activation(Operation op) {
        List<String> ops = List.of((String[]) op.attr("fused_ops"));
        boolean biasFirst = !ops.isEmpty() && ops.get(0).equals("BiasAdd") && op.numInputs() == 3
                && op.input(2).dtype() == op.attrType("T");
        if (biasFirst && ops.size() == 1) {
            return ConvEpilogueSources.IDENTITY;
        }
        if (biasFirst && ops.size() == 2 && ops.get(1).equals("Relu")) {
            return ConvEpilogueSources.RELU;
        }
        if (biasFirst && ops.size() == 2 && ops.get(1).equals("Relu6")) {
            return ConvEpilogueSources.RELU6;
        }
        throw new UnimplementedException("_FusedConv2D '" + op.name() + "' on the GPU fuses BiasAdd then Relu, Relu6 or"
                + " nothing, with one bias of the convolution's type; got fused_ops " + ops);
    }

    private static void compute(KernelContext ctx, ConvGeometry.Attrs a, DType t, int activation, boolean nchw) {
        DeviceTensor y = ConvGpuKernels.convolve(ctx, a, t, false);
        DeviceTensor bias = ctx.deviceInput(2);
        long[] layout = NnGpuKernels.checkedBiasLayout(ctx, y, bias, nchw);
        long n = y.numElements();
        if (n > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            dev.launch1d(dev.function(ConvEpilogueSources.CONV_EPILOGUE, "conv_epilogue_" + HalfFloatCodecs.suffix(t)), n,
                    y, bias, n, layout[1], layout[2], activation);
        }
        ctx.setOutput(0, y);
    }
}
