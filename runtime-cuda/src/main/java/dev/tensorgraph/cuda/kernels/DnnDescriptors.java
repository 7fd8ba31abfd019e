package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.DnnStatus.checkCudnn;

import dev.tensorgraph.DType;
import dev.tensorgraph.errors.UnimplementedException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudnn;

/**
 * The cuDNN descriptors of one kernel call, destroyed together when the call has been enqueued (cuDNN
 * reads descriptors at enqueue time only, so this is safe inside a device-graph capture too).
 */
final class DnnDescriptors implements AutoCloseable {
    private final String op;
    private final List<cudnnTensorStruct> tensors = new ArrayList<>();
    private final List<cudnnFilterStruct> filters = new ArrayList<>();
    private final List<cudnnConvolutionStruct> convolutions = new ArrayList<>();

    DnnDescriptors(String op) {
        this.op = op;
    }

    /**
     * A 4-D tensor of cuDNN data type {@code dataType} ({@link #dataType}) and logical dims n, c, h, w, stored as
     * {@code nchw} says (else NHWC), packed.
     */
    cudnnTensorStruct tensor(int dataType, boolean nchw, int n, int c, int h, int w) {
        cudnnTensorStruct d = new cudnnTensorStruct();
        checkCudnn(cudnn.cudnnCreateTensorDescriptor(d), op, "cudnnCreateTensorDescriptor");
        tensors.add(d);
        checkCudnn(cudnn.cudnnSetTensor4dDescriptor(d, nchw ? cudnn.CUDNN_TENSOR_NCHW : cudnn.CUDNN_TENSOR_NHWC,
                dataType, n, c, h, w), op, "cudnnSetTensor4dDescriptor [" + n + ", " + c + ", " + h + ", " + w + "]");
        return d;
    }

    /** A filter of {@code dataType}, k outputs, c inputs, h x w, stored KCRS when {@code nchw}, else KRSC. */
    cudnnFilterStruct filter(int dataType, boolean nchw, int k, int c, int h, int w) {
        cudnnFilterStruct d = new cudnnFilterStruct();
        checkCudnn(cudnn.cudnnCreateFilterDescriptor(d), op, "cudnnCreateFilterDescriptor");
        filters.add(d);
        checkCudnn(cudnn.cudnnSetFilter4dDescriptor(d, dataType,
                nchw ? cudnn.CUDNN_TENSOR_NCHW : cudnn.CUDNN_TENSOR_NHWC, k, c, h, w), op,
                "cudnnSetFilter4dDescriptor [" + k + ", " + c + ", " + h + ", " + w + "]");
        return d;
    }

    /**
     * A cross-correlation (what TensorFlow calls convolution) with symmetric padding, computed in float32 whatever
     * the data type (for 16-bit data, what cuDNN calls the pseudo-half configuration).
     */
    cudnnConvolutionStruct convolution(int padH, int padW, int strideH, int strideW, int dilationH, int dilationW,
                                       int mathType) {
        return convolution(padH, padW, strideH, strideW, dilationH, dilationW, mathType, 1);
    }

    /** As above, split into {@code groups} groups of channels (a grouped or depthwise convolution). */
    cudnnConvolutionStruct convolution(int padH, int padW, int strideH, int strideW, int dilationH, int dilationW,
                                       int mathType, int groups) {
        cudnnConvolutionStruct d = new cudnnConvolutionStruct();
        checkCudnn(cudnn.cudnnCreateConvolutionDescriptor(d), op, "cudnnCreateConvolutionDescriptor");
        convolutions.add(d);
        checkCudnn(cudnn.cudnnSetConvolution2dDescriptor(d, padH, padW, strideH, strideW, dilationH, dilationW,
                cudnn.CUDNN_CROSS_CORRELATION, cudnn.CUDNN_DATA_FLOAT), op, "cudnnSetConvolution2dDescriptor");
        checkCudnn(cudnn.cudnnSetConvolutionMathType(d, mathType), op, "cudnnSetConvolutionMathType");
        if (groups > 1) {
            checkCudnn(cudnn.cudnnSetConvolutionGroupCount(d, groups), op, "cudnnSetConvolutionGroupCount " + groups);
        }
        return d;
    }

    /** cuDNN's data type of values of {@code t}: float32, bfloat16 or float16. */
    static int dataType(DType t) {
        return switch (t) {
            case BFLOAT16 -> cudnn.CUDNN_DATA_BFLOAT16;
            case HALF -> cudnn.CUDNN_DATA_HALF;
            case FLOAT32 -> cudnn.CUDNN_DATA_FLOAT;
            default -> throw new UnimplementedException("cuDNN convolutions take float32, bfloat16 or float16, not " + t);
        };
    }

    @Override
    public void close() {
        for (cudnnTensorStruct d : tensors) {
            cudnn.cudnnDestroyTensorDescriptor(d);
        }
        for (cudnnFilterStruct d : filters) {
            cudnn.cudnnDestroyFilterDescriptor(d);
        }
        for (cudnnConvolutionStruct d : convolutions) {
            cudnn.cudnnDestroyConvolutionDescriptor(d);
        }
        tensors.clear();
        filters.clear();
        convolutions.clear();
    }
}
