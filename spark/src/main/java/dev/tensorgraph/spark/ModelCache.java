package dev.tensorgraph.spark;

import dev.tensorgraph.errors.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models loaded in this JVM, one per (model content, device): the tasks an executor runs, at once or one
 * after another, share one graph and one session (sessions are safe to run from many threads). A model is loaded
 * by the first task that asks and the others wait for it; a load that fails is forgotten, so a retried task
 * tries again. Sessions are closed and staged files deleted when the JVM shuts down.
 */
final class ModelCache {
    private record Key(String fingerprint, ExecutorDevice device) {}

    private static final Map<Key, CompletableFuture<LoadedModel>> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static volatile Path stagingRoot;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "tensorgraph-model-cache-close"));
    }

    private ModelCache() {}

    /** The loaded model for {@code files} on {@code device}, loading it if this JVM has not yet. */
    static LoadedModel get(ModelFiles files, ExecutorDevice device) {
        Key key = new Key(files.fingerprint(), device);
        CompletableFuture<LoadedModel> mine = new CompletableFuture<>();
        CompletableFuture<LoadedModel> existing = MODELS.putIfAbsent(key, mine);
        if (existing == null) {
            try {
                LOADS.incrementAndGet();
                Path dir = files.stage(stagingRoot());
                mine.complete(files.format().open(files, dir, device.sessionOptions()));
            } catch (RuntimeException | Error e) {
                MODELS.remove(key, mine);
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
            throw new IllegalStateException("loading model " + files.location() + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.tensorgraph.errors.CancelledException("interrupted while waiting for model "
                    + files.location() + " to load");
        }
    }

    /** How many times this JVM has loaded a model (tests check that tasks share one). */
    static int loads() {
        return LOADS.get();
    }

    private static Path stagingRoot() {
        Path root = stagingRoot;
        if (root == null) {
            synchronized (ModelCache.class) {
                if (stagingRoot == null) {
                    try {
                        stagingRoot = Files.createTempDirectory("tensorgraph-spark-models-");
                    } catch (IOException e) {
                        throw IoErrors.of("creating a directory for model files", e);
                    }
                }
                root = stagingRoot;
            }
        }
        return root;
    }

    /** Closes every loaded model and deletes the staged files. */
    static void closeAll() {
        List<CompletableFuture<LoadedModel>> loaded = new ArrayList<>(MODELS.values());
        MODELS.clear();
        for (CompletableFuture<LoadedModel> f : loaded) {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                f.join().close();
            }
        }
        Path root = stagingRoot;
        if (root != null) {
            StagedDirectories.delete(root);
        }
    }
}
