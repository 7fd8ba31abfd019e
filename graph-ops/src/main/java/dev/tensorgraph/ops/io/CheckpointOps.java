package dev.tensorgraph.ops.io;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import java.util.List;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;

/**
 * Definitions of the checkpoint ops that TensorFlow 1.x's {@code tf.train.Saver} puts in a graph, so a graph
 * saved with its save subgraph runs here as in TensorFlow:
 *
 * <ul>
 *   <li>{@code SaveV2(prefix, tensor_names, shape_and_slices, tensors...)} with {@code dtypes}: writes a V2
 *       checkpoint ({@code prefix.index}, {@code prefix.data-00000-of-00001}); no outputs.</li>
 *   <li>{@code RestoreV2(prefix, tensor_names, shape_and_slices)} with {@code dtypes}: reads the named tensors,
 *       one output per entry of {@code dtypes}.</li>
 *   <li>{@code ShardedFilename(basename, shard, num_shards)}: {@code basename-<shard>-of-<num_shards>}, both
 *       numbers in 5 digits, the name a sharded save writes shard {@code shard} under.</li>
 *   <li>{@code MergeV2Checkpoints(checkpoint_prefixes, destination_prefix)} with {@code delete_old_dirs} and
 *       {@code allow_missing_files}: makes the shards' checkpoints one checkpoint at the destination and
 *       removes them (and, with {@code delete_old_dirs}, their folders when left empty); no outputs.</li>
 * </ul>
 *
 * Only whole tensors are supported: each {@code shape_and_slices} entry must be empty.
 */
public final class CheckpointOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("SaveV2").input("prefix").input("tensor_names").input("shape_and_slices")
                .inputList("tensors").attr("dtypes", AttrType.LIST_TYPE)
                .shape(c -> {
                    checkStringInputs(c);
                    DType[] dtypes = (DType[]) c.attr("dtypes");
                    int n = c.numInputs() - 3;
                    if (n != dtypes.length) {
                        throw c.fail("has " + n + " tensors but dtypes lists " + dtypes.length);
                    }
                    for (int i = 0; i < n; i++) {
                        if (c.inputDtype(3 + i) != dtypes[i]) {
                            throw c.fail("tensor " + i + " is " + c.inputDtype(3 + i) + " but dtypes[" + i + "] is "
                                    + dtypes[i]);
                        }
                    }
                    checkNamesLength(c, n);
                })
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("RestoreV2").input("prefix").input("tensor_names").input("shape_and_slices")
                .attr("dtypes", AttrType.LIST_TYPE)
                .shape(c -> {
                    checkStringInputs(c);
                    DType[] dtypes = (DType[]) c.attr("dtypes");
                    checkNamesLength(c, dtypes.length);
                    for (int i = 0; i < dtypes.length; i++) {
                        c.setOutput(i, dtypes[i], Shape.unknown());
                    }
                })
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("ShardedFilename").input("basename").input("shard").input("num_shards")
                .shape(c -> {
                    String[] names = {"basename", "shard", "num_shards"};
                    DType[] types = {DType.STRING, DType.INT32, DType.INT32};
                    for (int i = 0; i < 3; i++) {
                        if (c.inputDtype(i) != types[i]) {
                            throw c.fail(names[i] + " must be " + types[i] + ", got " + c.inputDtype(i));
                        }
                        requireScalar(c, i, names[i]);
                    }
                    c.setOutput(0, DType.STRING, Shape.scalar());
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("MergeV2Checkpoints").input("checkpoint_prefixes").input("destination_prefix")
                .attr("delete_old_dirs", AttrType.BOOL, true).attr("allow_missing_files", AttrType.BOOL, false)
                .shape(c -> {
                    for (int i = 0; i < 2; i++) {
                        if (c.inputDtype(i) != DType.STRING) {
                            throw c.fail("input " + i + " must be a string tensor, got " + c.inputDtype(i));
                        }
                    }
                    Shape prefixes = c.inputShape(0);
                    if (prefixes.hasKnownRank() && prefixes.rank() != 1) {
                        throw c.fail("checkpoint_prefixes must be a vector, got shape " + prefixes);
                    }
                    requireScalar(c, 1, "destination_prefix");
                })
                .stateful().notDifferentiable().build());
    }

    private static void requireScalar(ShapeContext c, int i, String name) {
        Shape s = c.inputShape(i);
        if (s.hasKnownRank() && s.rank() != 0) {
            throw c.fail(name + " must be a scalar, got shape " + s);
        }
    }

    private static void checkStringInputs(ShapeContext c) {
        String[] names = {"prefix", "tensor_names", "shape_and_slices"};
        for (int i = 0; i < 3; i++) {
            if (c.inputDtype(i) != DType.STRING) {
                throw c.fail(names[i] + " must be a string tensor, got " + c.inputDtype(i));
            }
        }
        if (c.inputShape(0).rank() > 0) {
            throw c.fail("prefix must be a scalar, got shape " + c.inputShape(0));
        }
        for (int i = 1; i < 3; i++) {
            Shape s = c.inputShape(i);
            if (s.rank() > 1 || s.rank() == 0) {
                throw c.fail(names[i] + " must be a vector, got shape " + s);
            }
        }
    }

    private static void checkNamesLength(ShapeContext c, int n) {
        for (int i = 1; i < 3; i++) {
            Shape s = c.inputShape(i);
            if (s.rank() == 1 && s.size(0) >= 0 && s.size(0) != n) {
                throw c.fail("input " + i + " lists " + s.size(0) + " names but there are " + n + " tensors");
            }
        }
    }

    /** {@code SaveV2(prefix, tensor_names, shape_and_slices, tensors)}: writes the tensors; no outputs. */
    public static Operation saveV2(Graph g, Output prefix, Output tensorNames, Output shapeAndSlices, List<Output> tensors,
                                   String name) {
        DType[] dtypes = new DType[tensors.size()];
        for (int i = 0; i < dtypes.length; i++) {
            dtypes[i] = tensors.get(i).dtype();
        }
        return g.opBuilder("SaveV2", name).addInput(prefix).addInput(tensorNames).addInput(shapeAndSlices)
                .addInputList(tensors).setAttr("dtypes", dtypes).build();
    }

    /** {@code RestoreV2(prefix, tensor_names, shape_and_slices)}: one output per entry of {@code dtypes}. */
    public static List<Output> restoreV2(Graph g, Output prefix, Output tensorNames, Output shapeAndSlices, DType[] dtypes,
                                         String name) {
        return g.opBuilder("RestoreV2", name).addInput(prefix).addInput(tensorNames).addInput(shapeAndSlices)
                .setAttr("dtypes", dtypes).build().outputs();
    }

    /** {@code ShardedFilename(basename, shard, num_shards)}: the file name of one shard of a sharded save. */
    public static Output shardedFilename(Graph g, Output basename, Output shard, Output numShards, String name) {
        return g.opBuilder("ShardedFilename", name).addInput(basename).addInput(shard).addInput(numShards).build()
                .output(0);
    }

    /** {@code MergeV2Checkpoints(checkpoint_prefixes, destination_prefix)}: one checkpoint from the shards'. */
    public static Operation mergeV2Checkpoints(Graph g, Output checkpointPrefixes, Output destinationPrefix,
                                               boolean deleteOldDirs, boolean allowMissingFiles, String name) {
        return g.opBuilder("MergeV2Checkpoints", name).addInput(checkpointPrefixes).addInput(destinationPrefix)
                .setAttr("delete_old_dirs", deleteOldDirs).setAttr("allow_missing_files", allowMissingFiles).build();
    }
}
