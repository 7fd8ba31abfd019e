package dev.tensorgraph.spark;

import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.io.InputLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model source plugged in through {@code META-INF/services}, laid out as a SavedModel directory is: a
 * {@code graph.meta} and its checkpoint {@code variables/variables}, recognized by a {@code tensorgraph-test-model}
 * marker file. It shows that a source the class path provides is found on the driver and on executors, and that
 * transformers reading it save and load.
 */
public final class VariablesDirectorySource implements ModelSource {
    static final String NAME = "TEST_VARIABLES_DIRECTORY";
    static final String MARKER = "tensorgraph-test-model";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean recognizes(Path model) {
        return Files.isRegularFile(model.resolve(MARKER));
    }

    @Override
    public ModelFiles read(Path model, Path checkpoint) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("graph.meta", InputLimits.readFile(model.resolve("graph.meta"), "MetaGraphDef"));
        GraphFileSource.readCheckpoint(model.resolve("variables/variables"), "variables/variables", files);
        return new ModelFiles(this, "graph.meta", files, "variables/variables", model.toString());
    }

    @Override
    public ModelGraph describe(ModelFiles files) {
        return GraphFileSource.META_GRAPH.describe(files);
    }

    @Override
    public LoadedModel open(ModelFiles files, Path stagedDir, SessionOptions options) {
        return GraphFileSource.META_GRAPH.open(files, stagedDir, options);
    }
}
