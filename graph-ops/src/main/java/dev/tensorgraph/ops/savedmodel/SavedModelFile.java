package dev.tensorgraph.ops.savedmodel;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files of a SavedModel directory: {@code saved_model.pb} (a {@code SavedModel} message, one MetaGraph per
 * tag set), {@code variables/variables.*} (a checkpoint) and {@code assets/}.
 */
public final class SavedModelFile {
    /** The file name of the SavedModel message in its directory. */
    public static final String PB = "saved_model.pb";

    private SavedModelFile() {}

    /** Whether {@code dir} looks like a SavedModel directory (it holds {@code saved_model.pb}). */
    public static boolean isSavedModelDir(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(PB));
    }

    /** The checkpoint prefix of the variables: {@code dir/variables/variables}. */
    public static Path variablesPrefix(Path dir) {
        return dir.resolve("variables").resolve("variables");
    }

    public static Path assetsDir(Path dir) {
        return dir.resolve("assets");
    }

    /**
     * Reads and parses {@code dir/saved_model.pb} within {@link InputLimits}; a missing file is a
     * {@link NotFoundException}, a truncated or corrupt one a {@link DataLossException}, each naming the file.
     */
    public static SavedModel read(Path dir) {
        Path pb = dir.resolve(PB);
        if (!Files.isRegularFile(pb)) {
            throw new NotFoundException("SavedModel file not found: " + ErrorText.quote(pb)
                    + (Files.isDirectory(dir) ? "" : " (" + ErrorText.quote(dir) + " is not a directory)"));
        }
        byte[] bytes = InputLimits.readFile(pb, "SavedModel");
        SavedModel model;
        try {
            model = SavedModel.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new DataLossException(ErrorText.quote(pb) + " is truncated or corrupt: its " + bytes.length
                    + " bytes are not a SavedModel protocol buffer (" + e.getMessage() + ")", e);
        }
        if (model.getMetaGraphsCount() == 0) {
            throw new DataLossException(ErrorText.quote(pb) + " holds no MetaGraph");
        }
        return model;
    }

    /** The tag sets of the MetaGraphs, in the file's order. */
    public static List<Set<String>> tagSets(SavedModel model) {
        List<Set<String>> out = new ArrayList<>();
        for (MetaGraphDef m : model.getMetaGraphsList()) {
            out.add(new LinkedHashSet<>(m.getMetaInfoDef().getTagsList()));
        }
        return out;
    }

    /** The MetaGraph whose tag set is exactly {@code tags}; a {@link NotFoundException} listing the sets there. */
    public static MetaGraphDef metaGraph(SavedModel model, Set<String> tags, Path dir) {
        for (MetaGraphDef m : model.getMetaGraphsList()) {
            if (Set.copyOf(m.getMetaInfoDef().getTagsList()).equals(tags)) {
                return m;
            }
        }
        throw new NotFoundException("the SavedModel in " + ErrorText.quote(dir) + " has no MetaGraph with tags "
                + tags + "; its tag sets are " + tagSets(model));
    }
}
