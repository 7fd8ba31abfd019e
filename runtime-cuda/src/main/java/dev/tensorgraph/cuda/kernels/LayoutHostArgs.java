package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;

/**
 * Reading the host-memory arguments of the reduction, nn and layout kernels (axes, shapes, begin/size,
 * multiples), and the messages that name the op.
 */
final class LayoutHostArgs {
    private LayoutHostArgs() {}

    /** "Type 'name'", for messages. */
    static String describe(KernelContext ctx) {
        return ctx.op().type() + " op '" + ctx.op().name() + "'";
    }

    static UnimplementedException noKernel(Operation op, DType t) {
        return new UnimplementedException(op.type() + " op '" + op.name() + "' has no GPU kernel for dtype " + t);
    }

    /** The values of an int32 or int64 host tensor (scalar or any shape), as longs. */
    static long[] longs(KernelContext ctx, Tensor t, String what) {
        if (t.dtype() == DType.INT64) {
            return ((long[]) t.array()).clone();
        }
        if (t.dtype() == DType.INT32) {
            int[] a = (int[]) t.array();
            long[] r = new long[t.numElements()];
            for (int i = 0; i < r.length; i++) {
                r[i] = a[i];
            }
            return r;
        }
        throw new InvalidArgumentException(describe(ctx) + ": " + what + " must be int32 or int64, got " + t.dtype());
    }

    /** The one value of a scalar (or one-element) int32/int64 host tensor. */
    static long scalar(KernelContext ctx, Tensor t, String what) {
        if (t.numElements() != 1) {
            throw new InvalidArgumentException(describe(ctx) + ": " + what + " must be a scalar, got shape " + t.shape());
        }
        return longs(ctx, t, what)[0];
    }

    /** {@code axis} in [0, rank), from [-rank, rank). */
    static int normalizeAxis(KernelContext ctx, long axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new InvalidArgumentException(describe(ctx) + ": axis " + axis + " is out of range for a tensor of rank "
                    + rank + " (expected in [" + -rank + ", " + rank + "))");
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /**
     * BiasAdd's view of a value as {outer, channels, inner}: channels last for NHWC, and for NCHW the axis
     * rank-3 (dimension 1 of a 4-D value), as the CPU kernel.
     */
    static long[] biasLayout(KernelContext ctx, Shape s, boolean nchw) {
        int rank = s.rank();
        if (rank < 2) {
            throw new InvalidArgumentException(describe(ctx) + ": value must be at least 2-D, got shape " + s);
        }
        int channelAxis = nchw && rank >= 3 ? rank - 3 : rank - 1;
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < channelAxis; i++) {
            outer *= s.size(i);
        }
        for (int i = channelAxis + 1; i < rank; i++) {
            inner *= s.size(i);
        }
        return new long[] {outer, s.size(channelAxis), inner};
    }

    /** Row-major element strides of {@code dims}. */
    static long[] strides(long[] dims) {
        long[] s = new long[dims.length];
        long step = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = step;
            step *= dims[i];
        }
        return s;
    }
}
