package dev.tensorgraph.ops.random;

import dev.tensorgraph.Graph;

/**
 * The two seeds a random op gets, by TensorFlow 1.x's {@code random_seed.get_seed}: {@code seed} from the
 * graph ({@code tf.set_random_seed}) and {@code seed2} from the op.
 * <ul>
 *   <li>graph seed and op seed: both, each reduced modulo 2^31-1;</li>
 *   <li>graph seed only: the op seed is the graph's last op id, i.e. the number of ops created so far;</li>
 *   <li>op seed only: the graph seed is {@link #DEFAULT_GRAPH_SEED};</li>
 *   <li>neither: (0, 0), which the kernels read as "seed yourself randomly".</li>
 * </ul>
 * A computed (0, 0) becomes (0, 2^31-1) so that explicit seeds never mean nondeterminism.
 */
public record Seeds(long seed, long seed2) {
    public static final long DEFAULT_GRAPH_SEED = 87654321L;
    private static final long MAXINT32 = (1L << 31) - 1;

    /** The seeds for a random op about to be built in {@code g}; {@code opSeed} may be null. */
    public static Seeds get(Graph g, Long opSeed) {
        Long graphSeed = g.seed();
        long s;
        long s2;
        if (graphSeed != null) {
            long op = opSeed != null ? opSeed : g.numOperations();
            s = truncate(graphSeed);
            s2 = truncate(op);
        } else if (opSeed != null) {
            s = DEFAULT_GRAPH_SEED;
            s2 = truncate(opSeed);
        } else {
            return new Seeds(0, 0);
        }
        if (s == 0 && s2 == 0) {
            return new Seeds(0, MAXINT32);
        }
        return new Seeds(s, s2);
    }

    /** Python's {@code seed % (2**31 - 1)}: never negative. */
    private static long truncate(long seed) {
        return Math.floorMod(seed, MAXINT32);
    }
}
