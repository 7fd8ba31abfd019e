package dev.tensorgraph;

import dev.tensorgraph.op.ConstantValueFunction;
import dev.tensorgraph.op.OpDef;

/**
 * What a tensor's value is while the graph is still being built, where that can be known without running
 * anything (TensorFlow's {@code constant_value}): each op type declares it in its {@link OpDef}, a constant
 * value or an input it passes through. Chains of pass-through ops are followed in a loop, so their length is
 * no limit.
 */
final class ConstantValues {
    private ConstantValues() {}

    static Tensor of(Output t) {
        Output cur = t;
        while (true) {
            Operation op = cur.op();
            OpDef def = op.def();
            int through = def.passThroughInput();
            if (through >= 0 && through < op.numInputs()) {
                cur = op.input(through);
                continue;
            }
            ConstantValueFunction fn = def.constantValue();
            return fn == null ? null : fn.value(cur);
        }
    }
}
