package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import org.apache.commons.numbers.gamma.Erf;
import org.apache.commons.numbers.gamma.Erfc;

/**
 * CPU kernels of elementwise functions evaluated in double and rounded once for float32: Erf and Erfc (Apache
 * Commons Numbers, accurate to double precision), Sin and Cos, Selu/SeluGrad and Softsign/SoftsignGrad; and the
 * float classifiers IsFinite, IsNan, IsInf.
 */
public final class ElementwiseFunctionKernels implements KernelLibrary {
    /** SELU's constants, as TensorFlow's kernels use them. */
    static final double SELU_SCALE = 1.0507009873554804934193349852946;
    static final double SELU_ALPHA = 1.6732632423543772848170429916717;

    /** A function of one value. */
    @FunctionalInterface
    interface Unary {
        double apply(double x);
    }

    /** A gradient op's function of the incoming gradient and the forward value it takes. */
    @FunctionalInterface
    interface Binary {
        double apply(double grad, double value);
    }

    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "Erf", unary(Erf::value));
        r.register(KernelRegistry.CPU, "Erfc", unary(Erfc::value));
        r.register(KernelRegistry.CPU, "Sin", unary(Math::sin));
        r.register(KernelRegistry.CPU, "Cos", unary(Math::cos));
        r.register(KernelRegistry.CPU, "IsFinite", floatClass(Double::isFinite));
        r.register(KernelRegistry.CPU, "IsNan", floatClass(Double::isNaN));
        r.register(KernelRegistry.CPU, "IsInf", floatClass(Double::isInfinite));
        r.register(KernelRegistry.CPU, "Selu", unary(x -> x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x)));
        // SeluGrad(g, y) takes the forward output: y < 0 means y = scale * alpha * (e^x - 1).
        r.register(KernelRegistry.CPU, "SeluGrad", binary((g, y) -> y < 0 ? g * (y + SELU_SCALE * SELU_ALPHA)
                : g * SELU_SCALE));
        r.register(KernelRegistry.CPU, "Softsign", unary(x -> x / (1 + Math.abs(x))));
        r.register(KernelRegistry.CPU, "SoftsignGrad", binary((g, x) -> {
            double d = 1 + Math.abs(x);
            return g / (d * d);
        }));
    }

    private static KernelFactory unary(Unary fn) {
        return op -> {
            ActivationKernels.floatType(op);
            return ctx -> {
                Tensor x = ctx.input(0);
                Tensor out = ctx.allocate(x.dtype(), x.shape());
                int n = x.numElements();
                if (x.dtype() == DType.FLOAT32) {
                    float[] a = (float[]) x.array();
                    float[] o = (float[]) out.array();
                    for (int i = 0; i < n; i++) {
                        o[i] = (float) fn.apply(a[i]);
                    }
                } else {
                    double[] a = (double[]) x.array();
                    double[] o = (double[]) out.array();
                    for (int i = 0; i < n; i++) {
                        o[i] = fn.apply(a[i]);
                    }
                }
                ctx.setOutput(0, out);
            };
        };
    }

    private static KernelFactory floatClass(java.util.function.DoublePredicate test) {
        return op -> {
            ActivationKernels.floatType(op);
            return ctx -> {
                Tensor x = ctx.input(0);
                Tensor out = ctx.allocate(DType.BOOL, x.shape());
                boolean[] o = (boolean[]) out.array();
                if (x.dtype() == DType.FLOAT32) {
                    float[] a = (float[]) x.array();
                    for (int i = 0; i < o.length; i++) {
                        o[i] = test.test(a[i]);
                    }
                } else {
                    double[] a = (double[]) x.array();
                    for (int i = 0; i < o.length; i++) {
                        o[i] = test.test(a[i]);
                    }
                }
                ctx.setOutput(0, out);
            };
        };
    }

    private static KernelFactory binary(Binary fn) {
        return op -> {
            ActivationKernels.floatType(op);
            return ctx -> binaryKernel(ctx, fn);
        };
    }

    private static void binaryKernel(KernelContext ctx, Binary fn) {
        Tensor g = ctx.input(0);
        Tensor v = ctx.input(1);
        if (!g.shape().equals(v.shape()) || g.dtype() != v.dtype()) {
            throw new InvalidArgumentException("gradients (" + g.dtype() + " " + g.shape() + ") and the second input ("
                    + v.dtype() + " " + v.shape() + ") must have the same dtype and shape");
        }
        Tensor out = ctx.allocate(g.dtype(), g.shape());
        int n = g.numElements();
        if (g.dtype() == DType.FLOAT32) {
            float[] ga = (float[]) g.array();
            float[] va = (float[]) v.array();
            float[] o = (float[]) out.array();
            for (int i = 0; i < n; i++) {
                o[i] = (float) fn.apply(ga[i], va[i]);
            }
        } else {
            double[] ga = (double[]) g.array();
            double[] va = (double[]) v.array();
            double[] o = (double[]) out.array();
            for (int i = 0; i < n; i++) {
                o[i] = fn.apply(ga[i], va[i]);
            }
        }
        ctx.setOutput(0, out);
    }
}
