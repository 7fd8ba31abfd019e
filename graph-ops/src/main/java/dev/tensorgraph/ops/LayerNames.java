package dev.tensorgraph.ops;

import dev.tensorgraph.Graph;

/** @deprecated use {@link dev.tensorgraph.ops.state.VariableScopes#uniqueLayerName}. */
@Deprecated
public final class LayerNames {
    private LayerNames() {}

    /** @deprecated use {@link dev.tensorgraph.ops.state.VariableScopes#uniqueLayerName}. */
    @Deprecated
    public static String uniqueDefaultName(Graph g, String base) {
        return dev.tensorgraph.ops.state.VariableScopes.uniqueLayerName(g, base);
    }
}
