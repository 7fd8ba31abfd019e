package dev.tensorgraph.kernel;

import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * Two ops a plan may run as one step with one kernel: a producer and a consumer that reads only the
 * producer's outputs (TensorFlow's grappler remapper fuses, e.g., BiasAdd with the Relu after it). A pattern
 * and its kernel are registered together, once per device, with {@link KernelRegistry#registerFused}; the
 * planner fuses exactly the registered patterns, built-in and user-defined alike.
 *
 * <p>The planner fuses a matching pair only where that changes nothing the caller can see: neither op's
 * outputs are fed, the consumer waits for no control input the producer does not wait for, and, unless the
 * pattern keeps the producer's outputs, no other op reads them and none is fetched. A pattern may also let the
 * consumer read values the producer reads ({@link #readingProducerInputs}).
 *
 * <pre>{@code
 * KernelRegistry.global().registerFused(KernelRegistry.CPU,
 *     FusionPattern.of("MyScale", "MyShift"),          // the fused step outputs MyShift's outputs only
 *     (scale, shift) -> ctx -> { ... });
 * }</pre>
 *
 * @param producerType        the op type whose output the consumer reads
 * @param consumerType        the op type that reads it
 * @param keepsProducer       whether the fused step still produces the producer's outputs (then before the
 *                            consumer's), so other readers and fetches of them do not stop the fusion
 * @param readsProducerInputs whether the consumer may also read values the producer reads (a max-pool
 *                            gradient's ReluGrad reads the activation the pool's gradient reads); the fused
 *                            step's inputs are the producer's, so its kernel finds them there
 */
public record FusionPattern(String producerType, String consumerType, boolean keepsProducer,
                            boolean readsProducerInputs) {
    public FusionPattern {
        if (producerType == null || producerType.isEmpty() || consumerType == null || consumerType.isEmpty()) {
            throw new InvalidArgumentException("a fusion pattern needs a producer and a consumer op type, got '"
                    + producerType + "' and '" + consumerType + "'");
        }
    }

    /** A pattern whose consumer reads the producer's outputs only. */
    public FusionPattern(String producerType, String consumerType, boolean keepsProducer) {
        this(producerType, consumerType, keepsProducer, false);
    }

    /** A pattern whose fused step produces only the consumer's outputs: the producer's value is never stored. */
    public static FusionPattern of(String producerType, String consumerType) {
        return new FusionPattern(producerType, consumerType, false, false);
    }

    /** This pattern with the producer's outputs kept: the fused step produces them, then the consumer's. */
    public FusionPattern keepingProducerOutputs() {
        return new FusionPattern(producerType, consumerType, true, readsProducerInputs);
    }

    /** This pattern with a consumer that may also read the producer's inputs. */
    public FusionPattern readingProducerInputs() {
        return new FusionPattern(producerType, consumerType, keepsProducer, true);
    }

    @Override
    public String toString() {
        return producerType + " then " + consumerType + (keepsProducer ? " (keeping " + producerType + "'s outputs)" : "")
                + (readsProducerInputs ? " (reading " + producerType + "'s inputs)" : "");
    }
}
