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
 * TensorFlow 1.x's {@code tf.nn.rnn_cell.LSTMCell}: one {@code kernel} of {@code [depth + h, 4 * units]} and a
 * {@code bias} of {@code 4 * units} (zeros), gates in the order i, j, f, o, a forget bias added to f, and
 * optionally peepholes ({@code w_f_diag}, {@code w_i_diag}, {@code w_o_diag}), a cell clip, and a projection of
 * the output ({@code projection/kernel}) with its clip. The state is {@code (c, m)}.
 *
 * <pre>{@code
 * LSTMCell cell = LSTMCell.create(128);
 * RnnResult r = DynamicRnn.build(g, cell, inputs, DynamicRnn.Options.create().dtype(DType.FLOAT32));
 * // variables rnn/lstm_cell/kernel and rnn/lstm_cell/bias
 * }</pre>
 */
public final class LSTMCell extends CellSupport {
    private final int numUnits;
    private final boolean usePeepholes;
    private final Double cellClip;
    private final Initializer initializer;
    private final Integer numProj;
    private final Double projClip;
    private final double forgetBias;
    private Variable kernel;
    private Variable bias;
    private Variable wfDiag;
    private Variable wiDiag;
    private Variable woDiag;
    private Variable projKernel;

    private LSTMCell(int numUnits, boolean usePeepholes, Double cellClip, Initializer initializer, Integer numProj,
                     Double projClip, double forgetBias, String name) {
        super(name);
        if (numUnits < 1) {
            throw new InvalidArgumentException("LSTMCell needs num_units >= 1, got " + numUnits);
        }
        if (numProj != null && numProj < 1) {
            throw new InvalidArgumentException("LSTMCell needs num_proj >= 1, got " + numProj);
        }
        this.numUnits = numUnits;
        this.usePeepholes = usePeepholes;
        this.cellClip = cellClip;
        this.initializer = initializer;
        this.numProj = numProj;
        this.projClip = projClip;
        this.forgetBias = forgetBias;
    }

    /** {@code LSTMCell(num_units)} with TensorFlow's defaults (forget bias 1, no peepholes, clip or projection). */
    public static LSTMCell create(int numUnits) {
        return new LSTMCell(numUnits, false, null, null, null, null, 1.0, null);
    }

    /** All of TensorFlow's arguments; null leaves an option off (or, for the initializer, Glorot-uniform). */
    public static LSTMCell create(int numUnits, boolean usePeepholes, Double cellClip, Initializer initializer,
                                  Integer numProj, Double projClip, double forgetBias, String name) {
        return new LSTMCell(numUnits, usePeepholes, cellClip, initializer, numProj, projClip, forgetBias, name);
    }

    @Override
    String baseName() {
        return "lstm_cell";
    }

    @Override
    public String className() {
        return "LSTMCell";
    }

    @Override
    public List<Long> stateSize() {
        return List.of((long) numUnits, (long) (numProj == null ? numUnits : numProj));
    }

    @Override
    public long outputSize() {
        return numProj == null ? numUnits : numProj;
    }

    @Override
    public void build(Graph g, long inputDepth, DType dtype) {
        if (built()) {
            return;
        }
        checkDepth(className(), inputDepth);
        long hDepth = outputSize();
        inScope(g, () -> {
            kernel = variable(g, "kernel", Shape.of(inputDepth + hDepth, 4L * numUnits), dtype, initializer);
            bias = variable(g, "bias", Shape.of(4L * numUnits), dtype, Initializers.zeros());
            if (usePeepholes) {
                wfDiag = variable(g, "w_f_diag", Shape.of(numUnits), dtype, initializer);
                wiDiag = variable(g, "w_i_diag", Shape.of(numUnits), dtype, initializer);
                woDiag = variable(g, "w_o_diag", Shape.of(numUnits), dtype, initializer);
            }
            if (numProj != null) {
                projKernel = variable(g, "projection/kernel", Shape.of(numUnits, numProj), dtype, initializer);
            }
        });
    }

    @Override
    public Step call(Graph g, Output input, List<Output> state) {
        checkState(state);
        Output cPrev = state.get(0);
        Output mPrev = state.get(1);
        try (var scope = g.nameScope(name())) {
            Output matrix = MatMulOps.matmul(g, ConcatOps.concat(g, List.of(input, mPrev), 1, null), kernel.value(),
                    false, false, null);
            matrix = ActivationOps.biasAdd(g, matrix, bias.value(), "NHWC", null);
            List<Output> ijfo = ConcatOps.split(g, matrix, 4, 1, null);
            Output i = ijfo.get(0);
            Output j = ijfo.get(1);
            Output f = ijfo.get(2);
            Output o = ijfo.get(3);
            Output c;
            if (usePeepholes) {
                Output forget = UnaryOps.sigmoid(g, ArithmeticOps.addV2(g, ArithmeticOps.addV2(g, f, forgetBias, "add"),
                        ArithmeticOps.mul(g, wfDiag.value(), cPrev, "mul"), "add_1"), null);
                Output in = UnaryOps.sigmoid(g, ArithmeticOps.addV2(g, i, ArithmeticOps.mul(g, wiDiag.value(), cPrev,
                        "mul_2"), "add_2"), null);
                c = ArithmeticOps.addV2(g, ArithmeticOps.mul(g, forget, cPrev, "mul_1"),
                        ArithmeticOps.mul(g, in, UnaryOps.tanh(g, j, null), "mul_3"), "add_3");
            } else {
                Output forget = ArithmeticOps.mul(g, UnaryOps.sigmoid(g, ArithmeticOps.addV2(g, f, forgetBias, "add"), null),
                        cPrev, "mul");
                Output in = ArithmeticOps.mul(g, UnaryOps.sigmoid(g, i, null), UnaryOps.tanh(g, j, null), "mul_1");
                c = ArithmeticOps.addV2(g, forget, in, "add_1");
            }
            if (cellClip != null) {
                c = RnnOps.clipByValue(g, c, -cellClip, cellClip);
            }
            Output m;
            if (usePeepholes) {
                m = ArithmeticOps.mul(g, UnaryOps.sigmoid(g, ArithmeticOps.addV2(g, o, ArithmeticOps.mul(g, woDiag.value(), c,
                        "mul_4"), "add_4"), null), UnaryOps.tanh(g, c, null), "mul_5");
            } else {
                m = ArithmeticOps.mul(g, UnaryOps.sigmoid(g, o, null), UnaryOps.tanh(g, c, null), "mul_2");
            }
            if (numProj != null) {
                m = MatMulOps.matmul(g, m, projKernel.value(), false, false, null);
                if (projClip != null) {
                    m = RnnOps.clipByValue(g, m, -projClip, projClip);
                }
            }
            return new Step(m, List.of(c, m));
        }
    }

    /** The cell's kernel (after the first build). */
    public Variable kernel() {
        return kernel;
    }

    public Variable bias() {
        return bias;
    }
}
