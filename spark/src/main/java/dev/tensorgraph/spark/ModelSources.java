package dev.tensorgraph.spark;

import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The {@link ModelSource}s of this JVM: the ones its class path provides, then the built-in ones. */
final class ModelSources {
    private static volatile List<ModelSource> all;

    private ModelSources() {}

    /** The model a user names by {@code model}, read by the first source that recognizes it. */
    static ModelFiles read(Path model, Path checkpoint) {
        if (model == null) {
            throw new NotFoundException("no model path given");
        }
        if (!Files.exists(model)) {
            throw new NotFoundException("model not found: " + ErrorText.quote(model));
        }
        for (ModelSource source : all()) {
            if (source.recognizes(model)) {
                return source.read(model, checkpoint);
            }
        }
        throw new NotFoundException("model " + ErrorText.quote(model) + " is none of the models this version reads: "
                + (Files.isDirectory(model) ? "the directory holds no checkpoint state file naming an existing"
                        + " checkpoint" : "a file that is not a .meta, .pb or .pbtxt")
                + " (model sources: " + names() + ")");
    }

    /** The source called {@code name}, on whichever JVM the files went to. */
    static ModelSource named(String name, String location) {
        for (ModelSource source : all()) {
            if (source.name().equals(name)) {
                return source;
            }
        }
        throw new InvalidArgumentException("model " + location + " was read by model source " + ErrorText.quote(name)
                + ", which this JVM's class path does not provide; known: " + names());
    }

    private static List<String> names() {
        return all().stream().map(ModelSource::name).toList();
    }

    private static List<ModelSource> all() {
        if (all == null) {
            List<ModelSource> sources = new ArrayList<>();
            // an executor loads the application's jars in the task threads' context class loader
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            ServiceLoader.load(ModelSource.class, loader != null ? loader : ModelSources.class.getClassLoader())
                    .forEach(sources::add);
            sources.addAll(List.of(SavedModelSource.values()));
            sources.addAll(List.of(GraphFileSource.values()));
            all = List.copyOf(sources);
        }
        return all;
    }
}
