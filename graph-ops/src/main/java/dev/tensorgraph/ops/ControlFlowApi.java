package dev.tensorgraph.ops;

import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.control.CondOps;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code tf.cond} with TensorFlow 1.x's graph structure, on the {@code Switch}/{@code Merge} primitives of
 * {@link CondOps}:
 *
 * <pre>{@code
 * Output y = tf.cond(isTraining, () -> tf.identity(batchMean), () -> movingMean);
 * // cond/Switch, cond/switch_t, cond/switch_f, cond/pred_id, the branch ops under cond/, cond/Merge
 * }</pre>
 *
 * Only the taken branch runs; see {@link CondOps#condList} for how branch inputs are routed.
 */
public interface ControlFlowApi extends TfBase {
    /** {@code tf.cond(pred, true_fn, false_fn)}: the result of the branch {@code pred} selects. */
    default Output cond(Output pred, Supplier<Output> trueFn, Supplier<Output> falseFn) {
        return cond(pred, trueFn, falseFn, null);
    }

    default Output cond(Output pred, Supplier<Output> trueFn, Supplier<Output> falseFn, String name) {
        return CondOps.cond(graph(), pred, trueFn, falseFn, name);
    }

    /** {@code tf.cond} whose branches return several tensors (same count and dtypes); one Merge per tensor. */
    default List<Output> condList(Output pred, Supplier<List<Output>> trueFn, Supplier<List<Output>> falseFn) {
        return condList(pred, trueFn, falseFn, null);
    }

    default List<Output> condList(Output pred, Supplier<List<Output>> trueFn, Supplier<List<Output>> falseFn,
                                  String name) {
        return CondOps.condList(graph(), pred, trueFn, falseFn, name);
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
     * TensorFlow's {@code smart_cond}: calls one function directly when {@code pred} is a bool {@code Const},
     * else builds a {@link #cond}.
     */
    default Output smartCond(Output pred, Supplier<Output> trueFn, Supplier<Output> falseFn) {
        return CondOps.smartCond(graph(), pred, trueFn, falseFn);
    }

    default List<Output> smartCondList(Output pred, Supplier<List<Output>> trueFn, Supplier<List<Output>> falseFn) {
        return CondOps.smartCondList(graph(), pred, trueFn, falseFn);
    }

    /** @deprecated an {@code Object} predicate: use {@link #smartCond(Output, Supplier, Supplier)} or a Java if. */
    @Deprecated
    default Output smartCond(Object pred, Supplier<Output> trueFn, Supplier<Output> falseFn) {
        return smartCondList(pred, () -> List.of(trueFn.get()), () -> List.of(falseFn.get())).get(0);
    }

    /** @deprecated an {@code Object} predicate: use {@link #smartCondList(Output, Supplier, Supplier)}. */
    @Deprecated
    default List<Output> smartCondList(Object pred, Supplier<List<Output>> trueFn, Supplier<List<Output>> falseFn) {
        Boolean known = staticValue(pred);
        if (known != null) {
            return known ? trueFn.get() : falseFn.get();
        }
        return condList((Output) pred, trueFn, falseFn, null);
    }

    /**
     * The value of a predicate known while building (Boolean, bool Const), or null.
     *
     * @deprecated use {@link CondOps#staticValue(Output)}.
     */
    @Deprecated
    static Boolean staticValue(Object pred) {
        if (pred instanceof Boolean b) {
            return b;
        }
        if (pred instanceof Output o) {
            return CondOps.staticValue(o);
        }
        throw new InvalidArgumentException("a predicate must be a Boolean or a bool Output, got "
                + (pred == null ? "null" : pred.getClass().getSimpleName()));
    }
}
