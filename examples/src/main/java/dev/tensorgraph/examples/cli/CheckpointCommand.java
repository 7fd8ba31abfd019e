package dev.tensorgraph.examples.cli;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.io.TensorBytes;
import dev.tensorgraph.ops.Saver;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tensorgraph checkpoint PREFIX}: the tensors of a V2 checkpoint with dtype, shape and the CRC-32C of
 * their bytes (as stored, little-endian; hex); {@code --tensor NAME} summarizes one tensor ({@code --full}: all
 * its values). PREFIX may also be a directory, whose {@code checkpoint} file names the latest checkpoint.
 */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "List the tensors of a checkpoint (dtype, shape, CRC-32C), or summarize one with --tensor.")
public final class CheckpointCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "PREFIX", description = "Checkpoint prefix (ckpt/model-100) or its directory")
    Path prefix;

    @Option(names = "--tensor", paramLabel = "NAME",
            description = "Summarize this tensor: its count, min, max and mean, and its first values.")
    String tensor;

    @Option(names = "--full", description = "With --tensor, print every value (nested as the shape nests them).")
    boolean full;

    @Override
    int execute(PrintWriter out) {
        Path p = prefix;
        if (Files.isDirectory(p)) {
            p = Saver.latestCheckpoint(prefix);
            if (p == null) {
                throw new NotFoundException("no checkpoint recorded in " + prefix.resolve("checkpoint"));
            }
        }
        if (!CheckpointFiles.exists(p)) {
            throw new NotFoundException("checkpoint not found: " + p + " (expected " + CheckpointFiles.indexFile(p)
                    + " and " + CheckpointFiles.dataFile(p) + ")");
        }
        if (tensor != null) {
            Tensor t = CheckpointFiles.read(p, List.of(tensor)).get(tensor);
            out.println(tensor + " " + t.dtype() + t.shape() + " crc32c=" + crc32c(t));
            if (full) {
                out.println(TensorText.format(t, t.numElements()));
            } else {
                out.print(TensorSummary.of(t));
            }
            return 0;
        }
        Map<String, Tensor> all = CheckpointFiles.read(p, null);
        out.println(p + ": " + all.size() + (all.size() == 1 ? " tensor" : " tensors"));
        List<String[]> rows = new ArrayList<>();
        int[] w = new int[3];
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            Tensor t = e.getValue();
            String[] r = {e.getKey(), t.dtype().toString(), t.shape().toString(), crc32c(t)};
            for (int i = 0; i < 3; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
            rows.add(r);
        }
        for (String[] r : rows) {
            out.printf("  %-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  crc32c=%s%n", r[0], r[1], r[2], r[3]);
        }
        return 0;
    }

    /** CRC-32C (Castagnoli, unmasked) of the tensor's bytes as the checkpoint stores them, 8 hex digits. */
    static String crc32c(Tensor t) {
        CRC32C crc = new CRC32C();
        if (t.dtype() == DType.STRING) {
            for (byte[] s : (byte[][]) t.array()) {
                crc.update(s);
            }
        } else {
            crc.update(TensorBytes.encode(t));
        }
        return String.format("%08x", crc.getValue());
    }
}
