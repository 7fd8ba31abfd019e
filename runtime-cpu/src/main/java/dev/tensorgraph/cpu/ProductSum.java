package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.args.MatMulShape;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The CPU kernel of {@code _MatMulSum} (float32): the sum of all elements of a product. Each thread sums the blocks of
 * the product it has just computed, while they are in its cache; a Sum after the product read all of it back, and on
 * two cores half of it from the other core's cache (W2's {@code [1024,1024]}: 160-310 us a run after a 6 ms product).
 *
 * <p>The product is cut into tiles of {@link VectorSgemm#MR} rows by a panel of columns, whatever threads compute which
 * blocks: no block of a product starts inside one. Each tile is summed on its own (a whole tile in float vectors where
 * the JVM has them, an edge tile in double) and the tiles' sums are added in double in order of rows, then columns,
 * so the result does not depend on how the threads shared the work.
 */
final class ProductSum {
    /** Rows of a tile: blocks of a product start at multiples of the kernels' row tile (a constant: no class load). */
    private static final int TILE_ROWS = VectorSgemm.MR;

    private final boolean ta;
    private final boolean tb;
    private final boolean keepDims;
    /** Copies of A and B in the vector kernels' panels, kept while they stay the same, as MatMul keeps them. */
    private final PackedSteadyOperand packedA;
    private final PackedSteadyOperand packedB;
    /** The product's array from the last run, taken by one run at a time. */
    private final AtomicReference<float[]> spare = new AtomicReference<>();

    ProductSum(Operation op) {
        this.ta = op.attrBool("transpose_a");
        this.tb = op.attrBool("transpose_b");
        this.keepDims = op.attrBool("keep_dims");
        boolean keeps = Gemm.vectorApiAvailable();
        this.packedA = keeps ? PackedSteadyOperand.forInput(op, 0, PackedSteadyOperand.A) : null;
        this.packedB = keeps ? PackedSteadyOperand.forInput(op, 1, PackedSteadyOperand.B) : null;
    }

    void compute(KernelContext ctx) {
        Tensor a = ctx.input(0);
        Tensor b = ctx.input(1);
        if (a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32) {
            throw new InvalidArgumentException(ctx.op().name() + ": _MatMulSum takes float32 operands, got "
                    + a.dtype() + " and " + b.dtype());
        }
        MatMulShape shape = MatMulShape.of(ctx.op().name() + ": ", a.shape(), b.shape(), ta, tb);
        int m = shape.m();
        int n = shape.n();
        long size = (long) m * n;
        if (size > Integer.MAX_VALUE - 8) {
            throw new ResourceExhaustedException(ctx.op().name() + ": the product " + shape.outShape()
                    + " exceeds the largest Java array");
        }
        float[] c = spare.getAndSet(null);
        if (c == null || c.length != size) {
            c = new float[(int) size];
        }
        int tileColumns = tileColumns();
        int columnTiles = (n + tileColumns - 1) / tileColumns;
        double[] tileSums = new double[(m + TILE_ROWS - 1) / TILE_ROWS * columnTiles];
        float[] product = c;
        ProductFinisher sum = (r0, r1, j0, j1) -> sumTiles(product, n, r0, r1, j0, j1, tileColumns, columnTiles,
                tileSums);
        int k = shape.k();
        boolean vector = packedB != null && Gemm.vectorSgemmTakes(ta, tb, m, n, k);
        float[] keptA = vector && VectorSgemm.copiesA(ta, m, n, k) ? packedA.packed(ctx, 0, a, ta, m, k) : null;
        float[] keptB = vector ? packedB.packed(ctx, 1, b, tb, n, k) : null;
        if (keptA != null || keptB != null) {
            VectorSgemm.multiply(ta, tb, m, n, k, 1f, (float[]) a.array(), 0, (float[]) b.array(), 0, 0f, product, 0,
                    ctx.intraOpThreads(), sum, keptA, keptB);
        } else {
            Gemm.sgemmThen((float[]) a.array(), 0, ta, (float[]) b.array(), 0, tb, product, 0, m, n, k,
                    ctx.intraOpThreads(), sum);
        }
        double total = 0;
        for (double s : tileSums) {
            total += s;
        }
        spare.set(c);
        ctx.setOutput(0, Tensor.of(DType.FLOAT32, keepDims ? Shape.of(1, 1) : Shape.scalar(),
                new float[] {(float) total}));
    }

    /**
     * Columns of a tile: a panel of the vector kernels, at whose multiples their blocks start; on the other paths the
     * finisher sees the whole product at once, so any width does.
     */
    private static int tileColumns() {
        return Gemm.vectorApiAvailable() ? VectorSgemm.NR : 16;
    }

    /** Sums the tiles of rows [r0, r1) and columns [j0, j1) of {@code c} (n columns) into {@code tileSums}. */
    private static void sumTiles(float[] c, int n, int r0, int r1, int j0, int j1, int tileColumns, int columnTiles,
                                 double[] tileSums) {
        for (int r = r0; r < r1; r += TILE_ROWS) {
            int rows = Math.min(TILE_ROWS, r1 - r);
            for (int j = j0; j < j1; j += tileColumns) {
                int columns = Math.min(tileColumns, j1 - j);
                int at = r / TILE_ROWS * columnTiles + j / tileColumns;
                if (rows == TILE_ROWS && columns == tileColumns && Gemm.vectorApiAvailable()) {
                    tileSums[at] = ProductSumVectors.sumTile(c, r * n + j, n);
                } else {
                    double s = 0;
                    for (int i = 0; i < rows; i++) {
                        int row = (r + i) * n + j;
                        for (int q = 0; q < columns; q++) {
                            s += c[row + q];
                        }
                    }
                    tileSums[at] = s;
                }
            }
        }
    }
}
