package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaDevice;
import org.bytedeco.cuda.cudnn.cudnnBackendDescriptor_t;
import org.bytedeco.cuda.global.cudnn;

/**
 * The cuDNN backend operation graph of one convolution (alpha 1, beta 0, float32 compute; float32, bfloat16 or
 * float16 data) in one direction. The
 * backend always takes dims in N, C, H, W order (K, C, R, S for filters); the memory layout is given by
 * the strides: NHWC data with a KRSC filter, or NCHW data with a KCRS filter, as the legacy path uses.
 */
final class ConvEngineGraphs {
    private ConvEngineGraphs() {}

    /** A finalized operation graph of {@code p}; x, w and y get the given unique ids. */
    static cudnnBackendDescriptor_t operationGraph(CudaDevice dev, DnnBackend owner, ConvAlgorithms.Problem p,
                                                   long xUid, long wUid, long yUid, long alignment) {
        int oh = outSize(p.h(), p.kh(), p.padH(), p.sh(), p.dh());
        int ow = outSize(p.w(), p.kw(), p.padW(), p.sw(), p.dw());
        cudnnBackendDescriptor_t x = tensor(owner, p.dataType(), xUid, alignment, strides(p.nchw(), p.n(), p.c(), p.h(), p.w()),
                p.n(), p.c(), p.h(), p.w());
        cudnnBackendDescriptor_t w = tensor(owner, p.dataType(), wUid, alignment, strides(p.nchw(), p.o(), p.c(), p.kh(), p.kw()),
                p.o(), p.c(), p.kh(), p.kw());
        cudnnBackendDescriptor_t y = tensor(owner, p.dataType(), yUid, alignment, strides(p.nchw(), p.n(), p.o(), oh, ow),
                p.n(), p.o(), oh, ow);
        cudnnBackendDescriptor_t operation = convolutionOperation(owner, p, x, w, y);
        return graph(dev, owner, operation);
    }

    /** The convolution operation of {@code p} in its direction over x, w and y (forward roles, as above). */
    static cudnnBackendDescriptor_t convolutionOperation(DnnBackend owner, ConvAlgorithms.Problem p,
                                                         cudnnBackendDescriptor_t x, cudnnBackendDescriptor_t w,
                                                         cudnnBackendDescriptor_t y) {
        cudnnBackendDescriptor_t conv = convolution(owner, p);
        return switch (p.direction()) {
            case FORWARD -> operation(owner, cudnn.CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, conv,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X, x,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, w,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y, y);
            case BACKWARD_DATA -> operation(owner, cudnn.CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_DATA_DESCRIPTOR,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_ALPHA, cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_BETA,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_CONV_DESC, conv,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DX, x,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_W, w,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DY, y);
            case BACKWARD_FILTER -> operation(owner, cudnn.CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_FILTER_DESCRIPTOR,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_ALPHA,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_BETA,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_CONV_DESC, conv,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_X, x,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_DW, w,
                    cudnn.CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_DY, y);
        };
    }

    /** A finalized operation graph of {@code operations} on the device's cuDNN handle. */
    static cudnnBackendDescriptor_t graph(CudaDevice dev, DnnBackend owner, cudnnBackendDescriptor_t... operations) {
        cudnnBackendDescriptor_t graph = owner.create(cudnn.CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
        owner.setHandle(graph, cudnn.CUDNN_ATTR_OPERATIONGRAPH_HANDLE, dev.cudnn());
        owner.setDescriptors(graph, cudnn.CUDNN_ATTR_OPERATIONGRAPH_OPS, operations);
        owner.finish(graph, "operation graph");
        return graph;
    }

    static int outSize(int in, int k, int pad, int stride, int dilation) {
        return (in + 2 * pad - ((k - 1) * dilation + 1)) / stride + 1;
    }

    /** Packed strides of logical dims n, c, h, w for NCHW (KCRS) or NHWC (KRSC) storage. */
    static long[] strides(boolean nchw, long n, long c, long h, long w) {
        return nchw ? new long[] {c * h * w, h * w, w, 1} : new long[] {h * w * c, 1, w * c, c};
    }

    static cudnnBackendDescriptor_t tensor(DnnBackend owner, int dataType, long uid, long alignment,
                                           long[] strides, long n, long c, long h, long w) {
        return tensor(owner, dataType, uid, alignment, false, strides, n, c, h, w);
    }

    /** A finalized tensor descriptor; a virtual one lives only inside a fused graph, with no memory of its own. */
    static cudnnBackendDescriptor_t tensor(DnnBackend owner, int dataType, long uid, long alignment, boolean virtual,
                                           long[] strides, long n, long c, long h, long w) {
        cudnnBackendDescriptor_t t = owner.create(cudnn.CUDNN_BACKEND_TENSOR_DESCRIPTOR);
        if (virtual) {
            owner.setBoolean(t, cudnn.CUDNN_ATTR_TENSOR_IS_VIRTUAL, true);
        }
        owner.setEnum(t, cudnn.CUDNN_ATTR_TENSOR_DATA_TYPE, cudnn.CUDNN_TYPE_DATA_TYPE, dataType);
        owner.setLongs(t, cudnn.CUDNN_ATTR_TENSOR_DIMENSIONS, n, c, h, w);
        owner.setLongs(t, cudnn.CUDNN_ATTR_TENSOR_STRIDES, strides);
        owner.setLongs(t, cudnn.CUDNN_ATTR_TENSOR_UNIQUE_ID, uid);
        owner.setLongs(t, cudnn.CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, alignment);
        owner.finish(t, "tensor " + uid);
        return t;
    }

    private static cudnnBackendDescriptor_t convolution(DnnBackend owner, ConvAlgorithms.Problem p) {
        cudnnBackendDescriptor_t c = owner.create(cudnn.CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR);
        owner.setEnum(c, cudnn.CUDNN_ATTR_CONVOLUTION_COMP_TYPE, cudnn.CUDNN_TYPE_DATA_TYPE, cudnn.CUDNN_DATA_FLOAT);
        owner.setEnum(c, cudnn.CUDNN_ATTR_CONVOLUTION_CONV_MODE, cudnn.CUDNN_TYPE_CONVOLUTION_MODE,
                cudnn.CUDNN_CROSS_CORRELATION);
        owner.setLongs(c, cudnn.CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, 2);
        owner.setLongs(c, cudnn.CUDNN_ATTR_CONVOLUTION_DILATIONS, p.dh(), p.dw());
        owner.setLongs(c, cudnn.CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, p.sh(), p.sw());
        owner.setLongs(c, cudnn.CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, p.padH(), p.padW());
        owner.setLongs(c, cudnn.CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, p.padH(), p.padW());
        owner.finish(c, "convolution");
        return c;
    }

    /** A finalized convolution operation of {@code type}: alpha 1, beta 0, and its descriptor attributes. */
    private static cudnnBackendDescriptor_t operation(DnnBackend owner, int type, int alpha, int beta, int convAttr,
                                                      cudnnBackendDescriptor_t conv, int aAttr,
                                                      cudnnBackendDescriptor_t a, int bAttr,
                                                      cudnnBackendDescriptor_t b, int cAttr,
                                                      cudnnBackendDescriptor_t c) {
        cudnnBackendDescriptor_t o = owner.create(type);
        owner.setFloat(o, alpha, 1f);
        owner.setFloat(o, beta, 0f);
        owner.setDescriptors(o, convAttr, conv);
        owner.setDescriptors(o, aAttr, a);
        owner.setDescriptors(o, bAttr, b);
        owner.setDescriptors(o, cAttr, c);
        owner.finish(o, "convolution operation");
        return o;
    }
}
