package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.DnnStatus.checkCublas;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.BatchMatMulShape;
import dev.tensorgraph.kernel.args.MatMulShape;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * GPU kernels of MatMul, BatchMatMul and BatchMatMulV2 (float32, float64; bfloat16 and float16 through
 * {@code cublasGemmEx} with float32 accumulation, as mixed precision runs them) on cuBLAS. Tensors are row-major
 * and cuBLAS column-major, and a row-major matrix read column-major is its transpose: so C = op(A) op(B) is
 * computed as C^T = op(B)^T op(A)^T with the operands swapped, which needs no copies. FP32 products follow
 * the handle's math mode, which the device sets to TF32 only when the session allows it.
 */
public final class BlasGpuKernels implements DeviceKernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        KernelFactory matMul = op -> {
            DType t = checkType(op);
            boolean ta = op.attrBool("transpose_a");
            boolean tb = op.attrBool("transpose_b");
            return ctx -> matMul(ctx, t, ta, tb);
        };
        r.register(KernelRegistry.GPU, "MatMul", KernelFactory.adapting(matMul, matMul, true));
        KernelFactory batchMatMul = op -> {
            DType t = checkType(op);
            boolean adjX = op.attrBool("adj_x");
            boolean adjY = op.attrBool("adj_y");
            return ctx -> batchMatMul(ctx, t, adjX, adjY);
        };
        for (String type : new String[] {"BatchMatMul", "BatchMatMulV2"}) {
            r.register(KernelRegistry.GPU, type, KernelFactory.adapting(batchMatMul, batchMatMul, true));
        }
    }

    private static DType checkType(Operation op) {
        DType t = op.attrType("T");
        if (t != DType.FLOAT32 && t != DType.FLOAT64 && !t.isHalfPrecision()) {
            throw new UnimplementedException("no GPU kernel for " + op.type() + " with T=" + t);
        }
        return t;
    }

    private static void matMul(KernelContext ctx, DType t, boolean ta, boolean tb) {
        DeviceTensor a = ctx.deviceInput(0);
        DeviceTensor b = ctx.deviceInput(1);
        String opName = ctx.op().name();
        MatMulShape shape = MatMulShape.of(opName + ": ", a.shape(), b.shape(), ta, tb);
        int m = shape.m();
        int k = shape.k();
        int n = shape.n();
        DeviceTensor out = ctx.allocateOnDevice(t, shape.outShape());
        CudaDevice dev = CudaDevice.of(ctx);
        if (m > 0 && n > 0) {
            if (k == 0) {
                dev.zero(out);
            } else {
                gemm(dev, opName, t, a.address(), ta, b.address(), tb, out.address(), m, n, k, 0, 0, 0, 1);
            }
        }
        ctx.setOutput(0, out);
    }

    /**
     * Batch dimensions broadcast as NumPy's. The trailing batch dimensions where each operand is either
     * whole or all ones become one strided-batched call (stride 0 for the broadcast operand); the leading
     * rest, if any, is a host loop of such calls.
     */
    private static void batchMatMul(KernelContext ctx, DType t, boolean adjX, boolean adjY) {
        DeviceTensor x = ctx.deviceInput(0);
        DeviceTensor y = ctx.deviceInput(1);
        String opName = ctx.op().name();
        BatchMatMulShape shape = BatchMatMulShape.of(opName + ": ", x.shape(), y.shape(), adjX, adjY);
        int m = shape.m();
        int k = shape.k();
        int n = shape.n();
        int rank = shape.batchRank();
        long[] dimX = shape.dimX();
        long[] dimY = shape.dimY();
        long[] batch = shape.batch();
        long[] strideX = shape.strideX();   // in matrices; 0 along broadcast axes
        long[] strideY = shape.strideY();
        DeviceTensor out = ctx.allocateOnDevice(t, shape.outShape());
        CudaDevice dev = CudaDevice.of(ctx);
        if (out.numElements() == 0) {
            ctx.setOutput(0, out);
            return;
        }
        if (k == 0) {
            dev.zero(out);
            ctx.setOutput(0, out);
            return;
        }
        int split = rank;
        while (split > 0 && uniformSuffix(dimX, batch, split - 1) && uniformSuffix(dimY, batch, split - 1)) {
            split--;
        }
        long inner = 1;
        boolean xWhole = true;
        boolean yWhole = true;
        for (int i = split; i < rank; i++) {
            inner *= batch[i];
            xWhole &= dimX[i] == batch[i];
            yWhole &= dimY[i] == batch[i];
        }
        long outer = 1;
        for (int i = 0; i < split; i++) {
            outer *= batch[i];
        }
        long elem = t.byteSize();
        long matX = (long) m * k;
        long matY = (long) k * n;
        long matOut = (long) m * n;
        long[] idx = new long[split];
        for (long bo = 0; bo < outer; bo++) {
            long ox = 0;
            long oy = 0;
            for (int i = 0; i < split; i++) {
                ox += idx[i] * strideX[i];
                oy += idx[i] * strideY[i];
            }
            gemm(dev, opName, t, x.address() + ox * matX * elem, adjX, y.address() + oy * matY * elem, adjY,
                    out.address() + bo * inner * matOut * elem, m, n, k, xWhole ? matX : 0, yWhole ? matY : 0, matOut,
                    Math.toIntExact(inner));
            for (int i = split - 1; i >= 0; i--) {
                if (++idx[i] < batch[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        ctx.setOutput(0, out);
    }

    /** Whether the operand's batch dims from {@code from} on are all whole or all broadcast (ones). */
    private static boolean uniformSuffix(long[] dims, long[] batch, int from) {
        boolean whole = true;
        boolean ones = true;
        for (int i = from; i < dims.length; i++) {
            whole &= dims[i] == batch[i];
            ones &= dims[i] == 1;
        }
        return whole || ones;
    }

    /**
     * Row-major C[m, n] = op(A)[m, k] op(B)[k, n] for {@code batch} matrices at the given element strides,
     * as column-major C^T = op(B)^T op(A)^T.
     */
    static void gemm(CudaDevice dev, String opName, DType t, long a, boolean ta, long b, boolean tb, long c,
                     int m, int n, int k, long strideA, long strideB, long strideC, int batch) {
        cublasContext h = dev.cublas();
        int opA = ta ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        int opB = tb ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        if (t.isHalfPrecision()) {
            int type = t == DType.BFLOAT16 ? cudart.CUDA_R_16BF : cudart.CUDA_R_16F;
            Pointer pa = CudaDevice.pointer(a);
            Pointer pb = CudaDevice.pointer(b);
            Pointer pc = CudaDevice.pointer(c);
            if (batch == 1) {
                checkCublas(cublas.cublasGemmEx(h, opB, opA, n, m, k, DnnScalars.ONE_F, pb, type, ldb, pa, type, lda,
                        DnnScalars.ZERO_F, pc, type, n, cublas.CUBLAS_COMPUTE_32F, cublas.CUBLAS_GEMM_DEFAULT),
                        opName, "cublasGemmEx");
            } else {
                checkCublas(cublas.cublasGemmStridedBatchedEx(h, opB, opA, n, m, k, DnnScalars.ONE_F, pb, type, ldb,
                        strideB, pa, type, lda, strideA, DnnScalars.ZERO_F, pc, type, n, strideC, batch,
                        cublas.CUBLAS_COMPUTE_32F, cublas.CUBLAS_GEMM_DEFAULT), opName, "cublasGemmStridedBatchedEx");
            }
        } else if (t == DType.FLOAT32) {
            FloatPointer pa = new FloatPointer(CudaDevice.pointer(a));
            FloatPointer pb = new FloatPointer(CudaDevice.pointer(b));
            FloatPointer pc = new FloatPointer(CudaDevice.pointer(c));
            if (batch == 1) {
                checkCublas(cublas.cublasSgemm_v2(h, opB, opA, n, m, k, DnnScalars.ONE_F, pb, ldb, pa, lda,
                        DnnScalars.ZERO_F, pc, n), opName, "cublasSgemm");
            } else {
                checkCublas(cublas.cublasSgemmStridedBatched(h, opB, opA, n, m, k, DnnScalars.ONE_F, pb, ldb, strideB,
                        pa, lda, strideA, DnnScalars.ZERO_F, pc, n, strideC, batch), opName, "cublasSgemmStridedBatched");
            }
        } else {
            DoublePointer pa = new DoublePointer(CudaDevice.pointer(a));
            DoublePointer pb = new DoublePointer(CudaDevice.pointer(b));
            DoublePointer pc = new DoublePointer(CudaDevice.pointer(c));
            if (batch == 1) {
                checkCublas(cublas.cublasDgemm_v2(h, opB, opA, n, m, k, DnnScalars.ONE_D, pb, ldb, pa, lda,
                        DnnScalars.ZERO_D, pc, n), opName, "cublasDgemm");
            } else {
                checkCublas(cublas.cublasDgemmStridedBatched(h, opB, opA, n, m, k, DnnScalars.ONE_D, pb, ldb, strideB,
                        pa, lda, strideA, DnnScalars.ZERO_D, pc, n, strideC, batch), opName, "cublasDgemmStridedBatched");
            }
        }
    }
}
