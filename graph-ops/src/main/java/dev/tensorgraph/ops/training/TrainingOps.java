package dev.tensorgraph.ops.training;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.op.ShapeFunction;
import java.util.List;

/**
 * The fused optimizer update ops of TensorFlow's {@code training_ops.cc}: ApplyGradientDescent, ApplyMomentum,
 * ApplyAdam, ApplyRMSProp, ApplyCenteredRMSProp and ApplyAdagrad. Each updates its variable (and accumulator
 * variables) in place through ref inputs and returns the variable's new value. Their {@code ResourceApply*} forms
 * (ResourceApplyGradientDescent, ...) take resource variables' handles in those places and have no output.
 * Inputs, their order and the attributes are TensorFlow's: hyper-parameters are scalars of the variable's dtype
 * {@code T}, the gradient has the variable's shape. They are stateful and not differentiable.
 */
public final class TrainingOps implements OpLibrary {
    /** Kinds of input in an apply op's signature. */
    private enum Kind { REF, SCALAR, GRAD }

    @Override
    public void register(OpRegistry r) {
        define(r, "ApplyGradientDescent", false, new String[]{"var", "alpha", "delta"},
                new Kind[]{Kind.REF, Kind.SCALAR, Kind.GRAD});
        define(r, "ApplyMomentum", true, new String[]{"var", "accum", "lr", "grad", "momentum"},
                new Kind[]{Kind.REF, Kind.REF, Kind.SCALAR, Kind.GRAD, Kind.SCALAR});
        define(r, "ApplyAdam", true,
                new String[]{"var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon", "grad"},
                new Kind[]{Kind.REF, Kind.REF, Kind.REF, Kind.SCALAR, Kind.SCALAR, Kind.SCALAR, Kind.SCALAR,
                        Kind.SCALAR, Kind.SCALAR, Kind.GRAD});
        define(r, "ApplyRMSProp", false, new String[]{"var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"},
                new Kind[]{Kind.REF, Kind.REF, Kind.REF, Kind.SCALAR, Kind.SCALAR, Kind.SCALAR, Kind.SCALAR, Kind.GRAD});
        define(r, "ApplyCenteredRMSProp", false,
                new String[]{"var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"},
                new Kind[]{Kind.REF, Kind.REF, Kind.REF, Kind.REF, Kind.SCALAR, Kind.SCALAR, Kind.SCALAR, Kind.SCALAR,
                        Kind.GRAD});
        for (boolean resource : new boolean[] {false, true}) {
            OpDef.Builder adagrad = builder(resource ? "ResourceApplyAdagrad" : "ApplyAdagrad", resource, false,
                    new String[]{"var", "accum", "lr", "grad"}, new Kind[]{Kind.REF, Kind.REF, Kind.SCALAR, Kind.GRAD});
            r.register(adagrad.attr("update_slots", AttrType.BOOL, true).build());
        }
    }

    private static void define(OpRegistry r, String type, boolean nesterov, String[] names, Kind[] kinds) {
        r.register(builder(type, false, nesterov, names, kinds).build());
        r.register(builder("Resource" + type, true, nesterov, names, kinds).build());
    }

    private static OpDef.Builder builder(String type, boolean resource, boolean nesterov, String[] names, Kind[] kinds) {
        OpDef.Builder b = OpDef.builder(type);
        for (int i = 0; i < names.length; i++) {
            if (kinds[i] == Kind.REF && !resource) {
                b.refInput(names[i]);
            } else {
                b.input(names[i]);
            }
        }
        b.attr("T", AttrType.TYPE).attr("use_locking", AttrType.BOOL, false);
        if (nesterov) {
            b.attr("use_nesterov", AttrType.BOOL, false);
        }
        return b.shape(shapeFunction(resource, names, kinds)).stateful().notDifferentiable();
    }

    /**
     * Every input has dtype T (a float type); accumulators and the gradient have the variable's shape; the
     * hyper-parameters are scalars. The output is the variable; the resource forms, whose variables are handles
     * (of dtype T variables), have none.
     */
    private static ShapeFunction shapeFunction(boolean resource, String[] names, Kind[] kinds) {
        return c -> {
            DType t = resource ? c.attrType("T") : c.inputDtype(0);
            if (!t.isFloating()) {
                throw c.fail("var must be a floating-point variable, got " + t);
            }
            Shape var = resource ? handleShape(c, 0, names[0], t) : c.inputShape(0);
            for (int i = 1; i < names.length; i++) {
                boolean handle = resource && kinds[i] == Kind.REF;
                DType dt = handle ? t : c.inputDtype(i);
                if (dt != t) {
                    throw c.fail("input '" + names[i] + "' has dtype " + c.inputDtype(i) + " but var has dtype " + t);
                }
                Shape s = handle ? handleShape(c, i, names[i], t) : c.inputShape(i);
                if (kinds[i] == Kind.SCALAR) {
                    if (s.hasKnownRank() && s.rank() != 0) {
                        throw c.fail(names[i] + " is not a scalar: " + s);
                    }
                } else {
                    var = merge(c, var, s, names[i]);
                }
            }
            if (!resource) {
                c.setOutput(0, t, var);
            }
        };
    }

    /** The declared shape of the resource variable behind handle input {@code i}, checked to be of dtype {@code t}. */
    private static Shape handleShape(ShapeContext c, int i, String name, DType t) {
        if (c.inputDtype(i) != DType.RESOURCE) {
            throw c.fail("input '" + name + "' must be a resource variable's handle, got a " + c.inputDtype(i) + " tensor");
        }
        DType declared = c.inputHandleDtype(i);
        if (declared != null && declared != t) {
            throw c.fail("input '" + name + "' is a " + declared + " variable but T is " + t);
        }
        return c.inputHandleShape(i);
    }

    private static Shape merge(ShapeContext c, Shape var, Shape other, String name) {
        if (!var.isCompatibleWith(other)) {
            throw c.fail("var and " + name + " do not have the same shape: " + var + " vs " + other);
        }
        return var.mergeWith(other);
    }

    // ---- constructors: inputs in TensorFlow's order ----

    private static Operation apply(Graph g, String type, boolean useLocking, String name, Output... inputs) {
        var b = g.opBuilder(type, name);
        for (Output in : inputs) {
            b.addInput(in);
        }
        return b.setAttr("use_locking", useLocking).build();
    }

    /** {@code ApplyGradientDescent(var, alpha, delta)}: {@code var -= alpha * delta}. */
    public static Operation applyGradientDescent(Graph g, Output var, Output alpha, Output delta, boolean useLocking,
                                                 String name) {
        return apply(g, "ApplyGradientDescent", useLocking, name, var, alpha, delta);
    }

    /** {@code ApplyMomentum(var, accum, lr, grad, momentum)}. */
    public static Operation applyMomentum(Graph g, Output var, Output accum, Output lr, Output grad, Output momentum,
                                          boolean useLocking, boolean useNesterov, String name) {
        var b = g.opBuilder("ApplyMomentum", name).addInput(var).addInput(accum).addInput(lr).addInput(grad)
                .addInput(momentum);
        return b.setAttr("use_locking", useLocking).setAttr("use_nesterov", useNesterov).build();
    }

    /** {@code ApplyAdam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad)}. */
    public static Operation applyAdam(Graph g, Output var, Output m, Output v, Output beta1Power, Output beta2Power,
                                      Output lr, Output beta1, Output beta2, Output epsilon, Output grad,
                                      boolean useLocking, boolean useNesterov, String name) {
        var b = g.opBuilder("ApplyAdam", name);
        for (Output in : new Output[] {var, m, v, beta1Power, beta2Power, lr, beta1, beta2, epsilon, grad}) {
            b.addInput(in);
        }
        return b.setAttr("use_locking", useLocking).setAttr("use_nesterov", useNesterov).build();
    }

    /** {@code ApplyRMSProp(var, ms, mom, lr, rho, momentum, epsilon, grad)}. */
    public static Operation applyRMSProp(Graph g, Output var, Output ms, Output mom, Output lr, Output rho,
                                         Output momentum, Output epsilon, Output grad, boolean useLocking, String name) {
        return apply(g, "ApplyRMSProp", useLocking, name, var, ms, mom, lr, rho, momentum, epsilon, grad);
    }

    /** {@code ApplyCenteredRMSProp(var, mg, ms, mom, lr, rho, momentum, epsilon, grad)}. */
    public static Operation applyCenteredRMSProp(Graph g, Output var, Output mg, Output ms, Output mom, Output lr,
                                                 Output rho, Output momentum, Output epsilon, Output grad,
                                                 boolean useLocking, String name) {
        return apply(g, "ApplyCenteredRMSProp", useLocking, name, var, mg, ms, mom, lr, rho, momentum, epsilon, grad);
    }

    /**
     * The {@code ResourceApply*} form of an update: {@code type} without its {@code Resource} prefix
     * ({@code "ApplyAdam"}); {@code variables}, the resource variables it updates in the op's order (var, then its
     * accumulators), given as variables or handles; {@code values}, the inputs after them (a resource variable
     * among them is read under the op, {@code ResourceApplyAdam/ReadVariableOp}); its attributes
     * ({@code use_locking}, {@code use_nesterov}, {@code update_slots}) as {@code attrs}. {@code T} is the first
     * value's dtype. No outputs.
     */
    public static Operation resourceApply(Graph g, String type, List<Output> variables, List<Output> values,
                                          java.util.Map<String, Object> attrs, String name) {
        if (!type.startsWith("Apply")) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("not an apply op type: " + type);
        }
        var b = g.opBuilder("Resource" + type, name);
        for (Output v : variables) {
            b.addInput(v instanceof dev.tensorgraph.Variable var && var.isResource() ? var.handle() : v);
        }
        for (Output v : values) {
            b.addInput(v);
        }
        attrs.forEach(b::setAttr);
        return b.setAttr("T", values.get(0).dtype()).build();
    }

    /** {@code ApplyAdagrad(var, accum, lr, grad)}: {@code accum += grad^2; var -= lr * grad / sqrt(accum)}. */
    public static Operation applyAdagrad(Graph g, Output var, Output accum, Output lr, Output grad, boolean useLocking,
                                         String name) {
        return apply(g, "ApplyAdagrad", useLocking, name, var, accum, lr, grad);
    }
}
