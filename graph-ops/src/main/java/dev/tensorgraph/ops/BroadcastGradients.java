package dev.tensorgraph.ops;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import java.util.List;

/** @deprecated moved to {@link dev.tensorgraph.ops.math.BroadcastGradients}. */
@Deprecated
public final class BroadcastGradients {
    private BroadcastGradients() {}

    /** @deprecated use {@link dev.tensorgraph.ops.math.BroadcastGradients#reduce}. */
    @Deprecated
    public static List<Output> reduce(Operation op, Output gx, Output gy) {
        return dev.tensorgraph.ops.math.BroadcastGradients.reduce(op, gx, gy);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.math.BroadcastGradients#reduceTo}. */
    @Deprecated
    public static Output reduceTo(Output grad, Output input) {
        return dev.tensorgraph.ops.math.BroadcastGradients.reduceTo(grad, input);
    }
}
