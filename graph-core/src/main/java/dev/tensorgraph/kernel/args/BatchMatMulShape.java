package dev.tensorgraph.kernel.args;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * BatchMatMulV2's checked operand shapes: x is [..., m, k] and y is [..., k, n] (after adj_x / adj_y), and
 * their batch dimensions broadcast as NumPy's. Shared by the CPU and GPU kernels so that both accept the
 * same operands, fail with the same messages and walk the batch the same way.
 *
 * <p>The batch arrays all have {@link #batchRank()} entries, aligned at the end; callers must not modify
 * them.
 *
 * @param m rows of each product matrix
 * @param k the contracted dimension
 * @param n columns of each product matrix
 * @param dimX x's batch dimensions, padded with leading ones
 * @param dimY y's batch dimensions, padded with leading ones
 * @param batch the broadcast batch dimensions
 * @param strideX x's stride in whole matrices along each batch axis, 0 where x is broadcast
 * @param strideY y's stride in whole matrices along each batch axis, 0 where y is broadcast
 */
public record BatchMatMulShape(int m, int k, int n, long[] dimX, long[] dimY, long[] batch, long[] strideX,
                               long[] strideY) {

    /** Checks x and y for {@code adj(x) adj(y)}; {@code messagePrefix} is put before each message. */
    public static BatchMatMulShape of(String messagePrefix, Shape x, Shape y, boolean adjX, boolean adjY) {
        long[] sx = x.dims();
        long[] sy = y.dims();
        if (sx.length < 2 || sy.length < 2) {
            throw new InvalidArgumentException(messagePrefix + "In[0] and In[1] must have rank >= 2, got shapes " + x
                    + " and " + y);
        }
        int rx = sx.length;
        int ry = sy.length;
        int m = (int) sx[adjX ? rx - 1 : rx - 2];
        int k = (int) sx[adjX ? rx - 2 : rx - 1];
        int ky = (int) sy[adjY ? ry - 1 : ry - 2];
        int n = (int) sy[adjY ? ry - 2 : ry - 1];
        if (k != ky) {
            throw new InvalidArgumentException(messagePrefix + "Matrix size-incompatible: In[0]: " + x + ", In[1]: " + y);
        }
        int rank = Math.max(rx, ry) - 2;
        long[] dimX = new long[rank];
        long[] dimY = new long[rank];
        long[] batch = new long[rank];
        long[] strideX = new long[rank];
        long[] strideY = new long[rank];
        long px = 1;
        long py = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int ix = i - (rank - (rx - 2));
            int iy = i - (rank - (ry - 2));
            dimX[i] = ix >= 0 ? sx[ix] : 1;
            dimY[i] = iy >= 0 ? sy[iy] : 1;
            if (dimX[i] != dimY[i] && dimX[i] != 1 && dimY[i] != 1) {
                throw new InvalidArgumentException(messagePrefix + "In[0] and In[1] must have compatible batch dimensions: "
                        + x + " vs. " + y);
            }
            batch[i] = dimX[i] == 0 || dimY[i] == 0 ? 0 : Math.max(dimX[i], dimY[i]);
            strideX[i] = dimX[i] == 1 ? 0 : px;
            strideY[i] = dimY[i] == 1 ? 0 : py;
            px *= dimX[i];
            py *= dimY[i];
        }
        return new BatchMatMulShape(m, k, n, dimX, dimY, batch, strideX, strideY);
    }

    /** The number of broadcast batch dimensions. */
    public int batchRank() {
        return batch.length;
    }

    /** The product's shape: the broadcast batch, then [m, n]. */
    public Shape outShape() {
        int rank = batch.length;
        long[] outDims = new long[rank + 2];
        System.arraycopy(batch, 0, outDims, 0, rank);
        outDims[rank] = m;
        outDims[rank + 1] = n;
        return Shape.of(outDims);
    }
}
