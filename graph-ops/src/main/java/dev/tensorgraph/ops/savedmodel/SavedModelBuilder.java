package dev.tensorgraph.ops.savedmodel;

import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Session;
import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.proto.CollectionDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.SavedModel;
import dev.tensorgraph.proto.SignatureDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a SavedModel TensorFlow loads ({@code tf.compat.v1.saved_model.load}, {@code tf.saved_model.load},
 * the Java binding's {@code SavedModelBundle}), as {@code tf.compat.v1.saved_model.Builder} does: the first
 * MetaGraph comes with the session's variables (written to {@code variables/variables}, restored through the
 * SaverDef this builder adds to the graph), further ones share them under other tags.
 *
 * <pre>{@code
 * SavedModelBuilder.create(dir)
 *     .addMetaGraphAndVariables(session, Set.of("serve"),
 *         Map.of("serving_default", Signatures.predict(Map.of("x", x), Map.of("y", y))))
 *     .save();
 * }</pre>
 *
 * Assets are not written yet.
 */
public final class SavedModelBuilder {
    private final Path dir;
    private final SavedModel.Builder model = SavedModel.newBuilder().setSavedModelSchemaVersion(1);
    private final Set<Set<String>> tagSets = new HashSet<>();
    private Graph graph;
    private Saver saver;
    private Operation mainOp;
    private boolean saved;

    private SavedModelBuilder(Path dir) {
        this.dir = dir;
    }

    /** A builder for {@code dir}, which must not exist or be empty (TensorFlow refuses to overwrite a model). */
    public static SavedModelBuilder create(Path dir) {
        if (dir == null) {
            throw new InvalidArgumentException("SavedModelBuilder: the directory is null");
        }
        if (Files.exists(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new AlreadyExistsException("export directory already exists, and isn't empty: "
                            + ErrorText.quote(dir));
                }
            } catch (IOException e) {
                throw IoErrors.of("reading export directory " + ErrorText.quote(dir), e);
            }
        }
        return new SavedModelBuilder(dir);
    }

    /**
     * An op the loader runs after restoring the variables (TensorFlow's {@code main_op}, kept in the
     * {@code saved_model_main_op} collection), for the MetaGraphs added after this call.
     */
    public SavedModelBuilder mainOp(Operation op) {
        this.mainOp = op;
        return this;
    }

    /**
     * Adds the session graph's MetaGraph under {@code tags} with {@code signatures}, and writes the variables'
     * current values. Call once, before {@link #addMetaGraph}.
     */
    public SavedModelBuilder addMetaGraphAndVariables(Session session, Set<String> tags,
                                                      Map<String, SignatureDef> signatures) {
        checkOpen();
        if (graph != null) {
            throw new FailedPreconditionException("the variables were already added; add further MetaGraphs with"
                    + " addMetaGraph");
        }
        graph = session.graph();
        if (!graph.collection(GraphKeys.GLOBAL_VARIABLES).isEmpty()) {
            saver = new Saver(graph);
            Path prefix = SavedModelFile.variablesPrefix(dir);
            saver.writeCheckpoint(session, prefix);
        } else {
            try {
                Files.createDirectories(SavedModelFile.variablesPrefix(dir).getParent());
            } catch (IOException e) {
                throw IoErrors.of("creating " + ErrorText.quote(dir.resolve("variables")), e);
            }
        }
        return add(tags, signatures);
    }

    /** Adds the same graph's MetaGraph under other {@code tags}, sharing the variables written before. */
    public SavedModelBuilder addMetaGraph(Set<String> tags, Map<String, SignatureDef> signatures) {
        checkOpen();
        if (graph == null) {
            throw new FailedPreconditionException("add the first MetaGraph with addMetaGraphAndVariables");
        }
        return add(tags, signatures);
    }

    private SavedModelBuilder add(Set<String> tags, Map<String, SignatureDef> signatures) {
        if (tags == null || tags.isEmpty()) {
            throw new InvalidArgumentException("a MetaGraph needs at least one tag (such as \"serve\")");
        }
        if (!tagSets.add(Set.copyOf(tags))) {
            throw new AlreadyExistsException("a MetaGraph with tags " + tags + " was already added");
        }
        MetaGraphDef.Builder meta = MetaGraph.toProto(graph, saver).toBuilder();
        meta.getMetaInfoDefBuilder().addAllTags(new LinkedHashSet<>(tags));
        if (signatures != null) {
            for (Map.Entry<String, SignatureDef> e : signatures.entrySet()) {
                checkSignature(e.getKey(), e.getValue());
                meta.putSignatureDef(e.getKey(), e.getValue());
            }
        }
        if (mainOp != null) {
            meta.putCollectionDef("saved_model_main_op", CollectionDef.newBuilder().setNodeList(
                    CollectionDef.NodeList.newBuilder().addValue(mainOp.name())).build());
        }
        model.addMetaGraphs(meta);
        return this;
    }

    /** Every tensor a signature names must be in the graph, so that a written model always loads. */
    private void checkSignature(String key, SignatureDef def) {
        for (var info : List.of(def.getInputsMap(), def.getOutputsMap())) {
            for (var e : info.entrySet()) {
                String op = e.getValue().getName().replaceFirst(":\\d+$", "");
                if (graph.operation(op) == null) {
                    throw new InvalidArgumentException("signature " + ErrorText.quote(key) + " names tensor "
                            + ErrorText.quote(e.getValue().getName()) + " (key " + ErrorText.quote(e.getKey())
                            + "), which is not in the graph");
                }
            }
        }
    }

    private void checkOpen() {
        if (saved) {
            throw new FailedPreconditionException("the SavedModel was already saved to " + ErrorText.quote(dir));
        }
    }

    /** Writes {@code saved_model.pb}; returns the directory. */
    public Path save() {
        checkOpen();
        if (model.getMetaGraphsCount() == 0) {
            throw new FailedPreconditionException("nothing to save: add a MetaGraph first");
        }
        try {
            Files.createDirectories(dir);
            CheckpointFiles.writeAtomically(dir.resolve(SavedModelFile.PB), model.build().toByteArray());
        } catch (IOException e) {
            throw IoErrors.of("writing " + ErrorText.quote(dir.resolve(SavedModelFile.PB)), e);
        }
        saved = true;
        return dir;
    }
}
