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
 * CPU kernels of the checkpoint ops SaveV2 and RestoreV2, on top of {@link CheckpointFiles}. The graph chooses
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
