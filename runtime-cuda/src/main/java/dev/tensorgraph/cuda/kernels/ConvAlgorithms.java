package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.DnnStatus.checkCudnn;

import dev.tensorgraph.cuda.CudaDevice;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdDataAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdFilterAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.IntPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the cuDNN algorithm of a convolution problem once per device and caches it, as TensorFlow's
 * autotuning does. cudnnFind* times every algorithm, which runs work and waits for the device, so it is
 * used only when the stream is not being recorded into a device graph; during a recording (which the
 * executor avoids for a plan's first run with given shapes) the heuristic _v7 query decides instead, and
 * its choice is cached apart so that a later unrecorded run still times the algorithms.
 */
final class ConvAlgorithms {
    private static final Logger LOG = LoggerFactory.getLogger(ConvAlgorithms.class);

    private ConvAlgorithms() {}

    /** Algorithms whose workspace exceeds this are passed over (TensorFlow's default limit is 4 GiB). */
    static final long WORKSPACE_LIMIT = 1L << 30;

    enum Direction { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    /**
     * Everything cuDNN's choice depends on; the input dims are those after any explicit padding, {@code c} counts
     * the channels of all {@code groups}. {@code tf32} says whether tensor-core math is allowed: TF32 for float32
     * data, and always for 16-bit data ({@code dataType}, a cuDNN data type), whose products tensor cores compute
     * exactly with float32 accumulation.
     */
    record Problem(Direction direction, int n, int c, int h, int w, int o, int kh, int kw, int padH, int padW,
                   int sh, int sw, int dh, int dw, boolean nchw, boolean tf32, int groups, int dataType) {}

    private record CacheKey(Problem problem, boolean timed) {}

    /** The algorithm and the math type to set on the convolution descriptor before running it. */
    record Choice(int algorithm, int mathType) {}

    /** The math type of the descriptor while searching: FMA keeps FP32 exact (cuDNN 9 uses TF32 otherwise). */
    static int searchMathType(boolean tf32) {
        return tf32 ? cudnn.CUDNN_DEFAULT_MATH : cudnn.CUDNN_FMA_MATH;
    }

    static Choice choose(CudaDevice dev, String op, Problem p, cudnnTensorStruct x, cudnnFilterStruct w,
                         cudnnConvolutionStruct conv, cudnnTensorStruct y) {
        boolean timed = !recording(dev);
        if (!timed) {
            // A recording follows a step-by-step run of the same shapes, which timed the algorithms: use that.
            Choice measured = dev.cached(new CacheKey(p, true));
            if (measured != null) {
                return measured;
            }
        }
        return dev.cache(new CacheKey(p, timed), () -> {
            long start = System.nanoTime();
            Choice c = switch (p.direction()) {
                case FORWARD -> forward(dev.cudnn(), op, p.tf32(), timed, x, w, conv, y);
                case BACKWARD_DATA -> backwardData(dev.cudnn(), op, p.tf32(), timed, x, w, conv, y);
                case BACKWARD_FILTER -> backwardFilter(dev.cudnn(), op, p.tf32(), timed, x, w, conv, y);
            };
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (ms >= ConvEngines.SLOW_SEARCH_MS) {
                LOG.debug("{}: {} for {} took {} ms -> algorithm {}, math type {}", op, timed ? "cudnnFind" : "_v7 heuristic",
                        p, ms, c.algorithm(), c.mathType());
            }
            return c;
        });
    }

    /** Whether the session's stream is recording a device graph (or cannot tell, which is treated alike). */
    static boolean recording(CudaDevice dev) {
        try (IntPointer status = new IntPointer(1)) {
            int rc = cudart.cudaStreamIsCapturing(dev.stream(), status);
            return rc != cudart.cudaSuccess || status.get() != cudart.cudaStreamCaptureStatusNone;
        }
    }

    private static boolean acceptable(int status, long memory, int mathType, boolean tf32) {
        if (status != cudnn.CUDNN_STATUS_SUCCESS || memory > WORKSPACE_LIMIT) {
            return false;
        }
        return tf32 || (mathType != cudnn.CUDNN_TENSOR_OP_MATH && mathType != cudnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION);
    }

    private static int runMathType(int found, boolean tf32) {
        return tf32 ? found : cudnn.CUDNN_FMA_MATH;
    }

    private static Choice forward(cudnnContext h, String op, boolean tf32, boolean timed, cudnnTensorStruct x,
                                  cudnnFilterStruct w, cudnnConvolutionStruct conv, cudnnTensorStruct y) {
        int count = cudnn.CUDNN_CONVOLUTION_FWD_ALGO_COUNT;
        try (cudnnConvolutionFwdAlgoPerf_t perf = new cudnnConvolutionFwdAlgoPerf_t(count);
             IntPointer returned = new IntPointer(1)) {
            int st = timed ? cudnn.cudnnFindConvolutionForwardAlgorithm(h, x, w, conv, y, count, returned, perf)
                    : cudnn.cudnnGetConvolutionForwardAlgorithm_v7(h, x, w, conv, y, count, returned, perf);
            checkCudnn(st, op, timed ? "cudnnFindConvolutionForwardAlgorithm" : "cudnnGetConvolutionForwardAlgorithm_v7");
            for (int i = 0; i < returned.get(); i++) {
                cudnnConvolutionFwdAlgoPerf_t r = perf.getPointer(i);
                if (acceptable(r.status(), r.memory(), r.mathType(), tf32)) {
                    return new Choice(r.algo(), runMathType(r.mathType(), tf32));
                }
            }
        }
        return new Choice(cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, searchMathType(tf32));
    }

    private static Choice backwardData(cudnnContext h, String op, boolean tf32, boolean timed, cudnnTensorStruct dx,
                                       cudnnFilterStruct w, cudnnConvolutionStruct conv, cudnnTensorStruct dy) {
        int count = cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT;
        try (cudnnConvolutionBwdDataAlgoPerf_t perf = new cudnnConvolutionBwdDataAlgoPerf_t(count);
             IntPointer returned = new IntPointer(1)) {
            int st = timed ? cudnn.cudnnFindConvolutionBackwardDataAlgorithm(h, w, dy, conv, dx, count, returned, perf)
                    : cudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(h, w, dy, conv, dx, count, returned, perf);
            checkCudnn(st, op, timed ? "cudnnFindConvolutionBackwardDataAlgorithm"
                    : "cudnnGetConvolutionBackwardDataAlgorithm_v7");
            for (int i = 0; i < returned.get(); i++) {
                cudnnConvolutionBwdDataAlgoPerf_t r = perf.getPointer(i);
                if (acceptable(r.status(), r.memory(), r.mathType(), tf32)) {
                    return new Choice(r.algo(), runMathType(r.mathType(), tf32));
                }
            }
        }
        return new Choice(cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_0, searchMathType(tf32));
    }

    private static Choice backwardFilter(cudnnContext h, String op, boolean tf32, boolean timed, cudnnTensorStruct x,
                                         cudnnFilterStruct dw, cudnnConvolutionStruct conv, cudnnTensorStruct dy) {
        int count = cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT;
        try (cudnnConvolutionBwdFilterAlgoPerf_t perf = new cudnnConvolutionBwdFilterAlgoPerf_t(count);
             IntPointer returned = new IntPointer(1)) {
            int st = timed ? cudnn.cudnnFindConvolutionBackwardFilterAlgorithm(h, x, dy, conv, dw, count, returned, perf)
                    : cudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, x, dy, conv, dw, count, returned, perf);
            checkCudnn(st, op, timed ? "cudnnFindConvolutionBackwardFilterAlgorithm"
                    : "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
            for (int i = 0; i < returned.get(); i++) {
                cudnnConvolutionBwdFilterAlgoPerf_t r = perf.getPointer(i);
                if (acceptable(r.status(), r.memory(), r.mathType(), tf32)) {
                    return new Choice(r.algo(), runMathType(r.mathType(), tf32));
                }
            }
        }
        return new Choice(cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0, searchMathType(tf32));
    }
}
