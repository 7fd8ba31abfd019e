package dev.tensorgraph.data;

import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;

/** Turns what user code or a worker thread threw into the error the consuming thread rethrows. */
final class Failures {
    private Failures() {}

    /**
     * A typed error as it is; any other exception wrapped in an {@link InvalidArgumentException} that says what
     * failed on which element; an {@link Error} as it is.
     */
    static RuntimeException rethrowable(Throwable t, String what, String origin) {
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof TensorgraphException e) {
            return e;
        }
        return new InvalidArgumentException(what + " failed on " + origin + ": " + t, t);
    }
}
