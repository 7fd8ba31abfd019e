package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.proto.BundleEntryProto;
import dev.tensorgraph.proto.TrackableObjectGraph;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TensorJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TensorFlow 2.21 object-based checkpoint ({@code tf.train.Checkpoint.write}): every key reads with
 * TensorFlow's value, the string ones ({@code _CHECKPOINTABLE_OBJECT_GRAPH}, a string variable) included, and
 * writing what was read gives every tensor TensorFlow's size and checksum (the order within the data file may
 * differ: TensorFlow's follows its object graph).
 */
class ObjectCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void readsEveryKeyOfTensorFlowsObjectCheckpointAndWritesItBack() throws Exception {
        Path dir = Path.of(getClass().getResource("/tf-cases-2.21/saved-model/tf2_object_checkpoint").toURI());
        Map<String, Object> want = Json.parseObject(Files.readString(dir.resolve("variables.json"),
                StandardCharsets.UTF_8));
        Path prefix = dir.resolve("ckpt/model");
        Map<String, Tensor> got = CheckpointFiles.read(prefix, null);
        assertEquals(new TreeSet<>(want.keySet()), new TreeSet<>(got.keySet()));
        for (Map.Entry<String, Object> e : want.entrySet()) {
            TensorJson.assertClose(e.getKey(), TensorJson.tensor(Json.asMap(e.getValue()), dir), got.get(e.getKey()),
                    0, 0, false);
        }
        // the object graph string parses to the TrackableObjectGraph TensorFlow printed (object_graph.pbtxt)
        TrackableObjectGraph graph = TrackableObjectGraph.parseFrom(
                ((byte[][]) got.get("_CHECKPOINTABLE_OBJECT_GRAPH").array())[0]);
        TrackableObjectGraph.Builder printed = TrackableObjectGraph.newBuilder();
        TextFormat.merge(Files.readString(dir.resolve("object_graph.pbtxt"), StandardCharsets.UTF_8), printed);
        assertEquals(printed.build(), graph);
        for (var node : graph.getNodesList()) {
            for (var attribute : node.getAttributesList()) {
                assertTrue(got.containsKey(attribute.getCheckpointKey()), attribute.getCheckpointKey());
            }
        }
        Path copy = tmp.resolve("model");
        CheckpointFiles.write(copy, got);
        Map<String, BundleEntryProto> theirs = CheckpointFiles.entries(prefix);
        Map<String, BundleEntryProto> ours = CheckpointFiles.entries(copy);
        for (String key : theirs.keySet()) {
            assertEquals(theirs.get(key).getSize(), ours.get(key).getSize(), key + " size");
            assertEquals(theirs.get(key).getCrc32C(), ours.get(key).getCrc32C(), key + " checksum");
        }
    }
}
