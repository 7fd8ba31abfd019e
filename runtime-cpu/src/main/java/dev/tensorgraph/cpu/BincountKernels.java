package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of Bincount and DenseBincount (counts or weight sums of int32, int64, float32, float64): values
 * at or past size are ignored, a negative value fails. Integer counts add up in 64 bits, float weights in double.
 */
public final class BincountKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "Bincount", op -> ctx -> count(ctx, false, false));
        r.register(CPU, "DenseBincount", op -> {
            boolean binary = op.attrBool("binary_output");
            return ctx -> count(ctx, true, binary);
        });
    }

    private static void count(KernelContext ctx, boolean rows, boolean binary) {
        Tensor input = ctx.input(0);
        Tensor weights = ctx.input(2);
        long size = ArrayData.scalarLong(ctx.input(1), "size");
        if (size < 0) {
            throw new InvalidArgumentException("size (" + size + ") must be non-negative");
        }
        DType t = weights.dtype();
        if (t != DType.INT32 && t != DType.INT64 && t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw new UnimplementedException(ctx.op().type() + " does not support weights of dtype " + t);
        }
        long[] dims = input.shape().dims();
        if (dims.length > (rows ? 2 : Integer.MAX_VALUE)) {
            throw new InvalidArgumentException("input must be 1-D or 2-D, got shape " + input.shape());
        }
        boolean weighted = weights.numElements() > 0;
        if (weighted && !weights.shape().equals(input.shape())) {
            throw new InvalidArgumentException("`weights` must be the same shape as `arr` or a length-0 `Tensor`, in "
                    + "which case it acts as all weights equal to 1. Received " + weights.shape());
        }
        int numRows = rows && dims.length == 2 ? (int) dims[0] : 1;
        int perRow = input.numElements() / Math.max(numRows, 1);
        if ((long) numRows * size > Integer.MAX_VALUE - 8) {
            throw new InvalidArgumentException("cannot allocate " + numRows + " x " + size + " bins");
        }
        int bins = (int) size;
        long[] values = ArrayData.longs(input);
        double[] w = weighted ? weights.toDoubles() : null;
        long[] longWeights = weighted && !t.isFloating() ? ArrayData.longs(weights) : null;
        double[] sums = new double[numRows * bins];
        long[] counts = new long[numRows * bins];
        for (int i = 0; i < values.length; i++) {
            long v = values[i];
            if (v < 0) {
                throw new InvalidArgumentException("Input arr must be non-negative!");
            }
            if (v >= size) {
                continue;
            }
            int bin = (perRow == 0 ? 0 : i / perRow) * bins + (int) v;
            if (binary) {
                counts[bin] = 1;
                sums[bin] = 1;
            } else if (longWeights != null) {
                counts[bin] += longWeights[i];
            } else if (w != null) {
                sums[bin] += w[i];
            } else {
                counts[bin]++;
                sums[bin]++;
            }
        }
        Shape outShape = rows && dims.length == 2 ? Shape.of(numRows, bins) : Shape.of(bins);
        ctx.setOutput(0, switch (t) {
            case INT32 -> {
                int[] o = new int[counts.length];
                for (int i = 0; i < o.length; i++) {
                    o[i] = (int) counts[i];
                }
                yield Tensor.wrap(t, outShape, o);
            }
            case INT64 -> Tensor.wrap(t, outShape, counts);
            case FLOAT32 -> {
                float[] o = new float[sums.length];
                for (int i = 0; i < o.length; i++) {
                    o[i] = (float) sums[i];
                }
                yield Tensor.wrap(t, outShape, o);
            }
            default -> Tensor.wrap(t, outShape, sums);
        });
    }
}
