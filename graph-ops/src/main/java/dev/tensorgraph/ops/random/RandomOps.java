package dev.tensorgraph.ops.random;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.support.ShapeFns;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;

/**
 * The stateful seeded random ops: RandomUniform, RandomStandardNormal, TruncatedNormal (a float tensor of the
 * shape held by input {@code shape}), RandomUniformInt (integers in [minval, maxval)) and RandomShuffle (the
 * first dimension permuted), and {@code tf.random.normal}, {@code truncated_normal}, {@code uniform} and
 * {@code shuffle} built exactly as TensorFlow 1.x's {@code random_ops.py} builds them. {@code seed}/{@code seed2}
 * are the graph and op seeds of {@link Seeds}; both zero means nondeterministic. None has a gradient.
 */
public final class RandomOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        for (String type : new String[] {"RandomUniform", "RandomStandardNormal", "TruncatedNormal"}) {
            r.register(OpDef.builder(type).input("shape")
                    .attr("seed", AttrType.INT, 0L).attr("seed2", AttrType.INT, 0L)
                    .attr("dtype", AttrType.TYPE).attr("T", AttrType.TYPE)
                    .shape(c -> {
                        DType dtype = c.attrType("dtype");
                        if (!dtype.isFloating()) {
                            throw c.fail("dtype must be a floating type, got " + dtype);
                        }
                        c.setOutput(0, dtype, shapeInput(c, 0));
                    })
                    .stateful().notDifferentiable().build());
        }
        r.register(OpDef.builder("RandomUniformInt").input("shape").input("minval").input("maxval")
                .attr("seed", AttrType.INT, 0L).attr("seed2", AttrType.INT, 0L)
                .attr("Tout", AttrType.TYPE).attr("T", AttrType.TYPE)
                .shape(c -> {
                    DType tout = c.attrType("Tout");
                    for (int i = 1; i <= 2; i++) {
                        if (c.inputDtype(i) != tout) {
                            throw c.fail((i == 1 ? "minval" : "maxval") + " is " + c.inputDtype(i) + " but Tout is " + tout);
                        }
                        Shape s = c.inputShape(i);
                        if (s.hasKnownRank() && s.rank() != 0) {
                            throw c.fail((i == 1 ? "minval" : "maxval") + " must be 0-D, got shape " + s);
                        }
                    }
                    c.setOutput(0, tout, shapeInput(c, 0));
                })
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("RandomShuffle").input("value")
                .attr("seed", AttrType.INT, 0L).attr("seed2", AttrType.INT, 0L).attr("T", AttrType.TYPE)
                .shape(ShapeFns.UNCHANGED)
                .stateful().notDifferentiable().build());
    }

    /**
     * The shape held by a shape input: exact when its value is known while building, else a shape of known
     * rank when the vector's length is known, else unknown.
     */
    static Shape shapeInput(ShapeContext c, int i) {
        DType t = c.inputDtype(i);
        if (t != DType.INT32 && t != DType.INT64) {
            throw c.fail("shape must be int32 or int64, got " + t);
        }
        Shape s = c.inputShape(i);
        if (s.hasKnownRank() && s.rank() != 1) {
            throw c.fail("shape must be a vector, got a tensor of shape " + s);
        }
        Tensor v = c.constantValue(i);
        if (v != null) {
            long[] dims = new long[v.numElements()];
            for (int k = 0; k < dims.length; k++) {
                dims[k] = t == DType.INT32 ? ((int[]) v.array())[k] : ((long[]) v.array())[k];
                if (dims[k] < -1) {
                    throw c.fail("dimension " + k + " of shape must be non-negative, got " + dims[k]);
                }
            }
            return Shape.of(dims);
        }
        if (s.hasKnownRank() && s.size(0) >= 0) {
            return Shape.unknownOfRank((int) s.size(0));
        }
        return Shape.unknown();
    }

    // ---- constructors ----

    private static Output sample(Graph g, String type, Output shape, DType dtype, Seeds seeds, String name) {
        return g.opBuilder(type, name).addInput(shape).setAttr("seed", seeds.seed()).setAttr("seed2", seeds.seed2())
                .setAttr("dtype", dtype).setAttr("T", shape.dtype()).build().output(0);
    }

    /** {@code RandomUniform(shape)}: floats in [0, 1). */
    public static Output randomUniform(Graph g, Output shape, DType dtype, Seeds seeds, String name) {
        return sample(g, "RandomUniform", shape, dtype, seeds, name);
    }

    /** {@code RandomStandardNormal(shape)}: standard normals. */
    public static Output randomStandardNormal(Graph g, Output shape, DType dtype, Seeds seeds, String name) {
        return sample(g, "RandomStandardNormal", shape, dtype, seeds, name);
    }

    /** {@code TruncatedNormal(shape)}: standard normals redrawn beyond two standard deviations. */
    public static Output truncatedNormalOp(Graph g, Output shape, DType dtype, Seeds seeds, String name) {
        return sample(g, "TruncatedNormal", shape, dtype, seeds, name);
    }

    /** {@code RandomUniformInt(shape, minval, maxval)}: integers in [minval, maxval). */
    public static Output randomUniformInt(Graph g, Output shape, Output minval, Output maxval, Seeds seeds, String name) {
        return g.opBuilder("RandomUniformInt", name).addInput(shape).addInput(minval).addInput(maxval)
                .setAttr("seed", seeds.seed()).setAttr("seed2", seeds.seed2()).setAttr("Tout", minval.dtype())
                .setAttr("T", shape.dtype()).build().output(0);
    }

    /** {@code RandomShuffle(value)}: the first dimension in random order. */
    public static Output randomShuffle(Graph g, Output value, Seeds seeds, String name) {
        return g.opBuilder("RandomShuffle", name).addInput(value)
                .setAttr("seed", seeds.seed()).setAttr("seed2", seeds.seed2()).build().output(0);
    }

    // ---- tf.random ----

    /**
     * {@code tf.random.normal(shape, mean, stddev, dtype, seed, name)}: {@code RandomStandardNormal * stddev + mean}
     * in the scope {@code random_normal}, the shape a constant {@code shape}.
     */
    public static Output normal(Graph g, Shape shape, double mean, double stddev, DType dtype, Long seed, String name) {
        return scaled(g, "RandomStandardNormal", "random_normal", null, shape, mean, stddev, dtype, seed, name);
    }

    /** {@code tf.random.normal} with a shape computed in the graph (an int32 or int64 vector). */
    public static Output normal(Graph g, Output shape, double mean, double stddev, DType dtype, Long seed, String name) {
        return scaled(g, "RandomStandardNormal", "random_normal", shape, null, mean, stddev, dtype, seed, name);
    }

    /** {@code tf.random.truncated_normal}: {@code TruncatedNormal * stddev + mean} in the scope {@code truncated_normal}. */
    public static Output truncatedNormal(Graph g, Shape shape, double mean, double stddev, DType dtype, Long seed,
                                         String name) {
        return scaled(g, "TruncatedNormal", "truncated_normal", null, shape, mean, stddev, dtype, seed, name);
    }

    /** {@code tf.random.truncated_normal} with a shape computed in the graph. */
    public static Output truncatedNormal(Graph g, Output shape, double mean, double stddev, DType dtype, Long seed,
                                         String name) {
        return scaled(g, "TruncatedNormal", "truncated_normal", shape, null, mean, stddev, dtype, seed, name);
    }

    private static Output scaled(Graph g, String type, String scope, Output dynShape, Shape shape, double mean,
                                 double stddev, DType dtype, Long seed, String name) {
        requireFloat(dtype, scope);
        try (var s = g.nameScope(name == null ? scope : name)) {
            Output shapeT = shapeTensor(g, dynShape, shape);
            Output meanT = ConstantOps.scalar(g, dtype, mean, "mean");
            Output stddevT = ConstantOps.scalar(g, dtype, stddev, "stddev");
            // Seeded after the scope's constants exist, as TensorFlow derives the op seed from the op count.
            Output rnd = sample(g, type, shapeT, dtype, Seeds.get(g, seed), null);
            Output mul = ArithmeticOps.mul(g, rnd, stddevT, "mul");
            return ArithmeticOps.add(g, mul, meanT, s.name());
        }
    }

    /**
     * {@code tf.random.uniform(shape, minval, maxval, dtype, seed, name)}: floats in [minval, maxval) as
     * {@code RandomUniform * (max - min) + min}; for int32/int64 one {@code RandomUniformInt} named by the scope.
     */
    public static Output uniform(Graph g, Shape shape, double minval, double maxval, DType dtype, Long seed, String name) {
        return uniform(g, null, shape, minval, maxval, dtype, seed, name);
    }

    /** {@code tf.random.uniform} with a shape computed in the graph. */
    public static Output uniform(Graph g, Output shape, double minval, double maxval, DType dtype, Long seed, String name) {
        return uniform(g, shape, null, minval, maxval, dtype, seed, name);
    }

    private static Output uniform(Graph g, Output dynShape, Shape shape, double minval, double maxval, DType dtype,
                                  Long seed, String name) {
        boolean integer = dtype == DType.INT32 || dtype == DType.INT64;
        if (!integer) {
            requireFloat(dtype, "random_uniform");
        }
        try (var s = g.nameScope(name == null ? "random_uniform" : name)) {
            Output shapeT = shapeTensor(g, dynShape, shape);
            Output minT = ConstantOps.scalar(g, dtype, minval, "min");
            Output maxT = ConstantOps.scalar(g, dtype, maxval, "max");
            Seeds seeds = Seeds.get(g, seed);
            if (integer) {
                return randomUniformInt(g, shapeT, minT, maxT, seeds, s.name());
            }
            Output rnd = randomUniform(g, shapeT, dtype, seeds, null);
            Output range = ArithmeticOps.sub(g, maxT, minT, "sub");
            Output mul = ArithmeticOps.mul(g, rnd, range, "mul");
            return ArithmeticOps.add(g, mul, minT, s.name());
        }
    }

    /** {@code tf.random.shuffle(value, seed)}. */
    public static Output shuffle(Graph g, Output value, Long seed, String name) {
        return randomShuffle(g, value, Seeds.get(g, seed), name);
    }

    /** TensorFlow's {@code shape_tensor}: a static shape becomes an int32 Const named "shape". */
    private static Output shapeTensor(Graph g, Output dynShape, Shape shape) {
        if (dynShape != null) {
            return dynShape;
        }
        if (shape == null || !shape.isFullyDefined()) {
            throw new InvalidArgumentException("a random tensor needs a fully defined shape, got " + shape);
        }
        return ConstantOps.constant(g, Tensor.of(DType.INT32, Shape.of(shape.rank()), shape.intDims()), "shape");
    }

    private static void requireFloat(DType dtype, String what) {
        if (dtype == null || !dtype.isFloating()) {
            throw new InvalidArgumentException(what + " needs a floating dtype, got " + dtype);
        }
    }
}
