package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Arrays;

/**
 * CPU kernels of the ops that address slices by N-d index tuples: GatherNd, ScatterNd and TensorScatterUpdate,
 * Add, Sub, Max, Min. A tuple of length K in the last dimension of indices picks the slice
 * {@code target[i0, ..., iK-1, ...]}; an index out of range fails naming the tuple, unless the op's
 * {@code bad_indices_policy} is IGNORE (a gather then gives zeros, a scatter skips the update).
 */
public final class NdIndexKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;
    /** TensorScatterUpdate's rule: the update replaces the slice. */
    private static final int ASSIGN = -1;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "GatherNd", op -> {
            boolean ignore = ignoresBadIndices(op.attrString("bad_indices_policy"));
            return ctx -> gatherNd(ctx, ignore);
        });
        r.register(CPU, "ScatterNd", op -> {
            boolean ignore = ignoresBadIndices(op.attrString("bad_indices_policy"));
            return ctx -> scatterNd(ctx, ignore);
        });
        registerTensorScatter(r, "TensorScatterUpdate", ASSIGN);
        registerTensorScatter(r, "TensorScatterAdd", SliceCombine.ADD);
        registerTensorScatter(r, "TensorScatterSub", SliceCombine.SUB);
        registerTensorScatter(r, "TensorScatterMax", SliceCombine.MAX);
        registerTensorScatter(r, "TensorScatterMin", SliceCombine.MIN);
    }

    private static void registerTensorScatter(KernelRegistry r, String type, int rule) {
        r.register(CPU, type, op -> {
            boolean ignore = ignoresBadIndices(op.attrString("bad_indices_policy"));
            return ctx -> tensorScatter(ctx, rule, ignore);
        });
    }

    private static boolean ignoresBadIndices(String policy) {
        return "IGNORE".equals(policy);
    }

    /**
     * The flat offset of the slice each index tuple addresses in a tensor of dims {@code target}, or -1 for a
     * tuple out of range when {@code ignore}; {@code what} names the target in the error ("param shape").
     */
    static int[] sliceOffsets(Tensor indices, long[] target, boolean ignore, String what) {
        long[] id = indices.shape().dims();
        if (id.length < 1) {
            throw new InvalidArgumentException("indices must be at least a vector, got shape " + indices.shape());
        }
        int k = (int) id[id.length - 1];
        if (k > target.length) {
            throw new InvalidArgumentException("index innermost dimension length must be <= " + what + " rank; saw: "
                    + k + " vs. " + target.length);
        }
        int n = ArrayData.prod(id, 0, id.length - 1);
        long[] idx = ArrayData.longs(indices);
        int[] strides = ArrayData.strides(target);
        int[] offsets = new int[n];
        for (int i = 0; i < n; i++) {
            long off = 0;
            for (int j = 0; j < k; j++) {
                long v = idx[i * k + j];
                if (v < 0 || v >= target[j]) {
                    if (!ignore) {
                        throw new InvalidArgumentException("indices[" + i + "] = " + Arrays.toString(
                                Arrays.copyOfRange(idx, i * k, i * k + k)) + " does not index into " + what + " "
                                + Shape.of(target));
                    }
                    off = -1;
                    break;
                }
                off += v * strides[j];
            }
            offsets[i] = (int) off;
        }
        return offsets;
    }

    private static void gatherNd(KernelContext ctx, boolean ignore) {
        Tensor params = ctx.input(0);
        Tensor indices = ctx.input(1);
        long[] p = params.shape().dims();
        int[] offsets = sliceOffsets(indices, p, ignore, "param shape");
        long[] id = indices.shape().dims();
        int k = (int) id[id.length - 1];
        int slice = ArrayData.prod(p, k, p.length);
        Shape outShape = Shape.of(Arrays.copyOf(id, id.length - 1)).concatenate(Shape.of(Arrays.copyOfRange(p, k, p.length)));
        Tensor out = ctx.allocateZeroed(params.dtype(), outShape);
        Object src = params.array();
        Object dst = out.array();
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] >= 0) {
                System.arraycopy(src, offsets[i], dst, i * slice, slice);
            }
        }
        ctx.setOutput(0, out);
    }

    private static void scatterNd(KernelContext ctx, boolean ignore) {
        Tensor indices = ctx.input(0);
        Tensor updates = ctx.input(1);
        Shape shape = ArrayData.shape(ctx.input(2), "shape");
        checkNumeric(updates.dtype(), "ScatterNd");
        Tensor out = ctx.allocateZeroed(updates.dtype(), shape);
        scatter(indices, updates, out, SliceCombine.ADD, ignore);
        ctx.setOutput(0, out);
    }

    private static void tensorScatter(KernelContext ctx, int rule, boolean ignore) {
        Tensor tensor = ctx.input(0);
        Tensor indices = ctx.input(1);
        Tensor updates = ctx.input(2);
        if (rule != ASSIGN) {
            checkNumeric(tensor.dtype(), ctx.op().type());
        }
        Tensor out = ctx.allocate(tensor.dtype(), tensor.shape());
        System.arraycopy(tensor.array(), 0, out.array(), 0, tensor.numElements());
        scatter(indices, updates, out, rule, ignore);
        ctx.setOutput(0, out);
    }

    private static void checkNumeric(DType t, String opType) {
        if (!SliceCombine.supports(t)) {
            throw new UnimplementedException(opType + " does not support dtype " + t);
        }
    }

    /** Combines each update slice into {@code out} by {@code rule}, in the order of the tuples. */
    private static void scatter(Tensor indices, Tensor updates, Tensor out, int rule, boolean ignore) {
        long[] target = out.shape().dims();
        long[] id = indices.shape().dims();
        long[] ud = updates.shape().dims();
        if (id.length < 1) {
            throw new InvalidArgumentException("indices must be at least a vector, got shape " + indices.shape());
        }
        int outer = id.length - 1;
        int k = (int) id[outer];
        if (k > target.length) {
            throw new InvalidArgumentException("indices.shape[-1] must be <= the output rank, but saw indices shape: "
                    + indices.shape() + " and output shape: " + out.shape());
        }
        boolean outerMatch = ud.length >= outer && Arrays.equals(Arrays.copyOf(ud, outer), Arrays.copyOf(id, outer));
        if (!outerMatch) {
            throw new InvalidArgumentException("Dimensions [0," + outer + ") of indices[shape=" + indices.shape()
                    + "] must match dimensions [0," + outer + ") of updates[shape=" + updates.shape() + "]");
        }
        if (!Arrays.equals(Arrays.copyOfRange(ud, outer, ud.length), Arrays.copyOfRange(target, k, target.length))) {
            throw new InvalidArgumentException("Dimensions [" + k + "," + target.length + ") of input[shape="
                    + out.shape() + "] must match dimensions [" + outer + "," + ud.length + ") of updates[shape="
                    + updates.shape() + "]");
        }
        int[] offsets = sliceOffsets(indices, target, ignore, "shape");
        int slice = ArrayData.prod(target, k, target.length);
        Object src = updates.array();
        Object dst = out.array();
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] < 0) {
                continue;
            }
            if (rule == ASSIGN) {
                System.arraycopy(src, i * slice, dst, offsets[i], slice);
            } else {
                SliceCombine.combine(rule, dst, offsets[i], src, i * slice, slice);
            }
        }
    }
}
