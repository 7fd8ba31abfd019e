package dev.tensorgraph.spark;

import dev.tensorgraph.errors.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The models loaded in this JVM, one per (model content, device): the tasks an executor runs, at once or one
 * after another, share one graph and one session (sessions are safe to run from many threads). Models are staged
 * in one temporary directory per JVM, deleted at shutdown with the sessions closed.
 */
final class ModelCache {
    private record Key(String fingerprint, ExecutorDevice device) {}

    private static final JvmCache<Key, LoadedModel> MODELS = new JvmCache<>("loaded models");
    private static volatile Path stagingRoot;

    private ModelCache() {}

    /** The loaded model for {@code files} on {@code device}, loading it if this JVM has not yet. */
    static LoadedModel get(ModelFiles files, ExecutorDevice device) {
        return MODELS.get(new Key(files.fingerprint(), device),
                () -> files.source().open(files, files.stage(stagingRoot()), device.sessionOptions()));
    }

    /** How many times this JVM has loaded a model. */
    static int loads() {
        return MODELS.made();
    }

    private static synchronized Path stagingRoot() {
        if (stagingRoot == null) {
            try {
                Path root = Files.createTempDirectory("tensorgraph-spark-models-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    MODELS.closeAll();
                    StagedDirectories.delete(root);
                }, "tensorgraph-delete-staged-models"));
                stagingRoot = root;
            } catch (IOException e) {
                throw IoErrors.of("creating a directory for model files", e);
            }
        }
        return stagingRoot;
    }
}
