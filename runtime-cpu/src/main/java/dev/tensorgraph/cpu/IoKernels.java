package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU kernels of the checkpoint ops SaveV2, RestoreV2, ShardedFilename and MergeV2Checkpoints ({@link
 * CheckpointMerge}), on top of {@link CheckpointFiles}. The graph chooses
 * their paths, so each checks the run's {@link dev.tensorgraph.FileAccessPolicy} for every file it touches
 * before it reads or writes anything.
 */
public final class IoKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "SaveV2", op -> {
            DType[] dtypes = (DType[]) op.attr("dtypes");
            return ctx -> save(ctx, dtypes);
        });
        r.register(CPU, "RestoreV2", op -> {
            DType[] dtypes = (DType[]) op.attr("dtypes");
            return ctx -> restore(ctx, dtypes);
        });
        r.register(CPU, "ShardedFilename", op -> IoKernels::shardedFilename);
        r.register(CPU, "MergeV2Checkpoints", op -> {
            boolean deleteOldDirs = op.attrBool("delete_old_dirs");
            boolean allowMissing = op.attrBool("allow_missing_files");
            return ctx -> CheckpointMerge.merge(ctx, prefixes(ctx.input(0), "checkpoint_prefixes"),
                    prefix(ctx.input(1)), deleteOldDirs, allowMissing);
        });
    }

    private static void shardedFilename(KernelContext ctx) {
        Tensor base = ctx.input(0);
        int shard = ctx.input(1).ints()[0];
        int numShards = ctx.input(2).ints()[0];
        if (numShards <= 0 || shard < 0 || shard >= numShards) {
            throw new InvalidArgumentException("ShardedFilename " + ctx.op().name() + ": shard " + shard
                    + " is not in [0, num_shards = " + numShards + ")");
        }
        String name = String.format("%s-%05d-of-%05d", new String(((byte[][]) base.array())[0], StandardCharsets.UTF_8),
                shard, numShards);
        ctx.setOutput(0, Tensor.ofString(name));
    }

    /** The paths a vector of checkpoint prefixes names. */
    private static List<Path> prefixes(Tensor t, String what) {
        if (t.dtype() != DType.STRING || t.shape().rank() != 1) {
            throw new InvalidArgumentException(what + " must be a string vector, got " + t.dtype() + t.shape());
        }
        List<Path> out = new ArrayList<>();
        for (byte[] p : (byte[][]) t.array()) {
            out.add(prefix(Tensor.of(DType.STRING, dev.tensorgraph.Shape.scalar(), new byte[][] {p})));
        }
        return out;
    }

    private static void save(KernelContext ctx, DType[] dtypes) {
        Path prefix = prefix(ctx.input(0));
        ctx.fileAccess().checkWrite(ctx.op(), CheckpointFiles.dataFile(prefix));
        ctx.fileAccess().checkWrite(ctx.op(), CheckpointFiles.indexFile(prefix));
        int n = ctx.numInputs() - 3;
        List<String> names = names(ctx, n);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Tensor t = ctx.input(3 + i);
            if (t.dtype() != dtypes[i]) {
                throw new InvalidArgumentException("tensor " + names.get(i) + " is " + t.dtype() + " but dtypes[" + i
                        + "] is " + dtypes[i]);
            }
            if (tensors.put(names.get(i), t) != null) {
                throw new InvalidArgumentException("tensor name " + names.get(i) + " is listed twice");
            }
        }
        try {
            CheckpointFiles.write(prefix, tensors);
        } catch (IOException e) {
            throw IoErrors.of("writing checkpoint " + ErrorText.quote(prefix), e);
        }
    }

    private static void restore(KernelContext ctx, DType[] dtypes) {
        Path prefix = prefix(ctx.input(0));
        ctx.fileAccess().checkRead(ctx.op(), CheckpointFiles.indexFile(prefix));
        ctx.fileAccess().checkRead(ctx.op(), CheckpointFiles.dataFile(prefix));
        List<String> names = names(ctx, dtypes.length);
        Map<String, Tensor> read = CheckpointFiles.read(prefix, names);
        for (int i = 0; i < dtypes.length; i++) {
            Tensor t = read.get(names.get(i));
            if (t.dtype() != dtypes[i]) {
                throw new InvalidArgumentException("tensor_name = " + names.get(i) + "; expected dtype " + dtypes[i]
                        + " does not equal original dtype " + t.dtype() + " in checkpoint " + prefix);
            }
            ctx.setOutput(i, t);
        }
    }

    private static Path prefix(Tensor t) {
        if (t.dtype() != DType.STRING || t.numElements() != 1) {
            throw new InvalidArgumentException("prefix must be a scalar string, got " + t.dtype() + t.shape());
        }
        String p = new String(((byte[][]) t.array())[0], StandardCharsets.UTF_8);
        if (p.isEmpty()) {
            throw new InvalidArgumentException("the checkpoint prefix is empty");
        }
        try {
            return Path.of(p);
        } catch (InvalidPathException e) {
            throw new InvalidArgumentException("the checkpoint prefix " + ErrorText.quote(p) + " is not a valid path: "
                    + e.getReason(), e);
        }
    }

    /** Reads tensor_names (input 1), checking that shape_and_slices (input 2) has as many entries, all empty. */
    private static List<String> names(KernelContext ctx, int n) {
        byte[][] names = (byte[][]) ctx.input(1).array();
        byte[][] slices = (byte[][]) ctx.input(2).array();
        if (names.length != n || slices.length != n) {
            throw new InvalidArgumentException("tensor_names has " + names.length + " and shape_and_slices "
                    + slices.length + " entries, but there are " + n + " tensors");
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = new String(names[i], StandardCharsets.UTF_8);
            if (slices[i].length != 0) {
                throw new UnimplementedException("tensor " + name + ": partial slices ('"
                        + new String(slices[i], StandardCharsets.UTF_8) + "') are not supported");
            }
            out.add(name);
        }
        return out;
    }
}
