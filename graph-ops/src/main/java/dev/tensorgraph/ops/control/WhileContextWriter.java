package dev.tensorgraph.ops.control;

import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.proto.ControlFlowContextDef;
import dev.tensorgraph.proto.WhileContextDef;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of a v1 while loop that a MetaGraph keeps (TensorFlow's {@code WhileContext.to_proto}): filled in while
 * the loop is built, then added to the {@code while_context} collection (a loop at the top level) or to the
 * enclosing context with {@link #addNested} (and likewise for cond branches built inside the loop). Names are
 * TensorFlow's: the context {@code while/while_context}, the pivot is the LoopCond output, the pivot for the
 * predicate the first loop variable's Merge output, the pivot for the body the Identity of its Switch's true output.
 *
 * <pre>{@code
 * WhileContextWriter w = WhileContextWriter.named(g.uniqueName("while_context"))
 *         .parallelIterations(10).backProp(true).swapMemory(false);
 * w.pivot(loopCond).pivotForPred(merge0).pivotForBody(identity0);
 * w.addLoopEnter(enter0); w.addLoopExit(exit0); w.values().add(...);
 * g.addToCollection("while_context", w);
 * }</pre>
 */
public final class WhileContextWriter implements ControlFlowContext {
    /** The collection of top-level while loops. */
    public static final String COLLECTION = "while_context";

    private final String contextName;
    private int parallelIterations = 10;
    private boolean backProp = true;
    private boolean swapMemory;
    private Output pivot;
    private Output pivotForPred;
    private Output pivotForBody;
    private Output maximumIterations;
    private final List<Output> loopEnters = new ArrayList<>();
    private final List<Output> loopExits = new ArrayList<>();
    private final ContextValues values = new ContextValues();
    private final List<ControlFlowContext> nested = new ArrayList<>();

    private WhileContextWriter(String contextName) {
        this.contextName = contextName;
    }

    /** A loop record named {@code contextName} (the graph's unique name for {@code while_context}). */
    public static WhileContextWriter named(String contextName) {
        if (contextName == null || contextName.isEmpty()) {
            throw new InvalidArgumentException("a while context needs a name");
        }
        return new WhileContextWriter(contextName);
    }

    public WhileContextWriter parallelIterations(int n) {
        if (n <= 0) {
            throw new InvalidArgumentException("'parallel_iterations' must be a positive integer: " + n);
        }
        this.parallelIterations = n;
        return this;
    }

    public WhileContextWriter backProp(boolean b) {
        this.backProp = b;
        return this;
    }

    public WhileContextWriter swapMemory(boolean b) {
        this.swapMemory = b;
        return this;
    }

    /** The LoopCond output. */
    public WhileContextWriter pivot(Output t) {
        this.pivot = t;
        return this;
    }

    public WhileContextWriter pivotForPred(Output t) {
        this.pivotForPred = t;
        return this;
    }

    public WhileContextWriter pivotForBody(Output t) {
        this.pivotForBody = t;
        return this;
    }

    /** The tensor holding {@code maximum_iterations}, or null (the default) when the loop has none. */
    public WhileContextWriter maximumIterations(Output t) {
        this.maximumIterations = t;
        return this;
    }

    public WhileContextWriter addLoopEnter(Output enter) {
        loopEnters.add(enter);
        return this;
    }

    public WhileContextWriter addLoopExit(Output exit) {
        loopExits.add(exit);
        return this;
    }

    /** A context built inside this loop, written in its {@code nested_contexts}. */
    public WhileContextWriter addNested(ControlFlowContext inner) {
        nested.add(inner);
        return this;
    }

    /** The values the loop has seen, and what stands for outside tensors inside it (their Enter outputs). */
    public ContextValues values() {
        return values;
    }

    public String contextName() {
        return contextName;
    }

    @Override
    public ControlFlowContextDef toContextDef() {
        if (pivot == null || pivotForPred == null || pivotForBody == null) {
            throw new InvalidArgumentException("while context " + contextName + " is incomplete: its pivots are not set");
        }
        WhileContextDef.Builder b = WhileContextDef.newBuilder().setContextName(contextName)
                .setParallelIterations(parallelIterations).setBackProp(backProp).setSwapMemory(swapMemory)
                .setPivotForPredName(pivotForPred.name()).setPivotForBodyName(pivotForBody.name())
                .setPivotName(pivot.name());
        if (maximumIterations != null) {
            b.setMaximumIterationsName(maximumIterations.name());
        }
        loopExits.forEach(e -> b.addLoopExitNames(e.name()));
        loopEnters.forEach(e -> b.addLoopEnterNames(e.name()));
        b.setValuesDef(values.toProto());
        nested.forEach(n -> b.addNestedContexts(n.toContextDef()));
        return ControlFlowContextDef.newBuilder().setWhileCtxt(b).build();
    }
}
