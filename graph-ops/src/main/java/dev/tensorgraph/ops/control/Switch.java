package dev.tensorgraph.ops.control;

import dev.tensorgraph.Output;

/** The outputs of a {@code Switch}: {@code data} on the side {@code pred} selects, the other side dead. */
public record Switch(Output outputFalse, Output outputTrue) {
    /** Output {@code branch} (0 false, 1 true). */
    public Output output(int branch) {
        return branch == 0 ? outputFalse : outputTrue;
    }
}
