package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.List;
import java.util.Set;

/**
 * {@code _FusedMatMul}: a MatMul with the ops after it computed in its epilogue, TensorFlow's op of the same name and
 * attributes (grappler's remapper writes it for a dense layer; CPU plans here make it from MatMul, BiasAdd and Relu,
 * see the runtime's plan passes). Inputs are the product's {@code a} and {@code b}, then {@code num_args} arguments
 * of the fused ops: the bias of {@code BiasAdd}, whose length is the product's column count. {@code fused_ops} is
 * {@code BiasAdd}, optionally followed by one activation ({@code Relu}, {@code Relu6}). It has no gradient: plans
 * make it after the gradients are built, and grappler only after training graphs are written.
 *
 * <p>{@code _MatMulSum(a, b)}: the sum of all elements of {@code MatMul(a, b)}, a product whose only use is a Sum over
 * both its axes, which CPU plans run as one step (each thread sums the blocks of the product it has just computed,
 * instead of a second pass reading the whole product back); {@code keep_dims} as Sum's. Not an op of TensorFlow: it
 * only appears in rewritten plans, and has no gradient.
 *
 * <p>{@code _MatMulReluGrad(a, b, features)}: {@code ReluGrad(MatMul(a, b), features)} and the BiasAddGrad of that,
 * a dense layer's backward pass through its ReLU and bias, where the product's only use is the ReluGrad. CPU plans of
 * training graphs run it as one step: each thread masks the blocks of the product it has just computed and sums their
 * columns. Output 0 is ReluGrad's, output 1 BiasAddGrad's. Also not an op of TensorFlow, and without a
 * gradient.
 */
public final class FusedMatMulOps implements OpLibrary {
    /** The fused op lists this op accepts. */
    static final Set<List<String>> FUSIONS = Set.of(List.of("BiasAdd"), List.of("BiasAdd", "Relu"),
            List.of("BiasAdd", "Relu6"));

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("_FusedMatMul").input("a").input("b").inputList("args")
                .attr("transpose_a", AttrType.BOOL, false).attr("transpose_b", AttrType.BOOL, false)
                .attr("T", AttrType.TYPE).attr("num_args", AttrType.INT)
                .attr("fused_ops", AttrType.LIST_STRING, new String[0]).attr("epsilon", AttrType.FLOAT, 1e-4f)
                .attr("leakyrelu_alpha", AttrType.FLOAT, 0.2f)
                .shape(FusedMatMulOps::fusedMatMulShape).notDifferentiable().build());
        r.register(OpDef.builder("_MatMulSum").input("a").input("b")
                .attr("transpose_a", AttrType.BOOL, false).attr("transpose_b", AttrType.BOOL, false)
                .attr("T", AttrType.TYPE).attr("keep_dims", AttrType.BOOL, false)
                .shape(FusedMatMulOps::matMulSumShape).notDifferentiable().build());
        r.register(OpDef.builder("_MatMulReluGrad").input("a").input("b").input("features")
                .attr("transpose_a", AttrType.BOOL, false).attr("transpose_b", AttrType.BOOL, false)
                .attr("T", AttrType.TYPE)
                .shape(FusedMatMulOps::matMulReluGradShape).notDifferentiable().build());
    }

    private static void matMulReluGradShape(ShapeContext c) {
        if (c.inputDtype(0) != DType.FLOAT32 || c.inputDtype(2) != DType.FLOAT32) {
            throw c.fail("T must be float32, got " + c.inputDtype(0) + " and features " + c.inputDtype(2));
        }
        Shape product = MatMulOps.productShape(c);
        if (!c.inputShape(2).isCompatibleWith(product)) {
            throw c.fail("features have shape " + c.inputShape(2) + " but the product has " + product);
        }
        c.setOutput(0, DType.FLOAT32, product);
        c.setOutput(1, DType.FLOAT32, Shape.of(product.size(1)));
    }

    private static void matMulSumShape(ShapeContext c) {
        if (c.inputDtype(0) != DType.FLOAT32) {
            throw c.fail("T must be float32, got " + c.inputDtype(0));
        }
        MatMulOps.productShape(c);
        c.setOutput(0, DType.FLOAT32, c.attrBool("keep_dims") ? Shape.of(1, 1) : Shape.scalar());
    }

    private static void fusedMatMulShape(ShapeContext c) {
        DType t = c.inputDtype(0);
        if (t != DType.FLOAT32 && t != DType.FLOAT64 && !t.isHalfPrecision()) {
            throw c.fail("T must be bfloat16, float16, float32 or float64, got " + t);
        }
        List<String> ops = List.of((String[]) c.attr("fused_ops"));
        if (!FUSIONS.contains(ops)) {
            throw c.fail("fused_ops " + ops + " is not one of " + FUSIONS);
        }
        if (c.attrLong("num_args") != 1 || c.numInputs() != 3) {
            throw c.fail("fused_ops " + ops + " take one argument, the bias; got num_args " + c.attrLong("num_args")
                    + " and " + c.numInputs() + " inputs");
        }
        MatMulOps.matMulShape(c);
        if (c.inputDtype(2) != t) {
            throw c.fail("the bias is " + c.inputDtype(2) + ", not " + t);
        }
        Shape bias = c.inputShape(2);
        if (bias.hasKnownRank() && bias.rank() != 1) {
            throw c.fail("the bias must be 1-D, got shape " + bias);
        }
        Shape b = c.inputShape(1);
        long n = b.hasKnownRank() ? b.size(c.attrBool("transpose_b") ? 0 : 1) : -1;
        if (bias.hasKnownRank() && bias.size(0) >= 0 && n >= 0 && bias.size(0) != n) {
            throw c.fail("the bias has " + bias.size(0) + " values but the product has " + n + " columns");
        }
    }
}
