package dev.tensorgraph.ops.math;

import static dev.tensorgraph.ops.support.ShapeFns.broadcasting;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Comparisons with broadcasting (Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual; bool output, no
 * gradient) and the logical ops (LogicalAnd, LogicalOr, LogicalNot).
 */
public final class ComparisonOps implements OpLibrary {
    private static final Set<DType> EQUATABLE = EnumSet.allOf(DType.class);
    private static final Set<DType> BOOL = EnumSet.of(DType.BOOL);

    @Override
    public void register(OpRegistry r) {
        for (String t : List.of("Equal", "NotEqual")) {
            r.register(OpDef.builder(t).input("x").input("y").attr("T", AttrType.TYPE)
                    .attr("incompatible_shape_error", AttrType.BOOL, true)
                    .shape(broadcasting(EQUATABLE, DType.BOOL)).notDifferentiable().build());
        }
        for (String t : List.of("Less", "LessEqual", "Greater", "GreaterEqual")) {
            r.register(OpDef.builder(t).input("x").input("y").attr("T", AttrType.TYPE)
                    .shape(broadcasting(ShapeFns.NUMERIC, DType.BOOL)).notDifferentiable().build());
        }
        for (String t : List.of("LogicalAnd", "LogicalOr")) {
            r.register(OpDef.builder(t).input("x").input("y").shape(broadcasting(BOOL, DType.BOOL))
                    .notDifferentiable().build());
        }
        r.register(OpDef.builder("LogicalNot").input("x")
                .shape(c -> c.setOutput(0, ShapeFns.requireType(c, c.inputDtype(0), BOOL), c.inputShape(0)))
                .notDifferentiable().build());
    }

    // ---- constructors ----

    /** {@code Equal}: x == y elementwise with broadcasting (bool). */
    public static Output equal(Graph g, Output x, Output y, String name) {
        return g.opBuilder("Equal", name).addInput(x).addInput(y).build().output(0);
    }

    /** {@code Equal} against a constant {@code <scope>/y} of x's dtype. */
    public static Output equal(Graph g, Output x, double y, String name) {
        try (var s = g.nameScope(name == null ? "Equal" : name)) {
            return equal(g, x, ConstantOps.scalar(g, x.dtype(), y, "y"), s.name());
        }
    }

    /** {@code NotEqual}: x != y elementwise with broadcasting (bool). */
    public static Output notEqual(Graph g, Output x, Output y, String name) {
        return g.opBuilder("NotEqual", name).addInput(x).addInput(y).build().output(0);
    }

    /** {@code NotEqual} against a constant {@code <scope>/y} of x's dtype. */
    public static Output notEqual(Graph g, Output x, double y, String name) {
        try (var s = g.nameScope(name == null ? "NotEqual" : name)) {
            return notEqual(g, x, ConstantOps.scalar(g, x.dtype(), y, "y"), s.name());
        }
    }

    /** {@code Less}: x < y elementwise with broadcasting (bool). */
    public static Output less(Graph g, Output x, Output y, String name) {
        return g.opBuilder("Less", name).addInput(x).addInput(y).build().output(0);
    }

    /** {@code Less} against a constant {@code <scope>/y} of x's dtype. */
    public static Output less(Graph g, Output x, double y, String name) {
        try (var s = g.nameScope(name == null ? "Less" : name)) {
            return less(g, x, ConstantOps.scalar(g, x.dtype(), y, "y"), s.name());
        }
    }

    /** {@code LessEqual}: x <= y elementwise with broadcasting (bool). */
    public static Output lessEqual(Graph g, Output x, Output y, String name) {
        return g.opBuilder("LessEqual", name).addInput(x).addInput(y).build().output(0);
    }

    /** {@code LessEqual} against a constant {@code <scope>/y} of x's dtype. */
    public static Output lessEqual(Graph g, Output x, double y, String name) {
        try (var s = g.nameScope(name == null ? "LessEqual" : name)) {
            return lessEqual(g, x, ConstantOps.scalar(g, x.dtype(), y, "y"), s.name());
        }
    }

    /** {@code Greater}: x > y elementwise with broadcasting (bool). */
    public static Output greater(Graph g, Output x, Output y, String name) {
        return g.opBuilder("Greater", name).addInput(x).addInput(y).build().output(0);
    }

    /** {@code Greater} against a constant {@code <scope>/y} of x's dtype. */
    public static Output greater(Graph g, Output x, double y, String name) {
        try (var s = g.nameScope(name == null ? "Greater" : name)) {
            return greater(g, x, ConstantOps.scalar(g, x.dtype(), y, "y"), s.name());
        }
    }

    /** {@code GreaterEqual}: x >= y elementwise with broadcasting (bool). */
    public static Output greaterEqual(Graph g, Output x, Output y, String name) {
        return g.opBuilder("GreaterEqual", name).addInput(x).addInput(y).build().output(0);
    }

    /** {@code GreaterEqual} against a constant {@code <scope>/y} of x's dtype. */
    public static Output greaterEqual(Graph g, Output x, double y, String name) {
        try (var s = g.nameScope(name == null ? "GreaterEqual" : name)) {
            return greaterEqual(g, x, ConstantOps.scalar(g, x.dtype(), y, "y"), s.name());
        }
    }

    /** {@code LogicalAnd} of two bool tensors. */
    public static Output logicalAnd(Graph g, Output x, Output y, String name) {
        return g.opBuilder("LogicalAnd", name).addInput(x).addInput(y).build().output(0);
    }

    /** {@code LogicalOr} of two bool tensors. */
    public static Output logicalOr(Graph g, Output x, Output y, String name) {
        return g.opBuilder("LogicalOr", name).addInput(x).addInput(y).build().output(0);
    }

    /** {@code LogicalNot} of a bool tensor. */
    public static Output logicalNot(Graph g, Output x, String name) {
        return g.opBuilder("LogicalNot", name).addInput(x).build().output(0);
    }
}
