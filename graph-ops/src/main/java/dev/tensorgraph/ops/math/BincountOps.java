package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.EnumSet;
import java.util.Set;

/**
 * Counting values: {@code Bincount(arr, size, weights)} (int32 values; the op of TensorFlow 1 graphs) and
 * {@code DenseBincount(input, size, weights)} (int32 or int64 values, one count vector per row of a matrix,
 * {@code binary_output} for presence instead of counts), with {@code tf.math.bincount} as TensorFlow 2.21 builds
 * it. Bin v holds the number of values equal to v (or the sum of their weights; an empty weights tensor means
 * weight 1); values at or past size are ignored, a negative value is an error. Not differentiable, as in
 * TensorFlow.
 */
public final class BincountOps implements OpLibrary {
    private static final Set<DType> WEIGHTS = EnumSet.of(DType.INT32, DType.INT64, DType.FLOAT32, DType.FLOAT64);

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Bincount").input("arr").input("size").input("weights").attr("T", AttrType.TYPE)
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "T", 2);
                    if (c.inputDtype(0) != DType.INT32 || c.inputDtype(1) != DType.INT32) {
                        throw c.fail("arr and size must be int32, got " + c.inputDtype(0) + " and " + c.inputDtype(1));
                    }
                    countsShape(c, Shape.scalar());
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("DenseBincount").input("input").input("size").input("weights")
                .attr("Tidx", AttrType.TYPE).attr("T", AttrType.TYPE).attr("binary_output", AttrType.BOOL, false)
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "Tidx", 0);
                    ShapeArgs.typeFrom(c, "T", 2);
                    ShapeArgs.indexType(c, "Tidx");
                    if (c.inputDtype(1) != c.inputDtype(0)) {
                        throw c.fail("size must have the dtype of input (" + c.inputDtype(0) + "), got "
                                + c.inputDtype(1));
                    }
                    Shape in = c.inputShape(0);
                    if (in.rank() > 2) {
                        throw c.fail("input must be 1-D or 2-D, got shape " + in);
                    }
                    countsShape(c, in.rank() == 2 ? in.subShape(0, 1) : Shape.scalar());
                })
                .notDifferentiable().build());
    }

    /** Output: {@code lead + [size]}; size a scalar. */
    private static void countsShape(ShapeContext c, Shape lead) {
        ShapeFns.requireType(c, c.inputDtype(2), WEIGHTS);
        if (c.inputShape(1).rank() > 0) {
            throw c.fail("size must be a scalar, got shape " + c.inputShape(1));
        }
        Tensor size = c.constantValue(1);
        long n = size == null ? -1 : ShapeArgs.longs(size)[0];
        if (size != null && n < 0) {
            throw c.fail("size (" + n + ") must be non-negative");
        }
        c.setOutput(0, c.inputDtype(2), lead.concatenate(Shape.of(n)));
    }

    // ---- constructors ----

    /** {@code Bincount(arr, size, weights)}. */
    public static Output bincountOp(Graph g, Output arr, Output size, Output weights, String name) {
        return g.opBuilder("Bincount", name).addInput(arr).addInput(size).addInput(weights).setAttr("T", weights.dtype())
                .build().output(0);
    }

    /** {@code DenseBincount(input, size, weights)} with {@code binary_output}. */
    public static Output denseBincount(Graph g, Output input, Output size, Output weights, boolean binaryOutput,
                                       String name) {
        return g.opBuilder("DenseBincount", name).addInput(input).addInput(size).addInput(weights)
                .setAttr("Tidx", input.dtype()).setAttr("T", weights.dtype()).setAttr("binary_output", binaryOutput)
                .build().output(0);
    }

    /**
     * {@code tf.math.bincount(arr, weights, minlength, maxlength, dtype, axis=None, binary_output)} as TensorFlow
     * 2.21 builds it in the name scope {@code bincount}: the length is {@code max(arr) + 1} (0 for an empty arr),
     * raised to {@code minlength} and capped at {@code maxlength} when they are not null; arr (and weights) are
     * flattened; {@code dtype} is the counts' dtype when there are no weights.
     */
    public static Output bincount(Graph g, Output arr, Output weights, Long minlength, Long maxlength, DType dtype,
                                  boolean binaryOutput, String name) {
        if (weights != null && binaryOutput) {
            throw new InvalidArgumentException("Arguments `binary_output` and `weights` are mutually exclusive. Please "
                    + "specify only one.");
        }
        try (var s = g.nameScope(name == null ? "bincount" : name)) {
            Output values = arr.dtype().isInteger() && arr.dtype() != DType.UINT8 ? arr
                    : CastOps.cast(g, arr, DType.INT32, null);
            DType it = values.dtype();
            Shape shape = values.shape();
            Output size = shape.isFullyDefined()
                    ? ConstantOps.constant(g, Tensor.of((int) shape.numElements()), "Size")
                    : ShapeOps.size(g, values, DType.INT32, null);
            Output nonEmpty = CastOps.cast(g, ComparisonOps.greater(g, size, 0, null), it, null);
            Output axes = shape.hasKnownRank()
                    ? ConstantOps.intVector(g, ShapeArgs.range(shape.rank()), "Const")
                    : ConstantOps.range(g, ConstantOps.scalar(g, DType.INT32, 0, "Const"), ShapeOps.rank(g, values, null),
                            ConstantOps.scalar(g, DType.INT32, 1, "Const"), null);
            Output max = ReductionOps.max(g, values, axes, false, null);
            Output length = ArithmeticOps.mul(g, nonEmpty, ArithmeticOps.addV2(g, max, 1, "add"), "mul");
            if (minlength != null) {
                length = ArithmeticOps.maximum(g, ConstantOps.scalar(g, it, minlength, "minlength"), length, null);
            }
            if (maxlength != null) {
                length = ArithmeticOps.minimum(g, ConstantOps.scalar(g, it, maxlength, "maxlength"), length, null);
            }
            Output w = weights == null ? null : ShapeOps.reshape(g, weights, new int[] {-1}, null);
            Output flat = ShapeOps.reshape(g, values, new int[] {-1}, null);
            if (w == null) {
                w = ConstantOps.constant(g, Tensor.zeros(dtype, Shape.of(0)), "Const");
            }
            return denseBincount(g, flat, length, w, binaryOutput, null);
        }
    }
}
