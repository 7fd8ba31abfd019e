package dev.tensorgraph.ops.list;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import java.util.Arrays;
import java.util.List;

/**
 * Gradients of the TensorList ops as TensorFlow defines them ({@code list_ops.py}): the gradient of a list is
 * a list of the elements' gradients, so each op's dual moves gradients between lists and tensors the other
 * way (stack and from-tensor, get-item and set-item, push-back and pop-back, gather and scatter, split and
 * concat). A list gradient that is missing is an empty list of the forward list's element shape.
 */
final class TensorListGradients {
    private TensorListGradients() {}

    /** The shape of {@code x} without its first dimension (an element's shape), as int32. */
    private static Output rowShape(Graph g, Output x) {
        Output shape = ShapeOps.shape(g, x, DType.INT32, null);
        return SliceOps.slice(g, shape, new int[] {1}, new int[] {-1}, null);
    }

    private static Output elementShapeOf(Graph g, Output list, DType shapeType) {
        return TensorListOps.tensorListElementShape(g, list, shapeType, null);
    }

    /** The list gradient {@code dlist}, or an empty list shaped like {@code forwardList} when there is none. */
    private static Output listOrEmpty(Graph g, Output dlist, Output forwardList, DType dtype) {
        if (dlist != null) {
            return dlist;
        }
        return TensorListOps.emptyTensorList(g, elementShapeOf(g, forwardList, DType.INT32),
                ConstantOps.constant(g, dev.tensorgraph.Tensor.of(-1), null), dtype, null);
    }

    /** A list of unset elements as long as {@code list} and of its element shape. */
    private static Output reservedLike(Graph g, Output list, DType dtype) {
        return TensorListOps.tensorListReserve(g, elementShapeOf(g, list, DType.INT32),
                TensorListOps.tensorListLength(g, list, null), dtype, null);
    }

    static List<Output> fromTensor(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output tensor = op.input(0);
        DType dtype = op.attrType("element_dtype");
        Output dlist = listOrEmpty(g, dy.get(0), op.output(0), dtype);
        long n = tensor.shape().hasKnownRank() && tensor.shape().rank() > 0 ? tensor.shape().size(0) : -1;
        Output grad = TensorListOps.tensorListStack(g, dlist, rowShape(g, tensor), dtype, n, null);
        return Arrays.asList(grad, null);
    }

    static List<Output> stack(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output dtensor = dy.get(0);
        return Arrays.asList(TensorListOps.tensorListFromTensor(g, dtensor, rowShape(g, dtensor), null), null);
    }

    static List<Output> getItem(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output list = op.input(0);
        Output ditem = dy.get(0);
        Output reserved = reservedLike(g, list, ditem.dtype());
        return Arrays.asList(TensorListOps.tensorListSetItem(g, reserved, op.input(1), ditem, null), null, null);
    }

    static List<Output> setItem(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output item = op.input(2);
        Output dlist = listOrEmpty(g, dy.get(0), op.output(0), item.dtype());
        Output listGrad = TensorListOps.tensorListSetItem(g, dlist, op.input(1), ConstantOps.zerosLike(g, item, null),
                null);
        Output itemGrad = TensorListOps.tensorListGetItem(g, dlist, op.input(1), ShapeOps.shape(g, item, DType.INT32, null),
                item.dtype(), null);
        if (op.attrBool("resize_if_index_out_of_bounds")) {
            listGrad = TensorListOps.tensorListResize(g, listGrad, TensorListOps.tensorListLength(g, op.input(0), null),
                    null);
        }
        return Arrays.asList(listGrad, null, itemGrad);
    }

    static List<Output> pushBack(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output tensor = op.input(1);
        Output dlist = listOrEmpty(g, dy.get(0), op.output(0), tensor.dtype());
        List<Output> popped = TensorListOps.tensorListPopBack(g, dlist, ShapeOps.shape(g, tensor, DType.INT32, null),
                tensor.dtype(), null);
        return Arrays.asList(popped.get(0), popped.get(1));
    }

    static List<Output> popBack(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output element = op.output(1);
        Output dlist = listOrEmpty(g, dy.get(0), op.output(0), element.dtype());
        Output delement = dy.get(1) != null ? dy.get(1) : ConstantOps.zerosLike(g, element, null);
        return Arrays.asList(TensorListOps.tensorListPushBack(g, dlist, delement, null), null);
    }

    static List<Output> resize(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output list = op.input(0);
        Output dlist = listOrEmpty(g, dy.get(0), op.output(0), DType.FLOAT32);
        return Arrays.asList(TensorListOps.tensorListResize(g, dlist, TensorListOps.tensorListLength(g, list, null),
                null), null);
    }

    static List<Output> gather(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output list = op.input(0);
        Output dtensor = dy.get(0);
        Output reserved = reservedLike(g, list, dtensor.dtype());
        return Arrays.asList(TensorListOps.tensorListScatterIntoExistingList(g, reserved, dtensor, op.input(1), null),
                null, null);
    }

    /** TensorListScatter and TensorListScatterV2 (whose extra {@code num_elements} input has no gradient). */
    static List<Output> scatter(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output tensor = op.input(0);
        Output dlist = listOrEmpty(g, dy.get(0), op.output(0), tensor.dtype());
        Output dtensor = TensorListOps.tensorListGather(g, dlist, op.input(1), rowShape(g, tensor), tensor.dtype(),
                null);
        Output[] grads = new Output[op.numInputs()];
        grads[0] = dtensor;
        return Arrays.asList(grads);
    }

    static List<Output> scatterIntoExistingList(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output tensor = op.input(1);
        Output dlist = listOrEmpty(g, dy.get(0), op.output(0), tensor.dtype());
        Output dtensor = TensorListOps.tensorListGather(g, dlist, op.input(2), rowShape(g, tensor), tensor.dtype(),
                null);
        Output cleared = TensorListOps.tensorListScatterIntoExistingList(g, dlist, ConstantOps.zerosLike(g, tensor, null),
                op.input(2), null);
        return Arrays.asList(cleared, dtensor, null);
    }

    static List<Output> split(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output tensor = op.input(0);
        Output dlist = listOrEmpty(g, dy.get(0), op.output(0), tensor.dtype());
        Output shape = ConcatOps.concat(g, List.of(ConstantOps.constant(g, new int[] {-1}, null), rowShape(g, tensor)),
                0, null);
        Output grad = TensorListOps.tensorListConcatV2(g, dlist, shape, op.input(2), tensor.dtype(), null).get(0);
        return Arrays.asList(grad, null, null);
    }

    /** TensorListConcat and TensorListConcatV2: the tensor's gradient split back by the forward lengths. */
    static List<Output> concat(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output dtensor = dy.get(0);
        Output grad = TensorListOps.tensorListSplit(g, dtensor, elementShapeOf(g, op.input(0), DType.INT64),
                op.output(1), null);
        Output[] grads = new Output[op.numInputs()];
        grads[0] = grad;
        return Arrays.asList(grads);
    }
}
