package dev.tensorgraph.cpu;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Arrays;

/**
 * CPU kernels of Cumsum and Cumprod (float32, float64, int32, int64, uint8) over an [outer, n, inner] view of the
 * input: one running sum or product per (outer, inner) position, kept for a whole row of inner positions so the
 * input is read in order. float32 accumulates in float32 and uint8 wraps, as in TensorFlow's kernels.
 */
public final class ScanKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        for (String type : new String[] {"Cumsum", "Cumprod"}) {
            boolean mul = type.equals("Cumprod");
            r.register(CPU, type, op -> {
                boolean exclusive = op.attrBool("exclusive");
                boolean reverse = op.attrBool("reverse");
                return ctx -> scan(ctx, mul, exclusive, reverse);
            });
        }
    }

    private static void scan(KernelContext ctx, boolean mul, boolean exclusive, boolean reverse) {
        Tensor x = ctx.input(0);
        Tensor axisArg = ctx.input(1);
        if (axisArg.shape().rank() != 0) {
            throw new InvalidArgumentException("ScanOp: axis must be a scalar, not " + axisArg.shape());
        }
        long[] dims = x.shape().dims();
        long a = ArrayData.longs(axisArg)[0];
        if (a < -dims.length || a >= dims.length) {
            throw new InvalidArgumentException("ScanOp: Expected scan axis in the range [" + -dims.length + ", "
                    + dims.length + "), but got " + a);
        }
        int axis = (int) (a < 0 ? a + dims.length : a);
        int outer = ArrayData.prod(dims, 0, axis);
        int n = (int) dims[axis];
        int inner = ArrayData.prod(dims, axis + 1, dims.length);
        Tensor out = ctx.allocate(x.dtype(), x.shape());
        Object in = x.array();
        Object o = out.array();
//# for float double int long byte
        if (in instanceof ${T}[] typed) {
            scan(typed, (${T}[]) o, outer, n, inner, mul, exclusive, reverse);
            ctx.setOutput(0, out);
            return;
        }
//# end
        throw new UnimplementedException(ctx.op().type() + " does not support dtype " + x.dtype());
    }

//# for float double int long byte
    private static void scan(${T}[] x, ${T}[] out, int outer, int n, int inner, boolean mul, boolean exclusive,
                             boolean reverse) {
        ${T}[] acc = new ${T}[inner];
        for (int a = 0; a < outer; a++) {
            Arrays.fill(acc, (${T}) (mul ? 1 : 0));
            for (int s = 0; s < n; s++) {
                int base = (a * n + (reverse ? n - 1 - s : s)) * inner;
                for (int i = 0; i < inner; i++) {
                    ${T} v = x[base + i];
                    if (exclusive) {
                        out[base + i] = acc[i];
                    }
                    acc[i] = (${T}) (mul ? acc[i] * v : acc[i] + v);
                    if (!exclusive) {
                        out[base + i] = acc[i];
                    }
                }
            }
        }
    }
//# end
}
