package dev.tensorgraph.ops.io;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import java.util.List;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;

/**
 * TensorFlow 1.x summary ops, each producing a scalar string: a serialized {@code tensorflow.Summary}
 * protocol buffer that {@code tf.summary.FileWriter} writes to an event file for TensorBoard.
 *
 * <ul>
 * <li>{@code ScalarSummary(tags: string, values: T) -> summary}: one simple value per tag; tags and values
 * have the same shape.</li>
 * <li>{@code HistogramSummary(tag: string, values: T = float) -> summary}: a histogram of all values over
 * TensorFlow's default exponential buckets; NaN or infinity is an error.</li>
 * <li>{@code MergeSummary(inputs: N * string) -> summary}: the values of all inputs in one Summary;
 * duplicate tags are an error.</li>
 * </ul>
 * None is differentiable.
 */
public final class SummaryOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("ScalarSummary").input("tags").input("values").attr("T", AttrType.TYPE)
                .shape(c -> {
                    requireString(c, 0, "tags");
                    requireReal(c, 1);
                    Shape tags = c.inputShape(0);
                    Shape values = c.inputShape(1);
                    if (!tags.isCompatibleWith(values)) {
                        throw c.fail("tags and values not the same shape: " + tags + " != " + values);
                    }
                    c.setOutput(0, DType.STRING, Shape.scalar());
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("HistogramSummary").input("tag").input("values")
                .attr("T", AttrType.TYPE, DType.FLOAT32)
                .shape(c -> {
                    requireString(c, 0, "tag");
                    requireReal(c, 1);
                    Shape tag = c.inputShape(0);
                    if (tag.hasKnownRank() && tag.rank() != 0) {
                        throw c.fail("tags must be scalar, got shape " + tag);
                    }
                    c.setOutput(0, DType.STRING, Shape.scalar());
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("MergeSummary").inputList("inputs").attr("N", AttrType.INT)
                .shape(c -> {
                    if (c.numInputs() < 1) {
                        throw c.fail("needs at least one input");
                    }
                    for (int i = 0; i < c.numInputs(); i++) {
                        requireString(c, i, "inputs[" + i + "]");
                    }
                    c.setOutput(0, DType.STRING, Shape.scalar());
                })
                .notDifferentiable().build());
    }

    private static void requireString(ShapeContext c, int i, String what) {
        if (c.inputDtype(i) != DType.STRING) {
            throw c.fail(what + " must be a string tensor, got " + c.inputDtype(i));
        }
    }

    /** Values are real numbers and T names their dtype (T is not the tags' string type: set it explicitly). */
    private static void requireReal(ShapeContext c, int i) {
        if (!c.inputDtype(i).isNumeric()) {
            throw c.fail("values must be a real number tensor, got " + c.inputDtype(i));
        }
        if (c.attrType("T") != c.inputDtype(i)) {
            throw c.fail("attribute T is " + c.attrType("T") + " but values are " + c.inputDtype(i)
                    + "; set T to the values' dtype");
        }
    }

    /** {@code ScalarSummary(tags, values)}; {@code T} is the values' dtype. */
    public static Output scalarSummary(Graph g, Output tags, Output values, String name) {
        return g.opBuilder("ScalarSummary", name).addInput(tags).addInput(values).setAttr("T", values.dtype())
                .build().output(0);
    }

    /** {@code HistogramSummary(tag, values)}. */
    public static Output histogramSummary(Graph g, Output tag, Output values, String name) {
        return g.opBuilder("HistogramSummary", name).addInput(tag).addInput(values).setAttr("T", values.dtype())
                .build().output(0);
    }

    /** {@code MergeSummary(inputs)}: one serialized Summary with every input's values. */
    public static Output mergeSummary(Graph g, List<Output> inputs, String name) {
        return g.opBuilder("MergeSummary", name).addInputList(inputs).build().output(0);
    }
}
