package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.List;

/**
 * The CPU kernel of {@code _FusedConv2D} (float32, NHWC): a convolution followed by BiasAdd, optionally an
 * addition of a tensor of the output's shape, and optionally Relu or Relu6, in that order. A 1x1 convolution
 * runs on the native BLAS with the epilogue on each chunk of positions ({@link PointwiseConv}); others, with the
 * vector API, apply it to each block of the convolution as it is stored ({@link ConvFilter}); otherwise the
 * convolution runs as Conv2D does and the epilogue in one pass after it.
 */
public final class FusedConvKernels implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "_FusedConv2D", op -> {
            Fusion f = Fusion.of(op);
            NnGeometry.Attrs a = NnGeometry.Attrs.of(op, "filter");
            ConvFilter filter = ConvFilter.of(op, 1);
            return ctx -> compute(ctx, a, f, filter);
        });
    }

    /** What {@code fused_ops} asks for after the convolution. */
    private record Fusion(boolean add, boolean relu, float cap) {
        static Fusion of(Operation op) {
            if (op.attrType("T") != DType.FLOAT32 || !"NHWC".equals(op.attrString("data_format"))) {
                throw new UnimplementedException("_FusedConv2D on the CPU takes float32 NHWC only, got "
                        + op.attrType("T") + " " + op.attrString("data_format"));
            }
            List<String> ops = List.of((String[]) op.attr("fused_ops"));
            if (ops.isEmpty() || !ops.get(0).equals("BiasAdd")) {
                throw new UnimplementedException("_FusedConv2D on the CPU fuses BiasAdd first, got " + ops);
            }
            boolean add = ops.size() > 1 && ops.get(1).equals("Add");
            String activation = ops.size() > (add ? 2 : 1) ? ops.get(add ? 2 : 1) : null;
            if (ops.size() > (add ? 3 : 2) || activation != null && !activation.equals("Relu") && !activation.equals("Relu6")) {
                throw new UnimplementedException("_FusedConv2D on the CPU does not fuse " + ops);
            }
            return new Fusion(add, activation != null, "Relu6".equals(activation) ? 6f : Float.POSITIVE_INFINITY);
        }
    }

    private static void compute(KernelContext ctx, NnGeometry.Attrs a, Fusion fusion, ConvFilter filter) {
        Tensor x = ctx.input(0);
        Tensor f = ctx.input(1);
        Tensor bias = ctx.input(2);
        if (x.shape().rank() != 4 || f.shape().rank() != 4) {
            throw new InvalidArgumentException("input and filter must be 4-dimensional, got shapes " + x.shape() + " and "
                    + f.shape());
        }
        int[] xd = x.shape().intDims();
        int[] fd = f.shape().intDims();
        if (fd[2] != xd[3]) {
            throw new InvalidArgumentException("input depth " + xd[3] + " does not match the filter's input depth "
                    + fd[2] + " of filter shape " + f.shape());
        }
        NnGeometry g = NnGeometry.of(x.shape(), fd[0], fd[1], fd[3], a, "_FusedConv2D");
        if (bias.shape().rank() != 1 || bias.shape().size(0) != g.o()) {
            throw new InvalidArgumentException("the bias has shape " + bias.shape() + " but the convolution has "
                    + g.o() + " output channels");
        }
        Shape outShape = g.outShape();
        float[] addend = null;
        if (fusion.add()) {
            Tensor t = ctx.input(3);
            if (!t.shape().equals(outShape)) {
                throw new InvalidArgumentException("the added tensor has shape " + t.shape() + ", not the output's "
                        + outShape);
            }
            addend = (float[]) t.array();
        }
        Tensor out = ctx.allocate(DType.FLOAT32, outShape);
        float[] y = (float[]) out.array();
        VectorConv.Epilogue e = new VectorConv.Epilogue((float[]) bias.array(), addend, fusion.relu(), fusion.cap());
        if (out.numElements() > 0) {
            if (PointwiseConv.applies(g)) {
                PointwiseConv.forward(g, (float[]) x.array(), (float[]) f.array(), y, e, ctx.intraOpThreads());
            } else if (!filter.forward(g, (float[]) x.array(), (float[]) f.array(), y, e, ctx.intraOpThreads())) {
                ConvKernels.forward(g, (float[]) x.array(), (float[]) f.array(), y, ctx.intraOpThreads());
                applyEpilogue(y, g.o(), e);
            }
        }
        ctx.setOutput(0, out);
    }

    /** The epilogue over a computed convolution, in place, in the order the unfused ops apply it. */
    static void applyEpilogue(float[] y, int channels, VectorConv.Epilogue e) {
        PointwiseConv.scalarEpilogue(y, 0, y.length / channels, 0, channels, channels, e);
    }
}
