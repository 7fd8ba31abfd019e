package dev.tensorgraph.examples.cli;

import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.savedmodel.SavedModelFile;
import dev.tensorgraph.ops.savedmodel.SignatureTensor;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.SavedModel;
import dev.tensorgraph.proto.SignatureDef;
import dev.tensorgraph.proto.TensorInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code inspect DIR} for a SavedModel directory: every MetaGraph's tags and signatures with their inputs and
 * outputs (dtype, shape, tensor), in the layout of {@code saved_model_cli show --all}, plus the graph's size. Read
 * from {@code saved_model.pb} alone, so SavedModels this runtime cannot run yet are described too.
 */
final class SavedModelInspect {
    private SavedModelInspect() {}

    static void print(PrintWriter out, Path dir) {
        SavedModel model = SavedModelFile.read(dir);
        out.println(dir + ": SavedModel (" + model.getMetaGraphsCount()
                + (model.getMetaGraphsCount() == 1 ? " MetaGraph)" : " MetaGraphs)"));
        for (MetaGraphDef meta : model.getMetaGraphsList()) {
            out.println();
            out.println("MetaGraphDef with tag-set: '" + String.join(", ", meta.getMetaInfoDef().getTagsList())
                    + "' contains the following SignatureDefs:");
            out.println("  (" + meta.getGraphDef().getNodeCount() + " ops, "
                    + meta.getGraphDef().getLibrary().getFunctionCount() + " functions"
                    + (meta.getMetaInfoDef().getTensorflowVersion().isEmpty() ? ""
                    : ", written by TensorFlow " + meta.getMetaInfoDef().getTensorflowVersion()) + ")");
            if (meta.getObjectGraphDef().getNodesCount() > 0) {
                out.println("  (" + objectGraphSummary(meta) + ")");
            }
            for (Map.Entry<String, SignatureDef> e : new TreeMap<>(meta.getSignatureDefMap()).entrySet()) {
                out.println();
                out.println("signature_def['" + e.getKey() + "']:");
                printTensors(out, "input", e.getKey(), e.getValue().getInputsMap());
                printTensors(out, "output", e.getKey(), e.getValue().getOutputsMap());
                out.println("  Method name is: " + e.getValue().getMethodName());
            }
        }
    }

    /** TensorFlow 2's object graph in one line: how many objects, its variables with dtype and shape, its functions. */
    private static String objectGraphSummary(MetaGraphDef meta) {
        var graph = meta.getObjectGraphDef();
        java.util.List<String> variables = new java.util.ArrayList<>();
        int functions = 0;
        for (var node : graph.getNodesList()) {
            if (node.hasVariable()) {
                var v = node.getVariable();
                java.util.List<String> dims = new java.util.ArrayList<>();
                v.getShape().getDimList().forEach(d -> dims.add(Long.toString(d.getSize())));
                variables.add(v.getName() + " " + v.getDtype().name() + " (" + String.join(", ", dims) + ")");
            } else if (node.hasFunction()) {
                functions++;
            }
        }
        return "object graph: " + graph.getNodesCount() + " objects; " + variables.size() + " variables"
                + (variables.isEmpty() ? "" : ": " + String.join(", ", variables)) + "; " + functions + " functions, "
                + graph.getConcreteFunctionsCount() + " concrete";
    }

    private static void printTensors(PrintWriter out, String kind, String signature, Map<String, TensorInfo> infos) {
        out.println("  The given SavedModel SignatureDef contains the following " + kind + "(s):");
        for (Map.Entry<String, TensorInfo> e : new TreeMap<>(infos).entrySet()) {
            out.println("    " + kind + "s['" + e.getKey() + "'] tensor_info:");
            TensorInfo info = e.getValue();
            if (info.getEncodingCase() != TensorInfo.EncodingCase.NAME) {
                out.println("        (" + info.getEncodingCase().name().toLowerCase(java.util.Locale.ROOT) + " tensor)");
                continue;
            }
            try {
                SignatureTensor t = SignatureTensor.fromProto(info, "signature '" + signature + "' " + kind + " '"
                        + e.getKey() + "'");
                out.println("        dtype: " + t.dtypeName());
                out.println("        shape: " + t.shapeText());
            } catch (InvalidArgumentException notATensor) {
                // TensorFlow 2's __saved_model_init_op names an op: DT_INVALID, as saved_model_cli prints it
                out.println("        dtype: " + info.getDtype().name());
                out.println("        shape: " + (info.getTensorShape().getUnknownRank() ? "unknown_rank" : "?"));
            }
            out.println("        name: " + info.getName());
        }
    }
}
