package dev.tensorgraph.ops.savedmodel;

import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.proto.SignatureDef;
import dev.tensorgraph.proto.TensorInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A SavedModel's signature (TensorFlow's {@code SignatureDef}): named inputs and outputs over the loaded graph.
 * {@link #call} feeds the inputs by key, checked first (every key known and given, dtypes equal, shapes
 * compatible; an error names the signature and the input), and returns the outputs by key.
 */
public final class Signature {
    private final String key;
    private final String methodName;
    private final Map<String, SignatureTensor> inputs;
    private final Map<String, SignatureTensor> outputs;
    private final Session session;

    Signature(String key, SignatureDef def, Session session) {
        this.key = key;
        this.methodName = def.getMethodName();
        this.inputs = tensors(def.getInputsMap(), "input");
        this.outputs = tensors(def.getOutputsMap(), "output");
        this.session = session;
        for (SignatureTensor t : concat()) {
            String op = t.tensorName().replaceFirst(":\\d+$", "");
            if (session.graph().operation(op) == null) {
                throw new InvalidArgumentException("signature " + ErrorText.quote(key) + " names tensor "
                        + ErrorText.quote(t.tensorName()) + ", which is not in the graph");
            }
        }
    }

    private List<SignatureTensor> concat() {
        List<SignatureTensor> all = new ArrayList<>(inputs.values());
        all.addAll(outputs.values());
        return all;
    }

    private Map<String, SignatureTensor> tensors(Map<String, TensorInfo> infos, String kind) {
        Map<String, SignatureTensor> out = new TreeMap<>();
        for (Map.Entry<String, TensorInfo> e : infos.entrySet()) {
            out.put(e.getKey(), SignatureTensor.fromProto(e.getValue(), "signature " + ErrorText.quote(key) + " "
                    + kind + " " + ErrorText.quote(e.getKey())));
        }
        return Collections.unmodifiableMap(out);
    }

    public String key() {
        return key;
    }

    /** The method name, such as {@code tensorflow/serving/predict}. */
    public String methodName() {
        return methodName;
    }

    /** The inputs by key, sorted by key. */
    public Map<String, SignatureTensor> inputs() {
        return inputs;
    }

    /** The outputs by key, sorted by key. */
    public Map<String, SignatureTensor> outputs() {
        return outputs;
    }

    /** Runs the signature: {@code feeds} by input key, the outputs by output key (sorted). */
    public Map<String, Tensor> call(Map<String, Tensor> feeds) {
        if (feeds == null) {
            throw new InvalidArgumentException("signature " + ErrorText.quote(key) + ": the inputs are null");
        }
        for (String k : feeds.keySet()) {
            if (!inputs.containsKey(k)) {
                throw new InvalidArgumentException("signature " + ErrorText.quote(key) + " has no input "
                        + ErrorText.quote(k) + "; its inputs are " + inputs.keySet());
            }
        }
        Session.Runner r = session.runner();
        for (Map.Entry<String, SignatureTensor> e : inputs.entrySet()) {
            Tensor t = feeds.get(e.getKey());
            SignatureTensor spec = e.getValue();
            String what = "signature " + ErrorText.quote(key) + " input " + ErrorText.quote(e.getKey());
            if (t == null) {
                throw new InvalidArgumentException(what + " is missing (" + spec + ")");
            }
            if (t.dtype() != spec.dtype()) {
                throw new InvalidArgumentException(what + " must be " + spec.dtype() + ", got " + t.dtype());
            }
            if (!spec.shape().isCompatibleWith(t.shape())) {
                throw new InvalidArgumentException(what + " must have shape " + spec.shape() + ", got " + t.shape());
            }
            r.feed(spec.tensorName(), t);
        }
        List<String> keys = new ArrayList<>(outputs.keySet());
        for (String k : keys) {
            r.fetch(outputs.get(k).tensorName());
        }
        List<Tensor> got = r.run();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), got.get(i));
        }
        return out;
    }

    @Override
    public String toString() {
        return "signature " + key + " (" + methodName + "): inputs " + inputs + ", outputs " + outputs;
    }
}
