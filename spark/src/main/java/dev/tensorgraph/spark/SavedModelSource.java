package dev.tensorgraph.spark;

import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.ops.savedmodel.SavedModel;
import dev.tensorgraph.ops.savedmodel.SavedModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A SavedModel directory ({@code saved_model.pb}, {@code variables/}, {@code assets/}), TensorFlow 1's or
 * TensorFlow 2's, served through its {@code serve} MetaGraph's signatures: inputs and outputs are named by
 * signature key, {@code x} for {@code serving_default}'s input {@code x}, or {@code SIGNATURE/KEY} for another
 * signature's ({@link SavedModelGraph}). Executors load the staged copy with {@link SavedModel#load}.
 */
enum SavedModelSource implements ModelSource {
    SAVED_MODEL;

    private static final String VARIABLES_PREFIX = "variables/variables";

    @Override
    public boolean recognizes(Path model) {
        return SavedModelFile.isSavedModelDir(model);
    }

    @Override
    public ModelFiles read(Path model, Path checkpoint) {
        if (checkpoint != null) {
            throw new InvalidArgumentException("model " + ErrorText.quote(model) + " is a SavedModel directory, which"
                    + " holds its own variables: give no checkpoint");
        }
        // parsed here so that a bad file or a missing serve MetaGraph fails on the driver, naming the directory
        SavedModelFile.metaGraph(SavedModelFile.read(model), Set.of(SavedModel.SERVE), model);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(SavedModelFile.PB, InputLimits.readFile(model.resolve(SavedModelFile.PB), "SavedModel"));
        String prefix = null;
        if (CheckpointFiles.exists(SavedModelFile.variablesPrefix(model))) {
            prefix = VARIABLES_PREFIX;
            GraphFileSource.readCheckpoint(SavedModelFile.variablesPrefix(model), prefix, files);
        }
        Path assets = SavedModelFile.assetsDir(model);
        if (Files.isDirectory(assets)) {
            try (Stream<Path> all = Files.walk(assets)) {
                for (Path f : all.filter(Files::isRegularFile).toList()) {
                    files.put(model.relativize(f).toString().replace('\\', '/'), InputLimits.readFile(f, "asset"));
                }
            } catch (IOException e) {
                throw IoErrors.of("reading the assets of " + model, e);
            }
        }
        return new ModelFiles(this, SavedModelFile.PB, files, prefix, model.toString());
    }

    @Override
    public ModelGraph describe(ModelFiles files) {
        return SavedModelGraph.describe(files);
    }

    @Override
    public LoadedModel open(ModelFiles files, Path stagedDir, SessionOptions options) {
        return SavedModelGraph.open(files, stagedDir, options);
    }
}
