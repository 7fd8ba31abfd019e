package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;

/**
 * The forward pass of depthwise convolutions (and of grouped convolutions with one input channel per group, the
 * same arithmetic) on {@link DepthwiseDirectSources} instead of cuDNN. MobileNetV2 at batch 32 spent most of its
 * time in cuDNN's grouped convolutions for these layers. The gradients stay on cuDNN.
 * {@code -Dtensorgraph.cuda.depthwiseDirect=false} sends the forward pass back to cuDNN too.
 */
final class DepthwiseDirect {
    private DepthwiseDirect() {}

    static final boolean ENABLED = !"false".equals(System.getProperty("tensorgraph.cuda.depthwiseDirect"));

    /** Whether {@code g} has one input channel per group, so that this kernel computes it. */
    static boolean handles(ConvGeometry g) {
        return ENABLED && g.groups() > 1 && g.groups() == g.c();
    }

    /** Enqueues {@code y = depthwise(x, f)}, all three in the layout {@code nchw} says, {@code f} as TensorFlow's. */
    static void forward(CudaDevice dev, ConvGeometry g, boolean nchw, DeviceTensor x, DeviceTensor f, DeviceTensor y) {
        forward(dev, g, nchw, x, f, null, ConvEpilogueSources.IDENTITY, y);
    }

    /**
     * Enqueues {@code y = act(depthwise(x, f) + bias)}: {@code bias} of the output channels (checked by the caller)
     * or null, {@code activation} one of {@link ConvEpilogueSources}' codes.
     */
    static void forward(CudaDevice dev, ConvGeometry g, boolean nchw, DeviceTensor x, DeviceTensor f,
                        DeviceTensor bias, int activation, DeviceTensor y) {
        int multiplier = g.o() / g.c();
        // Four channels a thread where they come in fours (MobileNet's and EfficientNet's layers all do).
        boolean quads = !nchw && multiplier == 1 && g.c() % 4 == 0 && y.numElements() < Integer.MAX_VALUE;
        String kernel = (nchw ? "depthwise_nchw_" : quads ? "depthwise_nhwc4_" : "depthwise_nhwc_")
                + HalfFloatCodecs.suffix(x.dtype());
        long threads = quads ? y.numElements() / 4 : y.numElements();
        dev.launch1d(dev.function(DepthwiseDirectSources.DEPTHWISE, kernel), threads, x, f, y, bias, activation,
                g.n(), g.h(), g.w(), g.c(), multiplier, g.oh(), g.ow(), g.kh(), g.kw(), g.sh(), g.sw(), g.dh(), g.dw(),
                g.padTop(), g.padLeft());
    }
}
