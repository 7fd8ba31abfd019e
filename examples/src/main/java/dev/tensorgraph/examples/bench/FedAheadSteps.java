package dev.tensorgraph.examples.bench;

import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.examples.Model;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * W5's step as a user with a producer thread feeds ({@code bench --feed-async}): while the current step runs, another
 * thread builds the next step's runner, whose feedAsync stages its batch on the device.
 */
final class FedAheadSteps {
    private FedAheadSteps() {}

    /**
     * Steps of {@code m}'s train op on the images {@code xv}, labels {@code yv} and training flag {@code on}; two batches
     * of the same values take turns, since a staged copy belongs to one tensor.
     */
    static Measurement.Step of(Session s, Model m, Tensor xv, Tensor yv, Tensor on) {
        Tensor[] batches = {xv, Tensor.of(xv.dtype(), xv.shape(), xv.floats())};
        int[] turn = {0};
        Supplier<Session.Runner> build = () -> s.runner()
                .feedAsync(m.images(), batches[turn[0]++ & 1]).feed(m.labels(), yv).feed(m.training(), on)
                .target(m.trainOp());
        ExecutorService stager = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "w5-stager");
            t.setDaemon(true);
            return t;
        });
        @SuppressWarnings("unchecked")
        Future<Session.Runner>[] next = new Future[1];
        return () -> {
            Session.Runner current = next[0] != null ? join(next[0]) : build.get();
            next[0] = stager.submit(build::get);
            current.run();
        };
    }

    private static Session.Runner join(Future<Session.Runner> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the next batch was staged", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }
}
