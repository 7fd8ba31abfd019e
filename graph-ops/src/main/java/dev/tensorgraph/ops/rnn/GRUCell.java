package dev.tensorgraph.ops.rnn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.MatMulOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.nn.ActivationOps;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Initializers;
import java.util.List;

/**
 * TensorFlow 1.x's {@code tf.nn.rnn_cell.GRUCell}: a reset and an update gate from {@code gates/kernel} and
 * {@code gates/bias} (ones), a candidate from {@code candidate/kernel} and {@code candidate/bias} (zeros), and
 * {@code h' = u * h + (1 - u) * tanh(candidate)}; the state is {@code h}.
 */
public final class GRUCell extends CellSupport {
    private final int numUnits;
    private final Initializer kernelInitializer;
    private final Initializer biasInitializer;
    private Variable gateKernel;
    private Variable gateBias;
    private Variable candidateKernel;
    private Variable candidateBias;

    private GRUCell(int numUnits, Initializer kernelInitializer, Initializer biasInitializer, String name) {
        super(name);
        if (numUnits < 1) {
            throw new InvalidArgumentException("GRUCell needs num_units >= 1, got " + numUnits);
        }
        this.numUnits = numUnits;
        this.kernelInitializer = kernelInitializer;
        this.biasInitializer = biasInitializer;
    }

    public static GRUCell create(int numUnits) {
        return new GRUCell(numUnits, null, null, null);
    }

    /** With kernel and bias initializers (null: TensorFlow's defaults) and a layer name (null: gru_cell). */
    public static GRUCell create(int numUnits, Initializer kernelInitializer, Initializer biasInitializer, String name) {
        return new GRUCell(numUnits, kernelInitializer, biasInitializer, name);
    }

    @Override
    String baseName() {
        return "gru_cell";
    }

    @Override
    public String className() {
        return "GRUCell";
    }

    @Override
    public List<Long> stateSize() {
        return List.of((long) numUnits);
    }

    @Override
    public long outputSize() {
        return numUnits;
    }

    @Override
    public void build(Graph g, long inputDepth, DType dtype) {
        if (built()) {
            return;
        }
        checkDepth(className(), inputDepth);
        inScope(g, () -> {
            gateKernel = variable(g, "gates/kernel", Shape.of(inputDepth + numUnits, 2L * numUnits), dtype,
                    kernelInitializer);
            gateBias = variable(g, "gates/bias", Shape.of(2L * numUnits), dtype,
                    biasInitializer != null ? biasInitializer : Initializers.constant(1.0));
            candidateKernel = variable(g, "candidate/kernel", Shape.of(inputDepth + numUnits, numUnits), dtype,
                    kernelInitializer);
            candidateBias = variable(g, "candidate/bias", Shape.of(numUnits), dtype,
                    biasInitializer != null ? biasInitializer : Initializers.zeros());
        });
    }

    @Override
    public Step call(Graph g, Output input, List<Output> state) {
        checkState(state);
        Output h = state.get(0);
        try (var scope = g.nameScope(name())) {
            Output gates = MatMulOps.matmul(g, ConcatOps.concat(g, List.of(input, h), 1, null), gateKernel.value(), false,
                    false, null);
            gates = ActivationOps.biasAdd(g, gates, gateBias.value(), "NHWC", null);
            List<Output> ru = ConcatOps.split(g, UnaryOps.sigmoid(g, gates, null), 2, 1, null);
            Output rState = ArithmeticOps.mul(g, ru.get(0), h, "mul");
            Output candidate = MatMulOps.matmul(g, ConcatOps.concat(g, List.of(input, rState), 1, null),
                    candidateKernel.value(), false, false, null);
            candidate = ActivationOps.biasAdd(g, candidate, candidateBias.value(), "NHWC", null);
            Output c = UnaryOps.tanh(g, candidate, null);
            Output u = ru.get(1);
            Output kept = ArithmeticOps.mul(g, u, h, "mul");
            Output fresh = ArithmeticOps.mul(g, RnnOps.oneMinus(g, u), c, "mul");
            Output newH = ArithmeticOps.addV2(g, kept, fresh, "add");
            return new Step(newH, List.of(newH));
        }
    }
}
