package dev.tensorgraph.ops.support;

import dev.tensorgraph.op.MixedPrecisionLists;
import java.util.Set;

/**
 * TensorFlow's automatic mixed precision lists for the op types Tensorgraph has (and a few it may import), for
 * CUDA: the allow list, the infer list, the clear list without the control flow primitives (whose loop frames
 * the rewrite leaves alone), and the deny list. The allow list is TensorFlow's for cuDNN 8 and later, which
 * adds the depthwise convolution and its two backprops (cuDNN runs them in 16 bits as grouped convolutions).
 */
public final class AutoMixedPrecisionLists implements MixedPrecisionLists {
    private static final Set<String> ALLOW = Set.of("MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3",
            "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "Conv3D", "Conv3DBackpropInputV2",
            "Conv3DBackpropFilterV2", "DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
            "DepthwiseConv2dNativeBackpropFilter");

    private static final Set<String> INFER = Set.of("Add", "AddN", "AddV2", "AvgPool", "AvgPool3D", "AvgPool3DGrad",
            "AvgPoolGrad", "BiasAdd", "BiasAddGrad", "BiasAddV1", "Elu", "EluGrad", "Erf", "Erfc", "FloorDiv", "Inv",
            "LeakyRelu", "LeakyReluGrad", "Log", "Log1p", "LogSoftmax", "Mul", "Prod", "RealDiv", "Reciprocal", "Selu",
            "SeluGrad", "Sigmoid", "SigmoidGrad", "Softmax", "Softplus", "SoftplusGrad", "Softsign", "SoftsignGrad",
            "Sqrt", "Sub", "Tanh", "TanhGrad");

    private static final Set<String> CLEAR = Set.of("Abs", "ArgMax", "ArgMin", "BatchToSpace", "BatchToSpaceND",
            "BroadcastTo", "Ceil", "CheckNumerics", "ClipByValue", "Concat", "ConcatV2", "DepthToSpace",
            "DynamicPartition", "DynamicStitch", "EnsureShape", "Equal", "ExpandDims", "Fill", "Floor", "Greater",
            "GreaterEqual", "Identity", "IdentityN", "IsFinite", "IsInf", "IsNan", "Less", "LessEqual", "Max",
            "MaxPool", "MaxPoolGrad", "MaxPoolGradGrad", "MaxPoolV2", "Maximum", "Min", "Minimum", "MirrorPad",
            "MirrorPadGrad", "Neg", "NotEqual", "OneHot", "OnesLike", "Pack", "Pad", "PadV2", "PreventGradient",
            "Rank", "Relu", "Relu6", "Relu6Grad", "ReluGrad", "Reshape", "ResizeNearestNeighbor",
            "ResizeNearestNeighborGrad", "Reverse", "ReverseSequence", "ReverseV2", "Round", "Select", "SelectV2",
            "Shape", "ShapeN", "Sign", "Size", "Slice", "Snapshot", "SpaceToBatch", "SpaceToBatchND", "SpaceToDepth",
            "Split", "SplitV", "Squeeze", "StopGradient", "StridedSlice", "StridedSliceGrad", "Tile", "TopK", "TopKV2",
            "Transpose", "Unpack", "Where", "ZerosLike");

    private static final Set<String> DENY = Set.of("Exp", "Expm1", "L2Loss", "Mean", "Pow", "SaveV2",
            "SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits", "Sum");

    @Override
    public Kind kind(String opType) {
        if (ALLOW.contains(opType)) {
            return Kind.ALLOW;
        }
        if (INFER.contains(opType)) {
            return Kind.INFER;
        }
        if (CLEAR.contains(opType)) {
            return Kind.CLEAR;
        }
        return DENY.contains(opType) ? Kind.DENY : Kind.NONE;
    }

    @Override
    public String castOpType() {
        return "Cast";
    }
}
