package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.args.MatMulShape;

/**
 * The CPU kernel of {@code _MatMulReluGrad} (float32): a dense layer's backward pass through its ReLU and bias. Each
 * thread masks the blocks of the product it has just computed with the ReLU's features (ReluGrad's bits: the gradient
 * where the feature is positive, else +0) and, for a block of whole columns, sums those columns. Run apart, the
 * ReluGrad and its channel sums read the product back in rows while the product was cut by columns, half of it from
 * the other core's cache.
 *
 * <p>Each column of the bias gradient is summed in float in order of rows, whether a thread sums it in its block or,
 * where the product was cut by rows, a pass after the product does: the result does not depend on how the threads
 * shared the work.
 */
final class ProductReluGrad {
    private final boolean ta;
    private final boolean tb;
    /** A copy of B in the vector kernels' panels, kept while it stays the same, as MatMul keeps it. */
    private final PackedSteadyOperand packedB;

    ProductReluGrad(Operation op) {
        this.ta = op.attrBool("transpose_a");
        this.tb = op.attrBool("transpose_b");
        this.packedB = Gemm.vectorApiAvailable() ? PackedSteadyOperand.forInput(op, 1, PackedSteadyOperand.B) : null;
    }

    void compute(KernelContext ctx) {
        Tensor a = ctx.input(0);
        Tensor b = ctx.input(1);
        Tensor features = ctx.input(2);
        String name = ctx.op().name();
        if (a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32 || features.dtype() != DType.FLOAT32) {
            throw new InvalidArgumentException(name + ": _MatMulReluGrad takes float32 operands and features, got "
                    + a.dtype() + ", " + b.dtype() + " and " + features.dtype());
        }
        MatMulShape shape = MatMulShape.of(name + ": ", a.shape(), b.shape(), ta, tb);
        if (!features.shape().equals(shape.outShape())) {
            throw new InvalidArgumentException(name + " (ReluGrad): Incompatible shapes: " + shape.outShape()
                    + " vs. " + features.shape());
        }
        int m = shape.m();
        int n = shape.n();
        int k = shape.k();
        Tensor backprops = ctx.allocate(DType.FLOAT32, shape.outShape());
        float[] dx = (float[]) backprops.array();
        float[] y = (float[]) features.array();
        float[] sums = new float[n];
        // Columns a block of all rows summed; the others are summed after the product. Each column is one block's.
        boolean[] summed = new boolean[n];
        ProductFinisher mask = (r0, r1, j0, j1) -> {
            boolean allRows = r0 == 0 && r1 == m;
            maskBlock(dx, y, n, r0, r1, j0, j1, allRows ? sums : null);
            if (allRows) {
                java.util.Arrays.fill(summed, j0, j1, true);
            }
        };
        float[] keptB = packedB != null && Gemm.vectorSgemmTakes(ta, tb, m, n, k)
                ? packedB.packed(ctx, 1, b, tb, n, k) : null;
        if (m > 0 && n > 0) {
            Gemm.sgemmThen((float[]) a.array(), 0, ta, (float[]) b.array(), 0, tb, dx, 0, m, n, k,
                    ctx.intraOpThreads(), mask, keptB);
        }
        for (int j = 0; j < n; j++) {
            if (!summed[j]) {
                sumRemainingColumns(dx, m, n, summed, sums);
                break;
            }
        }
        ctx.setOutput(0, backprops);
        ctx.setOutput(1, Tensor.of(DType.FLOAT32, Shape.of(n), sums));
    }

    /**
     * ReluGrad of rows [r0, r1) and columns [j0, j1) of {@code dx} in place, against the features {@code y}; each
     * masked value added to its column's sum in {@code sums} when that is not null.
     */
    private static void maskBlock(float[] dx, float[] y, int n, int r0, int r1, int j0, int j1, float[] sums) {
        int j = j0;
        if (Gemm.vectorApiAvailable()) {
            j = ReluGradVectors.maskRows(dx, y, n, r0, r1, j0, j1, sums);
        }
        for (int r = r0; r < r1; r++) {
            int row = r * n;
            for (int q = j; q < j1; q++) {
                float v = Float.intBitsToFloat(Float.floatToRawIntBits(dx[row + q]) & BinaryLoops.positiveMask(
                        y[row + q]));
                dx[row + q] = v;
                if (sums != null) {
                    sums[q] += v;
                }
            }
        }
    }

    /** The columns no block of all rows summed, each in order of rows. */
    private static void sumRemainingColumns(float[] dx, int m, int n, boolean[] summed, float[] sums) {
        for (int r = 0; r < m; r++) {
            int row = r * n;
            for (int j = 0; j < n; j++) {
                if (!summed[j]) {
                    sums[j] += dx[row + j];
                }
            }
        }
    }
}
