package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.DnnStatus.checkCudnn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelRegistry;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudnn;

/**
 * GPU kernels of FusedBatchNormV3 and FusedBatchNormGradV3 (float32, NHWC and NCHW) on cuDNN's spatial batch
 * normalization. Outputs are the CPU kernel's: y, batch mean, unbiased batch variance (or the blend with the
 * running statistics), reserve_space_1 = batch mean, reserve_space_2 = biased batch variance, and an empty
 * reserve_space_3; so either device's gradient kernel can consume either device's forward outputs.
 */
final class BatchNormGpuKernels {
    private BatchNormGpuKernels() {}

    private record Attrs(float epsilon, float factor, boolean nchw, boolean training) {
        static Attrs of(Operation op) {
            DType t = op.attrType("T");
            DType u = op.hasAttr("U") ? op.attrType("U") : t;
            if (t != DType.FLOAT32 || u != DType.FLOAT32) {
                throw new UnimplementedException(op.type() + " '" + op.name() + "' has no GPU kernel for T=" + t + ", U=" + u);
            }
            float epsilon = op.attrFloat("epsilon");
            if (epsilon < cudnn.CUDNN_BN_MIN_EPSILON) {
                throw new UnimplementedException(op.type() + " '" + op.name() + "': epsilon " + epsilon
                        + " is below cuDNN's minimum " + cudnn.CUDNN_BN_MIN_EPSILON);
            }
            String df = op.hasAttr("data_format") ? op.attrString("data_format") : "NHWC";
            if (!"NHWC".equals(df) && !"NCHW".equals(df)) {
                throw new UnimplementedException(op.type() + " '" + op.name() + "' has no GPU kernel for data_format " + df);
            }
            float factor = op.hasAttr("exponential_avg_factor") ? op.attrFloat("exponential_avg_factor") : 1f;
            return new Attrs(epsilon, factor, "NCHW".equals(df), op.attrBool("is_training"));
        }
    }

    static void register(KernelRegistry r) {
        r.register(KernelRegistry.GPU, "FusedBatchNormV3", op -> {
            Attrs a = Attrs.of(op);
            return ctx -> forward(ctx, a);
        });
        r.register(KernelRegistry.GPU, "FusedBatchNormGradV3", op -> {
            Attrs a = Attrs.of(op);
            return ctx -> backward(ctx, a);
        });
    }

    /** {n, c, h, w} of a rank-4 x in either layout. */
    private static int[] dims(DeviceTensor x, boolean nchw, String op) {
        if (x.shape().rank() != 4) {
            throw new InvalidArgumentException(op + ": x must be 4-dimensional, got shape " + x.shape());
        }
        int[] d = x.shape().intDims();
        return nchw ? d : new int[] {d[0], d[3], d[1], d[2]};
    }

    private static void checkVector(DeviceTensor t, int c, String op, String what) {
        if (t.shape().rank() != 1 || t.numElements() != c) {
            throw new InvalidArgumentException(op + ": " + what + " must be a vector of " + c + " channels, got shape "
                    + t.shape());
        }
    }

    private static void forward(KernelContext ctx, Attrs a) {
        String op = ctx.op().name();
        DeviceTensor x = ctx.deviceInput(0);
        DeviceTensor scale = ctx.deviceInput(1);
        DeviceTensor offset = ctx.deviceInput(2);
        DeviceTensor mean = ctx.deviceInput(3);
        DeviceTensor variance = ctx.deviceInput(4);
        int[] d = dims(x, a.nchw(), op);
        int c = d[1];
        long m = (long) d[0] * d[2] * d[3];
        checkVector(scale, c, op, "scale");
        checkVector(offset, c, op, "offset");
        boolean blend = a.training() && a.factor() != 1f;
        if (!a.training() || blend) {
            checkVector(mean, c, op, "mean");
            checkVector(variance, c, op, "variance");
        }
        CudaDevice dev = CudaDevice.of(ctx);
        DeviceTensor y = ctx.allocateOnDevice(DType.FLOAT32, x.shape());
        DeviceTensor batchMean = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(c));
        DeviceTensor batchVar = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(c));
        DeviceTensor savedMean = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(c));
        DeviceTensor savedVar = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(c));
        DeviceTensor reserve3 = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(0));
        if (c > 0) {
            if (a.training()) {
                if (m == 0) {
                    throw new UnimplementedException(op + ": batch normalization of an empty batch has no GPU kernel");
                }
                training(dev, op, a, d, x, scale, offset, mean, variance, y, batchMean, batchVar, savedMean, savedVar, blend);
            } else {
                if (m > 0) {
                    inference(dev, op, a, d, x, scale, offset, mean, variance, y);
                }
                dev.copy(mean, batchMean);
                dev.copy(variance, batchVar);
                dev.copy(mean, savedMean);
                dev.copy(variance, savedVar);
            }
        }
        ctx.setOutput(0, y);
        ctx.setOutput(1, batchMean);
        ctx.setOutput(2, batchVar);
        ctx.setOutput(3, savedMean);
        ctx.setOutput(4, savedVar);
        ctx.setOutput(5, reserve3);
    }

    /**
     * cuDNN with factor 1 into zeroed running buffers (so they receive the batch mean and the unbiased
     * variance exactly, whatever garbage was there), then {@code bn_finish_training_f32}.
     */
    private static void training(CudaDevice dev, String op, Attrs a, int[] d, DeviceTensor x, DeviceTensor scale,
                                 DeviceTensor offset, DeviceTensor mean, DeviceTensor variance, DeviceTensor y,
                                 DeviceTensor batchMean, DeviceTensor batchVar, DeviceTensor savedMean,
                                 DeviceTensor savedVar, boolean blend) {
        int c = d[1];
        dev.zero(batchMean);
        dev.zero(batchVar);
        try (DnnDescriptors desc = new DnnDescriptors(op)) {
            cudnnTensorStruct xDesc = desc.tensor(cudnn.CUDNN_DATA_FLOAT, a.nchw(), d[0], d[1], d[2], d[3]);
            cudnnTensorStruct bnDesc = desc.tensor(cudnn.CUDNN_DATA_FLOAT, true, 1, c, 1, 1);
            checkCudnn(cudnn.cudnnBatchNormalizationForwardTraining(dev.cudnn(), cudnn.CUDNN_BATCHNORM_SPATIAL,
                    DnnScalars.ONE_F, DnnScalars.ZERO_F, xDesc, CudaDevice.pointer(x), xDesc, CudaDevice.pointer(y), bnDesc,
                    CudaDevice.pointer(scale), CudaDevice.pointer(offset), 1.0, CudaDevice.pointer(batchMean),
                    CudaDevice.pointer(batchVar), a.epsilon(), CudaDevice.pointer(savedMean), CudaDevice.pointer(savedVar)),
                    op, "cudnnBatchNormalizationForwardTraining");
        }
        long m = (long) d[0] * d[2] * d[3];
        dev.launch1d(dev.function(BatchNormSources.BATCH_NORM, "bn_finish_training_f32"), c,
                blend ? mean : batchMean, blend ? variance : batchVar, batchMean, batchVar, savedVar, c, m, a.factor(),
                blend ? 1 : 0);
    }

    private static void inference(CudaDevice dev, String op, Attrs a, int[] d, DeviceTensor x, DeviceTensor scale,
                                  DeviceTensor offset, DeviceTensor mean, DeviceTensor variance, DeviceTensor y) {
        try (DnnDescriptors desc = new DnnDescriptors(op)) {
            cudnnTensorStruct xDesc = desc.tensor(cudnn.CUDNN_DATA_FLOAT, a.nchw(), d[0], d[1], d[2], d[3]);
            cudnnTensorStruct bnDesc = desc.tensor(cudnn.CUDNN_DATA_FLOAT, true, 1, d[1], 1, 1);
            checkCudnn(cudnn.cudnnBatchNormalizationForwardInference(dev.cudnn(), cudnn.CUDNN_BATCHNORM_SPATIAL,
                    DnnScalars.ONE_F, DnnScalars.ZERO_F, xDesc, CudaDevice.pointer(x), xDesc, CudaDevice.pointer(y), bnDesc,
                    CudaDevice.pointer(scale), CudaDevice.pointer(offset), CudaDevice.pointer(mean),
                    CudaDevice.pointer(variance), a.epsilon()), op, "cudnnBatchNormalizationForwardInference");
        }
    }

    /** FusedBatchNormGradV3(y_backprop, x, scale, reserve_space_1 = mean, reserve_space_2 = variance, reserve_space_3). */
    private static void backward(KernelContext ctx, Attrs a) {
        String op = ctx.op().name();
        DeviceTensor dy = ctx.deviceInput(0);
        DeviceTensor x = ctx.deviceInput(1);
        DeviceTensor scale = ctx.deviceInput(2);
        DeviceTensor mean = ctx.deviceInput(3);
        DeviceTensor variance = ctx.deviceInput(4);
        if (!dy.shape().equals(x.shape())) {
            throw new InvalidArgumentException(op + ": y_backprop shape " + dy.shape() + " does not match x shape " + x.shape());
        }
        int[] d = dims(x, a.nchw(), op);
        int c = d[1];
        long m = (long) d[0] * d[2] * d[3];
        checkVector(scale, c, op, "scale");
        checkVector(mean, c, op, "reserve_space_1");
        checkVector(variance, c, op, "reserve_space_2");
        CudaDevice dev = CudaDevice.of(ctx);
        DeviceTensor dx = ctx.allocateOnDevice(DType.FLOAT32, x.shape());
        DeviceTensor dScale = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(c));
        DeviceTensor dOffset = ctx.allocateOnDevice(DType.FLOAT32, Shape.of(c));
        if (c > 0) {
            if (m == 0) {
                dev.zero(dScale);
                dev.zero(dOffset);
            } else if (a.training()) {
                trainingGrad(dev, op, a, d, dy, x, scale, mean, variance, dx, dScale, dOffset);
            } else {
                inferenceGrad(dev, a, d, dy, x, scale, mean, variance, dx, dScale, dOffset);
            }
        }
        ctx.setOutput(0, dx);
        ctx.setOutput(1, dScale);
        ctx.setOutput(2, dOffset);
        ctx.setOutput(3, ctx.allocateOnDevice(DType.FLOAT32, Shape.of(0)));
        ctx.setOutput(4, ctx.allocateOnDevice(DType.FLOAT32, Shape.of(0)));
    }

    private static void trainingGrad(CudaDevice dev, String op, Attrs a, int[] d, DeviceTensor dy, DeviceTensor x,
                                     DeviceTensor scale, DeviceTensor mean, DeviceTensor variance, DeviceTensor dx,
                                     DeviceTensor dScale, DeviceTensor dOffset) {
        int c = d[1];
        DeviceBuffer invStd = dev.scratch((long) c * Float.BYTES);
        try (DnnDescriptors desc = new DnnDescriptors(op)) {
            dev.launch1d(dev.function(BatchNormSources.BATCH_NORM, "bn_inv_std_f32"), c, variance, invStd, c, a.epsilon());
            cudnnTensorStruct xDesc = desc.tensor(cudnn.CUDNN_DATA_FLOAT, a.nchw(), d[0], d[1], d[2], d[3]);
            cudnnTensorStruct bnDesc = desc.tensor(cudnn.CUDNN_DATA_FLOAT, true, 1, c, 1, 1);
            checkCudnn(cudnn.cudnnBatchNormalizationBackward(dev.cudnn(), cudnn.CUDNN_BATCHNORM_SPATIAL,
                    DnnScalars.ONE_F, DnnScalars.ZERO_F, DnnScalars.ONE_F, DnnScalars.ZERO_F, xDesc, CudaDevice.pointer(x),
                    xDesc, CudaDevice.pointer(dy), xDesc, CudaDevice.pointer(dx), bnDesc, CudaDevice.pointer(scale),
                    CudaDevice.pointer(dScale), CudaDevice.pointer(dOffset), a.epsilon(), CudaDevice.pointer(mean),
                    CudaDevice.pointer(invStd.address())), op, "cudnnBatchNormalizationBackward");
        } finally {
            dev.release(invStd);
        }
    }

    private static void inferenceGrad(CudaDevice dev, Attrs a, int[] d, DeviceTensor dy, DeviceTensor x,
                                      DeviceTensor scale, DeviceTensor mean, DeviceTensor variance, DeviceTensor dx,
                                      DeviceTensor dScale, DeviceTensor dOffset) {
        int c = d[1];
        long hw = (long) d[2] * d[3];
        long m = d[0] * hw;
        int nchw = a.nchw() ? 1 : 0;
        int threads = BatchNormSources.SUM_THREADS;
        dev.launch(dev.function(BatchNormSources.BATCH_NORM, "bn_grad_inference_sums_f32"), Math.min(c, 65535), 1, 1,
                threads, 1, 1, 0, dy, x, mean, variance, dScale, dOffset, nchw, c, hw, m, a.epsilon());
        dev.launch1d(dev.function(BatchNormSources.BATCH_NORM, "bn_grad_inference_dx_f32"), dx.numElements(),
                dy, scale, variance, dx, nchw, c, hw, a.epsilon(), dx.numElements());
    }
}
