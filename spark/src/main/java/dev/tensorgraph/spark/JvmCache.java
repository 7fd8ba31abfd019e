package dev.tensorgraph.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Values made once per JVM and key, for all the tasks an executor runs: the first task that asks makes the value
 * and the others wait for it; a failure is forgotten, so a retried task tries again. Every value is closed when
 * the JVM shuts down.
 */
final class JvmCache<K, V extends AutoCloseable> {
    private final String what;
    private final Map<K, CompletableFuture<V>> values = new ConcurrentHashMap<>();
    private final AtomicInteger made = new AtomicInteger();

    JvmCache(String what) {
        this.what = what;
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "tensorgraph-close-" + what));
    }

    V get(K key, Supplier<V> make) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = values.putIfAbsent(key, mine);
        if (existing == null) {
            try {
                made.incrementAndGet();
                mine.complete(make.get());
            } catch (RuntimeException | Error e) {
                values.remove(key, mine);
                mine.completeExceptionally(e);
                throw e;
            }
            return mine.join();
        }
        try {
            return existing.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("making the " + what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.tensorgraph.errors.CancelledException("interrupted while waiting for the " + what);
        }
    }

    /** How many values this JVM has made (tests check that tasks share one). */
    int made() {
        return made.get();
    }

    void closeAll() {
        List<CompletableFuture<V>> all = new ArrayList<>(values.values());
        values.clear();
        for (CompletableFuture<V> f : all) {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                try {
                    f.join().close();
                } catch (Exception e) {
                    // closing at shutdown: nothing is left to tell
                }
            }
        }
    }
}
