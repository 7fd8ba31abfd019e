package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.args.GatherAxes;

/** Gather along an axis, with batch dimensions. */
final class GatherKernel {
    private GatherKernel() {}

    /**
     * {@code out[b, o, i, k] = params[b, o, indices[b, i], k]} where b runs over the batch dimensions, o over
     * the remaining dimensions before the axis, i over the indices and k over the dimensions after the axis.
     */
    static void gather(KernelContext ctx, long axisArg, long batchDimsArg) {
        Tensor params = ctx.input(0);
        Tensor indices = ctx.input(1);
        long[] p = params.shape().dims();
        long[] id = indices.shape().dims();
        GatherAxes g = GatherAxes.of("", params.shape(), indices.shape(), axisArg, batchDimsArg);
        int axis = g.axis();
        int bd = g.batchDims();
        int batch = ArrayData.prod(p, 0, bd);
        int outer = ArrayData.prod(p, bd, axis);
        int n = (int) p[axis];
        int inner = ArrayData.prod(p, axis + 1, p.length);
        int perBatch = ArrayData.prod(id, bd, id.length);
        long[] idx = ArrayData.longs(indices);
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= n) {
                throw new InvalidArgumentException("indices[" + position(i, id) + "] = " + idx[i] + " is not in [0, "
                        + n + ")");
            }
        }
        Tensor out = ctx.allocate(params.dtype(), g.outShape());
        Object src = params.array();
        Object dst = out.array();
        int d = 0;
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outer; o++) {
                int base = (b * outer + o) * n;
                int ib = b * perBatch;
                if (inner == 1) {
                    rowGather(src, base, idx, ib, dst, d, perBatch);
                    d += perBatch;
                } else {
                    for (int i = 0; i < perBatch; i++) {
                        System.arraycopy(src, (base + (int) idx[ib + i]) * inner, dst, d, inner);
                        d += inner;
                    }
                }
            }
        }
        ctx.setOutput(0, out);
    }

    /** {@code dst[d + i] = src[base + idx[ib + i]]} for single-element rows, typed. */
    private static void rowGather(Object src, int base, long[] idx, int ib, Object dst, int d, int count) {
        if (src instanceof float[] a) {
            float[] o = (float[]) dst;
            for (int i = 0; i < count; i++) {
                o[d + i] = a[base + (int) idx[ib + i]];
            }
        } else if (src instanceof double[] a) {
            double[] o = (double[]) dst;
            for (int i = 0; i < count; i++) {
                o[d + i] = a[base + (int) idx[ib + i]];
            }
        } else if (src instanceof int[] a) {
            int[] o = (int[]) dst;
            for (int i = 0; i < count; i++) {
                o[d + i] = a[base + (int) idx[ib + i]];
            }
        } else if (src instanceof long[] a) {
            long[] o = (long[]) dst;
            for (int i = 0; i < count; i++) {
                o[d + i] = a[base + (int) idx[ib + i]];
            }
        } else {
            for (int i = 0; i < count; i++) {
                System.arraycopy(src, base + (int) idx[ib + i], dst, d + i, 1);
            }
        }
    }

    /** The multi-index of flat position {@code flat} in {@code dims}, as "i,j,k". */
    static String position(int flat, long[] dims) {
        if (dims.length <= 1) {
            return Integer.toString(flat);
        }
        long[] r = new long[dims.length];
        long f = flat;
        for (int k = dims.length - 1; k >= 0; k--) {
            r[k] = f % dims[k];
            f /= dims[k];
        }
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < r.length; k++) {
            b.append(k == 0 ? "" : ",").append(r[k]);
        }
        return b.toString();
    }

    static boolean isIndexType(DType t) {
        return t == DType.INT32 || t == DType.INT64;
    }
}
