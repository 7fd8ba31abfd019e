package dev.tensorgraph.spark;

import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.FailedPreconditionException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The values of the model's variables after {@code step} updates, broadcast to the workers before each step. */
record VariableValues(long step, List<TensorData> values) implements Serializable {
    static VariableValues read(Session s, List<Variable> vars, long step) {
        List<TensorData> values = new ArrayList<>(vars.size());
        for (Variable v : vars) {
            Tensor t = s.variableValue(v);
            if (t == null) {
                throw new FailedPreconditionException("variable " + v.opName() + " has no value in the driver's session");
            }
            values.add(TensorData.of(t));
        }
        return new VariableValues(step, values);
    }
}
