package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.DnnStatus.checkCudnn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.SizeVector;
import java.util.Arrays;
import java.util.function.Function;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * GPU kernels of Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter (float32, bfloat16 and float16, always
 * computed in float32) on cuDNN, NHWC and NCHW described to cuDNN as they are (no data transposes), grouped
 * convolutions included (the group count set on the convolution descriptor); the DepthwiseConv2dNative ops run as
 * grouped convolutions with one group per input channel, their filter {@code [kh, kw, c, m]} read as
 * {@code [kh, kw, 1, c * m]}, except that the forward pass of a convolution with one input channel per group is
 * {@link DepthwiseDirect}'s. TensorFlow's HWIO filter matches neither cuDNN filter layout, so a KRSC (NHWC) or
 * KCRS (NCHW) copy is made per call, and the filter gradient is computed in that layout and transposed back. cuDNN pads symmetrically: where TensorFlow's padding is not (SAME
 * with an odd total, or EXPLICIT), the input is padded explicitly by the difference, as TensorFlow's own GPU
 * kernel does, and the input gradient is computed padded and cropped.
 */
final class ConvGpuKernels {
    private ConvGpuKernels() {}

    static void register(KernelRegistry r) {
        for (boolean depthwise : new boolean[] {false, true}) {
            String prefix = depthwise ? "DepthwiseConv2dNative" : "Conv2D";
            r.register(KernelRegistry.GPU, prefix, sixteenBit(op -> {
                ConvGeometry.Attrs a = attrs(op);
                DType t = op.attrType("T");
                return ctx -> conv2d(ctx, a, t, depthwise);
            }));
            r.register(KernelRegistry.GPU, prefix + "BackpropInput", sixteenBit(KernelFactory.withHostMemory(op -> {
                ConvGeometry.Attrs a = attrs(op);
                DType t = op.attrType("T");
                return ctx -> backwardData(ctx, a, t, depthwise);
            }, new int[] {0}, new int[0])));
            r.register(KernelRegistry.GPU, prefix + "BackpropFilter", sixteenBit(KernelFactory.withHostMemory(op -> {
                ConvGeometry.Attrs a = attrs(op);
                DType t = op.attrType("T");
                return ctx -> backwardFilter(ctx, a, t, depthwise);
            }, new int[] {1}, new int[0])));
        }
    }

    /**
     * The filter dims as a grouped convolution sees them: a depthwise filter {@code [kh, kw, c, m]} is the grouped
     * filter {@code [kh, kw, 1, c * m]} (c groups) with the same memory layout.
     */
    private static int[] groupedFilter(int[] fd, boolean depthwise) {
        return depthwise ? new int[] {fd[0], fd[1], 1, fd[2] * fd[3]} : fd;
    }

    /** A view of filter-shaped {@code t} with the dims {@code fd}. */
    private static DeviceTensor filterView(DeviceTensor t, int[] fd) {
        Shape s = Shape.of(fd[0], fd[1], fd[2], fd[3]);
        return s.equals(t.shape()) ? t : new DeviceTensor(t.dtype(), s, t.buffer());
    }

    /**
     * The number of groups of a convolution of {@code inDepth} channels by a (grouped-view) filter {@code fd}:
     * the input depth must be a multiple of the filter's, the output depth of the group count.
     */
    private static int groups(int inDepth, int[] fd, String op, Shape input, Shape filter) {
        if (fd[2] <= 0 || inDepth % fd[2] != 0 || fd[3] % (inDepth / fd[2]) != 0) {
            throw new InvalidArgumentException(op + ": input depth " + inDepth + " of input shape " + input
                    + " must be a multiple of the filter's input depth, and the filter's output depth a multiple of the"
                    + " groups (filter shape " + filter + ")");
        }
        return inDepth / fd[2];
    }

    /** {@code f}, declared to take bfloat16 and float16 values itself (no widening around it). */
    static KernelFactory sixteenBit(KernelFactory f) {
        return KernelFactory.adapting(f, f, true);
    }

    static ConvGeometry.Attrs attrs(Operation op) {
        DType t = op.attrType("T");
        if (t != DType.FLOAT32 && !t.isHalfPrecision()) {
            throw new UnimplementedException(op.type() + " '" + op.name() + "' has no GPU kernel for " + t);
        }
        return ConvGeometry.Attrs.of(op);
    }

    private static final int[] TO_NCHW = {0, 3, 1, 2};
    private static final int[] TO_NHWC = {0, 2, 3, 1};

    /**
     * Whether an NHWC convolution runs on NCHW copies. cuDNN 9's exact FP32 convolutions are about twice as
     * fast in NCHW (AlexNet's layers at batch 128 on an H100: 16.3 ms against 34.2 ms forward and backward,
     * ConvLayoutProbe), which pays for the transposes many times over; with TF32, NHWC is faster (7.8 ms
     * against 10.1 ms), so it stays.
     */
    static boolean throughNchw(CudaDevice dev, ConvGeometry.Attrs a, DType t) {
        return !a.nchw() && !dev.allowTf32() && t == DType.FLOAT32;
    }

    /**
     * Whether tensor cores may compute the convolution: for float32 where TF32 is allowed, for 16-bit data
     * always (bfloat16 and float16 products are exact in float32 accumulation; NHWC is their fast layout).
     */
    static boolean tensorMath(CudaDevice dev, DType t) {
        return dev.allowTf32() || t.isHalfPrecision();
    }

    /**
     * Whether 16-bit NHWC convolutions over fewer than {@link #CHANNEL_QUANTUM} input channels (a network's first
     * layer: RGB or grayscale) run on copies padded with zero channels. cuDNN's tensor-core kernels for 16-bit NHWC
     * data want channel counts in multiples of 8; with 3 channels it falls back to slow ones (AlexNet's first layer
     * at batch 128 took 0.95 ms forward in bf16 on an H100, a sixth of the step). The zero channels add nothing to
     * any sum. Off unless {@code -Dtensorgraph.cuda.padChannels=true}: the results match the CPU
     * ({@code SixteenBitKernelsGpuTest} with the property set), but the copies and the padded filter cost more than
     * they save (W5 in bf16 on an H100: 6.12 ms per step padded against 5.64 unpadded).
     */
    static final boolean PAD_CHANNELS = Boolean.getBoolean("tensorgraph.cuda.padChannels");
    private static final int CHANNEL_QUANTUM = 8;

    /** The input channels the convolution {@code g} runs with: its own, or padded (see {@link #PAD_CHANNELS}). */
    static int runChannels(ConvGeometry g, boolean nchw, DType t) {
        boolean pad = PAD_CHANNELS && t.isHalfPrecision() && !nchw && g.groups() == 1 && g.symmetric()
                && g.c() < CHANNEL_QUANTUM;
        return pad ? CHANNEL_QUANTUM : g.c();
    }

    /** An NCHW copy of NHWC {@code t} in scratch memory (release its buffer after use). */
    private static DeviceTensor toNchw(CudaDevice dev, String op, DeviceTensor t) {
        DeviceTensor out = nchwScratch(dev, t);
        LayoutCopies.transpose(dev, op, t, TO_NCHW, out);
        return out;
    }

    /** Scratch memory for the NCHW form of NHWC {@code t}. */
    private static DeviceTensor nchwScratch(CudaDevice dev, DeviceTensor t) {
        long[] d = t.shape().dims();
        return new DeviceTensor(t.dtype(), Shape.of(d[0], d[3], d[1], d[2]), dev.scratch(t.byteSize()));
    }

    /** NHWC dims {n, h, w, c} of a 4-D shape in the op's layout. */
    static int[] nhwc(Shape s, boolean nchw, String op, String what) {
        if (s.rank() != 4) {
            throw new InvalidArgumentException(op + ": " + what + " must be 4-dimensional, got shape " + s);
        }
        int[] d = s.intDims();
        return nchw ? new int[] {d[0], d[2], d[3], d[1]} : d;
    }

    private static int[] filterDims(Shape s, String op) {
        if (s.rank() != 4) {
            throw new InvalidArgumentException(op + ": filter must be 4-dimensional, got shape " + s);
        }
        return s.intDims();
    }

    /** A host int32/int64 vector of 4 sizes (input_sizes, filter_sizes). */
    static int[] sizes(Tensor t, String op, String what) {
        return SizeVector.ints(op + ": ", t, what, 4);
    }

    private static void checkOut(ConvGeometry g, int[] dd, Shape dyShape, String op) {
        if (dd[0] != g.n() || dd[1] != g.oh() || dd[2] != g.ow() || dd[3] != g.o()) {
            throw new InvalidArgumentException(op + ": out_backprop has shape " + dyShape + " but the convolution gives ["
                    + g.n() + ", " + g.oh() + ", " + g.ow() + ", " + g.o() + "] (NHWC)");
        }
    }

    static ConvAlgorithms.Problem problem(ConvAlgorithms.Direction dir, ConvGeometry g, boolean nchw, boolean tf32,
                                                  DType t) {
        return new ConvAlgorithms.Problem(dir, g.n(), g.c(), g.paddedH(), g.paddedW(), g.o(), g.kh(), g.kw(), g.padH(),
                g.padW(), g.sh(), g.sw(), g.dh(), g.dw(), nchw, tf32, g.groups(), DnnDescriptors.dataType(t));
    }

    // ---- Conv2D ----

    private static void conv2d(KernelContext ctx, ConvGeometry.Attrs a, DType t, boolean depthwise) {
        ctx.setOutput(0, convolve(ctx, a, t, depthwise));
    }

    /** The convolution of inputs 0 (x) and 1 (filter) of {@code ctx}'s op, in a new tensor. */
    static DeviceTensor convolve(KernelContext ctx, ConvGeometry.Attrs a, DType t, boolean depthwise) {
        Forward c = forward(ctx, a, depthwise);
        DeviceTensor y = ctx.allocateOnDevice(t, c.g().outShape(a.nchw()));
        convolveInto(CudaDevice.of(ctx), ctx.op().name(), a, c, y);
        return y;
    }

    /** A forward convolution's checked geometry, its input and its filter (viewed with the group's depth). */
    record Forward(ConvGeometry g, DeviceTensor x, DeviceTensor f) {}

    /** The forward convolution of inputs 0 (x) and 1 (filter) of {@code ctx}'s op, checked. */
    static Forward forward(KernelContext ctx, ConvGeometry.Attrs a, boolean depthwise) {
        String op = ctx.op().name();
        DeviceTensor x = ctx.deviceInput(0);
        int[] xd = nhwc(x.shape(), a.nchw(), op, "input");
        int[] given = filterDims(ctx.deviceInput(1).shape(), op);
        if (depthwise && given[2] != xd[3]) {
            throw new InvalidArgumentException(op + ": input depth " + xd[3] + " of input shape " + x.shape()
                    + " does not match the filter's input depth " + given[2]);
        }
        int[] fd = groupedFilter(given, depthwise);
        DeviceTensor f = filterView(ctx.deviceInput(1), fd);
        ConvGeometry g = ConvGeometry.of(xd[0], xd[1], xd[2], xd[3], fd[0], fd[1], fd[3], a, op)
                .withGroups(groups(xd[3], fd, op, x.shape(), ctx.deviceInput(1).shape()));
        return new Forward(g, x, f);
    }

    /** Enqueues forward convolution {@code c} into {@code y}, of its output shape. */
    static void convolveInto(CudaDevice dev, String op, ConvGeometry.Attrs a, Forward c, DeviceTensor y) {
        ConvGeometry g = c.g();
        DeviceTensor x = c.x();
        DeviceTensor f = c.f();
        DType t = x.dtype();
        if (y.numElements() > 0) {
            if (x.numElements() == 0 || f.numElements() == 0) {
                dev.zero(y);
            } else if (DepthwiseDirect.handles(g)) {
                DepthwiseDirect.forward(dev, g, a.nchw(), x, f, y);
            } else {
                if (throughNchw(dev, a, t)) {
                    DeviceTensor xt = toNchw(dev, op, x);
                    DeviceTensor yt = nchwScratch(dev, y);
                    try {
                        runForward(dev, op, g, true, xt, f, yt);
                        LayoutCopies.transpose(dev, op, yt, TO_NHWC, y);
                    } finally {
                        dev.release(xt.buffer());
                        dev.release(yt.buffer());
                    }
                } else {
                    runForward(dev, op, g, a.nchw(), x, f, y);
                }
            }
        }
    }

    private static void runForward(CudaDevice dev, String op, ConvGeometry given, boolean nchw, DeviceTensor x,
                                   DeviceTensor f, DeviceTensor y) {
        int channels = runChannels(given, nchw, x.dtype());
        boolean widened = channels != given.c();
        ConvGeometry g = widened ? given.withChannels(channels) : given;
        DeviceBuffer filter = widened ? ConvLayouts.filterToKrscPadded(dev, f, channels)
                : ConvLayouts.filterToCudnn(dev, f, nchw);
        DeviceBuffer padded = widened ? ConvLayouts.padChannels(dev, x, channels)
                : g.symmetric() ? null : ConvLayouts.padInput(dev, x, g, nchw);
        try {
            DType t = x.dtype();
            boolean tf32 = tensorMath(dev, t);
            long xAddr = padded != null ? padded.address() : x.address();
            convolve(dev, op, problem(ConvAlgorithms.Direction.FORWARD, g, nchw, tf32, t), xAddr, filter.address(),
                    y.address(), d -> {
                cudnnTensorStruct xDesc = d.tensor(DnnDescriptors.dataType(t), nchw, g.n(), g.c(), g.paddedH(), g.paddedW());
                cudnnFilterStruct wDesc = d.filter(DnnDescriptors.dataType(t), nchw, g.o(), g.c() / g.groups(), g.kh(), g.kw());
                cudnnConvolutionStruct conv = convolution(d, g, tf32);
                cudnnTensorStruct yDesc = d.tensor(DnnDescriptors.dataType(t), nchw, g.n(), g.o(), g.oh(), g.ow());
                ConvAlgorithms.Choice c = ConvAlgorithms.choose(dev, op,
                        problem(ConvAlgorithms.Direction.FORWARD, g, nchw, tf32, t), xDesc, wDesc, conv, yDesc);
                checkCudnn(cudnn.cudnnSetConvolutionMathType(conv, c.mathType()), op, "cudnnSetConvolutionMathType");
                cudnnContext h = dev.cudnn();
                long wsBytes;
                try (SizeTPointer size = new SizeTPointer(1)) {
                    checkCudnn(cudnn.cudnnGetConvolutionForwardWorkspaceSize(h, xDesc, wDesc, conv, yDesc, c.algorithm(),
                            size), op, "cudnnGetConvolutionForwardWorkspaceSize");
                    wsBytes = size.get();
                }
                return () -> {
                    DeviceBuffer ws = wsBytes > 0 ? dev.scratch(wsBytes) : null;
                    try {
                        checkCudnn(cudnn.cudnnConvolutionForward(h, DnnScalars.ONE_F, xDesc, CudaDevice.pointer(xAddr),
                                wDesc, CudaDevice.pointer(filter.address()), conv, c.algorithm(), workspace(ws), wsBytes,
                                DnnScalars.ZERO_F, yDesc, CudaDevice.pointer(y)), op, "cudnnConvolutionForward");
                    } finally {
                        if (ws != null) {
                            dev.release(ws);
                        }
                    }
                };
            });
        } finally {
            dev.release(filter);
            if (padded != null) {
                dev.release(padded);
            }
        }
    }

    /**
     * Runs one convolution of problem {@code p} on the buffers at x, w and y (data input, cuDNN-layout
     * filter, data output of the forward convolution, whichever is computed): with the backend engine
     * decided for the problem where there is one, else with the legacy algorithm {@code legacy} sets up.
     * The first unrecorded run of a problem decides, timing both on these buffers.
     */
    private static void convolve(CudaDevice dev, String op, ConvAlgorithms.Problem p, long x, long w, long y,
                                 Function<DnnDescriptors, Runnable> legacy) {
        ConvEngines.Decision known = ConvEngines.decided(dev, p);
        if (known != null && known.run(dev, op, x, w, y)) {
            return;
        }
        try (DnnDescriptors d = new DnnDescriptors(op)) {
            Runnable fallback = legacy.apply(d);
            if (known == null && !ConvAlgorithms.recording(dev)) {
                ConvEngines.Decision made = ConvEngines.decide(dev, op, p, fallback, x, w, y);
                if (made.run(dev, op, x, w, y)) {
                    return;
                }
            }
            fallback.run();
        }
    }

    private static cudnnConvolutionStruct convolution(DnnDescriptors d, ConvGeometry g, boolean tf32) {
        return d.convolution(g.padH(), g.padW(), g.sh(), g.sw(), g.dh(), g.dw(), ConvAlgorithms.searchMathType(tf32),
                g.groups());
    }

    private static Pointer workspace(DeviceBuffer ws) {
        return ws == null ? null : CudaDevice.pointer(ws.address());
    }

    // ---- Conv2DBackpropInput ----

    private static void backwardData(KernelContext ctx, ConvGeometry.Attrs a, DType t, boolean depthwise) {
        String op = ctx.op().name();
        int[] sz = sizes(ctx.input(0), op, "input_sizes");
        DeviceTensor dy = ctx.deviceInput(2);
        int[] xd = a.nchw() ? new int[] {sz[0], sz[2], sz[3], sz[1]} : sz;
        int[] given = filterDims(ctx.deviceInput(1).shape(), op);
        int[] fd = groupedFilter(given, depthwise);
        DeviceTensor f = filterView(ctx.deviceInput(1), fd);
        int[] dd = nhwc(dy.shape(), a.nchw(), op, "out_backprop");
        if ((depthwise && given[2] != xd[3]) || fd[3] != dd[3]) {
            throw new InvalidArgumentException(op + ": filter shape " + ctx.deviceInput(1).shape()
                    + " does not match input_sizes " + Arrays.toString(sz) + " and out_backprop shape " + dy.shape());
        }
        ConvGeometry g = ConvGeometry.of(xd[0], xd[1], xd[2], xd[3], fd[0], fd[1], fd[3], a, op)
                .withGroups(groups(xd[3], fd, op, Shape.of(sz[0], sz[1], sz[2], sz[3]), ctx.deviceInput(1).shape()));
        checkOut(g, dd, dy.shape(), op);
        DeviceTensor dx = ctx.allocateOnDevice(t, g.inShape(a.nchw()));
        CudaDevice dev = CudaDevice.of(ctx);
        if (dx.numElements() > 0) {
            if (dy.numElements() == 0 || f.numElements() == 0) {
                dev.zero(dx);
            } else {
                if (throughNchw(dev, a, t)) {
                    DeviceTensor dyt = toNchw(dev, op, dy);
                    DeviceTensor dxt = nchwScratch(dev, dx);
                    try {
                        runBackwardData(dev, op, g, true, f, dyt, dxt);
                        LayoutCopies.transpose(dev, op, dxt, TO_NHWC, dx);
                    } finally {
                        dev.release(dyt.buffer());
                        dev.release(dxt.buffer());
                    }
                } else {
                    runBackwardData(dev, op, g, a.nchw(), f, dy, dx);
                }
            }
        }
        ctx.setOutput(0, dx);
    }

    private static void runBackwardData(CudaDevice dev, String op, ConvGeometry g, boolean nchw, DeviceTensor f,
                                        DeviceTensor dy, DeviceTensor dx) {
        DeviceBuffer filter = ConvLayouts.filterToCudnn(dev, f, nchw);
        DeviceBuffer padded = g.symmetric() ? null
                : dev.scratch((long) g.n() * g.c() * g.paddedH() * g.paddedW() * dy.dtype().byteSize());
        try {
            DType t = dy.dtype();
            boolean tf32 = tensorMath(dev, t);
            long dxAddr = padded != null ? padded.address() : dx.address();
            convolve(dev, op, problem(ConvAlgorithms.Direction.BACKWARD_DATA, g, nchw, tf32, t), dxAddr, filter.address(),
                    dy.address(), d -> {
                cudnnTensorStruct dxDesc = d.tensor(DnnDescriptors.dataType(t), nchw, g.n(), g.c(), g.paddedH(), g.paddedW());
                cudnnFilterStruct wDesc = d.filter(DnnDescriptors.dataType(t), nchw, g.o(), g.c() / g.groups(), g.kh(), g.kw());
                cudnnConvolutionStruct conv = convolution(d, g, tf32);
                cudnnTensorStruct dyDesc = d.tensor(DnnDescriptors.dataType(t), nchw, g.n(), g.o(), g.oh(), g.ow());
                ConvAlgorithms.Choice c = ConvAlgorithms.choose(dev, op,
                        problem(ConvAlgorithms.Direction.BACKWARD_DATA, g, nchw, tf32, t), dxDesc, wDesc, conv, dyDesc);
                checkCudnn(cudnn.cudnnSetConvolutionMathType(conv, c.mathType()), op, "cudnnSetConvolutionMathType");
                cudnnContext h = dev.cudnn();
                long wsBytes;
                try (SizeTPointer size = new SizeTPointer(1)) {
                    checkCudnn(cudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(h, wDesc, dyDesc, conv, dxDesc,
                            c.algorithm(), size), op, "cudnnGetConvolutionBackwardDataWorkspaceSize");
                    wsBytes = size.get();
                }
                return () -> {
                    DeviceBuffer ws = wsBytes > 0 ? dev.scratch(wsBytes) : null;
                    try {
                        checkCudnn(cudnn.cudnnConvolutionBackwardData(h, DnnScalars.ONE_F, wDesc,
                                CudaDevice.pointer(filter.address()), dyDesc, CudaDevice.pointer(dy), conv, c.algorithm(),
                                workspace(ws), wsBytes, DnnScalars.ZERO_F, dxDesc, CudaDevice.pointer(dxAddr)),
                                op, "cudnnConvolutionBackwardData");
                    } finally {
                        if (ws != null) {
                            dev.release(ws);
                        }
                    }
                };
            });
            if (padded != null) {
                ConvLayouts.cropInput(dev, padded, g, nchw, dx);
            }
        } finally {
            dev.release(filter);
            if (padded != null) {
                dev.release(padded);
            }
        }
    }

    // ---- Conv2DBackpropFilter ----

    private static void backwardFilter(KernelContext ctx, ConvGeometry.Attrs a, DType t, boolean depthwise) {
        String op = ctx.op().name();
        DeviceTensor x = ctx.deviceInput(0);
        int[] given = sizes(ctx.input(1), op, "filter_sizes");
        int[] fd = groupedFilter(given, depthwise);
        DeviceTensor dy = ctx.deviceInput(2);
        int[] xd = nhwc(x.shape(), a.nchw(), op, "input");
        int[] dd = nhwc(dy.shape(), a.nchw(), op, "out_backprop");
        if ((depthwise && given[2] != xd[3]) || fd[3] != dd[3]) {
            throw new InvalidArgumentException(op + ": filter_sizes " + Arrays.toString(given) + " do not match input shape "
                    + x.shape() + " and out_backprop shape " + dy.shape());
        }
        Shape givenShape = Shape.of(given[0], given[1], given[2], given[3]);
        ConvGeometry g = ConvGeometry.of(xd[0], xd[1], xd[2], xd[3], fd[0], fd[1], fd[3], a, op)
                .withGroups(groups(xd[3], fd, op, x.shape(), givenShape));
        checkOut(g, dd, dy.shape(), op);
        DeviceTensor allocated = ctx.allocateOnDevice(t, givenShape);
        DeviceTensor dw = filterView(allocated, fd);
        CudaDevice dev = CudaDevice.of(ctx);
        if (dw.numElements() > 0) {
            if (x.numElements() == 0 || dy.numElements() == 0) {
                dev.zero(dw);
            } else {
                if (throughNchw(dev, a, t)) {
                    DeviceTensor xt = toNchw(dev, op, x);
                    DeviceTensor dyt = toNchw(dev, op, dy);
                    try {
                        runBackwardFilter(dev, op, g, true, xt, dyt, dw);
                    } finally {
                        dev.release(xt.buffer());
                        dev.release(dyt.buffer());
                    }
                } else {
                    runBackwardFilter(dev, op, g, a.nchw(), x, dy, dw);
                }
            }
        }
        ctx.setOutput(0, allocated);
    }

    private static void runBackwardFilter(CudaDevice dev, String op, ConvGeometry given, boolean nchw, DeviceTensor x,
                                          DeviceTensor dy, DeviceTensor dw) {
        int channels = runChannels(given, nchw, x.dtype());
        boolean widened = channels != given.c();
        ConvGeometry g = widened ? given.withChannels(channels) : given;
        DeviceBuffer padded = widened ? ConvLayouts.padChannels(dev, x, channels)
                : g.symmetric() ? null : ConvLayouts.padInput(dev, x, g, nchw);
        DeviceBuffer filter = dev.scratch(dw.byteSize() / given.c() * channels);
        try {
            DType t = x.dtype();
            boolean tf32 = tensorMath(dev, t);
            long xAddr = padded != null ? padded.address() : x.address();
            convolve(dev, op, problem(ConvAlgorithms.Direction.BACKWARD_FILTER, g, nchw, tf32, t), xAddr, filter.address(),
                    dy.address(), d -> {
                cudnnTensorStruct xDesc = d.tensor(DnnDescriptors.dataType(t), nchw, g.n(), g.c(), g.paddedH(), g.paddedW());
                cudnnFilterStruct dwDesc = d.filter(DnnDescriptors.dataType(t), nchw, g.o(), g.c() / g.groups(), g.kh(), g.kw());
                cudnnConvolutionStruct conv = convolution(d, g, tf32);
                cudnnTensorStruct dyDesc = d.tensor(DnnDescriptors.dataType(t), nchw, g.n(), g.o(), g.oh(), g.ow());
                ConvAlgorithms.Choice c = ConvAlgorithms.choose(dev, op,
                        problem(ConvAlgorithms.Direction.BACKWARD_FILTER, g, nchw, tf32, t), xDesc, dwDesc, conv, dyDesc);
                checkCudnn(cudnn.cudnnSetConvolutionMathType(conv, c.mathType()), op, "cudnnSetConvolutionMathType");
                cudnnContext h = dev.cudnn();
                long wsBytes;
                try (SizeTPointer size = new SizeTPointer(1)) {
                    checkCudnn(cudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(h, xDesc, dyDesc, conv, dwDesc,
                            c.algorithm(), size), op, "cudnnGetConvolutionBackwardFilterWorkspaceSize");
                    wsBytes = size.get();
                }
                return () -> {
                    DeviceBuffer ws = wsBytes > 0 ? dev.scratch(wsBytes) : null;
                    try {
                        checkCudnn(cudnn.cudnnConvolutionBackwardFilter(h, DnnScalars.ONE_F, xDesc,
                                CudaDevice.pointer(xAddr), dyDesc, CudaDevice.pointer(dy), conv, c.algorithm(),
                                workspace(ws), wsBytes, DnnScalars.ZERO_F, dwDesc, CudaDevice.pointer(filter.address())),
                                op, "cudnnConvolutionBackwardFilter");
                    } finally {
                        if (ws != null) {
                            dev.release(ws);
                        }
                    }
                };
            });
            if (widened) {
                ConvLayouts.filterFromKrscPadded(dev, filter, dw, channels);
            } else {
                ConvLayouts.filterFromCudnn(dev, filter, dw, nchw);
            }
        } finally {
            dev.release(filter);
            if (padded != null) {
                dev.release(padded);
            }
        }
    }
}
