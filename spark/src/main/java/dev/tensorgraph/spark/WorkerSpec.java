package dev.tensorgraph.spark;

import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a worker needs to compute gradients, broadcast once per training run: the training graph (MetaGraphDef
 * bytes), the loss and gradient tensors by name, the variables it receives each step, and the inputs the shard's
 * columns feed, in the shard's column order.
 */
record WorkerSpec(byte[] metaGraph, String loss, List<String> gradients, List<String> variables, List<String> inputs)
        implements Serializable {
    /** SHA-256 of the graph and names: the key of the executor's worker cache. */
    String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(metaGraph);
            md.update(String.join("\n", loss, String.join(",", gradients), String.join(",", variables),
                    String.join(",", inputs)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
