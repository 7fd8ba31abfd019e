package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What the planner compiles: feeds (with where their values arrive), fetches (with where they are wanted),
 * targets, and the ops a caller stands in for. A session's run is the root scope: feeds arrive on the host,
 * fetches leave on the host, nothing is stood in for. One iteration of a while loop is a scope too: the
 * loop step feeds the values of its Merge and constant Enter ops, fetches the predicate, the next values and
 * the exit values, and runs the Enter, Merge, NextIteration and Exit ops itself (the boundary).
 *
 * @param feedOnDevice per feed, whether its value arrives in device memory
 * @param fetchOnDevice per fetch, TRUE or FALSE for where it is wanted, null for where it is produced
 * @param boundary ops the caller stands in for: never run, and the prune does not walk past them
 * @param within the ops of the loop, beyond which the prune never walks (what they wait for outside is the
 *     loop step's concern); null for a session's run
 * @param frameName the loop frame this scope is one iteration of, or null for a session's run
 */
record PlanScope(List<Output> feeds, boolean[] feedOnDevice, List<Output> fetches, Boolean[] fetchOnDevice,
                 List<Operation> targets, Set<Operation> boundary, Set<Operation> within, String frameName) {

    /** A session run: feeds on the host, fetches wanted on the host. */
    static PlanScope root(List<Output> feeds, List<Output> fetches, List<Operation> targets) {
        Boolean[] onHost = new Boolean[fetches.size()];
        java.util.Arrays.fill(onHost, Boolean.FALSE);
        return new PlanScope(feeds, new boolean[feeds.size()], fetches, onHost, targets,
                Collections.newSetFromMap(new IdentityHashMap<>()), null, null);
    }

    /**
     * The body of a function: its arguments fed (where they arrive), its results fetched (where wanted, null for
     * where produced), {@code targets} run for their effects; like a session's run, nothing is stood in for.
     */
    static PlanScope function(List<Output> feeds, boolean[] feedOnDevice, List<Output> fetches, Boolean[] fetchOnDevice,
                              List<Operation> targets) {
        return new PlanScope(feeds, feedOnDevice, fetches, fetchOnDevice, targets,
                Collections.newSetFromMap(new IdentityHashMap<>()), null, null);
    }

    boolean isRoot() {
        return frameName == null;
    }
}
