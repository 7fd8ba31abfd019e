package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Handles of per-run state (stacks, tensor arrays): a {@link DType#RESOURCE} tensor of shape [2], as TensorFlow
 * shapes them, holding the state object and its unique name.
 */
final class ResourceHandles {
    private static final AtomicLong COUNTER = new AtomicLong();

    private ResourceHandles() {}

    /** {@code base} made unique for this process, as TensorFlow names each run's arrays. */
    static String uniqueName(String base) {
        return base + "_" + COUNTER.getAndIncrement();
    }

    static Tensor handle(Object state, String name) {
        return Tensor.wrap(DType.RESOURCE, Shape.of(2), new Object[] {state, name});
    }

    /** The state of {@code type} behind {@code handle}; an error naming {@code what} otherwise. */
    static <T> T state(Tensor handle, Class<T> type, String what) {
        if (handle.dtype() == DType.RESOURCE && handle.numElements() == 2) {
            Object s = ((Object[]) handle.array())[0];
            if (type.isInstance(s)) {
                return type.cast(s);
            }
        }
        throw new InvalidArgumentException(what + " needs the handle of a " + type.getSimpleName().replace("State", "")
                + ", got a " + handle.dtype() + " tensor of shape " + handle.shape());
    }

    static int scalarInt(Tensor t, String what) {
        if (t.dtype() != DType.INT32 || t.shape().rank() != 0) {
            throw new InvalidArgumentException(what + " must be an int32 scalar, got " + t.dtype() + " of shape "
                    + t.shape());
        }
        return ((int[]) t.array())[0];
    }
}
