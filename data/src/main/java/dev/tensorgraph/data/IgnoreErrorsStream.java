package dev.tensorgraph.data;

import dev.tensorgraph.errors.CancelledException;
import dev.tensorgraph.errors.TensorgraphException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Dataset#ignoreErrors}: drops the elements whose reading or transforming failed with a typed error, logging
 * each at WARN. An interrupt (cancellation) is not an element's error and is passed on.
 */
final class IgnoreErrorsStream implements ItemStream {
    private static final Logger LOG = LoggerFactory.getLogger(IgnoreErrorsStream.class);

    private final ItemStream input;
    private long ignored;

    IgnoreErrorsStream(ItemStream input) {
        this.input = input;
    }

    @Override
    public Item next() {
        while (true) {
            try {
                return input.next();
            } catch (CancelledException e) {
                throw e;
            } catch (TensorgraphException e) {
                ignored++;
                LOG.warn("skipping an element ({} so far): {}", ignored, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        input.close();
    }
}
