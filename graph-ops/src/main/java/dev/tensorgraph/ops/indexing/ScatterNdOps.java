package dev.tensorgraph.ops.indexing;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.GradientFunction;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.Arrays;
import java.util.List;

/**
 * Writing slices addressed by N-d index tuples: {@code ScatterNd(indices, updates, shape)} adds updates into
 * zeros of the given shape ({@code tf.scatter_nd}; repeated indices add up), and {@code TensorScatterUpdate},
 * {@code TensorScatterAdd}, {@code TensorScatterSub}, {@code TensorScatterMax}, {@code TensorScatterMin} combine
 * updates into a copy of a tensor ({@code tf.tensor_scatter_update}, ... in TensorFlow 1.15;
 * {@code tf.tensor_scatter_nd_*} in 2.x). Updates have shape {@code indices.shape[:-1] + shape[K:]}. Gradients as
 * TensorFlow's {@code array_grad.py}: the updates get {@code GatherNd(dy, indices)}.
 */
public final class ScatterNdOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("ScatterNd").input("indices").input("updates").input("shape")
                .attr("T", AttrType.TYPE).attr("Tindices", AttrType.TYPE)
                .attr("bad_indices_policy", AttrType.STRING, "")
                .shape(ScatterNdOps::scatterNdShape)
                .gradient((op, dy) -> Arrays.asList(null, GatherNdOps.gatherNd(op.graph(), dy.get(0), op.input(0), null),
                        null)).build());
        r.register(tensorScatter("TensorScatterUpdate", (op, dy) -> {
            Graph g = op.graph();
            Output grad = dy.get(0);
            Output indices = op.input(1);
            Output zeros = ConstantOps.zerosLike(g, op.input(2), null);
            Output tensorGrad = tensorScatterUpdate(g, ControlOps.identity(g, grad, null), indices, zeros, null);
            return Arrays.asList(tensorGrad, null, GatherNdOps.gatherNd(g, grad, indices, null));
        }));
        r.register(tensorScatter("TensorScatterAdd", (op, dy) -> Arrays.asList(ControlOps.identity(op.graph(), dy.get(0),
                null), null, GatherNdOps.gatherNd(op.graph(), dy.get(0), op.input(1), null))));
        r.register(tensorScatter("TensorScatterSub", (op, dy) -> {
            Graph g = op.graph();
            Output updatesGrad = GatherNdOps.gatherNd(g, dy.get(0), op.input(1), null);
            return Arrays.asList(ControlOps.identity(g, dy.get(0), null), null, UnaryOps.neg(g, updatesGrad, null));
        }));
        r.register(tensorScatter("TensorScatterMax", ScatterNdOps::minOrMaxGrad));
        r.register(tensorScatter("TensorScatterMin", ScatterNdOps::minOrMaxGrad));
    }

    private static OpDef tensorScatter(String type, GradientFunction grad) {
        return OpDef.builder(type).input("tensor").input("indices").input("updates")
                .attr("T", AttrType.TYPE).attr("Tindices", AttrType.TYPE)
                .attr("bad_indices_policy", AttrType.STRING, "")
                .shape(ScatterNdOps::tensorScatterShape)
                .gradient(grad).build();
    }

    // ---- constructors ----

    /** {@code ScatterNd(indices, updates, shape)}: updates added into zeros of {@code shape}. */
    public static Output scatterNd(Graph g, Output indices, Output updates, Output shape, String name) {
        return scatterNd(g, indices, updates, shape, "", name);
    }

    /**
     * With {@code bad_indices_policy}: "" (or "DEFAULT", "ERROR") fails on an index out of range, "IGNORE" skips
     * its update.
     */
    public static Output scatterNd(Graph g, Output indices, Output updates, Output shape, String badIndicesPolicy,
                                   String name) {
        return g.opBuilder("ScatterNd", name).addInput(indices).addInput(updates).addInput(shape)
                .setAttr("T", updates.dtype()).setAttr("Tindices", indices.dtype())
                .setAttr("bad_indices_policy", badIndicesPolicy).build().output(0);
    }

    /** {@code tf.scatter_nd(indices, updates, shape)}: the shape a constant {@code ScatterNd/shape} of the index dtype. */
    public static Output scatterNd(Graph g, Output indices, Output updates, long[] shape, String name) {
        try (var s = g.nameScope(name == null ? "ScatterNd" : name)) {
            Tensor v = indices.dtype() == DType.INT64 ? Tensor.of(DType.INT64, Shape.of(shape.length), shape)
                    : Tensor.of(DType.INT32, Shape.of(shape.length), ShapeArgs.toInts(shape));
            return scatterNd(g, indices, updates, ConstantOps.constant(g, v, "shape"), s.name());
        }
    }

    /** {@code TensorScatterUpdate(tensor, indices, updates)}: a copy of tensor with the slices replaced. */
    public static Output tensorScatterUpdate(Graph g, Output tensor, Output indices, Output updates, String name) {
        return build(g, "TensorScatterUpdate", tensor, indices, updates, name);
    }

    /** {@code TensorScatterAdd(tensor, indices, updates)}: a copy of tensor with updates added. */
    public static Output tensorScatterAdd(Graph g, Output tensor, Output indices, Output updates, String name) {
        return build(g, "TensorScatterAdd", tensor, indices, updates, name);
    }

    /** {@code TensorScatterSub(tensor, indices, updates)}: a copy of tensor with updates subtracted. */
    public static Output tensorScatterSub(Graph g, Output tensor, Output indices, Output updates, String name) {
        return build(g, "TensorScatterSub", tensor, indices, updates, name);
    }

    /** {@code TensorScatterMax(tensor, indices, updates)}: the elementwise maximum of each slice and its updates. */
    public static Output tensorScatterMax(Graph g, Output tensor, Output indices, Output updates, String name) {
        return build(g, "TensorScatterMax", tensor, indices, updates, name);
    }

    /** {@code TensorScatterMin(tensor, indices, updates)}: the elementwise minimum of each slice and its updates. */
    public static Output tensorScatterMin(Graph g, Output tensor, Output indices, Output updates, String name) {
        return build(g, "TensorScatterMin", tensor, indices, updates, name);
    }

    private static Output build(Graph g, String type, Output tensor, Output indices, Output updates, String name) {
        return g.opBuilder(type, name).addInput(tensor).addInput(indices).addInput(updates)
                .setAttr("Tindices", indices.dtype()).build().output(0);
    }

    // ---- shape functions ----

    private static void scatterNdShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "T", 1);
        ShapeArgs.typeFrom(c, "Tindices", 0);
        ShapeArgs.indexType(c, "Tindices");
        NdIndexing.checkPolicy(c);
        if (c.inputDtype(2) != c.inputDtype(0)) {
            throw c.fail("shape must have the dtype of indices (" + c.inputDtype(0) + "), got " + c.inputDtype(2));
        }
        Shape out = ShapeArgs.shapeFromInput(c, 2);
        NdIndexing.checkUpdates(c, c.inputShape(0), c.inputShape(1), out);
        c.setOutput(0, c.inputDtype(1), out);
    }

    private static void tensorScatterShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tindices", 1);
        ShapeArgs.indexType(c, "Tindices");
        NdIndexing.checkPolicy(c);
        if (c.inputDtype(2) != c.inputDtype(0)) {
            throw c.fail("updates must have the dtype of tensor (" + c.inputDtype(0) + "), got " + c.inputDtype(2));
        }
        Shape tensor = c.inputShape(0);
        NdIndexing.checkUpdates(c, c.inputShape(1), c.inputShape(2), tensor);
        c.setOutput(0, c.inputDtype(0), tensor);
    }

    // ---- gradients ----

    /**
     * TensorScatterMax/Min: the gradient goes to the elements equal to the result, split evenly where the tensor
     * element and some updates tie (TensorFlow's rule).
     */
    private static List<Output> minOrMaxGrad(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output grad = dy.get(0);
        Output x = op.input(0);
        Output indices = op.input(1);
        Output y = op.input(2);
        Output out = op.output(0);
        DType t = grad.dtype();
        String policy = op.attrString("bad_indices_policy");
        Output xIndicators = CastOps.cast(g, ComparisonOps.equal(g, x, out, null), t, null);
        Output yOutput = GatherNdOps.gatherNd(g, out, indices, policy, null);
        Output yIndicators = CastOps.cast(g, ComparisonOps.equal(g, y, yOutput, null), t, null);
        Output ysIndicators = scatterNd(g, indices, yIndicators, NdIndexing.shapeAs(g, x, indices.dtype()), policy, null);
        Output indicators = ArithmeticOps.addV2(g, xIndicators, ysIndicators, null);
        Output xGrad = ArithmeticOps.realDiv(g, ArithmeticOps.mul(g, grad, xIndicators, null), indicators, null);
        Output scaled = ArithmeticOps.realDiv(g, grad, indicators, null);
        Output yGrad = ArithmeticOps.mul(g, GatherNdOps.gatherNd(g, scaled, indices, policy, null), yIndicators, null);
        return Arrays.asList(xGrad, null, yGrad);
    }
}
