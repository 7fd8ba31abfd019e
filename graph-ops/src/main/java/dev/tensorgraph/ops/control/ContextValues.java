package dev.tensorgraph.ops.control;

import dev.tensorgraph.proto.ValuesDef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tensors a control-flow context has seen, as TensorFlow's {@code ControlFlowContext} keeps them and writes
 * them into a {@code ValuesDef}: the names of tensors made or used inside (written sorted), and for each tensor
 * from outside the tensor that stands in for it inside (a Switch output in a cond, an Enter output in a loop),
 * in the order they were first recorded.
 */
public final class ContextValues {
    private final TreeSet<String> values = new TreeSet<>();
    private final Map<String, String> external = new LinkedHashMap<>();

    /** Records a tensor name as seen by the context. */
    public void add(String tensorName) {
        values.add(tensorName);
    }

    public boolean contains(String tensorName) {
        return values.contains(tensorName);
    }

    /**
     * Records that {@code insideName} stands for the outside tensor {@code outsideName} inside the context; a name
     * recorded again keeps its first position and takes the new value, as a Python dict does.
     */
    public void putExternal(String outsideName, String insideName) {
        external.put(outsideName, insideName);
    }

    /** What stands for {@code outsideName} inside, or null. */
    public String external(String outsideName) {
        return external.get(outsideName);
    }

    public ValuesDef toProto() {
        return ValuesDef.newBuilder().addAllValues(values).putAllExternalValues(external).build();
    }
}
