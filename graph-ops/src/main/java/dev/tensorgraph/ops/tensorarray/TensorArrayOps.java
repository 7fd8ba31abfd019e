package dev.tensorgraph.ops.tensorarray;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.Arrays;
import java.util.List;

/**
 * TensorFlow's TensorArrayV3 ops: an array of tensors that lives for one run, addressed by a handle (a
 * {@link DType#RESOURCE} of shape [2], as TensorFlow shapes it), written once per index and read many times
 * (or once, with {@code clear_after_read}). Every op that changes or reads the array also takes and gives a
 * float scalar "flow" whose only job is to order the ops; gradients flow through it. Each op's gradient is
 * the dual access on the gradient array {@code TensorArrayGradV3} makes for the forward array (read to
 * write, gather to scatter, concat to split and back), as TensorFlow's {@code tensor_array_grad.py} defines.
 */
public final class TensorArrayOps implements OpLibrary {
    private static final Shape HANDLE = Shape.of(2);

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("TensorArrayV3").outputNames("handle", "flow").input("size").attr("dtype", AttrType.TYPE)
                .attr("element_shape", AttrType.SHAPE, Shape.unknown()).attr("dynamic_size", AttrType.BOOL, false)
                .attr("clear_after_read", AttrType.BOOL, true).attr("identical_element_shapes", AttrType.BOOL, false)
                .attr("tensor_array_name", AttrType.STRING, "")
                .shape(c -> {
                    requireScalar(c, 0, DType.INT32, "size");
                    c.setOutput(0, DType.RESOURCE, HANDLE);
                    c.setOutput(1, DType.FLOAT32, Shape.scalar());
                })
                .notDifferentiable().stateful().build());
        r.register(OpDef.builder("TensorArrayGradV3").outputNames("grad_handle", "flow_out").input("handle").input("flow_in").attr("source", AttrType.STRING)
                .shape(c -> {
                    requireHandleAndFlow(c, 0, 1);
                    c.setOutput(0, DType.RESOURCE, HANDLE);
                    c.setOutput(1, DType.FLOAT32, Shape.scalar());
                })
                .notDifferentiable().stateful().build());
        r.register(OpDef.builder("TensorArrayWriteV3").input("handle").input("index").input("value").input("flow_in")
                .attr("T", AttrType.TYPE)
                .shape(c -> {
                    requireHandleAndFlow(c, 0, 3);
                    requireScalar(c, 1, DType.INT32, "index");
                    c.setOutput(0, DType.FLOAT32, Shape.scalar());
                })
                .gradient(TensorArrayGradients::write).stateful().build());
        r.register(OpDef.builder("TensorArrayReadV3").input("handle").input("index").input("flow_in")
                .attr("dtype", AttrType.TYPE)
                .shape(c -> {
                    requireHandleAndFlow(c, 0, 2);
                    requireScalar(c, 1, DType.INT32, "index");
                    c.setOutput(0, c.attrType("dtype"), Shape.unknown());
                })
                .gradient(TensorArrayGradients::read).stateful().build());
        r.register(OpDef.builder("TensorArrayGatherV3").input("handle").input("indices").input("flow_in")
                .attr("dtype", AttrType.TYPE).attr("element_shape", AttrType.SHAPE, Shape.unknown())
                .shape(c -> {
                    requireHandleAndFlow(c, 0, 2);
                    requireVector(c, 1, DType.INT32, "indices");
                    Shape element = c.attrShape("element_shape");
                    Shape indices = c.inputShape(1);
                    long n = indices.hasKnownRank() ? indices.size(0) : -1;
                    c.setOutput(0, c.attrType("dtype"),
                            element.hasKnownRank() ? Shape.of(n).concatenate(element) : Shape.unknown());
                })
                .gradient(TensorArrayGradients::gather).stateful().build());
        r.register(OpDef.builder("TensorArrayScatterV3").input("handle").input("indices").input("value").input("flow_in")
                .attr("T", AttrType.TYPE)
                .shape(c -> {
                    requireHandleAndFlow(c, 0, 3);
                    requireVector(c, 1, DType.INT32, "indices");
                    c.setOutput(0, DType.FLOAT32, Shape.scalar());
                })
                .gradient(TensorArrayGradients::scatter).stateful().build());
        r.register(OpDef.builder("TensorArrayConcatV3").outputNames("value", "lengths").input("handle").input("flow_in").attr("dtype", AttrType.TYPE)
                .attr("element_shape_except0", AttrType.SHAPE, Shape.unknown())
                .shape(c -> {
                    requireHandleAndFlow(c, 0, 1);
                    Shape rest = c.attrShape("element_shape_except0");
                    c.setOutput(0, c.attrType("dtype"), rest.hasKnownRank() ? Shape.of(-1).concatenate(rest)
                            : Shape.unknown());
                    c.setOutput(1, DType.INT64, Shape.of(-1));
                })
                .gradient(TensorArrayGradients::concat).stateful().build());
        r.register(OpDef.builder("TensorArraySplitV3").input("handle").input("value").input("lengths").input("flow_in")
                .attr("T", AttrType.TYPE)
                .shape(c -> {
                    requireHandleAndFlow(c, 0, 3);
                    requireVector(c, 2, DType.INT64, "lengths");
                    c.setOutput(0, DType.FLOAT32, Shape.scalar());
                })
                .gradient(TensorArrayGradients::split).stateful().build());
        r.register(OpDef.builder("TensorArraySizeV3").input("handle").input("flow_in")
                .shape(c -> {
                    requireHandleAndFlow(c, 0, 1);
                    c.setOutput(0, DType.INT32, Shape.scalar());
                })
                .notDifferentiable().stateful().build());
        r.register(OpDef.builder("TensorArrayCloseV3").input("handle")
                .shape(c -> {
                    if (c.inputDtype(0) != DType.RESOURCE) {
                        throw c.fail("handle must be a resource, got " + c.inputDtype(0));
                    }
                })
                .notDifferentiable().stateful().build());
    }

    private static void requireHandleAndFlow(ShapeContext c, int handle, int flow) {
        if (c.inputDtype(handle) != DType.RESOURCE) {
            throw c.fail("handle must be a resource, got " + c.inputDtype(handle));
        }
        requireScalar(c, flow, DType.FLOAT32, "flow_in");
    }

    private static void requireScalar(ShapeContext c, int i, DType dtype, String what) {
        if (c.inputDtype(i) != dtype) {
            throw c.fail(what + " must be " + dtype + ", got " + c.inputDtype(i));
        }
        Shape s = c.inputShape(i);
        if (s.hasKnownRank() && s.rank() != 0) {
            throw c.fail(what + " must be a scalar, got shape " + s);
        }
    }

    private static void requireVector(ShapeContext c, int i, DType dtype, String what) {
        if (c.inputDtype(i) != dtype) {
            throw c.fail(what + " must be " + dtype + ", got " + c.inputDtype(i));
        }
        Shape s = c.inputShape(i);
        if (s.hasKnownRank() && s.rank() != 1) {
            throw c.fail(what + " must be a vector, got shape " + s);
        }
    }

    // ---- typed constructors (the TensorArray class builds on these with TensorFlow's names) ----

    /** {@code TensorArrayV3}: the handle and the initial flow. */
    public static List<Output> create(Graph g, Output size, DType dtype, Shape elementShape, boolean dynamicSize,
                                      boolean clearAfterRead, boolean identicalElementShapes, String arrayName,
                                      String name) {
        Operation op = g.opBuilder("TensorArrayV3", name).addInput(size).setAttr("dtype", dtype)
                .setAttr("element_shape", elementShape).setAttr("dynamic_size", dynamicSize)
                .setAttr("clear_after_read", clearAfterRead).setAttr("identical_element_shapes", identicalElementShapes)
                .setAttr("tensor_array_name", arrayName == null ? "" : arrayName).build();
        return op.outputs();
    }

    /** {@code TensorArrayGradV3}: the gradient array of {@code handle} for the gradient computation {@code source}. */
    public static List<Output> grad(Graph g, Output handle, Output flow, String source, String name) {
        return g.opBuilder("TensorArrayGradV3", name).addInput(handle).addInput(flow).setAttr("source", source).build()
                .outputs();
    }

    public static Output write(Graph g, Output handle, Output index, Output value, Output flow, String name) {
        return g.opBuilder("TensorArrayWriteV3", name).addInput(handle).addInput(index).addInput(value).addInput(flow)
                .setAttr("T", value.dtype()).build().output(0);
    }

    public static Output read(Graph g, Output handle, Output index, Output flow, DType dtype, Shape shape, String name) {
        return g.opBuilder("TensorArrayReadV3", name).addInput(handle).addInput(index).addInput(flow)
                .setAttr("dtype", dtype).refineOutputShape(0, shape).build().output(0);
    }

    public static Output gather(Graph g, Output handle, Output indices, Output flow, DType dtype, Shape elementShape,
                                String name) {
        return g.opBuilder("TensorArrayGatherV3", name).addInput(handle).addInput(indices).addInput(flow)
                .setAttr("dtype", dtype).setAttr("element_shape", elementShape).build().output(0);
    }

    public static Output scatter(Graph g, Output handle, Output indices, Output value, Output flow, String name) {
        return g.opBuilder("TensorArrayScatterV3", name).addInput(handle).addInput(indices).addInput(value)
                .addInput(flow).setAttr("T", value.dtype()).build().output(0);
    }

    /** {@code TensorArrayConcatV3}: the concatenated value and the length of each element along dimension 0. */
    public static List<Output> concat(Graph g, Output handle, Output flow, DType dtype, Shape elementShapeExcept0,
                                      String name) {
        return g.opBuilder("TensorArrayConcatV3", name).addInput(handle).addInput(flow).setAttr("dtype", dtype)
                .setAttr("element_shape_except0", elementShapeExcept0).build().outputs();
    }

    public static Output split(Graph g, Output handle, Output value, Output lengths, Output flow, String name) {
        return g.opBuilder("TensorArraySplitV3", name).addInput(handle).addInput(value).addInput(lengths)
                .addInput(flow).setAttr("T", value.dtype()).build().output(0);
    }

    public static Output size(Graph g, Output handle, Output flow, String name) {
        return g.opBuilder("TensorArraySizeV3", name).addInput(handle).addInput(flow).build().output(0);
    }

    public static Operation close(Graph g, Output handle, String name) {
        return g.opBuilder("TensorArrayCloseV3", name).addInput(handle).build();
    }

    /**
     * Which {@code tf.gradients} call a gradient tensor belongs to: its name up to the last scope starting with
     * {@code gradients}, so that separate gradient computations get separate gradient arrays.
     */
    static String gradientSource(Output grad) {
        String[] tokens = grad.op().name().split("/");
        int last = -1;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].startsWith("gradients")) {
                last = i;
            }
        }
        if (last < 0) {
            throw new InvalidArgumentException("expected the gradient '" + grad.name() + "' to be under a name scope "
                    + "starting with 'gradients'; tensor array gradients need it to tell gradient computations apart");
        }
        return String.join("/", Arrays.copyOf(tokens, last + 1));
    }
}
