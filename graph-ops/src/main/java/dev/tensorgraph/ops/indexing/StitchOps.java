package dev.tensorgraph.ops.indexing;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DynamicStitch: interleaves N data tensors into one by N index tensors, {@code merged[indices[m][i]] =
 * data[m][i]}, later entries winning. TensorFlow's reduction gradients use it to build shapes.
 */
public final class StitchOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("DynamicStitch").inputList("indices").inputList("data")
                .attr("N", AttrType.INT).attr("T", AttrType.TYPE)
                .shape(c -> {
                    int n = (int) c.attrLong("N");
                    if (c.numInputs() != 2 * n || n < 1) {
                        throw c.fail("expected " + n + " indices and " + n + " data tensors, got " + c.numInputs() + " inputs");
                    }
                    DType t = c.inputDtype(n);
                    c.attrs().put("T", t);
                    long max = -1;
                    boolean known = true;
                    for (int i = 0; i < n; i++) {
                        if (c.inputDtype(i) != DType.INT32) {
                            throw c.fail("indices[" + i + "] must be int32, got " + c.inputDtype(i));
                        }
                        if (c.inputDtype(n + i) != t) {
                            throw c.fail("data[" + i + "] is " + c.inputDtype(n + i) + " but data[0] is " + t);
                        }
                        Tensor v = c.constantValue(i);
                        if (v == null) {
                            known = false;
                        } else {
                            for (int x : (int[]) v.array()) {
                                max = Math.max(max, x);
                            }
                        }
                    }
                    Shape idx = c.inputShape(0);
                    Shape data = c.inputShape(n);
                    Shape tail = idx.hasKnownRank() && data.hasKnownRank() && data.rank() >= idx.rank()
                            ? data.subShape(idx.rank(), data.rank()) : Shape.unknown();
                    c.setOutput(0, t, Shape.of(known ? max + 1 : -1).concatenate(tail));
                })
                .gradient((op, dy) -> {
                    int n = op.attrInt("N");
                    List<Output> grads = new ArrayList<>(Arrays.asList(new Output[2 * n]));
                    for (int i = 0; i < n; i++) {
                        grads.set(n + i, GatherOps.gather(op.graph(), dy.get(0), op.input(i), 0, 0, null));
                    }
                    return grads;
                }).build());
    }

    /** {@code DynamicStitch(indices, data)}: {@code merged[indices[m][i]] = data[m][i]}. */
    public static Output dynamicStitch(Graph g, List<Output> indices, List<Output> data, String name) {
        return g.opBuilder("DynamicStitch", name).addInputList(indices).addInputList(data)
                .setAttr("N", (long) indices.size()).setAttr("T", data.get(0).dtype()).build().output(0);
    }
}
