package dev.tensorgraph.ops.rnn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import java.util.List;

/**
 * A recurrent cell in TensorFlow 1.x's {@code tf.nn.rnn_cell} form: its state is a list of tensors of
 * {@code [batch, size]} ({@code (c, h)} for an LSTM, one for a GRU), its variables are made once, in the
 * variable scope of the first call, under the cell's layer name ({@code rnn/lstm_cell/kernel}), and each call
 * is one time step.
 */
public interface RnnCell {
    /** One step's result: the output and the new state. */
    record Step(Output output, List<Output> state) {}

    /** The width of each state tensor. */
    List<Long> stateSize();

    /** The width of the output. */
    long outputSize();

    /** TensorFlow's class name, which names the zero state's scope ({@code LSTMCellZeroState}). */
    String className();

    /**
     * Makes the cell's variables for inputs of width {@code inputDepth} under the current variable scope, once;
     * later calls do nothing.
     */
    void build(Graph g, long inputDepth, DType dtype);

    /** One time step from {@code input} ([batch, depth]) and {@code state}, built under the cell's name scope. */
    Step call(Graph g, Output input, List<Output> state);
}
