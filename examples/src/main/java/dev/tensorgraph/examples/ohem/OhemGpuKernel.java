package dev.tensorgraph.examples.ohem;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.cuda.CudaSource;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.Kernel;

/**
 * The GPU kernel of {@link OhemSoftmaxLoss}'s op, written in CUDA C that the runtime compiles with NVRTC on
 * first use: the same public API the built-in GPU kernels use. One launch computes every example's loss
 * (in double, as the CPU kernel does); a second, one block, ranks the losses (larger first, ties to the
 * lower index, NaN above everything, as {@code Double.compare}), keeps the {@code k} hardest, writes their
 * mean and the scaled backprop rows. Float32 logits; an out-of-range label gives a NaN loss instead of an
 * error, since checking would mean waiting for the device.
 */
final class OhemGpuKernel {
    static final CudaSource SOURCE = new CudaSource("ohem_sparse_softmax_xent", """
            __device__ long long ohem_label(const void* labels, int wide, long long i) {
                return wide ? ((const long long*) labels)[i] : (long long) ((const int*) labels)[i];
            }

            extern "C" __global__ void ohem_rows(const float* x, const void* labels, int wide, double* loss,
                                                 double* lse, long long batch, int classes) {
                for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < batch;
                     i += (long long) blockDim.x * gridDim.x) {
                    const float* row = x + i * classes;
                    double m = -1.0 / 0.0;
                    for (int c = 0; c < classes; c++) {
                        m = fmax(m, (double) row[c]);
                    }
                    double s = 0.0;
                    for (int c = 0; c < classes; c++) {
                        s += exp((double) row[c] - m);
                    }
                    double l = m + log(s);
                    long long label = ohem_label(labels, wide, i);
                    lse[i] = l;
                    loss[i] = (label < 0 || label >= classes) ? 0.0 / 0.0 : l - (double) row[label];
                }
            }

            extern "C" __global__ void ohem_select(const float* x, const void* labels, int wide, const double* loss,
                                                   const double* lse, float* loss_out, float* backprop,
                                                   long long batch, int classes, long long kept) {
                __shared__ double partial[256];
                double scale = kept == 0 ? 0.0 : 1.0 / (double) kept;
                double acc = 0.0;
                for (long long i = threadIdx.x; i < batch; i += blockDim.x) {
                    double li = loss[i];
                    bool nan_i = isnan(li);
                    long long rank = 0;
                    for (long long j = 0; j < batch; j++) {
                        double lj = loss[j];
                        bool nan_j = isnan(lj);
                        bool greater = nan_j ? !nan_i : (!nan_i && lj > li);
                        bool equal = nan_j ? nan_i : (!nan_i && lj == li);
                        if (greater || (equal && j < i)) {
                            rank++;
                        }
                    }
                    bool keep = rank < kept;
                    if (keep) {
                        acc += li;
                    }
                    long long label = ohem_label(labels, wide, i);
                    for (int c = 0; c < classes; c++) {
                        double p = exp((double) x[i * classes + c] - lse[i]) - (c == label ? 1.0 : 0.0);
                        backprop[i * classes + c] = keep ? (float) (p * scale) : 0.0f;
                    }
                }
                partial[threadIdx.x] = acc;
                __syncthreads();
                for (int s = blockDim.x / 2; s > 0; s >>= 1) {
                    if (threadIdx.x < s) {
                        partial[threadIdx.x] += partial[threadIdx.x + s];
                    }
                    __syncthreads();
                }
                if (threadIdx.x == 0) {
                    loss_out[0] = (float) (partial[0] * scale);
                }
            }
            """);

    private OhemGpuKernel() {}

    static Kernel create(Operation op) {
        if (op.attrType("T") != DType.FLOAT32) {
            throw new UnimplementedException(op.type() + " '" + op.name() + "' has a GPU kernel for float32 only");
        }
        long k = op.attrLong("k");
        int wide = op.attrType("Tlabels") == DType.INT64 ? 1 : 0;
        return ctx -> {
            DeviceTensor logits = ctx.deviceInput(0);
            DeviceTensor labels = ctx.deviceInput(1);
            Shape s = logits.shape();
            if (s.rank() != 2 || labels.shape().rank() != 1 || labels.shape().size(0) != s.size(0)) {
                throw new InvalidArgumentException(op.type() + " '" + op.name() + "' needs logits [batch, classes] and "
                        + "labels [batch], got " + s + " and " + labels.shape());
            }
            long batch = s.size(0);
            int classes = Math.toIntExact(s.size(1));
            CudaDevice dev = CudaDevice.of(ctx);
            DeviceTensor loss = ctx.allocateOnDevice(DType.FLOAT32, Shape.scalar());
            DeviceTensor backprop = ctx.allocateOnDevice(DType.FLOAT32, s);
            DeviceBuffer perExample = dev.scratch(Math.max(1, batch) * Double.BYTES);
            DeviceBuffer logSumExp = dev.scratch(Math.max(1, batch) * Double.BYTES);
            try {
                dev.launch1d(dev.function(SOURCE, "ohem_rows"), batch, logits, labels, wide, perExample, logSumExp, batch,
                        classes);
                dev.launch(dev.function(SOURCE, "ohem_select"), 1, 1, 1, 256, 1, 1, 0, logits, labels, wide, perExample,
                        logSumExp, loss, backprop, batch, classes, Math.min(k, batch));
            } finally {
                dev.release(perExample);
                dev.release(logSumExp);
            }
            ctx.setOutput(0, loss);
            ctx.setOutput(1, backprop);
        };
    }
}
