package dev.tensorgraph.op;

import java.util.List;

/**
 * How an op runs functions of its graph's {@link dev.tensorgraph.FunctionLibrary}, declared in its
 * {@link OpDef}: the executor runs such an op as one step that runs the functions' plans, on whatever device
 * their ops are placed, so the op needs no kernel of its own.
 *
 * <ul>
 *   <li>{@link Kind#CALL}: the function the attribute names, on all inputs, gives all outputs;</li>
 *   <li>{@link Kind#WHILE}: inputs are loop variables; the first function is the condition, the second the
 *       body, run in turn until the condition is false; outputs are the final loop variables;</li>
 *   <li>{@link Kind#IF}: input 0 chooses the first function when true, the second when false, which runs on
 *       the other inputs;</li>
 *   <li>{@link Kind#CASE}: input 0, an int32 index, chooses among the functions of a list attribute (the last
 *       one when out of range), which runs on the other inputs.</li>
 *   <li>{@link Kind#GRADIENT}: the gradient of the function the attribute names (TensorFlow's
 *       {@code SymbolicGradient}): inputs are the function's arguments, then one upstream gradient per result;
 *       outputs are the gradients for the arguments.</li>
 * </ul>
 *
 * @param kind how the functions run
 * @param functionAttrs the attributes naming the functions, in the order the kind lists them
 */
public record FunctionalForm(Kind kind, List<String> functionAttrs) {
    /** How a functional op runs its functions. */
    public enum Kind { CALL, WHILE, IF, CASE, GRADIENT }

    public FunctionalForm {
        functionAttrs = List.copyOf(functionAttrs);
    }

    /** A call of the function attribute {@code f} names. */
    public static FunctionalForm call(String f) {
        return new FunctionalForm(Kind.CALL, List.of(f));
    }

    /** A while loop of the functions attributes {@code cond} and {@code body} name. */
    public static FunctionalForm whileLoop(String cond, String body) {
        return new FunctionalForm(Kind.WHILE, List.of(cond, body));
    }

    /** A conditional between the functions attributes {@code thenBranch} and {@code elseBranch} name. */
    public static FunctionalForm conditional(String thenBranch, String elseBranch) {
        return new FunctionalForm(Kind.IF, List.of(thenBranch, elseBranch));
    }

    /** A choice among the functions the list attribute {@code branches} names. */
    public static FunctionalForm switchCase(String branches) {
        return new FunctionalForm(Kind.CASE, List.of(branches));
    }

    /** The gradient of the function attribute {@code f} names. */
    public static FunctionalForm symbolicGradient(String f) {
        return new FunctionalForm(Kind.GRADIENT, List.of(f));
    }

    /** The inputs before the functions' arguments: the predicate or branch index, if any. */
    public int leadingInputs() {
        return kind == Kind.IF || kind == Kind.CASE ? 1 : 0;
    }
}
