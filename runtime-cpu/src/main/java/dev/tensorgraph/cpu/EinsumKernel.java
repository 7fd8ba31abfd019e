package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.EinsumEquation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CPU kernel of Einsum (float32, float64, int32, int64) as strided views, copies and matrix products: a label
 * repeated in an operand reads its diagonal (one axis whose stride is the sum of the repeated axes' strides), a
 * label only one operand has and the output lacks is summed out first (a product with a vector of ones), and the
 * rest is one batched product {@code [batch, m, k] x [batch, k, n]} on {@link Gemm}, which reads an operand in place
 * when its layout already is (or is the transpose of) that form. The result is written into the output through
 * strides, a label repeated in the output filling that diagonal of zeros.
 */
public final class EinsumKernel implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "Einsum", op -> {
            EinsumEquation eq = EinsumEquation.parse("", op.attrString("equation"));
            DType t = op.attrType("T");
            if (t != DType.FLOAT32 && t != DType.FLOAT64 && t != DType.INT32 && t != DType.INT64) {
                throw new UnimplementedException("no CPU kernel for Einsum with T=" + t);
            }
            return ctx -> einsum(ctx, eq);
        });
    }

    /** An operand seen through strides: one entry per distinct label. */
    private record View(Object array, int offset, int[] labels, int[] dims, int[] strides) {
        int find(int label) {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == label) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static void einsum(KernelContext ctx, EinsumEquation eq) {
        int n = ctx.numInputs();
        Shape[] shapes = new Shape[n];
        for (int i = 0; i < n; i++) {
            shapes[i] = ctx.input(i).shape();
        }
        EinsumEquation.Resolved r = eq.resolve("", shapes);
        DType t = ctx.input(0).dtype();
        boolean[] inOutput = new boolean[r.numLabels()];
        for (int label : r.outputLabels()) {
            inOutput[label] = true;
        }
        View x = diagonal(ctx.input(0), r.inputLabels()[0]);
        View result;
        if (n == 1) {
            result = sumOut(ctx, t, x, inOutput, ctx.intraOpThreads());
        } else {
            View y = diagonal(ctx.input(1), r.inputLabels()[1]);
            boolean[] keepX = inOutput.clone();
            boolean[] keepY = inOutput.clone();
            for (int label : y.labels()) {
                keepX[label] = true;
            }
            for (int label : x.labels()) {
                keepY[label] = true;
            }
            x = sumOut(ctx, t, x, keepX, ctx.intraOpThreads());
            y = sumOut(ctx, t, y, keepY, ctx.intraOpThreads());
            result = contract(ctx, t, x, y, r, inOutput);
        }
        ctx.setOutput(0, write(ctx, t, result, r));
    }

    /** The operand with each repeated label read along its diagonal. */
    private static View diagonal(Tensor t, int[] axisLabels) {
        long[] dims = t.shape().dims();
        int[] strides = ArrayData.strides(dims);
        List<Integer> labels = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        for (int a = 0; a < dims.length; a++) {
            int k = labels.indexOf(axisLabels[a]);
            if (k >= 0) {
                steps.set(k, steps.get(k) + strides[a]);
            } else {
                labels.add(axisLabels[a]);
                sizes.add((int) dims[a]);
                steps.add(strides[a]);
            }
        }
        return new View(t.array(), 0, toArray(labels), toArray(sizes), toArray(steps));
    }

    /** The view with the labels {@code keep} does not mark summed out, as {@code [kept, summed] x ones[summed]}. */
    private static View sumOut(KernelContext ctx, DType t, View v, boolean[] keep, int threads) {
        List<Integer> kept = new ArrayList<>();
        List<Integer> summed = new ArrayList<>();
        for (int i = 0; i < v.labels().length; i++) {
            (keep[v.labels()[i]] ? kept : summed).add(i);
        }
        if (summed.isEmpty()) {
            return v;
        }
        List<Integer> order = new ArrayList<>(kept);
        order.addAll(summed);
        Object packed = materialize(ctx, t, v, toArray(order));
        int m = 1;
        int[] keptLabels = new int[kept.size()];
        int[] keptDims = new int[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            keptLabels[i] = v.labels()[kept.get(i)];
            keptDims[i] = v.dims()[kept.get(i)];
            m *= keptDims[i];
        }
        int k = 1;
        for (int i : summed) {
            k *= v.dims()[i];
        }
        Object ones = Tensor.newArray(t, k);
        ArrayData.fillNumber(ones, 1);
        Object out = Tensor.newArray(t, m);
        MatMulKernels.gemm(t, packed, 0, false, ones, 0, false, out, 0, m, 1, k, threads);
        return new View(out, 0, keptLabels, keptDims, contiguous(keptDims));
    }

    /**
     * {@code x} times {@code y} summed over the labels both have and the output lacks, batched over the labels
     * both have and the output has; the result's labels are batch, then x's own, then y's own.
     */
    private static View contract(KernelContext ctx, DType t, View x, View y, EinsumEquation.Resolved r,
                                 boolean[] inOutput) {
        List<Integer> batch = new ArrayList<>();
        List<Integer> contracted = new ArrayList<>();
        List<Integer> xOwn = new ArrayList<>();
        List<Integer> yOwn = new ArrayList<>();
        for (int label : x.labels()) {
            (y.find(label) < 0 ? xOwn : inOutput[label] ? batch : contracted).add(label);
        }
        for (int label : y.labels()) {
            if (x.find(label) < 0) {
                yOwn.add(label);
            }
        }
        long[] sizes = r.labelSizes();
        int b = product(batch, sizes);
        int m = product(xOwn, sizes);
        int k = product(contracted, sizes);
        int n = product(yOwn, sizes);
        int[] bmk = concat(batch, xOwn, contracted);
        int[] bkm = concat(batch, contracted, xOwn);
        int[] bkn = concat(batch, contracted, yOwn);
        int[] bnk = concat(batch, yOwn, contracted);
        boolean ta = !isLayout(x, bmk, sizes) && isLayout(x, bkm, sizes);
        boolean tb = !isLayout(y, bkn, sizes) && isLayout(y, bnk, sizes);
        Object a = ta || isLayout(x, bmk, sizes) ? x.array() : materialize(ctx, t, broadcast(x, bmk, sizes), null);
        Object bArr = tb || isLayout(y, bkn, sizes) ? y.array() : materialize(ctx, t, broadcast(y, bkn, sizes), null);
        int aOff = a == x.array() ? x.offset() : 0;
        int bOff = bArr == y.array() ? y.offset() : 0;
        int[] outLabels = concat(batch, xOwn, yOwn);
        int[] outDims = new int[outLabels.length];
        for (int i = 0; i < outLabels.length; i++) {
            outDims[i] = (int) sizes[outLabels[i]];
        }
        // Written in the output's own order, the product is the output: take it from the run's pool.
        boolean isOutput = Arrays.equals(outLabels, r.outputLabels());
        Object c = isOutput ? ctx.allocate(t, r.outShape()).array() : Tensor.newArray(t, b * m * n);
        for (int i = 0; i < b; i++) {
            MatMulKernels.gemm(t, a, aOff + i * m * k, ta, bArr, bOff + i * k * n, tb, c, i * m * n, m, n, k,
                    ctx.intraOpThreads());
        }
        return new View(c, 0, outLabels, outDims, contiguous(outDims));
    }

    /** Whether the view is exactly a contiguous array with these labels in this order (and nothing else). */
    private static boolean isLayout(View v, int[] labels, long[] sizes) {
        if (labels.length != v.labels().length) {
            return false;
        }
        int expected = 1;
        for (int i = labels.length - 1; i >= 0; i--) {
            int at = v.find(labels[i]);
            if (v.dims()[at] != sizes[labels[i]] || (v.dims()[at] > 1 && v.strides()[at] != expected)) {
                return false;
            }
            expected *= v.dims()[at];
        }
        return true;
    }

    /** The view in the given label order, a label of size 1 here but larger elsewhere read with stride 0. */
    private static View broadcast(View v, int[] labels, long[] sizes) {
        int[] dims = new int[labels.length];
        int[] strides = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int at = v.find(labels[i]);
            dims[i] = (int) sizes[labels[i]];
            strides[i] = v.dims()[at] == dims[i] ? v.strides()[at] : 0;
        }
        return new View(v.array(), v.offset(), labels, dims, strides);
    }

    /** A contiguous copy of the view, its entries in {@code order} (null: as they are). */
    private static Object materialize(KernelContext ctx, DType t, View v, int[] order) {
        int rank = v.labels().length;
        int[] dims = new int[rank];
        int[] strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            int at = order == null ? i : order[i];
            dims[i] = v.dims()[at];
            strides[i] = v.strides()[at];
        }
        Object out = Tensor.newArray(t, ArrayData.prod(Shape.ofInts(dims).dims(), 0, rank));
        StridedCopy.copy(v.array(), v.offset(), strides, out, 0, contiguous(dims), dims);
        return out;
    }

    /** The output: each entry of the result written at the sum of the output strides of its label. */
    private static Tensor write(KernelContext ctx, DType t, View result, EinsumEquation.Resolved r) {
        Shape shape = r.outShape();
        int[] outStrides = ArrayData.strides(shape.dims());
        int[] dst = new int[result.labels().length];
        boolean[] seen = new boolean[dst.length];
        boolean repeated = false;
        for (int a = 0; a < r.outputLabels().length; a++) {
            int at = result.find(r.outputLabels()[a]);
            repeated |= seen[at];
            seen[at] = true;
            dst[at] += outStrides[a];
        }
        if (!repeated && result.offset() == 0 && Arrays.equals(dst, result.strides()) && !isInput(ctx, result.array())
                && java.lang.reflect.Array.getLength(result.array()) == shape.numElements()) {
            // The result already is the output, element for element (a product written in output order).
            return Tensor.wrap(t, shape, result.array());
        }
        Tensor out = repeated ? ctx.allocateZeroed(t, shape) : ctx.allocate(t, shape);
        StridedCopy.copy(result.array(), result.offset(), result.strides(), out.array(), 0, dst, result.dims());
        return out;
    }

    private static boolean isInput(KernelContext ctx, Object array) {
        for (int i = 0; i < ctx.numInputs(); i++) {
            if (ctx.input(i).array() == array) {
                return true;
            }
        }
        return false;
    }

    private static int product(List<Integer> labels, long[] sizes) {
        int p = 1;
        for (int label : labels) {
            p *= (int) sizes[label];
        }
        return p;
    }

    @SafeVarargs
    private static int[] concat(List<Integer>... parts) {
        List<Integer> all = new ArrayList<>();
        for (List<Integer> p : parts) {
            all.addAll(p);
        }
        return toArray(all);
    }

    private static int[] contiguous(int[] dims) {
        int[] s = new int[dims.length];
        int p = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = p;
            p *= dims[i];
        }
        return s;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
