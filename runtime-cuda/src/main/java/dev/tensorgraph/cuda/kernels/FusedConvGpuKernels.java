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
 * The GPU kernel of {@code _FusedConv2D} (NHWC or NCHW): one cuDNN plan of the convolution and its
 * {@code fused_ops} where an engine takes them and is faster ({@link FusedConvEngines}); else the convolution as
 * Conv2D runs it on cuDNN (same algorithm choice and layouts), then its {@code fused_ops} in one in-place pass
 * over its output ({@link BiasActivation}): BiasAdd, optionally the addition of a tensor of the output's shape,
 * optionally Relu or Relu6. The unfused graph makes a pass for each of these ops, and for each op of a batch
 * normalization folded into the filter and bias. Also {@code _FusedDepthwiseConv2dNative}: the depthwise
 * convolution with its bias and activation added as {@link DepthwiseDirect} computes it.
 */
final class FusedConvGpuKernels {
    private FusedConvGpuKernels() {}

    /** What {@code fused_ops} asks for after the convolution. */
    record Epilogue(boolean add, int activation) {
        static Epilogue of(Operation op) {
            List<String> ops = List.of((String[]) op.attr("fused_ops"));
            boolean add = ops.size() > 1 && ops.get(1).equals("Add");
            int args = add ? 2 : 1;
            String activation = ops.size() > args ? ops.get(args) : null;
            boolean typed = op.numInputs() == 2 + args;
            for (int i = 2; typed && i < op.numInputs(); i++) {
                typed = op.input(i).dtype() == op.attrType("T");
            }
            if (ops.isEmpty() || !ops.get(0).equals("BiasAdd") || !typed || ops.size() > args + 1
                    || activation != null && !activation.equals("Relu") && !activation.equals("Relu6")) {
                throw new UnimplementedException(op.type() + " '" + op.name() + "' on the GPU fuses BiasAdd, optionally "
                        + "Add, then optionally Relu or Relu6, with arguments of the convolution's type; got fused_ops "
                        + ops);
            }
            int code = activation == null ? ConvEpilogueSources.IDENTITY
                    : activation.equals("Relu") ? ConvEpilogueSources.RELU : ConvEpilogueSources.RELU6;
            return new Epilogue(add, code);
        }
    }

    static void register(KernelRegistry r) {
        r.register(KernelRegistry.GPU, "_FusedConv2D", ConvGpuKernels.sixteenBit(op -> {
            ConvGeometry.Attrs a = ConvGpuKernels.attrs(op);
            DType t = op.attrType("T");
            Epilogue e = Epilogue.of(op);
            boolean nchw = "NCHW".equals(op.attrString("data_format"));
            return ctx -> compute(ctx, a, t, e, nchw);
        }));
        registerDepthwise(r);
    }

    /**
     * {@code _FusedDepthwiseConv2dNative} with a bias and optionally Relu or Relu6: in one pass where
     * {@link DepthwiseDirect} computes the convolution, else the convolution then the epilogue pass.
     */
    private static void registerDepthwise(KernelRegistry r) {
        r.register(KernelRegistry.GPU, "_FusedDepthwiseConv2dNative", ConvGpuKernels.sixteenBit(op -> {
            ConvGeometry.Attrs a = ConvGpuKernels.attrs(op);
            DType t = op.attrType("T");
            Epilogue e = Epilogue.of(op);
            if (e.add()) {
                throw new UnimplementedException("_FusedDepthwiseConv2dNative '" + op.name() + "' fuses BiasAdd, then "
                        + "optionally Relu or Relu6; got fused_ops " + List.of((String[]) op.attr("fused_ops")));
            }
            boolean nchw = "NCHW".equals(op.attrString("data_format"));
            return ctx -> computeDepthwise(ctx, a, t, e, nchw);
        }));
    }

    private static void computeDepthwise(KernelContext ctx, ConvGeometry.Attrs a, DType t, Epilogue e, boolean nchw) {
        ConvGpuKernels.Forward c = ConvGpuKernels.forward(ctx, a, true);
        DeviceTensor y = ctx.allocateOnDevice(t, c.g().outShape(nchw));
        DeviceTensor bias = ctx.deviceInput(2);
        long[] layout = BiasActivation.check(ctx, y, bias, null, nchw);
        CudaDevice dev = CudaDevice.of(ctx);
        if (y.numElements() > 0 && c.x().numElements() > 0 && DepthwiseDirect.handles(c.g())) {
            DepthwiseDirect.forward(dev, c.g(), nchw, c.x(), c.f(), bias, e.activation(), y);
        } else {
            ConvGpuKernels.convolveInto(dev, ctx.op().name(), a, c, y);
            BiasActivation.launch(ctx, y, bias, null, y, layout, e.activation());
        }
        ctx.setOutput(0, y);
    }

    private static void compute(KernelContext ctx, ConvGeometry.Attrs a, DType t, Epilogue e, boolean nchw) {
        String op = ctx.op().name();
        ConvGpuKernels.Forward c = ConvGpuKernels.forward(ctx, a, false);
        DeviceTensor y = ctx.allocateOnDevice(t, c.g().outShape(nchw));
        DeviceTensor bias = ctx.deviceInput(2);
        DeviceTensor side = e.add() ? ctx.deviceInput(3) : null;
        long[] layout = BiasActivation.check(ctx, y, bias, side, nchw);
        CudaDevice dev = CudaDevice.of(ctx);
        Runnable unfused = () -> {
            ConvGpuKernels.convolveInto(dev, op, a, c, y);
            BiasActivation.launch(ctx, y, bias, side, y, layout, e.activation());
        };
        if (!FusedConvEngines.run(dev, op, a, c, e, bias, side, y, unfused)) {
            unfused.run();
        }
        ctx.setOutput(0, y);
    }
}
