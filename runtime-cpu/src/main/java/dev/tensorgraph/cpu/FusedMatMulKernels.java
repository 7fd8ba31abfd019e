package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.args.MatMulShape;
import java.util.List;

/**
 * The CPU kernel of {@code _FusedMatMul} (float32): a dense layer's product, then its bias and optionally ReLU or
 * ReLU6, applied by each thread to the part of the output it has just computed. Run apart, BiasAdd and Relu read
 * the product in rows while the product was split by columns, so on two cores half of it crossed from one core's
 * cache to the other's, and once more for the next layer. The product runs on the kernels MatMul uses and the
 * epilogue adds and clamps in the unfused ops' order, so the result has their bits. Also {@code _MatMulSum}, a
 * product summed as it is computed ({@link ProductSum}), and {@code _MatMulReluGrad}, a product masked by a ReLU's
 * features and its columns summed as it is computed ({@link ProductReluGrad}).
 */
public final class FusedMatMulKernels implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "_FusedMatMul", op -> {
            Activation act = Activation.of(op);
            boolean ta = op.attrBool("transpose_a");
            boolean tb = op.attrBool("transpose_b");
            PackedSteadyOperand packedB = Gemm.vectorApiAvailable()
                    ? PackedSteadyOperand.forInput(op, 1, PackedSteadyOperand.B) : null;
            return ctx -> compute(ctx, ta, tb, act, packedB);
        });
        r.register(KernelRegistry.CPU, "_MatMulSum", op -> {
            if (op.attrType("T") != DType.FLOAT32) {
                throw new UnimplementedException("_MatMulSum on the CPU takes float32 only, got " + op.attrType("T"));
            }
            return new ProductSum(op)::compute;
        });
        r.register(KernelRegistry.CPU, "_MatMulReluGrad", op -> {
            if (op.attrType("T") != DType.FLOAT32) {
                throw new UnimplementedException("_MatMulReluGrad on the CPU takes float32 only, got "
                        + op.attrType("T"));
            }
            return new ProductReluGrad(op)::compute;
        });
    }

    /** What {@code fused_ops} asks for after the bias: nothing, ReLU, or ReLU clipped at {@code cap}. */
    private record Activation(boolean relu, float cap) {
        static Activation of(Operation op) {
            if (op.attrType("T") != DType.FLOAT32) {
                throw new UnimplementedException("_FusedMatMul on the CPU takes float32 only, got " + op.attrType("T"));
            }
            List<String> ops = List.of((String[]) op.attr("fused_ops"));
            if (ops.equals(List.of("BiasAdd"))) {
                return new Activation(false, Float.POSITIVE_INFINITY);
            }
            if (ops.equals(List.of("BiasAdd", "Relu"))) {
                return new Activation(true, Float.POSITIVE_INFINITY);
            }
            if (ops.equals(List.of("BiasAdd", "Relu6"))) {
                return new Activation(true, 6f);
            }
            throw new UnimplementedException("_FusedMatMul on the CPU does not fuse " + ops);
        }
    }

    private static void compute(KernelContext ctx, boolean ta, boolean tb, Activation act,
                                PackedSteadyOperand packedB) {
        Tensor a = ctx.input(0);
        Tensor b = ctx.input(1);
        Tensor bias = ctx.input(2);
        MatMulShape shape = MatMulShape.of(ctx.op().name() + ": ", a.shape(), b.shape(), ta, tb);
        int m = shape.m();
        int n = shape.n();
        if (bias.shape().rank() != 1 || bias.shape().size(0) != n) {
            throw new InvalidArgumentException(ctx.op().name() + ": the bias has shape " + bias.shape()
                    + " but the product has " + n + " columns");
        }
        Tensor out = ctx.allocate(DType.FLOAT32, shape.outShape());
        float[] c = (float[]) out.array();
        VectorConv.Epilogue e = new VectorConv.Epilogue((float[]) bias.array(), null, act.relu(), act.cap());
        float[] packed = packedB != null && Gemm.vectorSgemmTakes(ta, tb, m, n, shape.k())
                ? packedB.packed(ctx, 1, b, tb, n, shape.k()) : null;
        Gemm.sgemmThen((float[]) a.array(), 0, ta, (float[]) b.array(), 0, tb, c, 0, m, n, shape.k(),
                ctx.intraOpThreads(), (r0, r1, j0, j1) -> PointwiseConv.applyEpilogue(c, r0, r1, j0, j1, n, e), packed);
        ctx.setOutput(0, out);
    }
}
