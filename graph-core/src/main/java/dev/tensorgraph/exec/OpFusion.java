package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.kernel.FusionPattern;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the pairs of ops a plan may run as one step: a producer and the consumer that reads it, matching a
 * {@link FusionPattern} registered with the kernel registry, when running them together changes nothing the
 * caller can see. The planner then fuses a pair where the device it places the producer on has the
 * pattern's kernel.
 *
 * <p>A consumer runs at its producer's place in the order, so it must read nothing else (but the producer's
 * own inputs, where the pattern allows it) and wait for no control input the producer does not wait for too (ops in a cond's branch all wait for its pivot). When the producer's value is dropped, nothing else in the plan may read it and it may not
 * be fetched. Deadness (an untaken branch of a cond) carries over unchanged: the consumer reads only the
 * producer, so it is dead exactly when the producer is, and the fused step is dead when the producer's
 * inputs or control inputs are.
 */
final class OpFusion {
    /** A producer and its consumer matching {@code pattern}. */
    record Pair(Operation producer, Operation consumer, FusionPattern pattern) {
        /** The outputs the fused step produces, in the order its kernel sets them. */
        List<Output> outputs() {
            List<Output> r = new ArrayList<>();
            if (pattern.keepsProducer()) {
                r.addAll(producer.outputs());
            }
            r.addAll(consumer.outputs());
            return r;
        }
    }

    private OpFusion() {}

    /**
     * Candidate pairs of {@code patterns} keyed by producer, for ops in plan order: the patterns of each tier
     * in turn, an op taken by a pair of an earlier tier left to it.
     */
    static Map<Operation, Pair> candidates(List<Operation> order, Set<Output> fed, List<Output> fetches,
                                           List<? extends Collection<FusionPattern>> tiers) {
        Map<Operation, Pair> pairs = new IdentityHashMap<>();
        Set<Operation> taken = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Collection<FusionPattern> patterns : tiers) {
            if (!patterns.isEmpty()) {
                match(order, fed, fetches, patterns, pairs, taken);
            }
        }
        return pairs;
    }

    private static void match(List<Operation> order, Set<Output> fed, List<Output> fetches,
                              Collection<FusionPattern> patterns, Map<Operation, Pair> pairs, Set<Operation> taken) {
        Map<List<String>, FusionPattern> byTypes = new HashMap<>();
        for (FusionPattern p : patterns) {
            byTypes.put(List.of(p.producerType(), p.consumerType()), p);
        }
        Map<Output, Integer> reads = new HashMap<>();
        Set<Operation> inPlan = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Operation op : order) {
            inPlan.add(op);
            for (Output in : op.inputs()) {
                reads.merge(in, 1, Integer::sum);
            }
        }
        Set<Output> fetched = new HashSet<>(fetches);
        for (Operation consumer : order) {
            if (consumer.numInputs() == 0 || taken.contains(consumer)) {
                continue;
            }
            Operation producer = consumer.input(0).op();
            if (!producer.controlInputs().containsAll(consumer.controlInputs())) {
                continue;
            }
            FusionPattern pattern = byTypes.get(List.of(producer.type(), consumer.type()));
            if (pattern == null || !inPlan.contains(producer) || taken.contains(producer)
                    || !producer.device().equals(consumer.device())) {
                continue;
            }
            if (readsOnly(consumer, producer, pattern.readsProducerInputs()) && noneFed(producer, fed)
                    && noneFed(consumer, fed)
                    && (pattern.keepsProducer() || onlyReadBy(producer, consumer, reads, fetched))) {
                pairs.put(producer, new Pair(producer, consumer, pattern));
                taken.add(producer);
                taken.add(consumer);
            }
        }
    }

    /**
     * Whether the consumer reads the producer's outputs only, or, where {@code orProducerInputs}, also values the
     * producer reads (plain inputs of both, so they are there at the producer's place and carry its deadness).
     */
    private static boolean readsOnly(Operation consumer, Operation producer, boolean orProducerInputs) {
        boolean readsProducer = false;
        for (int i = 0; i < consumer.numInputs(); i++) {
            Output in = consumer.input(i);
            if (in.op() == producer) {
                readsProducer = true;
            } else if (!orProducerInputs || consumer.def().isRefInput(i) || !readsAsPlainInput(producer, in)) {
                return false;
            }
        }
        return readsProducer;
    }

    private static boolean readsAsPlainInput(Operation op, Output v) {
        for (int i = 0; i < op.numInputs(); i++) {
            if (op.input(i).equals(v) && !op.def().isRefInput(i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean noneFed(Operation op, Set<Output> fed) {
        for (Output o : op.outputs()) {
            if (fed.contains(o)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the consumer's reads are the only reads of the producer's outputs, none of which is fetched. */
    private static boolean onlyReadBy(Operation producer, Operation consumer, Map<Output, Integer> reads,
                                      Set<Output> fetched) {
        for (Output o : producer.outputs()) {
            if (fetched.contains(o)) {
                return false;
            }
            int byConsumer = 0;
            for (Output in : consumer.inputs()) {
                byConsumer += in.equals(o) ? 1 : 0;
            }
            if (reads.getOrDefault(o, 0) != byConsumer) {
                return false;
            }
        }
        return true;
    }
}
