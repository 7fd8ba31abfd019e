package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.control.ControlOps;
import org.junit.jupiter.api.Test;

/**
 * Values known while the graph is being built (TensorFlow's {@code constant_value}), as each op type declares
 * them in its family file: {@code Const}, {@code Shape}, {@code Rank} and {@code Size} of fully known shapes,
 * through {@code Identity} and {@code StopGradient}. Seen through shape functions that read them: {@code Fill}
 * (its dims) and {@code Range} (its limit), as TensorFlow's shape inference sees them.
 */
class ConstantValueTest {
    private final Graph g = new Graph();
    private final Output known = ConstantOps.placeholder(g, DType.FLOAT32, Shape.of(2, 3, 5), "known");
    private final Output partial = ConstantOps.placeholder(g, DType.FLOAT32, Shape.of(-1, 3), "partial");
    private final Output unranked = ConstantOps.placeholder(g, DType.FLOAT32, Shape.unknown(), "unranked");
    private final Output one = ConstantOps.scalar(g, DType.FLOAT32, 1, "one");

    private Shape filledTo(Output dims) {
        return ConstantOps.fill(g, dims, one, null).shape();
    }

    private Shape rangeTo(Output limit) {
        Output zero = ConstantOps.scalar(g, limit.dtype(), 0, null);
        Output step = ConstantOps.scalar(g, limit.dtype(), 1, null);
        return ConstantOps.range(g, zero, limit, step, null).shape();
    }

    @Test
    void constantsAndShapesOfKnownShapesAreKnown() {
        assertEquals(Shape.of(4, 1), filledTo(ConstantOps.intVector(g, new int[] {4, 1}, null)));
        assertEquals(Shape.of(2, 3, 5), filledTo(ShapeOps.shape(g, known, DType.INT32, null)));
        assertEquals(Shape.of(2, 3, 5), filledTo(ShapeOps.shape(g, known, DType.INT64, null)));
        assertEquals(Shape.of(3), rangeTo(ShapeOps.rank(g, known, null)));
        assertEquals(Shape.of(2), rangeTo(ShapeOps.rank(g, partial, null)));
        assertEquals(Shape.of(30), rangeTo(ShapeOps.size(g, known, DType.INT32, null)));
        assertEquals(Shape.of(30), rangeTo(ShapeOps.size(g, known, DType.INT64, null)));
    }

    @Test
    void identitiesAndStopGradientsPassTheValueOn() {
        Output dims = ShapeOps.shape(g, known, DType.INT32, null);
        for (int i = 0; i < 10_000; i++) {
            dims = i % 2 == 0 ? ControlOps.identity(g, dims, null) : ControlOps.stopGradient(g, dims, null);
        }
        assertEquals(Shape.of(2, 3, 5), filledTo(dims));
    }

    @Test
    void shapesNotKnownWhileBuildingGiveNoValue() {
        assertEquals(Shape.unknownOfRank(2), filledTo(ShapeOps.shape(g, partial, DType.INT32, null)));
        assertEquals(Shape.unknown(), filledTo(ShapeOps.shape(g, unranked, DType.INT32, null)));
        assertEquals(Shape.of(-1), rangeTo(ShapeOps.rank(g, unranked, null)));
        assertEquals(Shape.of(-1), rangeTo(ShapeOps.size(g, partial, DType.INT32, null)));
        Output computed = ConstantOps.fill(g, ConstantOps.intVector(g, new int[] {2}, null),
                ConstantOps.scalar(g, DType.INT32, 3, null), null);
        assertEquals(Shape.unknownOfRank(2), filledTo(computed));
    }
}
