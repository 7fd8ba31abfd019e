package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Arrays;

/** CPU kernels of the array ops that look at values: OneHot, Where and SparseToDense. */
public final class ArrayValueKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "OneHot", op -> {
            long axis = op.attrLong("axis");
            return ctx -> oneHot(ctx, axis);
        });
        r.register(CPU, "Where", op -> ArrayValueKernels::where);
        r.register(CPU, "SparseToDense", op -> {
            boolean validate = op.attrBool("validate_indices");
            return ctx -> sparseToDense(ctx, validate);
        });
    }

    private static void oneHot(KernelContext ctx, long axisAttr) {
        Tensor indices = ctx.input(0);
        long depth = ArrayData.scalarLong(ctx.input(1), "depth");
        Tensor on = ctx.input(2);
        Tensor off = ctx.input(3);
        if (depth < 0) {
            throw new InvalidArgumentException("depth must be non-negative, got: " + depth);
        }
        if (on.numElements() != 1 || off.numElements() != 1) {
            throw new InvalidArgumentException("on_value and off_value must be scalars, got shapes " + on.shape()
                    + " and " + off.shape());
        }
        long[] id = indices.shape().dims();
        int axis = axisAttr == -1 ? id.length : (int) axisAttr;
        if (axis < 0 || axis > id.length) {
            throw new InvalidArgumentException("Expected axis to be -1 or between [0, " + id.length + "), but received: "
                    + axisAttr);
        }
        long[] od = new long[id.length + 1];
        System.arraycopy(id, 0, od, 0, axis);
        od[axis] = depth;
        System.arraycopy(id, axis, od, axis + 1, id.length - axis);
        int prefix = ArrayData.prod(id, 0, axis);
        int suffix = ArrayData.prod(id, axis, id.length);
        long[] idx = indices.dtype() == DType.UINT8 ? uint8(indices) : ArrayData.longs(indices);
        Tensor out = ArrayData.filled(ctx, Shape.of(od), off);
        Object dst = out.array();
        Object onv = on.array();
        int d = (int) depth;
        for (int p = 0; p < prefix; p++) {
            for (int s = 0; s < suffix; s++) {
                long v = idx[p * suffix + s];
                if (v >= 0 && v < d) {
                    System.arraycopy(onv, 0, dst, (int) ((p * (long) d + v) * suffix + s), 1);
                }
            }
        }
        ctx.setOutput(0, out);
    }

    private static long[] uint8(Tensor t) {
        byte[] b = (byte[]) t.array();
        long[] r = new long[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[i] & 0xff;
        }
        return r;
    }

    /** Coordinates of the true (non-zero) elements, int64 [n, rank], in row-major order. */
    private static void where(KernelContext ctx) {
        Tensor x = ctx.input(0);
        int n = x.numElements();
        boolean[] t = new boolean[n];
        Object a = x.array();
        int count = 0;
        if (a instanceof boolean[] b) {
            System.arraycopy(b, 0, t, 0, n);
        } else if (a instanceof byte[][]) {
            throw new InvalidArgumentException("Where does not support string tensors");
        } else {
            double[] d = x.toDoubles();
            for (int i = 0; i < n; i++) {
                t[i] = d[i] != 0;
            }
        }
        for (int i = 0; i < n; i++) {
            if (t[i]) {
                count++;
            }
        }
        long[] dims = x.shape().dims();
        int rank = dims.length;
        long[] out = new long[count * rank];
        int[] strides = ArrayData.strides(dims);
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (t[i]) {
                int rem = i;
                for (int j = 0; j < rank; j++) {
                    out[k++] = rem / strides[j];
                    rem %= strides[j];
                }
            }
        }
        ctx.setOutput(0, Tensor.wrap(DType.INT64, Shape.of(count, rank), out));
    }

    private static void sparseToDense(KernelContext ctx, boolean validate) {
        Tensor ind = ctx.input(0);
        Shape shape = ArrayData.shape(ctx.input(1), "output_shape");
        Tensor values = ctx.input(2);
        Tensor def = ctx.input(3);
        if (def.numElements() != 1) {
            throw new InvalidArgumentException("default_value should be a scalar, got shape " + def.shape());
        }
        long[] iv = ArrayData.longs(ind);
        int rank = shape.rank();
        int num = ind.shape().rank() == 0 ? 1 : (int) ind.shape().size(0);
        int per = ind.shape().rank() < 2 ? 1 : (int) ind.shape().size(1);
        if (per != rank) {
            throw new InvalidArgumentException("sparse_indices has " + per + " columns but output_shape " + shape
                    + " has rank " + rank);
        }
        if (values.numElements() != 1 && values.numElements() != num) {
            throw new InvalidArgumentException("sparse_values has incorrect shape " + values.shape()
                    + ", should be [] or [" + num + "]");
        }
        long[] dims = shape.dims();
        int[] strides = ArrayData.strides(dims);
        Tensor out = ArrayData.filled(ctx, shape, def);
        Object dst = out.array();
        Object src = values.array();
        boolean scalar = values.numElements() == 1;
        long prev = -1;
        for (int i = 0; i < num; i++) {
            long flat = 0;
            for (int j = 0; j < rank; j++) {
                long v = iv[i * rank + j];
                if (v < 0 || v >= dims[j]) {
                    throw new InvalidArgumentException("indices[" + i + "] = " + Arrays.toString(
                            Arrays.copyOfRange(iv, i * rank, i * rank + rank)) + " is out of bounds: need 0 <= index < "
                            + shape);
                }
                flat += v * strides[j];
            }
            if (validate && flat <= prev) {
                throw new InvalidArgumentException("indices[" + i + "] = " + Arrays.toString(
                        Arrays.copyOfRange(iv, i * rank, i * rank + rank)) + " is " + (flat == prev ? "repeated" : "out of order"));
            }
            prev = flat;
            System.arraycopy(src, scalar ? 0 : i, dst, (int) flat, 1);
        }
        ctx.setOutput(0, out);
    }
}
