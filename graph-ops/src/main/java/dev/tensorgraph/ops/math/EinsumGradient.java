package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.array.StridedSliceOptions;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The gradient of Einsum as TensorFlow defines it ({@code linalg_grad.py}). For {@code z = einsum("X,Y->Z", x, y)}
 * the gradient of x is {@code einsum("Z,Y->X'", dz, y)} where X' is X without the labels only x has; those labels
 * are summed away in the forward op, so their gradient is dz broadcast along them (then an einsum back to X for
 * traces and transposes). A unary einsum reverses its equation the same way. Broadcast ({@code ...}) dimensions are
 * summed back to each operand's own shape.
 */
final class EinsumGradient {
    private static final String ELLIPSIS = "...";

    private EinsumGradient() {}

    static List<Output> gradients(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output grad = dy.get(0);
        String[] sides = op.attrString("equation").split("->", -1);
        String inputSubs = sides[0];
        String outputSubs = sides[1];
        if (op.numInputs() == 1) {
            Output x = op.input(0);
            String reduced = labelsOnlyIn(inputSubs, outputSubs);
            if (reduced.isEmpty()) {
                return List.of(EinsumOps.einsumOp(g, List.of(grad), outputSubs + "->" + inputSubs, null));
            }
            return List.of(gradReduced(g, grad, outputSubs, inputSubs, x, reduced));
        }
        String[] xy = inputSubs.split(",", -1);
        String xSubs = xy[0];
        String ySubs = xy[1];
        if (outputSubs.contains(ELLIPSIS)) {
            xSubs = xSubs.contains(ELLIPSIS) ? xSubs : xSubs + ELLIPSIS;
            ySubs = ySubs.contains(ELLIPSIS) ? ySubs : ySubs + ELLIPSIS;
        }
        Output x = op.input(0);
        Output y = op.input(1);
        Output gradX = gradWrt(g, grad, y, x, xSubs, ySubs, outputSubs);
        Output gradY = gradWrt(g, grad, x, y, ySubs, xSubs, outputSubs);
        if (!outputSubs.contains(ELLIPSIS)) {
            return Arrays.asList(gradX, gradY);
        }
        int[] bx = broadcastRange(xSubs);
        int[] by = broadcastRange(ySubs);
        Shape xs = x.shape();
        Shape ys = y.shape();
        if (xs.isFullyDefined() && ys.isFullyDefined()
                && xs.subShape(bx[0], xs.rank() - bx[1]).equals(ys.subShape(by[0], ys.rank() - by[1]))) {
            return Arrays.asList(gradX, gradY);
        }
        Output xShape = ShapeOps.shape(g, x, DType.INT32, null);
        Output yShape = ShapeOps.shape(g, y, DType.INT32, null);
        BroadcastGradientArgs args = ArithmeticOps.broadcastGradientArgs(g, subVector(g, xShape, bx),
                subVector(g, yShape, by), null);
        Output rx = ArithmeticOps.addV2(g, ConstantOps.scalar(g, DType.INT32, bx[0], "Const"), args.r0(), null);
        Output ry = ArithmeticOps.addV2(g, ConstantOps.scalar(g, DType.INT32, by[0], "Const"), args.r1(), null);
        gradX = ShapeOps.reshape(g, ReductionOps.sum(g, gradX, rx, false, null), xShape, null);
        gradY = ShapeOps.reshape(g, ReductionOps.sum(g, gradY, ry, false, null), yShape, null);
        return Arrays.asList(gradX, gradY);
    }

    /** The gradient of one operand of a binary einsum, before summing broadcast dimensions back. */
    private static Output gradWrt(Graph g, Output grad, Output other, Output input, String inputSubs, String otherSubs,
                                  String outputSubs) {
        String reduced = labelsOnlyIn(inputSubs, outputSubs + otherSubs);
        String left = without(inputSubs, reduced);
        Output gradReduced = EinsumOps.einsumOp(g, List.of(grad, other), outputSubs + "," + otherSubs + "->" + left,
                null);
        if (reduced.isEmpty()) {
            return gradReduced;
        }
        return gradReduced(g, gradReduced, left, inputSubs, input, reduced);
    }

    /**
     * The gradient of {@code einsum(inputSubs->outputSubs)} whose {@code reduced} labels are summed away: dz
     * broadcast along them, directly when the rest of the input's labels are the output's in order and nothing
     * repeats, else with the reduced labels put in front and an einsum back to the input's subscripts.
     */
    private static Output gradReduced(Graph g, Output grad, String outputSubs, String inputSubs, Output input,
                                      String reduced) {
        boolean repeated = distinct(inputSubs) + distinct(outputSubs) < inputSubs.length() + outputSubs.length();
        Shape inShape = input.shape();
        int[] axes = new int[reduced.length()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = axisOf(inputSubs, reduced.charAt(i));
        }
        if (!repeated && without(inputSubs, reduced).equals(outputSubs) && inShape.isFullyDefined()) {
            long[] keep = inShape.dims();
            for (int a : axes) {
                keep[a < 0 ? a + keep.length : a] = 1;
            }
            Output shaped = ShapeOps.reshape(g, grad, ShapeArgs.toInts(keep), null);
            return ShapeOps.broadcastTo(g, shaped, ConstantOps.intVector(g, inShape.intDims(), "Const"), null);
        }
        Output inputShape = ShapeOps.shape(g, input, DType.INT32, null);
        List<Output> dims = new ArrayList<>();
        for (int a : axes) {
            dims.add(dimension(g, inputShape, a, inShape));
        }
        Output reducedDims = ConcatOps.pack(g, dims, 0, null);
        Output gradShape = ShapeOps.shape(g, grad, DType.INT32, null);
        Output zero = ConstantOps.scalar(g, DType.INT32, 0, "Const");
        Output withReduced = ConcatOps.concatV2(g, List.of(reducedDims, gradShape), zero, null);
        int[] ones = new int[reduced.length()];
        Arrays.fill(ones, 1);
        Output keptShape = ConcatOps.concatV2(g, List.of(ConstantOps.intVector(g, ones, "Const"), gradShape), zero, null);
        Output broadcast = ShapeOps.broadcastTo(g, ShapeOps.reshape(g, grad, keptShape, null), withReduced, null);
        return EinsumOps.einsumOp(g, List.of(broadcast), reduced + outputSubs + "->" + inputSubs, null);
    }

    /** Size {@code axis} (negative: from the end) of a shape: a constant when known, else a slice of the Shape op. */
    private static Output dimension(Graph g, Output shape, int axis, Shape known) {
        if (known.hasKnownRank()) {
            long d = known.size(axis < 0 ? axis + known.rank() : axis);
            if (d >= 0) {
                return ConstantOps.scalar(g, DType.INT32, d, "Const");
            }
        }
        StridedSliceOptions options = StridedSliceOptions.create().shrinkAxisMask(1).endMask(axis == -1 ? 1 : 0);
        return SliceOps.stridedSlice(g, shape, new int[] {axis}, new int[] {axis + 1}, new int[] {1}, options, null);
    }

    /**
     * Where an operand's ellipsis stands: the number of axes before it and after it (the broadcast axes are the
     * ones between).
     */
    private static int[] broadcastRange(String subs) {
        int start = subs.indexOf(ELLIPSIS);
        if (start < 0) {
            return new int[] {0, subs.length()};
        }
        return new int[] {start, subs.length() - start - ELLIPSIS.length()};
    }

    /** {@code shape[range[0] : -range[1]]} (to the end when range[1] is 0). */
    private static Output subVector(Graph g, Output shape, int[] range) {
        StridedSliceOptions options = StridedSliceOptions.create().endMask(range[1] == 0 ? 1 : 0);
        return SliceOps.stridedSlice(g, shape, new int[] {range[0]}, new int[] {-range[1]}, new int[] {1}, options,
                null);
    }

    /** The distinct letters of {@code subs} that {@code others} lacks, in order of first appearance. */
    private static String labelsOnlyIn(String subs, String others) {
        StringBuilder b = new StringBuilder();
        for (char ch : subs.toCharArray()) {
            if (ch != '.' && others.indexOf(ch) < 0 && b.indexOf(String.valueOf(ch)) < 0) {
                b.append(ch);
            }
        }
        return b.toString();
    }

    private static String without(String subs, String labels) {
        StringBuilder b = new StringBuilder();
        for (char ch : subs.toCharArray()) {
            if (labels.indexOf(ch) < 0) {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** The number of distinct characters (the three dots of an ellipsis count once, as in TensorFlow). */
    private static int distinct(String subs) {
        return (int) subs.chars().distinct().count();
    }

    /** The leftmost axis of a label: from the start before the ellipsis, negative from the end after it. */
    private static int axisOf(String subs, char label) {
        int e = subs.indexOf(ELLIPSIS);
        String before = e < 0 ? subs : subs.substring(0, e);
        int i = before.indexOf(label);
        if (i >= 0 || e < 0) {
            return i;
        }
        String after = subs.substring(e + ELLIPSIS.length());
        return after.indexOf(label) - after.length();
    }
}
