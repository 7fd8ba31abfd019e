package dev.tensorgraph.ops.sparse;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.support.ShapeArgs;

/**
 * {@code SparseToDense(sparse_indices, output_shape, sparse_values, default_value)}, with
 * {@code tf.sparse.SparseTensor} from Java arrays and {@code tf.sparse.to_dense}; no gradient.
 */
public final class SparseOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("SparseToDense").input("sparse_indices").input("output_shape")
                .input("sparse_values").input("default_value")
                .attr("validate_indices", AttrType.BOOL, true).attr("T", AttrType.TYPE)
                .attr("Tindices", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "T", 2);
                    ShapeArgs.typeFrom(c, "Tindices", 0);
                    if (c.inputDtype(3) != c.inputDtype(2)) {
                        throw c.fail("default_value is " + c.inputDtype(3) + " but sparse_values are " + c.inputDtype(2));
                    }
                    c.setOutput(0, c.inputDtype(2), ShapeArgs.shapeFromInput(c, 1));
                })
                .notDifferentiable().build());
    }

    /** {@code SparseToDense(sparse_indices, output_shape, sparse_values, default_value)}. */
    public static Output sparseToDense(Graph g, Output sparseIndices, Output outputShape, Output sparseValues,
                                       Output defaultValue, boolean validateIndices, String name) {
        return g.opBuilder("SparseToDense", name).addInput(sparseIndices).addInput(outputShape).addInput(sparseValues)
                .addInput(defaultValue).setAttr("validate_indices", validateIndices).setAttr("T", sparseValues.dtype())
                .setAttr("Tindices", sparseIndices.dtype()).build().output(0);
    }

    /**
     * {@code tf.sparse.SparseTensor(indices, values, dense_shape)} from Java arrays: constants
     * {@code SparseTensor/indices}, {@code SparseTensor/values}, {@code SparseTensor/dense_shape}.
     */
    public static SparseTensor sparseTensor(Graph g, long[][] indices, Object values, long[] denseShape) {
        try (var s = g.nameScope("SparseTensor")) {
            Tensor idx = indices.length == 0 ? Tensor.of(DType.INT64, Shape.of(0, denseShape.length), new long[0])
                    : Tensor.of(indices);
            Output i = ConstantOps.constant(g, idx, "indices");
            Output v = ConstantOps.constant(g, Tensor.of(values), "values");
            Output d = ConstantOps.constant(g, Tensor.of(DType.INT64, Shape.of(denseShape.length), denseShape), "dense_shape");
            return new SparseTensor(i, v, d);
        }
    }

    /** {@code tf.sparse.to_dense(sp, default_value, validate_indices)}: a SparseToDense in its own scope. */
    public static Output toDense(Graph g, SparseTensor sp, double defaultValue, boolean validateIndices, String name) {
        try (var s = g.nameScope(name == null ? "SparseToDense" : name)) {
            Output def = ConstantOps.scalar(g, sp.values().dtype(), defaultValue, "default_value");
            return sparseToDense(g, sp.indices(), sp.denseShape(), sp.values(), def, validateIndices, s.name());
        }
    }
}
