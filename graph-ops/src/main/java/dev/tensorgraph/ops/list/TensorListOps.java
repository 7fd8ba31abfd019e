package dev.tensorgraph.ops.list;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.List;

/**
 * TensorFlow's TensorList ops: a list of tensors of one dtype as a {@link DType#VARIANT} scalar, which is what
 * control flow v2 carries through loops (an RNN's inputs and outputs, and the values a loop's gradient needs).
 * A list is a value: an op that changes it gives a new list and leaves every holder of the old one unchanged.
 * Items may be uninitialized ({@code TensorListReserve}); reading one gives zeros of the element shape. An
 * {@code element_shape} input is a shape as an int tensor: {@code -1} for an unknown rank, {@code -1} in a
 * dimension for an unknown size. Gradients ({@link TensorListGradients}) are lists too, as TensorFlow's
 * {@code list_ops.py} defines them.
 */
public final class TensorListOps implements OpLibrary {
    private static final Shape HANDLE = Shape.scalar();

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("EmptyTensorList").input("element_shape").input("max_num_elements")
                .attr("element_dtype", AttrType.TYPE).attr("shape_type", AttrType.TYPE)
                .shape(c -> {
                    shapeType(c, 0);
                    scalar(c, 1, DType.INT32, "max_num_elements");
                    c.setOutput(0, DType.VARIANT, HANDLE);
                }).notDifferentiable().build());
        r.register(OpDef.builder("TensorListReserve").input("element_shape").input("num_elements")
                .attr("element_dtype", AttrType.TYPE).attr("shape_type", AttrType.TYPE)
                .shape(c -> {
                    shapeType(c, 0);
                    scalar(c, 1, DType.INT32, "num_elements");
                    c.setOutput(0, DType.VARIANT, HANDLE);
                }).notDifferentiable().build());
        r.register(OpDef.builder("TensorListFromTensor").input("tensor").input("element_shape")
                .attr("element_dtype", AttrType.TYPE).attr("shape_type", AttrType.TYPE)
                .shape(c -> {
                    typeOf(c, "element_dtype", 0);
                    typeOf(c, "shape_type", 1);
                    Shape t = c.inputShape(0);
                    if (t.hasKnownRank() && t.rank() == 0) {
                        throw c.fail("the tensor must have at least one dimension to be split into a list");
                    }
                    c.setOutput(0, DType.VARIANT, HANDLE);
                }).gradient(TensorListGradients::fromTensor).build());
        r.register(OpDef.builder("TensorListStack").input("input_handle").input("element_shape")
                .attr("element_dtype", AttrType.TYPE).attr("num_elements", AttrType.INT, -1L)
                .shape(c -> {
                    handle(c, 0);
                    c.setOutput(0, c.attrType("element_dtype"),
                            prepend(c.attrLong("num_elements"), elementShape(c, 1)));
                }).gradient(TensorListGradients::stack).build());
        r.register(OpDef.builder("TensorListGetItem").input("input_handle").input("index").input("element_shape")
                .attr("element_dtype", AttrType.TYPE).attr("Tshape", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    handle(c, 0);
                    scalar(c, 1, DType.INT32, "index");
                    typeOf(c, "Tshape", 2);
                    c.setOutput(0, c.attrType("element_dtype"), elementShape(c, 2));
                }).gradient(TensorListGradients::getItem).build());
        r.register(OpDef.builder("TensorListSetItem").input("input_handle").input("index").input("item")
                .attr("element_dtype", AttrType.TYPE).attr("resize_if_index_out_of_bounds", AttrType.BOOL, false)
                .shape(c -> {
                    handle(c, 0);
                    scalar(c, 1, DType.INT32, "index");
                    typeOf(c, "element_dtype", 2);
                    c.setOutput(0, DType.VARIANT, HANDLE);
                }).gradient(TensorListGradients::setItem).build());
        r.register(OpDef.builder("TensorListPushBack").input("input_handle").input("tensor")
                .attr("element_dtype", AttrType.TYPE)
                .shape(c -> {
                    handle(c, 0);
                    typeOf(c, "element_dtype", 1);
                    c.setOutput(0, DType.VARIANT, HANDLE);
                }).gradient(TensorListGradients::pushBack).build());
        r.register(OpDef.builder("TensorListPopBack").input("input_handle").input("element_shape")
                .attr("element_dtype", AttrType.TYPE).outputNames("output_handle", "tensor")
                .shape(c -> {
                    handle(c, 0);
                    c.setOutput(0, DType.VARIANT, HANDLE);
                    c.setOutput(1, c.attrType("element_dtype"), elementShape(c, 1));
                }).gradient(TensorListGradients::popBack).build());
        r.register(OpDef.builder("TensorListLength").input("input_handle")
                .shape(c -> {
                    handle(c, 0);
                    c.setOutput(0, DType.INT32, Shape.scalar());
                }).notDifferentiable().build());
        r.register(OpDef.builder("TensorListElementShape").input("input_handle").attr("shape_type", AttrType.TYPE)
                .shape(c -> {
                    handle(c, 0);
                    c.setOutput(0, ShapeArgs.indexType(c, "shape_type"), Shape.unknown());
                }).notDifferentiable().build());
        r.register(OpDef.builder("TensorListResize").input("input_handle").input("size")
                .shape(c -> {
                    handle(c, 0);
                    scalar(c, 1, DType.INT32, "size");
                    c.setOutput(0, DType.VARIANT, HANDLE);
                }).gradient(TensorListGradients::resize).build());
        r.register(OpDef.builder("TensorListGather").input("input_handle").input("indices").input("element_shape")
                .attr("element_dtype", AttrType.TYPE)
                .shape(c -> {
                    handle(c, 0);
                    Shape indices = vector(c, 1, DType.INT32, "indices");
                    c.setOutput(0, c.attrType("element_dtype"),
                            prepend(indices.hasKnownRank() ? indices.size(0) : -1, elementShape(c, 2)));
                }).gradient(TensorListGradients::gather).build());
        r.register(OpDef.builder("TensorListScatter").input("tensor").input("indices").input("element_shape")
                .attr("element_dtype", AttrType.TYPE).attr("shape_type", AttrType.TYPE)
                .shape(TensorListOps::scatterShape).gradient(TensorListGradients::scatter).build());
        r.register(OpDef.builder("TensorListScatterV2").input("tensor").input("indices").input("element_shape")
                .input("num_elements").attr("element_dtype", AttrType.TYPE).attr("shape_type", AttrType.TYPE)
                .shape(c -> {
                    scatterShape(c);
                    scalar(c, 3, DType.INT32, "num_elements");
                }).gradient(TensorListGradients::scatter).build());
        r.register(OpDef.builder("TensorListScatterIntoExistingList").input("input_handle").input("tensor")
                .input("indices").attr("element_dtype", AttrType.TYPE)
                .shape(c -> {
                    handle(c, 0);
                    typeOf(c, "element_dtype", 1);
                    vector(c, 2, DType.INT32, "indices");
                    c.setOutput(0, DType.VARIANT, HANDLE);
                }).gradient(TensorListGradients::scatterIntoExistingList).build());
        r.register(OpDef.builder("TensorListSplit").input("tensor").input("element_shape").input("lengths")
                .attr("element_dtype", AttrType.TYPE).attr("shape_type", AttrType.TYPE)
                .shape(c -> {
                    typeOf(c, "element_dtype", 0);
                    typeOf(c, "shape_type", 1);
                    vector(c, 2, DType.INT64, "lengths");
                    c.setOutput(0, DType.VARIANT, HANDLE);
                }).gradient(TensorListGradients::split).build());
        r.register(OpDef.builder("TensorListConcatV2").input("input_handle").input("element_shape")
                .input("leading_dims").attr("element_dtype", AttrType.TYPE).attr("shape_type", AttrType.TYPE)
                .outputNames("tensor", "lengths")
                .shape(c -> {
                    handle(c, 0);
                    typeOf(c, "shape_type", 1);
                    vector(c, 2, DType.INT64, "leading_dims");
                    concatOutputs(c, elementShape(c, 1));
                }).gradient(TensorListGradients::concat).build());
        r.register(OpDef.builder("TensorListConcat").input("input_handle").attr("element_dtype", AttrType.TYPE)
                .attr("element_shape", AttrType.SHAPE, Shape.unknown()).outputNames("tensor", "lengths")
                .shape(c -> {
                    handle(c, 0);
                    concatOutputs(c, c.attrShape("element_shape"));
                }).gradient(TensorListGradients::concat).build());
    }

    private static void scatterShape(ShapeContext c) {
        typeOf(c, "element_dtype", 0);
        typeOf(c, "shape_type", 2);
        vector(c, 1, DType.INT32, "indices");
        c.setOutput(0, DType.VARIANT, HANDLE);
    }

    private static void concatOutputs(ShapeContext c, Shape element) {
        Shape rest = element.hasKnownRank() && element.rank() >= 1
                ? Shape.of(java.util.Arrays.copyOfRange(element.dims(), 1, element.rank())) : null;
        c.setOutput(0, c.attrType("element_dtype"), rest == null ? Shape.unknown() : Shape.of(-1).concatenate(rest));
        c.setOutput(1, DType.INT64, Shape.of(-1));
    }

    // ---- shape function helpers ----

    private static void handle(ShapeContext c, int i) {
        if (c.inputDtype(i) != DType.VARIANT) {
            throw c.fail("input " + i + " must be a tensor list (variant), got " + c.inputDtype(i));
        }
    }

    private static void scalar(ShapeContext c, int i, DType dtype, String what) {
        if (c.inputDtype(i) != dtype) {
            throw c.fail(what + " must be " + dtype + ", got " + c.inputDtype(i));
        }
        Shape s = c.inputShape(i);
        if (s.hasKnownRank() && s.rank() != 0) {
            throw c.fail(what + " must be a scalar, got shape " + s);
        }
    }

    private static Shape vector(ShapeContext c, int i, DType dtype, String what) {
        if (c.inputDtype(i) != dtype) {
            throw c.fail(what + " must be " + dtype + ", got " + c.inputDtype(i));
        }
        Shape s = c.inputShape(i);
        if (s.hasKnownRank() && s.rank() != 1) {
            throw c.fail(what + " must be a vector, got shape " + s);
        }
        return s;
    }

    private static void shapeType(ShapeContext c, int i) {
        typeOf(c, "shape_type", i);
        ShapeArgs.indexType(c, "shape_type");
    }

    /** Type attribute {@code attr} must be the dtype of input {@code i}. */
    private static void typeOf(ShapeContext c, String attr, int i) {
        if (c.attrType(attr) != c.inputDtype(i)) {
            throw c.fail(attr + " is " + c.attrType(attr) + " but input " + i + " is " + c.inputDtype(i));
        }
    }

    /** The element shape an {@code element_shape} input gives when its value is known while building. */
    static Shape elementShape(ShapeContext c, int i) {
        Tensor t = c.constantValue(i);
        if (t == null) {
            Shape s = c.inputShape(i);
            return s.hasKnownRank() && s.rank() == 1 && s.size(0) >= 0 ? Shape.unknownOfRank((int) s.size(0))
                    : Shape.unknown();
        }
        return fromShapeTensor(t);
    }

    /** A shape as an {@code element_shape} tensor describes it: a scalar (-1) is an unknown rank. */
    public static Shape fromShapeTensor(Tensor t) {
        long[] v = ShapeArgs.longs(t);
        if (t.shape().rank() == 0) {
            return Shape.unknown();
        }
        for (int k = 0; k < v.length; k++) {
            v[k] = v[k] < 0 ? -1 : v[k];
        }
        return Shape.of(v);
    }

    private static Shape prepend(long n, Shape element) {
        return element.hasKnownRank() ? Shape.of(n < 0 ? -1 : n).concatenate(element) : Shape.unknown();
    }

    // ---- constructors ----

    /** {@code EmptyTensorList}: an empty list of {@code dtype} elements of {@code elementShape}. */
    public static Output emptyTensorList(Graph g, Output elementShape, Output maxNumElements, DType dtype, String name) {
        return g.opBuilder("EmptyTensorList", name).addInput(elementShape).addInput(maxNumElements)
                .setAttr("element_dtype", dtype).setAttr("shape_type", elementShape.dtype()).build().output(0);
    }

    /** {@code TensorListReserve}: a list of {@code numElements} uninitialized elements. */
    public static Output tensorListReserve(Graph g, Output elementShape, Output numElements, DType dtype, String name) {
        return g.opBuilder("TensorListReserve", name).addInput(elementShape).addInput(numElements)
                .setAttr("element_dtype", dtype).setAttr("shape_type", elementShape.dtype()).build().output(0);
    }

    /** {@code TensorListFromTensor}: the rows of {@code tensor} (along dimension 0) as a list. */
    public static Output tensorListFromTensor(Graph g, Output tensor, Output elementShape, String name) {
        return g.opBuilder("TensorListFromTensor", name).addInput(tensor).addInput(elementShape)
                .setAttr("element_dtype", tensor.dtype()).setAttr("shape_type", elementShape.dtype()).build().output(0);
    }

    /** {@code TensorListStack}: the elements stacked along a new dimension 0. */
    public static Output tensorListStack(Graph g, Output list, Output elementShape, DType dtype, long numElements,
                                         String name) {
        return g.opBuilder("TensorListStack", name).addInput(list).addInput(elementShape).setAttr("element_dtype", dtype)
                .setAttr("num_elements", numElements).build().output(0);
    }

    /** {@code TensorListGetItem}: element {@code index}. */
    public static Output tensorListGetItem(Graph g, Output list, Output index, Output elementShape, DType dtype,
                                           String name) {
        return g.opBuilder("TensorListGetItem", name).addInput(list).addInput(index).addInput(elementShape)
                .setAttr("element_dtype", dtype).setAttr("Tshape", elementShape.dtype()).build().output(0);
    }

    /** {@code TensorListSetItem}: the list with element {@code index} replaced by {@code item}. */
    public static Output tensorListSetItem(Graph g, Output list, Output index, Output item, String name) {
        return g.opBuilder("TensorListSetItem", name).addInput(list).addInput(index).addInput(item)
                .setAttr("element_dtype", item.dtype()).build().output(0);
    }

    /** {@code TensorListPushBack}: the list with {@code tensor} appended. */
    public static Output tensorListPushBack(Graph g, Output list, Output tensor, String name) {
        return g.opBuilder("TensorListPushBack", name).addInput(list).addInput(tensor)
                .setAttr("element_dtype", tensor.dtype()).build().output(0);
    }

    /** {@code TensorListPopBack}: the list without its last element, and that element. */
    public static List<Output> tensorListPopBack(Graph g, Output list, Output elementShape, DType dtype, String name) {
        return g.opBuilder("TensorListPopBack", name).addInput(list).addInput(elementShape)
                .setAttr("element_dtype", dtype).build().outputs();
    }

    /** {@code TensorListLength}: the number of elements (int32). */
    public static Output tensorListLength(Graph g, Output list, String name) {
        return g.opBuilder("TensorListLength", name).addInput(list).build().output(0);
    }

    /** {@code TensorListElementShape}: the list's element shape as a {@code shapeType} tensor. */
    public static Output tensorListElementShape(Graph g, Output list, DType shapeType, String name) {
        return g.opBuilder("TensorListElementShape", name).addInput(list).setAttr("shape_type", shapeType).build()
                .output(0);
    }

    /** {@code TensorListResize}: the list cut or padded with uninitialized elements to {@code size}. */
    public static Output tensorListResize(Graph g, Output list, Output size, String name) {
        return g.opBuilder("TensorListResize", name).addInput(list).addInput(size).build().output(0);
    }

    /** {@code TensorListGather}: the elements at {@code indices}, stacked. */
    public static Output tensorListGather(Graph g, Output list, Output indices, Output elementShape, DType dtype,
                                          String name) {
        return g.opBuilder("TensorListGather", name).addInput(list).addInput(indices).addInput(elementShape)
                .setAttr("element_dtype", dtype).build().output(0);
    }

    /** {@code TensorListScatterV2}: a list of {@code numElements} (-1: as many as the indices need) set at indices. */
    public static Output tensorListScatterV2(Graph g, Output tensor, Output indices, Output elementShape,
                                             Output numElements, String name) {
        return g.opBuilder("TensorListScatterV2", name).addInput(tensor).addInput(indices).addInput(elementShape)
                .addInput(numElements).setAttr("element_dtype", tensor.dtype()).setAttr("shape_type", elementShape.dtype())
                .build().output(0);
    }

    /** {@code TensorListScatterIntoExistingList}: the list with the rows of {@code tensor} set at {@code indices}. */
    public static Output tensorListScatterIntoExistingList(Graph g, Output list, Output tensor, Output indices,
                                                           String name) {
        return g.opBuilder("TensorListScatterIntoExistingList", name).addInput(list).addInput(tensor).addInput(indices)
                .setAttr("element_dtype", tensor.dtype()).build().output(0);
    }

    /** {@code TensorListSplit}: {@code tensor} cut along dimension 0 into elements of {@code lengths} rows. */
    public static Output tensorListSplit(Graph g, Output tensor, Output elementShape, Output lengths, String name) {
        return g.opBuilder("TensorListSplit", name).addInput(tensor).addInput(elementShape).addInput(lengths)
                .setAttr("element_dtype", tensor.dtype()).setAttr("shape_type", elementShape.dtype()).build().output(0);
    }

    /** {@code TensorListConcatV2}: the elements concatenated along dimension 0, and each one's length. */
    public static List<Output> tensorListConcatV2(Graph g, Output list, Output elementShape, Output leadingDims,
                                                  DType dtype, String name) {
        return g.opBuilder("TensorListConcatV2", name).addInput(list).addInput(elementShape).addInput(leadingDims)
                .setAttr("element_dtype", dtype).setAttr("shape_type", elementShape.dtype()).build().outputs();
    }
}
