package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.cuda.CudaFunction;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * GPU kernels of BiasAdd, Softmax, LogSoftmax, SoftmaxCrossEntropyWithLogits and
 * SparseSoftmaxCrossEntropyWithLogits (float32; sparse labels int32 or int64), and, through
 * {@link LayoutGpuKernels}, the array-layout ops. A sparse label out of range gives a NaN loss and gradient
 * row, as TensorFlow's GPU kernel, where the CPU kernel fails: checking would mean waiting for the device.
 */
public final class NnGpuKernels implements DeviceKernelLibrary {
    private static final String GPU = KernelRegistry.GPU;
    /** Rows up to this long get a warp each, longer ones a block of {@link #BLOCK} threads. */
    private static final long WARP_ROW_LIMIT = 1024;
    private static final int BLOCK = 256;
    private static final int MAX_GRID = 1 << 20;

    @Override
    public void register(KernelRegistry r) {
        r.register(GPU, "BiasAdd", op -> {
            float32(op);
            boolean nchw = "NCHW".equals(op.attrString("data_format"));
            return ctx -> biasAdd(ctx, nchw);
        });
        r.register(GPU, "Softmax", op -> {
            float32(op);
            return ctx -> softmax(ctx, false);
        });
        r.register(GPU, "LogSoftmax", op -> {
            float32(op);
            return ctx -> softmax(ctx, true);
        });
        r.register(GPU, "SoftmaxCrossEntropyWithLogits", op -> {
            float32(op);
            return NnGpuKernels::denseCrossEntropy;
        });
        r.register(GPU, "SparseSoftmaxCrossEntropyWithLogits", op -> {
            float32(op);
            DType labels = op.input(1).dtype();
            if (labels != DType.INT32 && labels != DType.INT64) {
                throw LayoutHostArgs.noKernel(op, labels);
            }
            String kernel = labels == DType.INT32 ? "xent_sparse_f32_i32" : "xent_sparse_f32_i64";
            return ctx -> sparseCrossEntropy(ctx, kernel);
        });
        LayoutGpuKernels.register(r);
        FusedBiasGpuKernels.register(r);
        FusedAddReluGpuKernels.register(r);
    }

    private static void float32(Operation op) {
        DType t = op.attrType("T");
        if (t != DType.FLOAT32) {
            throw LayoutHostArgs.noKernel(op, t);
        }
    }

    /** BiasAdd's {outer, channels, inner} view of {@code value}, after checking the bias fits it. */
    static long[] checkedBiasLayout(KernelContext ctx, DeviceTensor value, DeviceTensor bias, boolean nchw) {
        long[] layout = LayoutHostArgs.biasLayout(ctx, value.shape(), nchw);
        if (bias.shape().rank() != 1 || bias.shape().size(0) != layout[1]) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": Must provide as many biases as the "
                    + "channel dimension of the input tensor: " + bias.shape() + " vs. " + value.shape());
        }
        return layout;
    }

    private static void biasAdd(KernelContext ctx, boolean nchw) {
        DeviceTensor value = ctx.deviceInput(0);
        DeviceTensor bias = ctx.deviceInput(1);
        long[] layout = checkedBiasLayout(ctx, value, bias, nchw);
        DeviceTensor out = ctx.allocateOnDevice(value.dtype(), value.shape());
        long n = out.numElements();
        if (n > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            dev.launch1d(dev.function(SoftmaxSources.SOFTMAX, "bias_add_f32"), n, value, bias, out, n, layout[1],
                    layout[2]);
        }
        ctx.setOutput(0, out);
    }

    private static void softmax(KernelContext ctx, boolean log) {
        DeviceTensor x = ctx.deviceInput(0);
        Shape s = x.shape();
        if (s.rank() < 1) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx)
                    + ": logits must have at least one dimension, got shape " + s);
        }
        long d = s.size(s.rank() - 1);
        long rows = d == 0 ? 0 : x.numElements() / d;
        DeviceTensor out = ctx.allocateOnDevice(x.dtype(), s);
        if (rows > 0) {
            CudaDevice dev = CudaDevice.of(ctx);
            launchRows(dev, dev.function(SoftmaxSources.SOFTMAX, "softmax_f32"), rows, d, x, out, rows, d, log ? 1 : 0);
        }
        ctx.setOutput(0, out);
    }

    /** Logits [b, c] and labels [b, c] (either may have a size-1 axis that broadcasts) to loss [b] and backprop. */
    private static void denseCrossEntropy(KernelContext ctx) {
        DeviceTensor logits = ctx.deviceInput(0);
        DeviceTensor labels = ctx.deviceInput(1);
        Shape fs = logits.shape();
        Shape ls = labels.shape();
        if (fs.rank() != 2 || ls.rank() != 2) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": logits and labels must be 2-D, got "
                    + "logits shape " + fs + " and labels shape " + ls);
        }
        if (labels.dtype() != logits.dtype()) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": labels must be " + logits.dtype()
                    + ", got " + labels.dtype());
        }
        long batch = broadcast(ctx, fs.size(0), ls.size(0), fs, ls);
        long classes = broadcast(ctx, fs.size(1), ls.size(1), fs, ls);
        DeviceTensor loss = ctx.allocateOnDevice(logits.dtype(), Shape.of(batch));
        DeviceTensor backprop = ctx.allocateOnDevice(logits.dtype(), Shape.of(batch, classes));
        CudaDevice dev = CudaDevice.of(ctx);
        if (batch > 0 && classes == 0) {
            ReductionRunner.fill(dev, loss, 0f);
        } else if (batch > 0) {
            launchRows(dev, dev.function(SoftmaxSources.SOFTMAX, "xent_dense_f32"), batch, classes, logits, labels, loss,
                    backprop, batch, classes,
                    fs.size(0) == 1 ? 0L : fs.size(1), fs.size(1) == 1 ? 0L : 1L,
                    ls.size(0) == 1 ? 0L : ls.size(1), ls.size(1) == 1 ? 0L : 1L);
        }
        ctx.setOutput(0, loss);
        ctx.setOutput(1, backprop);
    }

    private static long broadcast(KernelContext ctx, long a, long b, Shape fs, Shape ls) {
        if (a == b || b == 1) {
            return a;
        }
        if (a == 1) {
            return b;
        }
        throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": logits and labels must be broadcastable: "
                + "logits_size=" + fs + " labels_size=" + ls);
    }

    private static void sparseCrossEntropy(KernelContext ctx, String kernel) {
        DeviceTensor logits = ctx.deviceInput(0);
        DeviceTensor labels = ctx.deviceInput(1);
        Shape fs = logits.shape();
        Shape ls = labels.shape();
        if (fs.rank() != 2 || ls.rank() != 1 || ls.size(0) != fs.size(0)) {
            throw new InvalidArgumentException(LayoutHostArgs.describe(ctx) + ": logits must be 2-D and labels 1-D with "
                    + "the same batch size, got logits shape " + fs + " and labels shape " + ls);
        }
        long batch = fs.size(0);
        long classes = fs.size(1);
        DeviceTensor loss = ctx.allocateOnDevice(logits.dtype(), Shape.of(batch));
        DeviceTensor backprop = ctx.allocateOnDevice(logits.dtype(), Shape.of(batch, classes));
        CudaDevice dev = CudaDevice.of(ctx);
        if (batch > 0 && classes == 0) {
            // Every label is out of range of no classes.
            ReductionRunner.fill(dev, loss, Float.NaN);
        } else if (batch > 0) {
            launchRows(dev, dev.function(SoftmaxSources.SOFTMAX, kernel), batch, classes, logits, labels, loss, backprop,
                    batch, classes);
        }
        ctx.setOutput(0, loss);
        ctx.setOutput(1, backprop);
    }

    /** A warp per row for short rows (8 rows per block), a block per row for long ones. */
    private static void launchRows(CudaDevice dev, CudaFunction f, long rows, long rowLength, Object... args) {
        int threads = rowLength <= WARP_ROW_LIMIT ? 32 : BLOCK;
        int perBlock = BLOCK / threads;
        int grid = (int) Math.min((rows + perBlock - 1) / perBlock, MAX_GRID);
        dev.launch(f, grid, 1, 1, threads, perBlock, 1, 0, args);
    }
}
