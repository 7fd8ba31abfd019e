package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code tf.cond} with TensorFlow 1.x's graph structure, on the {@code Switch}/{@code Merge} primitives of
 * {@link ControlFlowOps}:
 *
 * <pre>{@code
 * Output y = tf.cond(isTraining, () -> tf.identity(batchMean), () -> movingMean);
 * // cond/Switch, cond/switch_t, cond/switch_f, cond/pred_id, the branch ops under cond/, cond/Merge
 * }</pre>
 *
 * Only the taken branch runs. Every op a branch function creates depends on the branch's pivot
 * ({@code cond/switch_t} or {@code cond/switch_f}, an identity of {@code Switch(pred, pred)}), so the untaken
 * branch's ops are dead and skipped. Tensors from outside the cond that a branch uses are routed through a
 * {@code Switch} on {@code cond/pred_id} ({@code cond/Switch_1}, ...), as TensorFlow's {@code CondContext}
 * does, through {@link Graph#inputFilter}; so gradients of the untaken branch are dead and the Switch's
 * gradient (a Merge) passes the taken branch's. A branch that returns an outside tensor unchanged gets it
 * through such a Switch too.
 */
public interface ControlFlowApi extends TfBase {
    /** {@code tf.cond(pred, true_fn, false_fn)}: the result of the branch {@code pred} selects. */
    default Output cond(Output pred, Supplier<Output> trueFn, Supplier<Output> falseFn) {
        return cond(pred, trueFn, falseFn, null);
    }

    default Output cond(Output pred, Supplier<Output> trueFn, Supplier<Output> falseFn, String name) {
        return condList(pred, () -> List.of(trueFn.get()), () -> List.of(falseFn.get()), name).get(0);
    }

    /** {@code tf.cond} whose branches return several tensors (same count and dtypes); one Merge per tensor. */
    default List<Output> condList(Output pred, Supplier<List<Output>> trueFn, Supplier<List<Output>> falseFn) {
        return condList(pred, trueFn, falseFn, null);
    }

    default List<Output> condList(Output pred, Supplier<List<Output>> trueFn, Supplier<List<Output>> falseFn,
                                  String name) {
        if (pred == null || trueFn == null || falseFn == null) {
            throw new InvalidArgumentException("cond needs a pred, a true_fn and a false_fn");
        }
        if (pred.dtype() != DType.BOOL) {
            throw new InvalidArgumentException("cond: pred '" + pred.name() + "' must be bool, got " + pred.dtype());
        }
        if (pred.shape().hasKnownRank() && pred.shape().rank() != 0) {
            throw new InvalidArgumentException("cond: pred '" + pred.name() + "' must be a scalar, got shape "
                    + pred.shape());
        }
        Graph g = graph();
        ControlFlowOps.Conds conds = ControlFlowOps.Conds.of(g);
        try (var scope = g.nameScope(name == null ? "cond" : name)) {
            Operation sw = op("Switch", "Switch").addInput(pred).addInput(pred).build();
            Output pivotT = op("Identity", "switch_t").addInput(sw.output(1)).build().output(0);
            Output pivotF = op("Identity", "switch_f").addInput(sw.output(0)).build().output(0);
            Output predId = op("Identity", "pred_id").addInput(pred).build().output(0);
            List<Output> resT = conds.buildBranch(g, predId, pivotT, 1, trueFn);
            List<Output> resF = conds.buildBranch(g, predId, pivotF, 0, falseFn);
            if (resT.size() != resF.size()) {
                throw new InvalidArgumentException("cond: true_fn returned " + resT.size() + " tensors and false_fn "
                        + resF.size() + "; both branches must return the same structure");
            }
            List<Output> merged = new ArrayList<>(resT.size());
            for (int i = 0; i < resT.size(); i++) {
                Output t = resT.get(i);
                Output f = resF.get(i);
                if (t.dtype() != f.dtype()) {
                    throw new InvalidArgumentException("cond: output " + i + " is " + t.dtype() + " in true_fn ('"
                            + t.name() + "') but " + f.dtype() + " in false_fn ('" + f.name() + "')");
                }
                Operation m = op("Merge", "Merge").addInputList(List.of(f, t)).build();
                conds.recordMerge(m, predId);
                merged.add(m.output(0));
            }
            return merged;
        }
    }

    /**
     * {@code tf.while_loop(cond, body, loop_vars)} in TensorFlow 1.x's form: repeats {@code body} while
     * {@code cond} holds and returns the loop variables' final values (see
     * {@link dev.tensorgraph.ops.control.WhileLoop}).
     */
    default List<Output> whileLoop(java.util.function.Function<List<Output>, Output> cond,
                                   java.util.function.Function<List<Output>, List<Output>> body, List<Output> loopVars) {
        return dev.tensorgraph.ops.control.WhileLoop.build(graph(), cond, body, loopVars,
                dev.tensorgraph.ops.control.WhileOptions.create());
    }

    /** {@code tf.while_loop} with shape invariants, maximum iterations, parallel iterations, back prop, a name. */
    default List<Output> whileLoop(java.util.function.Function<List<Output>, Output> cond,
                                   java.util.function.Function<List<Output>, List<Output>> body, List<Output> loopVars,
                                   dev.tensorgraph.ops.control.WhileOptions options) {
        return dev.tensorgraph.ops.control.WhileLoop.build(graph(), cond, body, loopVars, options);
    }

    /**
     * TensorFlow's {@code smart_cond}: calls one function directly when {@code pred} is known while building
     * (a {@code Boolean}, or a bool {@code Const}), else builds a {@link #cond}.
     */
    default Output smartCond(Object pred, Supplier<Output> trueFn, Supplier<Output> falseFn) {
        return smartCondList(pred, () -> List.of(trueFn.get()), () -> List.of(falseFn.get())).get(0);
    }

    default List<Output> smartCondList(Object pred, Supplier<List<Output>> trueFn, Supplier<List<Output>> falseFn) {
        Boolean known = staticValue(pred);
        if (known != null) {
            return known ? trueFn.get() : falseFn.get();
        }
        return condList((Output) pred, trueFn, falseFn, null);
    }

    /** The value of a predicate known while building (Boolean, bool Const), or null. */
    static Boolean staticValue(Object pred) {
        if (pred instanceof Boolean b) {
            return b;
        }
        if (pred instanceof Output o) {
            if (o.dtype() == DType.BOOL && o.op().type().equals("Const")) {
                Tensor v = (Tensor) o.op().attrs().get("value");
                if (v != null && v.numElements() == 1) {
                    return v.booleans()[0];
                }
            }
            return null;
        }
        throw new InvalidArgumentException("a predicate must be a Boolean or a bool Output, got "
                + (pred == null ? "null" : pred.getClass().getSimpleName()));
    }
}
