package dev.tensorgraph.fuzz;

import dev.tensorgraph.io.InputLimits;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a fuzz test class with {@link InputLimits#maxExpandedBytes()} at 1 MiB, so that mutated value lists
 * and shapes reach the expansion checks at sizes the fuzzer can try thousands of times a second, and restores
 * the default afterwards for the tests that share the JVM.
 */
public final class SmallExpansionLimit implements BeforeAllCallback, AfterAllCallback {
    static final long BYTES = 1 << 20;

    @Override
    public void beforeAll(ExtensionContext context) {
        InputLimits.setMaxExpandedBytes(BYTES);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        InputLimits.setMaxExpandedBytes(-1);
    }
}
