package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaDevice;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.cudnn.cudnnBackendDescriptor_t;
import org.bytedeco.cuda.global.cudnn;

/**
 * The cuDNN backend operation graph of a forward convolution followed by its {@code _FusedConv2D} epilogue:
 * the bias added per output channel, optionally a tensor of the output's shape added, optionally Relu or Relu6
 * (a Relu clipped at 6). The convolution's result and every intermediate stay float32 virtual tensors, which no
 * memory holds: cuDNN runs the graph as one kernel where an engine takes it, rounding once into the output.
 */
final class FusedConvGraphs {
    private FusedConvGraphs() {}

    static final long X_UID = 1;
    static final long W_UID = 2;
    static final long Y_UID = 3;
    static final long BIAS_UID = 4;
    static final long SIDE_UID = 5;
    private static final long FIRST_VIRTUAL_UID = 100;

    /** The unique ids of the graph's tensors in the order plans take their addresses: x, w, y, bias[, side]. */
    static long[] uids(boolean add) {
        return add ? new long[] {X_UID, W_UID, Y_UID, BIAS_UID, SIDE_UID} : new long[] {X_UID, W_UID, Y_UID, BIAS_UID};
    }

    /** A finalized operation graph of problem {@code p} (forward) with the epilogue; tensors at {@code alignment}. */
    static cudnnBackendDescriptor_t operationGraph(CudaDevice dev, DnnBackend owner, ConvAlgorithms.Problem p,
                                                   boolean add, int activation, long alignment) {
        int oh = ConvEngineGraphs.outSize(p.h(), p.kh(), p.padH(), p.sh(), p.dh());
        int ow = ConvEngineGraphs.outSize(p.w(), p.kw(), p.padW(), p.sw(), p.dw());
        int type = p.dataType();
        boolean nchw = p.nchw();
        long[] outStrides = ConvEngineGraphs.strides(nchw, p.n(), p.o(), oh, ow);
        cudnnBackendDescriptor_t x = ConvEngineGraphs.tensor(owner, type, X_UID, alignment,
                ConvEngineGraphs.strides(nchw, p.n(), p.c(), p.h(), p.w()), p.n(), p.c(), p.h(), p.w());
        cudnnBackendDescriptor_t w = ConvEngineGraphs.tensor(owner, type, W_UID, alignment,
                ConvEngineGraphs.strides(nchw, p.o(), p.c(), p.kh(), p.kw()), p.o(), p.c(), p.kh(), p.kw());
        cudnnBackendDescriptor_t y = ConvEngineGraphs.tensor(owner, type, Y_UID, alignment, outStrides, p.n(), p.o(), oh, ow);
        cudnnBackendDescriptor_t bias = ConvEngineGraphs.tensor(owner, type, BIAS_UID, alignment,
                ConvEngineGraphs.strides(nchw, 1, p.o(), 1, 1), 1, p.o(), 1, 1);
        long[] nextUid = {FIRST_VIRTUAL_UID};
        Intermediate between = () -> ConvEngineGraphs.tensor(owner, cudnn.CUDNN_DATA_FLOAT, nextUid[0]++, alignment, true,
                outStrides, p.n(), p.o(), oh, ow);

        boolean activated = activation != ConvEpilogueSources.IDENTITY;
        List<cudnnBackendDescriptor_t> ops = new ArrayList<>();
        cudnnBackendDescriptor_t convolved = between.next();
        ops.add(ConvEngineGraphs.convolutionOperation(owner, p, x, w, convolved));
        cudnnBackendDescriptor_t biased = add || activated ? between.next() : y;
        ops.add(pointwise(owner, cudnn.CUDNN_POINTWISE_ADD, Float.NaN, convolved, bias, biased));
        cudnnBackendDescriptor_t last = biased;
        if (add) {
            cudnnBackendDescriptor_t side = ConvEngineGraphs.tensor(owner, type, SIDE_UID, alignment, outStrides, p.n(),
                    p.o(), oh, ow);
            cudnnBackendDescriptor_t summed = activated ? between.next() : y;
            ops.add(pointwise(owner, cudnn.CUDNN_POINTWISE_ADD, Float.NaN, last, side, summed));
            last = summed;
        }
        if (activated) {
            float upperClip = activation == ConvEpilogueSources.RELU6 ? 6f : Float.NaN;
            ops.add(pointwise(owner, cudnn.CUDNN_POINTWISE_RELU_FWD, upperClip, last, null, y));
        }
        return ConvEngineGraphs.graph(dev, owner, ops.toArray(new cudnnBackendDescriptor_t[0]));
    }

    /** A float32 virtual tensor of the output's shape, with the next unique id. */
    private interface Intermediate {
        cudnnBackendDescriptor_t next();
    }

    /** A pointwise operation in float32 math: y = mode(x[, b]); a Relu clipped at {@code upperClip} unless NaN. */
    private static cudnnBackendDescriptor_t pointwise(DnnBackend owner, int mode, float upperClip,
                                                      cudnnBackendDescriptor_t x, cudnnBackendDescriptor_t b,
                                                      cudnnBackendDescriptor_t y) {
        cudnnBackendDescriptor_t pw = owner.create(cudnn.CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
        owner.setEnum(pw, cudnn.CUDNN_ATTR_POINTWISE_MODE, cudnn.CUDNN_TYPE_POINTWISE_MODE, mode);
        owner.setEnum(pw, cudnn.CUDNN_ATTR_POINTWISE_MATH_PREC, cudnn.CUDNN_TYPE_DATA_TYPE, cudnn.CUDNN_DATA_FLOAT);
        if (!Float.isNaN(upperClip)) {
            owner.setFloat(pw, cudnn.CUDNN_ATTR_POINTWISE_RELU_UPPER_CLIP, upperClip);
        }
        owner.finish(pw, "pointwise");
        cudnnBackendDescriptor_t op = owner.create(cudnn.CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
        owner.setDescriptors(op, cudnn.CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, pw);
        owner.setDescriptors(op, cudnn.CUDNN_ATTR_OPERATION_POINTWISE_XDESC, x);
        if (b != null) {
            owner.setDescriptors(op, cudnn.CUDNN_ATTR_OPERATION_POINTWISE_BDESC, b);
        }
        owner.setDescriptors(op, cudnn.CUDNN_ATTR_OPERATION_POINTWISE_YDESC, y);
        owner.finish(op, "pointwise operation");
        return op;
    }
}
