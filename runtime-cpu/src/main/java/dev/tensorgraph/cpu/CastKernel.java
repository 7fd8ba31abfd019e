package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.HalfFloats;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.Kernel;

/**
 * The Cast kernel between float32, float64, bfloat16, float16, int32, int64, uint8 and bool, with C++'s
 * conversions as TensorFlow uses them: floats to integers truncate toward zero, numbers to bool test
 * {@code != 0}, bool to numbers gives 0 or 1, integers narrow by wrapping (int32 -3 to uint8 is 253). Floating
 * sources go through double, integer sources through long, so no value is rounded twice. The 16-bit types
 * convert through float32 both ways, as TensorFlow's do (a float64 or an integer is first made a float32,
 * then rounded to nearest, ties to even; see {@link HalfFloats}).
 */
final class CastKernel {
    private CastKernel() {}

    static Kernel create(Operation op) {
        DType src = op.attrType("SrcT");
        DType dst = op.attrType("DstT");
        if (src == DType.STRING || dst == DType.STRING) {
            throw new UnimplementedException("Cast " + src + " to " + dst + " is not supported");
        }
        if (src == dst) {
            return ctx -> ctx.setOutput(0, ctx.input(0));
        }
        if (src.isHalfPrecision() || dst.isHalfPrecision()) {
            return ctx -> ctx.setOutput(0, castThroughFloat(ctx, ctx.input(0), dst));
        }
        return ctx -> {
            Tensor x = ctx.input(0);
            Tensor out = ctx.allocate(dst, x.shape());
            int n = x.numElements();
            Object o = out.array();
            if (src == DType.FLOAT32 && dst == DType.FLOAT64) {
                float[] a = (float[]) x.array();
                double[] d = (double[]) o;
                for (int i = 0; i < n; i++) {
                    d[i] = a[i];
                }
            } else if (src.isFloating()) {
                writeFromDouble(toDoubles(x, n), dst, o, n);
            } else {
                writeFromLong(toLongs(x, n), dst, o, n);
            }
            ctx.setOutput(0, out);
        };
    }

    /** A cast from or to a 16-bit type: the source as float32 values, then those converted to {@code dst}. */
    private static Tensor castThroughFloat(dev.tensorgraph.kernel.KernelContext ctx, Tensor x, DType dst) {
        int n = x.numElements();
        float[] f = x.dtype().isHalfPrecision() ? HalfFloats.widen(x.dtype(), (short[]) x.array()) : toFloats(x, n);
        Tensor out = ctx.allocate(dst, x.shape());
        if (dst.isHalfPrecision()) {
            HalfFloats.narrow(dst, f, (short[]) out.array());
        } else if (dst == DType.FLOAT32) {
            System.arraycopy(f, 0, out.array(), 0, n);
        } else {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = f[i];
            }
            writeFromDouble(d, dst, out.array(), n);
        }
        return out;
    }

    private static float[] toFloats(Tensor x, int n) {
        float[] f = new float[n];
        if (x.dtype() == DType.FLOAT32) {
            System.arraycopy(x.array(), 0, f, 0, n);
        } else if (x.dtype() == DType.FLOAT64) {
            double[] d = (double[]) x.array();
            for (int i = 0; i < n; i++) {
                f[i] = (float) d[i];
            }
        } else {
            long[] l = toLongs(x, n);
            for (int i = 0; i < n; i++) {
                f[i] = (float) l[i];
            }
        }
        return f;
    }

    private static double[] toDoubles(Tensor x, int n) {
        if (x.dtype() == DType.FLOAT64) {
            return (double[]) x.array();
        }
        float[] a = (float[]) x.array();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static long[] toLongs(Tensor x, int n) {
        long[] l = new long[n];
        switch (x.dtype()) {
            case INT32 -> {
                int[] a = (int[]) x.array();
                for (int i = 0; i < n; i++) {
                    l[i] = a[i];
                }
            }
            case INT64 -> System.arraycopy(x.array(), 0, l, 0, n);
            case UINT8 -> {
                byte[] a = (byte[]) x.array();
                for (int i = 0; i < n; i++) {
                    l[i] = a[i] & 0xFF;
                }
            }
            case BOOL -> {
                boolean[] a = (boolean[]) x.array();
                for (int i = 0; i < n; i++) {
                    l[i] = a[i] ? 1 : 0;
                }
            }
            default -> throw new UnimplementedException("Cast from " + x.dtype() + " is not supported");
        }
        return l;
    }

    private static void writeFromDouble(double[] d, DType dst, Object o, int n) {
        switch (dst) {
            case FLOAT32 -> {
                float[] a = (float[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = (float) d[i];
                }
            }
            case FLOAT64 -> System.arraycopy(d, 0, o, 0, n);
            case INT32 -> {
                int[] a = (int[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = (int) d[i];
                }
            }
            case INT64 -> {
                long[] a = (long[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = (long) d[i];
                }
            }
            case UINT8 -> {
                byte[] a = (byte[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) (long) d[i];
                }
            }
            case BOOL -> {
                boolean[] a = (boolean[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = d[i] != 0;
                }
            }
            default -> throw new UnimplementedException("Cast to " + dst + " is not supported");
        }
    }

    private static void writeFromLong(long[] l, DType dst, Object o, int n) {
        switch (dst) {
            case FLOAT32 -> {
                float[] a = (float[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = (float) l[i];
                }
            }
            case FLOAT64 -> {
                double[] a = (double[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = (double) l[i];
                }
            }
            case INT32 -> {
                int[] a = (int[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = (int) l[i];
                }
            }
            case INT64 -> System.arraycopy(l, 0, o, 0, n);
            case UINT8 -> {
                byte[] a = (byte[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) l[i];
                }
            }
            case BOOL -> {
                boolean[] a = (boolean[]) o;
                for (int i = 0; i < n; i++) {
                    a[i] = l[i] != 0;
                }
            }
            default -> throw new UnimplementedException("Cast to " + dst + " is not supported");
        }
    }
}
