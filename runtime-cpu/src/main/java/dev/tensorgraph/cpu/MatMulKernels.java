package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.BatchMatMulShape;
import dev.tensorgraph.kernel.args.MatMulShape;

/** CPU kernels of MatMul and BatchMatMulV2 (float32, float64, int32, int64) on {@link Gemm}. */
public final class MatMulKernels implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "MatMul", op -> {
            DType t = checkType(op.attrType("T"), op.type());
            boolean ta = op.attrBool("transpose_a");
            boolean tb = op.attrBool("transpose_b");
            boolean keeps = t == DType.FLOAT32 && Gemm.vectorApiAvailable();
            PackedSteadyOperand packedA = keeps ? PackedSteadyOperand.forInput(op, 0, PackedSteadyOperand.A) : null;
            PackedSteadyOperand packedB = keeps ? PackedSteadyOperand.forInput(op, 1, PackedSteadyOperand.B) : null;
            return ctx -> matMul(ctx, t, ta, tb, packedA, packedB);
        });
        r.register(KernelRegistry.CPU, "BatchMatMulV2", op -> {
            DType t = checkType(op.attrType("T"), op.type());
            boolean adjX = op.attrBool("adj_x");
            boolean adjY = op.attrBool("adj_y");
            return ctx -> batchMatMul(ctx, t, adjX, adjY);
        });
    }

    private static DType checkType(DType t, String opType) {
        if (t != DType.FLOAT32 && t != DType.FLOAT64 && t != DType.INT32 && t != DType.INT64) {
            throw new UnimplementedException("no CPU kernel for " + opType + " with T=" + t);
        }
        return t;
    }

    private static void matMul(KernelContext ctx, DType t, boolean ta, boolean tb, PackedSteadyOperand packedA,
                               PackedSteadyOperand packedB) {
        Tensor a = ctx.input(0);
        Tensor b = ctx.input(1);
        MatMulShape shape = MatMulShape.of("", a.shape(), b.shape(), ta, tb);
        int m = shape.m();
        int k = shape.k();
        int n = shape.n();
        Tensor out = ctx.allocate(t, shape.outShape());
        boolean vector = packedB != null && Gemm.vectorSgemmTakes(ta, tb, m, n, k);
        float[] keptA = vector && VectorSgemm.copiesA(ta, m, n, k) ? packedA.packed(ctx, 0, a, ta, m, k) : null;
        float[] keptB = vector ? packedB.packed(ctx, 1, b, tb, n, k) : null;
        if (keptA != null || keptB != null) {
            VectorSgemm.multiply(ta, tb, m, n, k, 1f, (float[]) a.array(), 0, (float[]) b.array(), 0, 0f,
                    (float[]) out.array(), 0, ctx.intraOpThreads(), null, keptA, keptB);
        } else {
            gemm(t, a.array(), 0, ta, b.array(), 0, tb, out.array(), 0, m, n, k, ctx.intraOpThreads());
        }
        ctx.setOutput(0, out);
    }

    private static void batchMatMul(KernelContext ctx, DType t, boolean adjX, boolean adjY) {
        Tensor x = ctx.input(0);
        Tensor y = ctx.input(1);
        BatchMatMulShape shape = BatchMatMulShape.of("", x.shape(), y.shape(), adjX, adjY);
        int m = shape.m();
        int k = shape.k();
        int n = shape.n();
        int rank = shape.batchRank();
        long[] batch = shape.batch();
        long[] strideX = shape.strideX();
        long[] strideY = shape.strideY();
        Tensor out = ctx.allocate(t, shape.outShape());
        long numBatches = 1;
        for (long d : batch) {
            numBatches *= d;
        }
        long[] idx = new long[rank];
        int threads = ctx.intraOpThreads();
        for (long bi = 0; bi < numBatches; bi++) {
            long ox = 0;
            long oy = 0;
            for (int i = 0; i < rank; i++) {
                ox += idx[i] * strideX[i];
                oy += idx[i] * strideY[i];
            }
            gemm(t, x.array(), (int) (ox * m * k), adjX, y.array(), (int) (oy * k * n), adjY, out.array(),
                    (int) (bi * m * n), m, n, k, threads);
            for (int i = rank - 1; i >= 0; i--) {
                if (++idx[i] < batch[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        ctx.setOutput(0, out);
    }

    /** Dispatches to the typed {@link Gemm} routine. */
    static void gemm(DType t, Object a, int aOff, boolean ta, Object b, int bOff, boolean tb, Object c, int cOff,
                     int m, int n, int k, int threads) {
        switch (t) {
            case FLOAT32 -> Gemm.gemm((float[]) a, aOff, ta, (float[]) b, bOff, tb, (float[]) c, cOff, m, n, k, threads);
            case FLOAT64 -> Gemm.gemm((double[]) a, aOff, ta, (double[]) b, bOff, tb, (double[]) c, cOff, m, n, k, threads);
            case INT32 -> Gemm.gemm((int[]) a, aOff, ta, (int[]) b, bOff, tb, (int[]) c, cOff, m, n, k, threads);
            case INT64 -> Gemm.gemm((long[]) a, aOff, ta, (long[]) b, bOff, tb, (long[]) c, cOff, m, n, k, threads);
            default -> throw new UnimplementedException("no CPU matmul for " + t);
        }
    }
}
