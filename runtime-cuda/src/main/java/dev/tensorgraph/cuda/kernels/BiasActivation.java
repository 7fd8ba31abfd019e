package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;

/**
 * Launches the bias-and-activation epilogue ({@link ConvEpilogueSources}) shared by the fused convolution and
 * the fused BiasAdd-then-Relu6 step.
 */
final class BiasActivation {
    private BiasActivation() {}

    /**
     * {@code y = act(x + bias [+ side])}, {@code y} of {@code x}'s shape (it may be {@code x}); {@code side}
     * null for none. Checks the bias against {@code x}'s channels and {@code side}'s shape against {@code x}'s.
     */
    static void apply(KernelContext ctx, DeviceTensor x, DeviceTensor bias, DeviceTensor side, DeviceTensor y,
                      boolean nchw, int activation) {
        launch(ctx, x, bias, side, y, check(ctx, x, bias, side, nchw), activation);
    }

    /**
     * Checks the bias against {@code x}'s channels and {@code side}'s shape against {@code x}'s; returns the bias
     * layout {@link #launch} takes.
     */
    static long[] check(KernelContext ctx, DeviceTensor x, DeviceTensor bias, DeviceTensor side, boolean nchw) {
        long[] layout = NnGpuKernels.checkedBiasLayout(ctx, x, bias, nchw);
        if (side != null && !side.shape().equals(x.shape())) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": the tensor added has shape "
                    + side.shape() + " but the convolution gives " + x.shape());
        }
        return layout;
    }

    /** Enqueues {@code y = act(x + bias [+ side])} over inputs {@link #check} has passed. */
    static void launch(KernelContext ctx, DeviceTensor x, DeviceTensor bias, DeviceTensor side, DeviceTensor y,
                       long[] layout, int activation) {
        long n = x.numElements();
        if (n == 0) {
            return;
        }
        DType t = x.dtype();
        CudaDevice dev = CudaDevice.of(ctx);
        String suffix = HalfFloatCodecs.suffix(t);
        if (side == null) {
            dev.launch1d(dev.function(ConvEpilogueSources.CONV_EPILOGUE, "bias_act_" + suffix), n, x, y, bias, n,
                    layout[1], layout[2], activation);
        } else {
            dev.launch1d(dev.function(ConvEpilogueSources.CONV_EPILOGUE, "bias_add_act_" + suffix), n, x, y, bias, side,
                    n, layout[1], layout[2], activation);
        }
    }
}
