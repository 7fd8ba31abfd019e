package dev.tensorgraph.ops.rnn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.MatMulOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.nn.ActivationOps;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.ops.support.Literals;
import java.util.List;

/**
 * TensorFlow 1.x's {@code tf.nn.rnn_cell.BasicLSTMCell}: an LSTM without peepholes, clipping or projection,
 * variables {@code basic_lstm_cell/kernel} and {@code basic_lstm_cell/bias}, state {@code (c, h)}.
 */
public final class BasicLSTMCell extends CellSupport {
    private final int numUnits;
    private final double forgetBias;
    private Variable kernel;
    private Variable bias;

    private BasicLSTMCell(int numUnits, double forgetBias, String name) {
        super(name);
        if (numUnits < 1) {
            throw new InvalidArgumentException("BasicLSTMCell needs num_units >= 1, got " + numUnits);
        }
        this.numUnits = numUnits;
        this.forgetBias = forgetBias;
    }

    /** {@code BasicLSTMCell(num_units)}: forget bias 1. */
    public static BasicLSTMCell create(int numUnits) {
        return new BasicLSTMCell(numUnits, 1.0, null);
    }

    public static BasicLSTMCell create(int numUnits, double forgetBias, String name) {
        return new BasicLSTMCell(numUnits, forgetBias, name);
    }

    @Override
    String baseName() {
        return "basic_lstm_cell";
    }

    @Override
    public String className() {
        return "BasicLSTMCell";
    }

    @Override
    public List<Long> stateSize() {
        return List.of((long) numUnits, (long) numUnits);
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
            kernel = variable(g, "kernel", Shape.of(inputDepth + numUnits, 4L * numUnits), dtype, null);
            bias = variable(g, "bias", Shape.of(4L * numUnits), dtype, Initializers.zeros());
        });
    }

    @Override
    public Step call(Graph g, Output input, List<Output> state) {
        checkState(state);
        Output c = state.get(0);
        Output h = state.get(1);
        try (var scope = g.nameScope(name())) {
            Output one = ConstantOps.constant(g, Tensor.of(1), null);
            Output gates = MatMulOps.matmul(g, ConcatOps.concat(g, List.of(input, h), 1, null), kernel.value(), false,
                    false, null);
            gates = ActivationOps.biasAdd(g, gates, bias.value(), "NHWC", null);
            List<Output> ijfo = ConcatOps.split(g, one, gates, 4, "split");
            Output forget = ConstantOps.constant(g, Literals.scalar(input.dtype(), forgetBias), null);
            Output newC = ArithmeticOps.addV2(g,
                    ArithmeticOps.mul(g, c, UnaryOps.sigmoid(g, ArithmeticOps.addV2(g, ijfo.get(2), forget, "Add"), null),
                            "Mul"),
                    ArithmeticOps.mul(g, UnaryOps.sigmoid(g, ijfo.get(0), null), UnaryOps.tanh(g, ijfo.get(1), null), "Mul"),
                    "Add");
            Output newH = ArithmeticOps.mul(g, UnaryOps.tanh(g, newC, null), UnaryOps.sigmoid(g, ijfo.get(3), null),
                    "Mul");
            return new Step(newH, List.of(newC, newH));
        }
    }

    public Variable kernel() {
        return kernel;
    }

    public Variable bias() {
        return bias;
    }
}
