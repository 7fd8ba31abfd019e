package dev.tensorgraph.spark;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.savedmodel.SavedModel;
import dev.tensorgraph.ops.savedmodel.SavedModelFile;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.SignatureDef;
import dev.tensorgraph.proto.TensorInfo;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A SavedModel's {@code serve} MetaGraph with inputs and outputs named by signature key: {@code KEY} is
 * {@code serving_default}'s, {@code SIGNATURE/KEY} another signature's. Described on the driver from the
 * {@code saved_model.pb} bytes alone; opened on executors by {@link SavedModel#load}, which restores the variables
 * and runs the init op.
 */
final class SavedModelGraph implements LoadedModel {
    static final String DEFAULT_SIGNATURE = "serving_default";

    private final Graph graph;
    private final MetaGraphDef meta;
    private final SavedModel model;
    private final String location;

    private SavedModelGraph(Graph graph, MetaGraphDef meta, SavedModel model, String location) {
        this.graph = graph;
        this.meta = meta;
        this.model = model;
        this.location = location;
    }

    static SavedModelGraph describe(ModelFiles files) {
        dev.tensorgraph.proto.SavedModel file;
        try {
            file = dev.tensorgraph.proto.SavedModel.parseFrom(files.graphBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new DataLossException("model " + files.location() + ": " + SavedModelFile.PB
                    + " is not a SavedModel: " + e.getMessage(), e);
        }
        MetaGraphDef meta = SavedModelFile.metaGraph(file, Set.of(SavedModel.SERVE), Path.of(files.location()));
        Graph g = new Graph();
        MetaGraph.importMetaGraph(g, meta.toByteArray(), "", files.location());
        return new SavedModelGraph(g, meta, null, files.location());
    }

    static SavedModelGraph open(ModelFiles files, Path stagedDir, SessionOptions options) {
        SavedModel model = SavedModel.load(stagedDir, options, SavedModel.SERVE);
        return new SavedModelGraph(model.graph(), model.metaGraphDef(), model, files.location());
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Session session() {
        return model == null ? null : model.session();
    }

    @Override
    public Output input(String name) {
        return tensor(name, true);
    }

    @Override
    public Output output(String name) {
        return tensor(name, false);
    }

    private Output tensor(String name, boolean input) {
        int slash = name.lastIndexOf('/');
        String signature = slash < 0 ? DEFAULT_SIGNATURE : name.substring(0, slash);
        String key = name.substring(slash + 1);
        SignatureDef def = meta.getSignatureDefMap().get(signature);
        String role = input ? "input" : "output";
        if (def == null) {
            throw new NotFoundException("model " + location + " has no signature " + ErrorText.quote(signature)
                    + " for the " + role + " " + ErrorText.quote(name) + "; its signatures are "
                    + new java.util.TreeSet<>(meta.getSignatureDefMap().keySet()));
        }
        Map<String, TensorInfo> tensors = input ? def.getInputsMap() : def.getOutputsMap();
        TensorInfo info = tensors.get(key);
        if (info == null) {
            throw new NotFoundException("model " + location + ": signature " + ErrorText.quote(signature) + " has no "
                    + role + " " + ErrorText.quote(key) + "; its " + role + "s are "
                    + new java.util.TreeSet<>(tensors.keySet()));
        }
        return graph.output(info.getName());
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
