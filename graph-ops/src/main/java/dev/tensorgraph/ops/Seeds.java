package dev.tensorgraph.ops;

import dev.tensorgraph.Graph;

/** @deprecated moved to {@link dev.tensorgraph.ops.random.Seeds}. */
@Deprecated
public record Seeds(long seed, long seed2) {
    /** @deprecated use {@link dev.tensorgraph.ops.random.Seeds#DEFAULT_GRAPH_SEED}. */
    @Deprecated
    public static final long DEFAULT_GRAPH_SEED = dev.tensorgraph.ops.random.Seeds.DEFAULT_GRAPH_SEED;

    /** @deprecated use {@link dev.tensorgraph.ops.random.Seeds#get}. */
    @Deprecated
    public static Seeds get(Graph g, Long opSeed) {
        dev.tensorgraph.ops.random.Seeds s = dev.tensorgraph.ops.random.Seeds.get(g, opSeed);
        return new Seeds(s.seed(), s.seed2());
    }
}
