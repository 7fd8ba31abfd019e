package dev.tensorgraph.ops.train;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.nn.SoftmaxOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.GraphBound;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping by the global norm ({@code tf.clip_by_global_norm}, {@code tf.global_norm}), as TensorFlow
 * computes it: {@code global_norm = sqrt(sum(2 * l2_loss(t)))}, each tensor scaled by
 * {@code clip_norm / max(global_norm, clip_norm)}; a non-finite norm makes every result NaN.
 */
public final class Clipping {
    private Clipping() {}

    /** The clipped tensors (null where the input was null) and the global norm of the inputs. */
    public record Clipped(List<Output> list, Output globalNorm) {}

    public static Clipped clipByGlobalNorm(Graph g, List<Output> tList, double clipNorm) {
        return clip(g, tList, clipNorm, null, null);
    }

    public static Clipped clipByGlobalNorm(Graph g, List<Output> tList, double clipNorm, String name) {
        return clip(g, tList, clipNorm, null, name);
    }

    /**
     * {@code tf.clip_by_global_norm(t_list, clip_norm, use_norm, name)}: a null {@code useNorm} computes the global
     * norm of {@code tList}. Results are named {@code clip_by_global_norm/clip_by_global_norm/_<i>}.
     */
    public static Clipped clipByGlobalNorm(Graph g, List<Output> tList, Output clipNorm, Output useNorm, String name) {
        if (clipNorm == null) {
            throw new InvalidArgumentException("clipByGlobalNorm needs clipNorm, got null");
        }
        return clip(g, tList, clipNorm, useNorm, name);
    }

    /** {@code tf.global_norm(t_list)}: {@code sqrt(sum ||t||^2)}, skipping null entries; named {@code global_norm}. */
    public static Output globalNorm(Graph g, List<Output> tList) {
        return globalNorm(g, tList, null);
    }

    public static Output globalNorm(Graph g, List<Output> tList, String name) {
        checkList(tList, "global_norm");
        try (var scope = g.nameScope(name == null ? "global_norm" : name)) {
            return norm(g, tList);
        }
    }

    private static Output norm(Graph g, List<Output> tList) {
        List<Output> halfSquared = new ArrayList<>();
        for (Output t : tList) {
            if (t != null) {
                halfSquared.add(SoftmaxOps.l2Loss(g, t, "L2Loss"));
            }
        }
        if (halfSquared.isEmpty()) {
            throw new InvalidArgumentException("global_norm needs at least one tensor that is not null");
        }
        Output total = sumAll(g, ConcatOps.pack(g, halfSquared, 0L, "stack"));
        Output two = ConstantOps.scalar(g, total.dtype(), 2.0, "Const");
        return UnaryOps.sqrt(g, ArithmeticOps.mul(g, total, two, "mul"), "global_norm");
    }

    /** {@code tf.reduce_sum(x)} over every axis, named Sum, as the global norm sums the half squares. */
    private static Output sumAll(Graph g, Output x) {
        Output axes;
        if (x.shape().hasKnownRank()) {
            axes = ConstantOps.intVector(g, ShapeArgs.range(x.shape().rank()), "Const");
        } else {
            Output r = dev.tensorgraph.ops.array.ShapeOps.rank(g, x, "Rank");
            axes = ConstantOps.range(g, ConstantOps.constant(g, dev.tensorgraph.Tensor.of(0), null), r,
                    ConstantOps.constant(g, dev.tensorgraph.Tensor.of(1), null), "range");
        }
        return ReductionOps.sum(g, x, axes, false, "Sum");
    }

    private static Clipped clip(Graph g, List<Output> tList, Object clipNorm, Output useNorm, String name) {
        checkList(tList, "clip_by_global_norm");
        try (var scope = g.nameScope(name == null ? "clip_by_global_norm" : name)) {
            String scopeName = scope.name();
            Output n = useNorm != null ? useNorm : norm(g, tList);
            DType dtype = n.dtype();
            Output clip = clipNorm instanceof Output o ? o : ConstantOps.scalar(g, dtype, (Double) clipNorm, "Const");
            Output inverse = ArithmeticOps.realDiv(g, ConstantOps.scalar(g, dtype, 1.0, "truediv/x"), n, "truediv");
            Output ratio = ArithmeticOps.realDiv(g, ConstantOps.scalar(g, dtype, 1.0, "Const"), clip, "truediv");
            Output finite = ArithmeticOps.mul(g, clip, ArithmeticOps.minimum(g, inverse, ratio, "Minimum"), "mul");
            // use_norm - use_norm is 0 for a finite norm and NaN otherwise.
            Output scale = ArithmeticOps.addV2(g, finite, ArithmeticOps.sub(g, n, n, "sub"), "add");
            List<Output> clipped = new ArrayList<>();
            // TensorFlow names each result "<scope>_<i>" relative to the scope: clip_by_global_norm/clip_by_global_norm/_0.
            String prefix = scopeName.substring(0, scopeName.length() - 1);
            for (int i = 0; i < tList.size(); i++) {
                Output t = tList.get(i);
                if (t == null) {
                    clipped.add(null);
                    continue;
                }
                Output scaled = ArithmeticOps.mul(g, t, Optimizer.castValue(g, scale, t.dtype(), "Cast"), "mul");
                clipped.add(ControlOps.identity(g, scaled, prefix + "/_" + i));
            }
            return new Clipped(clipped, n);
        }
    }

    private static void checkList(List<Output> tList, String what) {
        if (tList == null) {
            throw new InvalidArgumentException(what + " expects a list of tensors, got null");
        }
    }

    // ---- the forms that took the facade ----

    /** @deprecated use {@link #clipByGlobalNorm(Graph, List<Output>, double)}. */
    @Deprecated
    public static Clipped clipByGlobalNorm(GraphBound tf, List<Output> tList, double clipNorm) {
        return clipByGlobalNorm(tf.graph(), tList, clipNorm);
    }

    /** @deprecated use {@link #clipByGlobalNorm(Graph, List<Output>, double, String)}. */
    @Deprecated
    public static Clipped clipByGlobalNorm(GraphBound tf, List<Output> tList, double clipNorm, String name) {
        return clipByGlobalNorm(tf.graph(), tList, clipNorm, name);
    }

    /** @deprecated use {@link #clipByGlobalNorm(Graph, List<Output>, Output, Output, String)}. */
    @Deprecated
    public static Clipped clipByGlobalNorm(GraphBound tf, List<Output> tList, Output clipNorm, Output useNorm, String name) {
        return clipByGlobalNorm(tf.graph(), tList, clipNorm, useNorm, name);
    }

    /** @deprecated use {@link #globalNorm(Graph, List<Output>)}. */
    @Deprecated
    public static Output globalNorm(GraphBound tf, List<Output> tList) {
        return globalNorm(tf.graph(), tList);
    }

    /** @deprecated use {@link #globalNorm(Graph, List<Output>, String)}. */
    @Deprecated
    public static Output globalNorm(GraphBound tf, List<Output> tList, String name) {
        return globalNorm(tf.graph(), tList, name);
    }
}
