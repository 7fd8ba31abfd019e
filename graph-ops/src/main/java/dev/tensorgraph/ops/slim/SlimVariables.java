package dev.tensorgraph.ops.slim;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.layers.Regularizer;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.VariableScopes;
import java.util.List;
import java.util.Map;

/**
 * TF-Slim's model variables: made by {@code get_variable} in the current variable scope, in the collections
 * {@code variables} and {@code model_variables} (and {@code trainable_variables} when trainable), then in the
 * layer's {@code variables_collections}. A new variable's regularizer loss joins {@code regularization_losses}.
 */
final class SlimVariables {
    private SlimVariables() {}

    /** One variable of a layer and how its regularizer loss is named. */
    record Spec(String name, String collectionKey, String lossScope, Shape shape, DType dtype, Initializer init,
                Regularizer regularizer, boolean trainable) {}

    /**
     * The variable {@code spec.name()} of the current variable scope, made when missing (or found when reusing).
     * A regularizer loss is built only for a new variable, in the name scope {@code lossScope + "/Regularizer"}
     * relative to the current name scope ({@code Conv/kernel/Regularizer/l2_regularizer}: the layer's own
     * weight name, as the layers TF-Slim builds on name it) or absolute when {@code lossScope} ends in '/'.
     */
    static Variable modelVariable(Graph g, Spec spec, Object variablesCollections) {
        int before = g.numOperations();
        Variable v = VariableScopes.getVariable(g, spec.name(), spec.shape(), spec.dtype(), spec.init(),
                spec.trainable(), List.of(GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES));
        boolean created = v.op().id() >= before;
        if (created && spec.regularizer() != null) {
            String scope = spec.lossScope().endsWith("/") ? spec.lossScope() + "Regularizer/"
                    : spec.lossScope() + "/Regularizer";
            try (var s = g.nameScope(scope)) {
                Output loss = spec.regularizer().apply(v.value());
                if (loss != null) {
                    g.addToCollection(GraphKeys.REGULARIZATION_LOSSES, loss);
                }
            }
        }
        for (String key : collections(variablesCollections, spec.collectionKey())) {
            if (!g.collection(key).contains(v)) {
                g.addToCollection(key, v);
            }
        }
        return v;
    }

    /** TF-Slim's {@code get_variable_collections}: the list for every variable, or the dict's entry for this one. */
    @SuppressWarnings("unchecked")
    static List<String> collections(Object variablesCollections, String key) {
        if (variablesCollections instanceof Map<?, ?> byName) {
            List<String> l = (List<String>) byName.get(key);
            return l == null ? List.of() : l;
        }
        return variablesCollections == null ? List.of() : (List<String>) variablesCollections;
    }
}
