package dev.tensorgraph.ops.training;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;

/**
 * {@code _MatMulApplyGradientDescent(var, alpha, a, b)}: {@code var -= alpha * MatMul(a, b)}, a MatMul whose only
 * use is the gradient of an ApplyGradientDescent, run as one step. CPU plans of training graphs make it (see the
 * runtime's plan passes) so that the product is added to the variable's array as it is computed, instead of being
 * written out and read back. Attributes are MatMul's transposes and ApplyGradientDescent's {@code T} and
 * {@code use_locking}; the output is the variable, as ApplyGradientDescent's. It is stateful and has no gradient:
 * it only appears in rewritten plans. {@code _MatMulApplyMomentum(var, accum, lr, a, b, momentum)} is the same for
 * ApplyMomentum without Nesterov's variant: {@code accum = momentum * accum + MatMul(a, b); var -= lr * accum}.
 */
public final class FusedTrainingOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("_MatMulApplyGradientDescent").refInput("var").input("alpha").input("a").input("b")
                .attr("T", AttrType.TYPE).attr("use_locking", AttrType.BOOL, false)
                .attr("transpose_a", AttrType.BOOL, false).attr("transpose_b", AttrType.BOOL, false)
                .shape(c -> shape(c, 2, new int[] {1}, 1)).stateful().notDifferentiable().build());
        r.register(OpDef.builder("_MatMulApplyMomentum").refInput("var").refInput("accum").input("lr").input("a")
                .input("b").input("momentum")
                .attr("T", AttrType.TYPE).attr("use_locking", AttrType.BOOL, false)
                .attr("transpose_a", AttrType.BOOL, false).attr("transpose_b", AttrType.BOOL, false)
                .shape(c -> shape(c, 3, new int[] {2, 5}, 2)).stateful().notDifferentiable().build());
    }

    /**
     * Checks the inputs (the product's operands at {@code a} and {@code a + 1}, scalars at {@code scalars}, the
     * first {@code variables} inputs variables of the product's shape) and gives the output the variable's shape.
     */
    private static void shape(ShapeContext c, int aIndex, int[] scalars, int variables) {
        DType t = c.inputDtype(0);
        if (!t.isFloating()) {
            throw c.fail("var must be a floating-point variable, got " + t);
        }
        for (int i = 1; i < c.numInputs(); i++) {
            if (c.inputDtype(i) != t) {
                throw c.fail("input " + i + " has dtype " + c.inputDtype(i) + " but var has dtype " + t);
            }
        }
        for (int i : scalars) {
            Shape scalar = c.inputShape(i);
            if (scalar.hasKnownRank() && scalar.rank() != 0) {
                throw c.fail("input " + i + " is not a scalar: " + scalar);
            }
        }
        for (int i = 1; i < variables; i++) {
            if (!c.inputShape(i).isCompatibleWith(c.inputShape(0))) {
                throw c.fail("var and input " + i + " do not have the same shape: " + c.inputShape(0) + " vs "
                        + c.inputShape(i));
            }
        }
        Shape a = c.inputShape(aIndex);
        Shape b = c.inputShape(aIndex + 1);
        if (!a.hasKnownRank() || !b.hasKnownRank() || a.rank() != 2 || b.rank() != 2) {
            throw c.fail("a and b must be matrices of known rank, got " + a + " and " + b);
        }
        boolean ta = c.attrBool("transpose_a");
        boolean tb = c.attrBool("transpose_b");
        long k = a.size(ta ? 0 : 1);
        long kb = b.size(tb ? 1 : 0);
        if (k >= 0 && kb >= 0 && k != kb) {
            throw c.fail("the product's inner dimensions differ: " + a + " and " + b);
        }
        Shape product = Shape.of(a.size(ta ? 1 : 0), b.size(tb ? 0 : 1));
        Shape var = c.inputShape(0);
        if (!var.isCompatibleWith(product)) {
            throw c.fail("var and the product do not have the same shape: " + var + " vs " + product);
        }
        c.setOutput(0, t, var.mergeWith(product));
    }
}
