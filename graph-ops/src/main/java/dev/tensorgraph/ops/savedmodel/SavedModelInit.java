package dev.tensorgraph.ops.savedmodel;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.ops.SaverDefRestore;
import dev.tensorgraph.proto.AssetFileDef;
import dev.tensorgraph.proto.CollectionDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.SignatureDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What loading does after the import, in TensorFlow's order: restore the variables from {@code variables/variables}
 * (a TensorFlow 2 SavedModel's by its object graph, {@link SavedObjectRestore}; otherwise through the
 * MetaGraph's own SaverDef), then run the init op (the {@code __saved_model_init_op} signature's,
 * else the {@code saved_model_main_op} or {@code legacy_init_op} collection's) with every asset tensor fed the
 * path of its file under {@code assets/}.
 */
final class SavedModelInit {
    /** The signature key (and its output key) under which TensorFlow 2 stores the init op. */
    static final String INIT_OP_SIGNATURE = "__saved_model_init_op";
    private static final List<String> INIT_OP_COLLECTIONS = List.of("saved_model_main_op", "legacy_init_op");
    private static final String ASSETS_COLLECTION = "saved_model_assets";

    private SavedModelInit() {}

    static void restoreVariables(Session session, MetaGraphDef meta, Path dir) {
        if (!meta.hasSaverDef() || meta.getSaverDef().getRestoreOpName().isEmpty()) {
            return;  // a model without variables has no saver
        }
        Path prefix = SavedModelFile.variablesPrefix(dir);
        for (Path f : List.of(CheckpointFiles.indexFile(prefix), CheckpointFiles.dataFile(prefix))) {
            if (!java.nio.file.Files.isRegularFile(f)) {
                throw new NotFoundException("the SavedModel in " + ErrorText.quote(dir) + " lacks its variables file "
                        + ErrorText.quote(dir.relativize(f)));
            }
        }
        var entries = CheckpointFiles.entries(prefix);
        if (SavedObjectRestore.applies(meta, entries)) {
            SavedObjectRestore.restore(session, meta, prefix, entries);
        } else {
            SaverDefRestore.restore(session, meta.getSaverDef(), prefix);
        }
    }

    static void runInitOp(Session session, MetaGraphDef meta, Path dir) {
        String init = initOpName(meta);
        if (init == null) {
            return;
        }
        Graph g = session.graph();
        Session.Runner r = session.runner();
        for (Map.Entry<String, Path> e : assetFeeds(meta, dir).entrySet()) {
            r.feed(e.getKey(), Tensor.ofString(e.getValue().toString()));
        }
        String op = init.replaceFirst(":\\d+$", "");
        if (g.operation(op) == null) {
            throw new NotFoundException("the SavedModel's init op " + ErrorText.quote(init) + " is not in its graph");
        }
        r.target(op).fileAccess(FileAccessPolicy.none().allowDirectory(SavedModelFile.assetsDir(dir),
                FileAccessPolicy.Access.READ)).run();
    }

    private static String initOpName(MetaGraphDef meta) {
        SignatureDef sig = meta.getSignatureDefMap().get(INIT_OP_SIGNATURE);
        if (sig != null && sig.getOutputsMap().containsKey(INIT_OP_SIGNATURE)) {
            return sig.getOutputsMap().get(INIT_OP_SIGNATURE).getName();
        }
        for (String key : INIT_OP_COLLECTIONS) {
            CollectionDef c = meta.getCollectionDefMap().get(key);
            if (c != null && c.hasNodeList() && c.getNodeList().getValueCount() > 0) {
                return c.getNodeList().getValue(0);
            }
        }
        return null;
    }

    /** Asset tensor name to the path of its file: TensorFlow 2's {@code asset_file_def}s and TensorFlow 1's collection. */
    private static Map<String, Path> assetFeeds(MetaGraphDef meta, Path dir) {
        List<AssetFileDef> assets = new ArrayList<>(meta.getAssetFileDefList());
        CollectionDef c = meta.getCollectionDefMap().get(ASSETS_COLLECTION);
        if (c != null && c.hasAnyList()) {
            for (var any : c.getAnyList().getValueList()) {
                try {
                    assets.add(AssetFileDef.parseFrom(any.getValue()));
                } catch (InvalidProtocolBufferException e) {
                    throw new InvalidArgumentException("the SavedModel's collection " + ASSETS_COLLECTION
                            + " holds an item that is not an AssetFileDef: " + e.getMessage());
                }
            }
        }
        Map<String, Path> out = new LinkedHashMap<>();
        Path assetsDir = SavedModelFile.assetsDir(dir);
        for (AssetFileDef a : assets) {
            Path file = assetsDir.resolve(a.getFilename()).normalize();
            if (!file.startsWith(assetsDir.normalize()) || a.getFilename().isEmpty()) {
                throw new InvalidArgumentException("the SavedModel's asset " + ErrorText.quote(a.getFilename())
                        + " is not a file name under assets/");
            }
            out.put(a.getTensorInfo().getName(), file);
        }
        return out;
    }
}
