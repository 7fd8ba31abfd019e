package dev.tensorgraph.ops.list;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TensorList ops' gradients against finite differences (float64), and their errors. Their forward values
 * and TensorFlow's own list gradients are checked against TensorFlow by the {@code tensor_list_ops} reference
 * case (ControlFlowReferenceTest).
 */
class TensorListOpsTest {
    private static Output shape(Tf t, int... dims) {
        return t.constant(dims);
    }

    private static Output stack(Tf t, Output list, int... dims) {
        return TensorListOps.tensorListStack(t.graph(), list, shape(t, dims), DType.FLOAT64, -1, null);
    }

    @Test
    void fromTensorStackAndItemsDifferentiate() {
        GradientChecker.check((t, in) -> {
            Graph g = t.graph();
            Output list = TensorListOps.tensorListFromTensor(g, t.tanh(in.get(0)), shape(t, 2), null);
            Output set = TensorListOps.tensorListSetItem(g, list, t.constant(1), t.multiply(in.get(1), in.get(1)), null);
            Output item = TensorListOps.tensorListGetItem(g, set, t.constant(2), shape(t, 2), DType.FLOAT64, null);
            return t.add(stack(t, set, 2), t.multiply(item, in.get(1)));
        }, GradientChecker.random(1, -1, 1, 3, 2), GradientChecker.random(2, -1, 1, 2));
    }

    @Test
    void pushBackAndPopBackDifferentiate() {
        GradientChecker.check((t, in) -> {
            Graph g = t.graph();
            Output empty = TensorListOps.emptyTensorList(g, shape(t, 2), t.constant(-1), DType.FLOAT64, null);
            Output pushed = TensorListOps.tensorListPushBack(g,
                    TensorListOps.tensorListPushBack(g, empty, t.tanh(in.get(0)), null), t.multiply(in.get(0), in.get(1)),
                    null);
            List<Output> popped = TensorListOps.tensorListPopBack(g, pushed, shape(t, 2), DType.FLOAT64, null);
            return t.add(t.multiply(popped.get(1), in.get(0)), t.reduceSum(stack(t, popped.get(0), 2), 0));
        }, GradientChecker.random(3, -1, 1, 2), GradientChecker.random(4, -1, 1, 2));
    }

    @Test
    void gatherAndScatterDifferentiate() {
        GradientChecker.check((t, in) -> {
            Graph g = t.graph();
            Output list = TensorListOps.tensorListScatterV2(g, t.tanh(in.get(0)), t.constant(new int[] {3, 0, 1}),
                    shape(t, 2), t.constant(-1), null);
            Output into = TensorListOps.tensorListScatterIntoExistingList(g, list, t.multiply(in.get(1), in.get(1)),
                    t.constant(new int[] {2, 3}), null);
            return TensorListOps.tensorListGather(g, into, t.constant(new int[] {3, 1, 2, 0}), shape(t, 2),
                    DType.FLOAT64, null);
        }, GradientChecker.random(5, -1, 1, 3, 2), GradientChecker.random(6, -1, 1, 2, 2));
    }

    @Test
    void splitConcatAndResizeDifferentiate() {
        GradientChecker.check((t, in) -> {
            Graph g = t.graph();
            Output list = TensorListOps.tensorListSplit(g, in.get(0), shape(t, -1, 2), t.constant(new long[] {1, 3}),
                    null);
            Output resized = TensorListOps.tensorListResize(g, list, t.constant(2), null);
            return t.square(TensorListOps.tensorListConcatV2(g, resized, shape(t, -1, 2),
                    t.constant(new long[0]), DType.FLOAT64, null).get(0));
        }, GradientChecker.random(7, -1, 1, 4, 2));
    }

    @Test
    void unsetElementsReadAsZerosAndBadIndicesFailNamingTheOp() {
        Tf t = Tf.of(new Graph());
        Graph g = t.graph();
        Output reserved = TensorListOps.tensorListReserve(g, shape(t, 2), t.constant(3), DType.FLOAT32, null);
        Output set = TensorListOps.tensorListSetItem(g, reserved, t.constant(1), t.constant(new float[] {4, 5}), null);
        Output stacked = TensorListOps.tensorListStack(g, set, shape(t, 2), DType.FLOAT32, 3, null);
        Output bad = TensorListOps.tensorListGetItem(g, set, t.constant(3), shape(t, 2), DType.FLOAT32, "bad_read");
        Output length = TensorListOps.tensorListLength(g, set, null);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertArrayEquals(new float[] {0, 0, 4, 5, 0, 0}, s.run(stacked).floats());
            assertEquals(3, s.run(length).ints()[0]);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.run(bad));
            assertTrue(e.getMessage().contains("bad_read") && e.getMessage().contains("out of range"), e.getMessage());
        }
    }

    @Test
    void aListInputThatIsNotAListIsRefusedWhileBuilding() {
        Tf t = Tf.of(new Graph());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> TensorListOps.tensorListLength(t.graph(), t.constant(1f), "len"));
        assertTrue(e.getMessage().contains("TensorListLength"), e.getMessage());
    }
}
