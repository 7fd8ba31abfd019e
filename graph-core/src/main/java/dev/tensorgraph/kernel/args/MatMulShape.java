package dev.tensorgraph.kernel.args;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * MatMul's checked operand shapes: op(a) is [m, k] and op(b) is [k, n], op transposing where asked. One
 * rule for the CPU and GPU kernels, so that both reject the same operands with the same message.
 *
 * @param m rows of the product
 * @param k the contracted dimension
 * @param n columns of the product
 */
public record MatMulShape(int m, int k, int n) {

    /** Checks two matrices for {@code op(a) op(b)}; {@code messagePrefix} is put before each message. */
    public static MatMulShape of(String messagePrefix, Shape a, Shape b, boolean transposeA, boolean transposeB) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new InvalidArgumentException(messagePrefix + "In[0] and In[1] must be matrices, got shapes " + a
                    + " and " + b);
        }
        int m = (int) a.size(transposeA ? 1 : 0);
        int k = (int) a.size(transposeA ? 0 : 1);
        int kb = (int) b.size(transposeB ? 1 : 0);
        int n = (int) b.size(transposeB ? 0 : 1);
        if (k != kb) {
            throw new InvalidArgumentException(messagePrefix + "Matrix size-incompatible: In[0]: " + a + ", In[1]: " + b);
        }
        return new MatMulShape(m, k, n);
    }

    /** The product's shape, [m, n]. */
    public Shape outShape() {
        return Shape.of(m, n);
    }
}
