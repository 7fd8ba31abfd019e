package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the pairs of ops a plan may run as one step: a producer and the consumer that reads it, of the
 * patterns below, when running them together changes nothing the caller can see. The planner then fuses a
 * pair where the device it places the producer on has a fused kernel for it.
 *
 * <p>A consumer runs at its producer's place in the order, so it must read nothing else and wait for no
 * control input the producer does not wait for too (ops in a cond's branch all wait for its pivot). When the producer's value is dropped, nothing else in the plan may read it and it may not
 * be fetched. Deadness (an untaken branch of a cond) carries over unchanged: the consumer reads only the
 * producer, so it is dead exactly when the producer is, and the fused step is dead when the producer's
 * inputs or control inputs are.
 */
final class OpFusion {
    /** A producer and its consumer; {@code keepsProducer}: the producer's outputs are still stored. */
    record Pair(Operation producer, Operation consumer, boolean keepsProducer) {
        /** The outputs the fused step produces, in the order its kernel sets them. */
        List<Output> outputs() {
            List<Output> r = new ArrayList<>();
            if (keepsProducer) {
                r.addAll(producer.outputs());
            }
            r.addAll(consumer.outputs());
            return r;
        }
    }

    private record Pattern(String producer, String consumer, boolean keepsProducer) {}

    /** Each activation's bias and its gradient's bias gradient: two passes over every conv and dense output. */
    private static final List<Pattern> PATTERNS = List.of(
            new Pattern("BiasAdd", "Relu", false),
            new Pattern("ReluGrad", "BiasAddGrad", true));

    private OpFusion() {}

    /** Candidate pairs keyed by producer, for ops in plan order. */
    static Map<Operation, Pair> candidates(List<Operation> order, Set<Output> fed, List<Output> fetches) {
        Map<Output, Integer> reads = new HashMap<>();
        Set<Operation> inPlan = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Operation op : order) {
            inPlan.add(op);
            for (Output in : op.inputs()) {
                reads.merge(in, 1, Integer::sum);
            }
        }
        Set<Output> fetched = new HashSet<>(fetches);
        Map<Operation, Pair> pairs = new IdentityHashMap<>();
        Set<Operation> taken = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Operation consumer : order) {
            if (consumer.numInputs() == 0 || taken.contains(consumer)) {
                continue;
            }
            Operation producer = consumer.input(0).op();
            if (!producer.controlInputs().containsAll(consumer.controlInputs())) {
                continue;
            }
            Pattern pattern = match(producer, consumer);
            if (pattern == null || !inPlan.contains(producer) || taken.contains(producer)
                    || !producer.device().equals(consumer.device())) {
                continue;
            }
            if (readsOnly(consumer, producer) && noneFed(producer, fed) && noneFed(consumer, fed)
                    && (pattern.keepsProducer || onlyReadBy(producer, consumer, reads, fetched))) {
                pairs.put(producer, new Pair(producer, consumer, pattern.keepsProducer));
                taken.add(producer);
                taken.add(consumer);
            }
        }
        return pairs;
    }

    private static Pattern match(Operation producer, Operation consumer) {
        for (Pattern p : PATTERNS) {
            if (p.producer.equals(producer.type()) && p.consumer.equals(consumer.type())) {
                return p;
            }
        }
        return null;
    }

    private static boolean readsOnly(Operation consumer, Operation producer) {
        for (Output in : consumer.inputs()) {
            if (in.op() != producer) {
                return false;
            }
        }
        return true;
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
