package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import java.util.Map;
import java.util.function.Function;

/**
 * A function from one element to another, applied by {@link Dataset#map(Transform, int)}. It must not modify its
 * input, and must take any randomness from {@link ElementContext#random(long)}; it may run on any thread.
 *
 * <pre>{@code
 * Transform t = Images.decode().andThen(Images.resize(256, 256)).andThen(Images.randomCrop(224, 224, 7));
 * }</pre>
 */
@FunctionalInterface
public interface Transform {
    Map<String, Tensor> apply(Map<String, Tensor> element, ElementContext context);

    /** This transform, then {@code next} on its result, with the same context. */
    default Transform andThen(Transform next) {
        return (element, context) -> next.apply(apply(element, context), context);
    }

    /** A transform that needs no context. */
    static Transform of(Function<Map<String, Tensor>, Map<String, Tensor>> f) {
        return (element, context) -> f.apply(element);
    }
}
