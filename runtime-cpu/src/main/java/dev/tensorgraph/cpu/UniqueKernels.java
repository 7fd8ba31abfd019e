package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;

/**
 * CPU kernels of Unique, UniqueWithCounts, UniqueV2, UniqueWithCountsV2 and ListDiff for every dtype. Elements
 * (or slices along an axis) are the same when they compare equal: -0.0 equals 0.0, and a NaN equals nothing, so
 * each NaN is a value of its own, as in TensorFlow's hash-set kernels.
 */
public final class UniqueKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "Unique", op -> {
            DType outIdx = op.attrType("out_idx");
            return ctx -> unique(ctx, null, outIdx, false);
        });
        r.register(CPU, "UniqueWithCounts", op -> {
            DType outIdx = op.attrType("out_idx");
            return ctx -> unique(ctx, null, outIdx, true);
        });
        r.register(CPU, "UniqueV2", op -> {
            DType outIdx = op.attrType("out_idx");
            return ctx -> unique(ctx, ctx.input(1), outIdx, false);
        });
        r.register(CPU, "UniqueWithCountsV2", op -> {
            DType outIdx = op.attrType("out_idx");
            return ctx -> unique(ctx, ctx.input(1), outIdx, true);
        });
        r.register(CPU, "ListDiff", op -> {
            DType outIdx = op.attrType("out_idx");
            return ctx -> listDiff(ctx, outIdx);
        });
    }

    /**
     * The distinct slices of x along {@code axisArg} (null or empty: x must be a vector) in order of first
     * occurrence, each slice's position among them and, with {@code counts}, how often each occurs.
     */
    private static void unique(KernelContext ctx, Tensor axisArg, DType outIdx, boolean counts) {
        Tensor x = ctx.input(0);
        long[] dims = x.shape().dims();
        long[] axes = axisArg == null ? new long[0] : ArrayData.longs(axisArg);
        if (axes.length > 1) {
            throw new InvalidArgumentException("axis does not support input tensors larger than 1 elements");
        }
        if (axes.length == 0 && dims.length != 1) {
            throw new InvalidArgumentException("unique expects a 1D vector, got shape " + x.shape());
        }
        long axisValue = axes.length == 0 ? 0 : axes[0];
        if (axisValue < -dims.length || axisValue >= dims.length) {
            throw new InvalidArgumentException("axis = " + axisValue + " is not in [" + -dims.length + ", " + dims.length
                    + ")");
        }
        int axis = (int) (axisValue < 0 ? axisValue + dims.length : axisValue);
        int outer = ArrayData.prod(dims, 0, axis);
        int n = (int) dims[axis];
        int inner = ArrayData.prod(dims, axis + 1, dims.length);
        SliceKeys keys = new SliceKeys(x.array(), outer, n, inner);
        int[] idx = new int[n];
        int[] first = new int[n];
        int[] count = new int[n];
        int distinct = 0;
        boolean scalars = outer * inner == 1 && keys.hasBits();
        LongIntMap scalarSeen = scalars ? new LongIntMap(n) : null;
        HashMap<SliceKeys.Key, Integer> sliceSeen = scalars ? null : new HashMap<>();
        for (int j = 0; j < n; j++) {
            int k;
            if (scalars) {
                k = keys.isNaN(j) ? -1 : scalarSeen.putIfAbsent(keys.bits(j), distinct);
            } else {
                SliceKeys.Key key = keys.key(j);
                Integer known = key.hasNaN() ? null : sliceSeen.putIfAbsent(key, distinct);
                k = known == null ? -1 : known;
            }
            if (k < 0) {
                first[distinct] = j;
                k = distinct++;
            }
            idx[j] = k;
            count[k]++;
        }
        long[] yDims = dims.clone();
        yDims[axis] = distinct;
        Tensor y = ctx.allocate(x.dtype(), Shape.of(yDims));
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < distinct; k++) {
                System.arraycopy(x.array(), (o * n + first[k]) * inner, y.array(), (o * distinct + k) * inner, inner);
            }
        }
        ctx.setOutput(0, y);
        ctx.setOutput(1, indexTensor(outIdx, idx, n));
        if (counts) {
            ctx.setOutput(2, indexTensor(outIdx, count, distinct));
        }
    }

    /** The elements of vector x that are not in vector y, in order, with their positions. */
    private static void listDiff(KernelContext ctx, DType outIdx) {
        Tensor x = ctx.input(0);
        Tensor y = ctx.input(1);
        if (x.shape().rank() != 1) {
            throw new InvalidArgumentException("x should be a 1D vector.");
        }
        if (y.shape().rank() != 1) {
            throw new InvalidArgumentException("y should be a 1D vector.");
        }
        int nx = x.numElements();
        int ny = y.numElements();
        SliceKeys yKeys = new SliceKeys(y.array(), 1, ny, 1);
        SliceKeys xKeys = new SliceKeys(x.array(), 1, nx, 1);
        boolean scalars = yKeys.hasBits();
        LongIntMap yBits = scalars ? new LongIntMap(ny) : null;
        HashSet<SliceKeys.Key> yStrings = scalars ? null : new HashSet<>();
        for (int j = 0; j < ny; j++) {
            if (scalars) {
                yBits.putIfAbsent(yKeys.bits(j), j);
            } else {
                yStrings.add(yKeys.key(j));
            }
        }
        int[] kept = new int[nx];
        int m = 0;
        for (int i = 0; i < nx; i++) {
            boolean inY = scalars ? !xKeys.isNaN(i) && yBits.get(xKeys.bits(i)) >= 0 : yStrings.contains(xKeys.key(i));
            if (!inY) {
                kept[m++] = i;
            }
        }
        Tensor out = ctx.allocate(x.dtype(), Shape.of(m));
        for (int i = 0; i < m; i++) {
            System.arraycopy(x.array(), kept[i], out.array(), i, 1);
        }
        ctx.setOutput(0, out);
        ctx.setOutput(1, indexTensor(outIdx, kept, m));
    }

    private static Tensor indexTensor(DType t, int[] values, int n) {
        if (t == DType.INT64) {
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                l[i] = values[i];
            }
            return Tensor.wrap(DType.INT64, Shape.of(n), l);
        }
        return Tensor.wrap(DType.INT32, Shape.of(n), Arrays.copyOf(values, n));
    }
}
