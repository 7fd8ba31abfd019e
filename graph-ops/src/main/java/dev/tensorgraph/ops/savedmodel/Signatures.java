package dev.tensorgraph.ops.savedmodel;

import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.SignatureDef;
import dev.tensorgraph.proto.TensorInfo;
import dev.tensorgraph.proto.TensorShapeProto;
import java.util.Map;

/** SignatureDefs for {@link SavedModelBuilder}, as {@code tf.compat.v1.saved_model.signature_def_utils} makes them. */
public final class Signatures {
    /** The method name of predict signatures, the usual kind. */
    public static final String PREDICT_METHOD = "tensorflow/serving/predict";
    /** The key TensorFlow serves by default. */
    public static final String DEFAULT_KEY = "serving_default";

    private Signatures() {}

    /** A predict signature: {@code inputs} and {@code outputs} by key ({@code predict_signature_def}). */
    public static SignatureDef predict(Map<String, Output> inputs, Map<String, Output> outputs) {
        return of(PREDICT_METHOD, inputs, outputs);
    }

    /** A signature of {@code methodName} with the tensors by key; each needs at least one input and one output. */
    public static SignatureDef of(String methodName, Map<String, Output> inputs, Map<String, Output> outputs) {
        if (inputs == null || outputs == null || inputs.isEmpty() || outputs.isEmpty()) {
            throw new InvalidArgumentException("a signature needs at least one input and one output");
        }
        SignatureDef.Builder b = SignatureDef.newBuilder().setMethodName(methodName);
        inputs.forEach((k, v) -> b.putInputs(key(k), info(v, k)));
        outputs.forEach((k, v) -> b.putOutputs(key(k), info(v, k)));
        return b.build();
    }

    private static String key(String k) {
        if (k == null || k.isEmpty()) {
            throw new InvalidArgumentException("a signature key must not be empty");
        }
        return k;
    }

    /** TensorFlow's {@code build_tensor_info}: the tensor's name, dtype and static shape. */
    static TensorInfo info(Output t, String key) {
        if (t == null) {
            throw new InvalidArgumentException("signature tensor " + key + " is null");
        }
        Shape s = t.shape();
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        if (!s.hasKnownRank()) {
            shape.setUnknownRank(true);
        } else {
            for (int i = 0; i < s.rank(); i++) {
                shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(s.size(i)));
            }
        }
        return TensorInfo.newBuilder().setName(t.name()).setDtype(DataType.forNumber(t.dtype().code()))
                .setTensorShape(shape).build();
    }
}
