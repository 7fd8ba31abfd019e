package dev.tensorgraph.ops.tensorarray;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.array.StridedSliceOptions;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.List;

/**
 * TensorFlow 1.x's {@code tf.TensorArray}: an array of tensors for one run, written once per index, as
 * {@code dynamic_rnn} keeps its inputs and outputs. Like TensorFlow's, the object is a value: every write
 * returns a new {@code TensorArray} with the same handle and a new flow, and the flow is what orders reads
 * after writes (and what a {@code whileLoop} carries from one iteration to the next).
 *
 * <pre>{@code
 * TensorArray ta = TensorArray.create(g, DType.FLOAT32, tf.constant(3), TensorArray.Options.create());
 * ta = ta.write(0, x0).write(1, x1).write(2, x2);
 * Output all = ta.stack();            // [3, ...]
 * }</pre>
 *
 * Ops carry TensorFlow's names ({@code TensorArray}, {@code TensorArrayWrite/TensorArrayWriteV3},
 * {@code TensorArrayStack/TensorArrayGatherV3}, ...).
 */
public final class TensorArray {
    /** Options of a new array, as TensorFlow's keyword arguments. */
    public static final class Options {
        private boolean dynamicSize;
        private boolean clearAfterRead = true;
        private String arrayName = "";
        private boolean inferShape = true;
        private Shape elementShape = Shape.unknown();
        private String name;

        private Options() {}

        public static Options create() {
            return new Options();
        }

        /** Writes past the size grow the array (default false). */
        public Options dynamicSize(boolean v) {
            dynamicSize = v;
            return this;
        }

        /** Reading an element frees it; reading it again is an error (default true). */
        public Options clearAfterRead(boolean v) {
            clearAfterRead = v;
            return this;
        }

        public Options tensorArrayName(String v) {
            arrayName = v;
            return this;
        }

        /** Whether all elements share one shape, learned from the writes (default true). */
        public Options inferShape(boolean v) {
            inferShape = v;
            return this;
        }

        public Options elementShape(Shape v) {
            elementShape = v;
            return this;
        }

        public Options name(String v) {
            name = v;
            return this;
        }
    }

    private final Graph g;
    private final DType dtype;
    private final Output handle;
    private final Output flow;
    private final boolean dynamicSize;
    private final Output size;
    private final boolean inferShape;
    /** The element shape learned so far, shared by every array with this handle. */
    private final Shape[] elementShape;

    private TensorArray(Graph g, DType dtype, Output handle, Output flow, boolean dynamicSize, Output size,
                        boolean inferShape, Shape[] elementShape) {
        this.g = g;
        this.dtype = dtype;
        this.handle = handle;
        this.flow = flow;
        this.dynamicSize = dynamicSize;
        this.size = size;
        this.inferShape = inferShape;
        this.elementShape = elementShape;
    }

    /** A new array of {@code size} (an int32 scalar) elements of {@code dtype}. */
    public static TensorArray create(Graph g, DType dtype, Output size, Options options) {
        if (dtype == null || size == null || options == null) {
            throw new InvalidArgumentException("TensorArray needs a dtype, a size and options");
        }
        List<Output> outs;
        try (var scope = g.nameScope(options.name == null ? "TensorArray" : options.name)) {
            outs = TensorArrayOps.create(g, size, dtype, options.elementShape, options.dynamicSize,
                    options.clearAfterRead, options.inferShape, options.arrayName, scope.name());
        }
        return new TensorArray(g, dtype, outs.get(0), outs.get(1), options.dynamicSize, size, options.inferShape,
                new Shape[] {options.elementShape});
    }

    /** A new array of {@code size} elements. */
    public static TensorArray create(Graph g, DType dtype, int size, Options options) {
        return create(g, dtype, ConstantOps.constant(g, Tensor.of(size), null), options);
    }

    /** The array behind an existing handle and flow (as TensorFlow's {@code TensorArray(handle=, flow=)}). */
    public static TensorArray wrap(Graph g, DType dtype, Output handle, Output flow, boolean inferShape) {
        return new TensorArray(g, dtype, handle, flow, false, null, inferShape, new Shape[] {Shape.unknown()});
    }

    /** This array with another flow (what a loop hands from one iteration to the next). */
    public TensorArray withFlow(Output newFlow) {
        return new TensorArray(g, dtype, handle, newFlow, dynamicSize, size, inferShape, elementShape);
    }

    public Output handle() {
        return handle;
    }

    public Output flow() {
        return flow;
    }

    public DType dtype() {
        return dtype;
    }

    /** The element shape known so far. */
    public Shape elementShape() {
        return elementShape[0];
    }

    private void checkElementShape(Shape shape) {
        if (!shape.isCompatibleWith(elementShape[0])) {
            throw new InvalidArgumentException("Inconsistent shapes: saw " + shape + " but expected " + elementShape[0]);
        }
        if (inferShape) {
            elementShape[0] = elementShape[0].mergeWith(shape);
        }
    }

    private void checkDtype(Output value) {
        if (value.dtype() != dtype) {
            throw new InvalidArgumentException("TensorArray dtype is " + dtype + " but the value '" + value.name()
                    + "' is " + value.dtype());
        }
    }

    private Output index(int i) {
        return ConstantOps.constant(g, Tensor.of(i), null);
    }

    /** {@code gradients source}: the gradient array of this one, ordered after {@code flow}. */
    public TensorArray grad(String source, Output gradFlow, String name) {
        try (var scope = g.nameScope(name == null ? "TensorArrayGrad" : name)) {
            List<Output> outs = TensorArrayOps.grad(g, handle, gradFlow == null ? flow : gradFlow, source, null);
            Output f;
            try (var deps = g.controlDependencies(List.of(outs.get(0).op()))) {
                f = ControlOps.identity(g, gradFlow == null ? flow : gradFlow, "gradient_flow");
            }
            return new TensorArray(g, dtype, outs.get(0), f, false, null, inferShape, elementShape);
        }
    }

    /** Element {@code index} (an int32 scalar). */
    public Output read(Output index) {
        return read(index, null);
    }

    public Output read(int index) {
        return read(index(index), null);
    }

    public Output read(Output index, String name) {
        return TensorArrayOps.read(g, handle, index, flow, dtype, elementShape[0],
                name == null ? "TensorArrayReadV3" : name);
    }

    /** This array with {@code value} written at {@code index}. */
    public TensorArray write(Output index, Output value) {
        return write(index, value, null);
    }

    public TensorArray write(int index, Output value) {
        return write(index(index), value, null);
    }

    public TensorArray write(Output index, Output value, String name) {
        checkDtype(value);
        checkElementShape(value.shape());
        try (var scope = g.nameScope(name == null ? "TensorArrayWrite" : name)) {
            return withFlow(TensorArrayOps.write(g, handle, index, value, flow, null));
        }
    }

    /** All elements stacked along a new first dimension. */
    public Output stack() {
        return stack(null);
    }

    public Output stack(String name) {
        try (var scope = g.nameScope(name == null ? "TensorArrayStack" : name)) {
            Output indices = ConstantOps.range(g, ConstantOps.constant(g, Tensor.of(0), null), size(),
                    ConstantOps.constant(g, Tensor.of(1), null), "range");
            return gather(indices, null);
        }
    }

    /** The elements at {@code indices} (an int32 vector), stacked. */
    public Output gather(Output indices) {
        return gather(indices, null);
    }

    public Output gather(Output indices, String name) {
        return TensorArrayOps.gather(g, handle, indices, flow, dtype, elementShape[0],
                name == null ? "TensorArrayGatherV3" : name);
    }

    /** All elements concatenated along their first dimension. */
    public Output concat() {
        return concat(null);
    }

    public Output concat(String name) {
        Shape e = elementShape[0];
        Shape except0 = e.hasKnownRank() && e.rank() > 0 ? e.subShape(1, e.rank()) : Shape.unknown();
        return TensorArrayOps.concat(g, handle, flow, dtype, except0, name == null ? "TensorArrayConcatV3" : name)
                .get(0);
    }

    /** This array holding the rows of {@code value} as its elements. */
    public TensorArray unstack(Output value) {
        return unstack(value, null);
    }

    public TensorArray unstack(Output value, String name) {
        try (var scope = g.nameScope(name == null ? "TensorArrayUnstack" : name)) {
            Output n = SliceOps.stridedSlice(g, ShapeOps.shape(g, value, DType.INT32, null), new int[] {0}, new int[] {1},
                    new int[] {1}, StridedSliceOptions.create().shrinkAxisMask(1), "strided_slice");
            Output indices = ConstantOps.range(g, ConstantOps.constant(g, Tensor.of(0), null), n,
                    ConstantOps.constant(g, Tensor.of(1), null), "range");
            return scatter(indices, value, null);
        }
    }

    /** This array with row {@code i} of {@code value} written at {@code indices[i]}. */
    public TensorArray scatter(Output indices, Output value) {
        return scatter(indices, value, null);
    }

    public TensorArray scatter(Output indices, Output value, String name) {
        checkDtype(value);
        Shape s = value.shape();
        if (s.hasKnownRank() && s.rank() > 0) {
            checkElementShape(s.subShape(1, s.rank()));
        }
        try (var scope = g.nameScope(name == null ? "TensorArrayScatter" : name)) {
            return withFlow(TensorArrayOps.scatter(g, handle, indices, value, flow, null));
        }
    }

    /** This array holding consecutive pieces of {@code value} of {@code lengths} rows each. */
    public TensorArray split(Output value, Output lengths) {
        return split(value, lengths, null);
    }

    public TensorArray split(Output value, Output lengths, String name) {
        checkDtype(value);
        try (var scope = g.nameScope(name == null ? "TensorArraySplit" : name)) {
            Output lengths64 = CastOps.cast(g, lengths, DType.INT64, null);
            return withFlow(TensorArrayOps.split(g, handle, value, lengths64, flow, null));
        }
    }

    /** The number of elements: the constant size it was made with, unless it grows. */
    public Output size() {
        if (!dynamicSize && size != null) {
            return size;
        }
        return TensorArrayOps.size(g, handle, flow, "TensorArraySizeV3");
    }

    /** Frees the array. */
    public Operation close() {
        return TensorArrayOps.close(g, handle, "TensorArrayCloseV3");
    }
}
