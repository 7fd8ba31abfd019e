package dev.tensorgraph.ops.rnn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.array.StridedSliceOptions;
import dev.tensorgraph.ops.control.AssertOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.control.WhileLoop;
import dev.tensorgraph.ops.control.WhileOptions;
import dev.tensorgraph.ops.indexing.SelectOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.state.Reuse;
import dev.tensorgraph.ops.state.VariableScopes;
import dev.tensorgraph.ops.tensorarray.TensorArray;
import java.util.ArrayList;
import java.util.List;

/**
 * TensorFlow 1.x's {@code tf.nn.dynamic_rnn} in its v1 form: the inputs (batch-major unless
 * {@code timeMajor}) are unstacked into a TensorArray, a {@code while_loop} ({@code rnn/while}) runs the cell
 * once per time step (no more than the longest sequence when lengths are given), writing outputs into a
 * second TensorArray, which is stacked and transposed back. With {@code sequenceLength}, steps past a row's
 * length give zero outputs and keep that row's state, and an Assert checks the lengths' shape.
 *
 * <pre>{@code
 * RnnResult r = DynamicRnn.build(g, LSTMCell.create(128), x, DynamicRnn.Options.create().dtype(DType.FLOAT32));
 * Output outputs = r.outputs();      // [batch, time, 128]
 * List<Output> state = r.state();    // (c, h) of the last step
 * }</pre>
 *
 * Gradients flow through it as through any while loop (TensorFlow 1.x's backward loop).
 */
public final class DynamicRnn {
    /** The outputs of every step and the final state. */
    public record Result(Output outputs, List<Output> state) {}

    /** The keyword arguments of {@code dynamic_rnn}. */
    public static final class Options {
        private Output sequenceLength;
        private List<Output> initialState;
        private DType dtype;
        private int parallelIterations = 32;
        private boolean swapMemory;
        private boolean timeMajor;
        private String scope;

        private Options() {}

        public static Options create() {
            return new Options();
        }

        /** Each row's length ([batch]); steps past it give zeros and keep the state. */
        public Options sequenceLength(Output v) {
            sequenceLength = v;
            return this;
        }

        public Options initialState(List<Output> v) {
            initialState = v == null ? null : List.copyOf(v);
            return this;
        }

        /** The state's dtype, needed when no initial state is given. */
        public Options dtype(DType v) {
            dtype = v;
            return this;
        }

        public Options parallelIterations(int v) {
            parallelIterations = v;
            return this;
        }

        public Options swapMemory(boolean v) {
            swapMemory = v;
            return this;
        }

        /** Inputs and outputs are [time, batch, ...] instead of [batch, time, ...]. */
        public Options timeMajor(boolean v) {
            timeMajor = v;
            return this;
        }

        /** The variable scope (default {@code rnn}). */
        public Options scope(String v) {
            scope = v;
            return this;
        }
    }

    private DynamicRnn() {}

    public static Result build(Graph g, RnnCell cell, Output inputs, Options o) {
        if (cell == null || inputs == null || o == null) {
            throw new InvalidArgumentException("dynamic_rnn needs a cell, inputs and options");
        }
        try (var vs = VariableScopes.variableScope(g, o.scope == null ? "rnn" : o.scope, Reuse.INHERIT)) {
            Output x = o.timeMajor ? inputs : RnnOps.transposeBatchTime(g, inputs);
            Shape s = x.shape();
            if (!s.hasKnownRank() || s.rank() < 3 || s.size(2) < 0) {
                throw new InvalidArgumentException("Input size (depth of inputs) must be accessible via shape inference, "
                        + "but saw shape " + inputs.shape() + " for input '" + inputs.name() + "'");
            }
            Output lengths = null;
            if (o.sequenceLength != null) {
                lengths = o.sequenceLength.dtype() == DType.INT32 ? o.sequenceLength
                        : CastOps.cast(g, o.sequenceLength, DType.INT32, null);
                if (lengths.shape().hasKnownRank() && lengths.shape().rank() != 1) {
                    throw new InvalidArgumentException("Argument sequence_length must be a vector of length batch_size. "
                            + "Received shape: " + lengths.shape());
                }
                lengths = ControlOps.identity(g, lengths, "sequence_length");
            }
            long staticBatch = s.size(1);
            Output batch = staticBatch >= 0 ? ConstantOps.constant(g, Tensor.of((int) staticBatch), null)
                    : element(g, ShapeOps.shape(g, x, DType.INT32, null), 1);
            List<Output> state;
            if (o.initialState != null) {
                state = o.initialState;
            } else {
                if (o.dtype == null) {
                    throw new InvalidArgumentException("If no initial_state is provided, argument `dtype` must be specified");
                }
                state = RnnOps.zeroState(g, cell, batch, staticBatch, o.dtype);
            }
            if (lengths != null) {
                lengths = checkLengths(g, lengths, batch);
            }
            cell.build(g, s.size(2), o.dtype != null ? o.dtype : state.get(0).dtype());
            Loop loop = new Loop(g, cell, x, state, lengths, staticBatch, batch, o);
            Output outputs = loop.run();
            return new Result(o.timeMajor ? outputs : RnnOps.transposeBatchTime(g, outputs), loop.finalState);
        }
    }

    /** {@code x[i]} of a vector: a StridedSlice shrinking its one axis. */
    static Output element(Graph g, Output x, int i) {
        return SliceOps.stridedSlice(g, x, new int[] {i}, new int[] {i + 1}, new int[] {1},
                StridedSliceOptions.create().shrinkAxisMask(1), "strided_slice");
    }

    /** An Assert that {@code lengths} has shape [batch] ({@code Assert/Assert}); lengths after it. */
    private static Output checkLengths(Graph g, Output lengths, Output batch) {
        Output ok;
        try (var scope = g.nameScope("Assert")) {
            Output shape = ShapeOps.shape(g, lengths, DType.INT32, null);
            Output want = ConcatOps.stack(g, List.of(batch), 0, null);
            ok = ReductionOps.all(g, ComparisonOps.equal(g, shape, want, null), new int[] {0}, false, null);
            Output note = ConstantOps.constant(g, Tensor.ofString("Expected shape for Tensor " + lengths.name() + " is "),
                    "Const");
            Output saw = ConstantOps.constant(g, Tensor.ofString(" but saw shape: "), "Const");
            var check = AssertOps.assertOp(g, ok, List.of(note, want, saw, shape), 3, "Assert");
            try (var deps = g.controlDependencies(List.of(check))) {
                return ControlOps.identity(g, lengths, "CheckSeqLen");
            }
        }
    }

    /** The time loop of one call. */
    private static final class Loop {
        private final Graph g;
        private final RnnCell cell;
        private final Output x;
        private final List<Output> initialState;
        private final Output lengths;
        private final long staticBatch;
        private final Output batch;
        private final Options o;
        List<Output> finalState;

        Loop(Graph g, RnnCell cell, Output x, List<Output> state, Output lengths, long staticBatch, Output batch,
             Options o) {
            this.g = g;
            this.cell = cell;
            this.x = x;
            this.initialState = state;
            this.lengths = lengths;
            this.staticBatch = staticBatch;
            this.batch = batch;
            this.o = o;
        }

        Output run() {
            DType dtype = o.dtype != null ? o.dtype : initialState.get(0).dtype();
            Output timeSteps = element(g, ShapeOps.shape(g, x, DType.INT32, null), 0);
            Output zeroOutput = RnnOps.zeros(g, batch, staticBatch, cell.outputSize(), dtype);
            Output minLength = null;
            Output maxLength = timeSteps;
            if (lengths != null) {
                minLength = ReductionOps.min(g, lengths, new int[] {0}, false, null);
                maxLength = ReductionOps.max(g, lengths, new int[] {0}, false, null);
            }
            Output time = ConstantOps.constant(g, Tensor.of(0), "time");
            String base;
            try (var scope = g.nameScope("dynamic_rnn")) {
                base = scope.name();
            }
            Shape xs = x.shape();
            TensorArray out = TensorArray.create(g, dtype, timeSteps, TensorArray.Options.create()
                    .elementShape(Shape.of(staticBatch, cell.outputSize())).tensorArrayName(base + "output_0"));
            TensorArray in = TensorArray.create(g, x.dtype(), timeSteps, TensorArray.Options.create()
                    .elementShape(xs.subShape(1, xs.rank())).tensorArrayName(base + "input_0"));
            TensorArray input = in.unstack(x);
            Output bound = ArithmeticOps.minimum(g, timeSteps, ArithmeticOps.maximum(g,
                    ConstantOps.constant(g, Tensor.of(1), "Maximum/x"), maxLength, "Maximum"), "Minimum");
            List<Output> vars = new ArrayList<>();
            vars.add(time);
            vars.add(out.flow());
            vars.addAll(initialState);
            Output min = minLength;
            List<Output> exits = WhileLoop.build(g, v -> ComparisonOps.less(g, v.get(0), bound, null),
                    v -> step(v, input, out, zeroOutput, min),
                    vars, WhileOptions.create().withParallelIterations(o.parallelIterations)
                            .withMaximumIterations(timeSteps).withSwapMemory(o.swapMemory));
            finalState = exits.subList(2, exits.size());
            Output stacked = out.withFlow(exits.get(1)).stack();
            return stacked;
        }

        private List<Output> step(List<Output> v, TensorArray input, TensorArray out, Output zeroOutput,
                                  Output minLength) {
            Output t = v.get(0);
            List<Output> state = v.subList(2, v.size());
            Output inputT = input.read(t);
            RnnCell.Step s = cell.call(g, inputT, state);
            Output output = s.output();
            List<Output> newState = s.state();
            if (lengths != null) {
                Output copy = ComparisonOps.greaterEqual(g, t, lengths, null);
                output = SelectOps.select(g, copy, zeroOutput, output, null);
                List<Output> kept = new ArrayList<>();
                for (int i = 0; i < newState.size(); i++) {
                    kept.add(SelectOps.select(g, copy, state.get(i), newState.get(i), null));
                }
                newState = kept;
            }
            List<Output> next = new ArrayList<>();
            TensorArray written = out.withFlow(v.get(1)).write(t, output);
            next.add(ArithmeticOps.addV2(g, t, 1, "add"));
            next.add(written.flow());
            next.addAll(newState);
            return next;
        }
    }
}
