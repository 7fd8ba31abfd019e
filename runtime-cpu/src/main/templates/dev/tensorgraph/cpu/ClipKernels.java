package dev.tensorgraph.cpu;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernel of ClipByValue (float32, float64, int32, int64, uint8): {@code max(min(t, hi), lo)} with each bound a
 * scalar or of t's shape. Written with comparisons so that a NaN in t stays NaN and {@code lo > hi} gives lo, as
 * TensorFlow's kernel does.
 */
public final class ClipKernels implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "ClipByValue", op -> ClipKernels::clip);
    }

    private static void clip(KernelContext ctx) {
        Tensor t = ctx.input(0);
        Tensor min = ctx.input(1);
        Tensor max = ctx.input(2);
        for (Tensor b : new Tensor[] {min, max}) {
            if (b.shape().rank() != 0 && !b.shape().equals(t.shape())) {
                throw new InvalidArgumentException("clip_value_min and clip_value_max must be either of the same shape "
                        + "as input, or a scalar. input shape: " + t.shape() + " clip_value_min shape: " + min.shape()
                        + " clip_value_max shape: " + max.shape());
            }
        }
        Tensor out = ctx.allocate(t.dtype(), t.shape());
        clip(t.array(), min.array(), min.shape().rank() == 0 ? 0 : 1, max.array(), max.shape().rank() == 0 ? 0 : 1,
                out.array(), ctx.op().type());
        ctx.setOutput(0, out);
    }

    /** {@code out[i] = max(min(x[i], max[i * hiStep]), min[i * loStep])}; a step of 0 reads a scalar bound. */
    private static void clip(Object x, Object min, int loStep, Object max, int hiStep, Object out, String opType) {
//# for float double int long
        if (x instanceof ${T}[] a) {
            ${T}[] lo = (${T}[]) min;
            ${T}[] hi = (${T}[]) max;
            ${T}[] o = (${T}[]) out;
            for (int i = 0; i < a.length; i++) {
                ${T} v = a[i] > hi[hiStep * i] ? hi[hiStep * i] : a[i];
                o[i] = v < lo[loStep * i] ? lo[loStep * i] : v;
            }
            return;
        }
//# end
        if (x instanceof byte[] a) {
            byte[] lo = (byte[]) min;
            byte[] hi = (byte[]) max;
            byte[] o = (byte[]) out;
            for (int i = 0; i < a.length; i++) {
                int v = Math.min(a[i] & 0xff, hi[hiStep * i] & 0xff);
                o[i] = (byte) Math.max(v, lo[loStep * i] & 0xff);
            }
            return;
        }
        throw new UnimplementedException(opType + " does not support " + x.getClass().getSimpleName() + " storage");
    }
}
