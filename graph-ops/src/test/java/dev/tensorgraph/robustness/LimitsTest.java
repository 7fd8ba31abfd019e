package dev.tensorgraph.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.TensorProto;
import dev.tensorgraph.proto.TensorShapeProto;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Absurd sizes and malformed inputs end in a typed error (InvalidArgument or ResourceExhausted), never in an
 * OutOfMemoryError or a JDK exception: tensors built from Java, feeds, kernel allocations, GraphDef constants.
 */
class LimitsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    private static <T extends TensorgraphException> T assertTyped(Class<T> type, Executable e) {
        Throwable t = assertThrows(Throwable.class, e);
        assertTrue(type.isInstance(t), "expected " + type.getSimpleName() + " but got " + t);
        return type.cast(t);
    }

    @Test
    void absurdShapesInTensorOfAreRejectedBeforeAllocating() {
        assertTyped(InvalidArgumentException.class, () -> Tensor.of(DType.FLOAT32, Shape.of(1L << 40), new float[4]));
        assertTyped(InvalidArgumentException.class,
                () -> Tensor.of(DType.FLOAT32, Shape.of(1L << 40, 1L << 40), new float[1]));
        assertTyped(InvalidArgumentException.class,
                () -> Tensor.of(DType.FLOAT64, Shape.of(Long.MAX_VALUE, 2), new double[2]));
        assertTyped(InvalidArgumentException.class, () -> Tensor.of(DType.FLOAT32, Shape.of(-1, 2), new float[2]));
        assertTyped(InvalidArgumentException.class, () -> Tensor.of(DType.FLOAT32, Shape.unknown(), new float[2]));
        assertTyped(InvalidArgumentException.class, () -> Shape.of(3, -7));
        assertTyped(InvalidArgumentException.class, () -> Tensor.of(DType.FLOAT32, Shape.of(2), new int[2]));
        assertTyped(InvalidArgumentException.class, () -> Tensor.of(DType.INT64, Shape.of(2), null));
        assertTyped(InvalidArgumentException.class, () -> Tensor.zeros(DType.FLOAT32, Shape.of(1L << 40)));
        assertTyped(InvalidArgumentException.class, () -> Tensor.zeros(DType.INT32, Shape.of(1L << 32, 1L << 32)));
        assertTyped(InvalidArgumentException.class, () -> Tensor.of(new float[][] {{1, 2}, {3}}));
        assertTyped(InvalidArgumentException.class, () -> Tensor.of("not an array"));
        // The limits leave ordinary tensors alone, including empty ones.
        assertEquals(Shape.of(0, 1L << 40), Tensor.of(DType.FLOAT32, Shape.of(0, 1L << 40), new float[0]).shape());
        assertArrayEquals(new float[6], Tensor.zeros(DType.FLOAT32, Shape.of(2, 3)).floats());
    }

    @Test
    void kernelAllocationsBeyondAJavaArrayAreResourceExhausted() {
        Output dims = tf.placeholder(DType.INT64, Shape.of(-1), "dims");
        Output filled = tf.fill(dims, tf.constant(Tensor.of(1f)));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            ResourceExhaustedException e = assertTyped(ResourceExhaustedException.class, () -> s.run(filled,
                    Map.of(dims, Tensor.of(DType.INT64, Shape.of(2), new long[] {100_000, 100_000}))));
            assertTrue(e.getMessage().contains("Fill"), e.getMessage());
            assertTyped(InvalidArgumentException.class, () -> s.run(filled,
                    Map.of(dims, Tensor.of(DType.INT64, Shape.of(2), new long[] {1L << 40, 1L << 40}))));
            assertTyped(InvalidArgumentException.class, () -> s.run(filled,
                    Map.of(dims, Tensor.of(DType.INT64, Shape.of(2), new long[] {-1, 3}))));
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1},
                    s.run(filled, Map.of(dims, Tensor.of(DType.INT64, Shape.of(2), new long[] {2, 3}))).floats());
        }
    }

    @Test
    void feedsAreValidatedAgainstThePlaceholder() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "images");
        Output y = tf.reduceSum(x);
        Graph other = new Graph();
        Output foreign = Tf.of(other).placeholder(DType.FLOAT32, Shape.of(-1, 3), "images");
        try (Session s = new Session(g)) {
            String dtype = assertTyped(InvalidArgumentException.class,
                    () -> s.run(y, Map.of(x, Tensor.of(DType.FLOAT64, Shape.of(1, 3), new double[3])))).getMessage();
            assertTrue(dtype.contains("images:0"), dtype);
            String shape = assertTyped(InvalidArgumentException.class,
                    () -> s.run(y, Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(2, 4), new float[8])))).getMessage();
            assertTrue(shape.contains("images:0") && shape.contains(Shape.of(2, 4).toString()), shape);
            assertTyped(InvalidArgumentException.class,
                    () -> s.run(y, Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(3), new float[3]))));
            assertTyped(InvalidArgumentException.class,
                    () -> s.run(y, Map.of(foreign, Tensor.of(DType.FLOAT32, Shape.of(1, 3), new float[3]))));
            Map<Output, Tensor> nullValue = new HashMap<>();
            nullValue.put(x, null);
            assertTyped(InvalidArgumentException.class, () -> s.run(y, nullValue));
            assertTyped(InvalidArgumentException.class, () -> s.runner().feed((Output) null, Tensor.of(1f)));
            String unfed = assertTyped(InvalidArgumentException.class, () -> s.run(y)).getMessage();
            assertTrue(unfed.contains("images"), unfed);
            assertEquals(6f, s.run(y, Map.of(x, Tensor.of(new float[][] {{1, 2, 3}}))).floatValue());
        }
    }

    @Test
    void graphDefConstantsCannotDemandHugeTensors() {
        TensorShapeProto.Builder huge = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dim.newBuilder().setSize(1L << 30))
                .addDim(TensorShapeProto.Dim.newBuilder().setSize(1L << 30));
        TensorShapeProto.Builder big = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dim.newBuilder().setSize(1L << 30));
        Map<TensorProto, Class<? extends TensorgraphException>> cases = Map.of(
                TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(huge).addFloatVal(1f).build(),
                InvalidArgumentException.class,
                // One value repeated over 2^30 elements: an expansion beyond the limit.
                TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(big).addFloatVal(1f).build(),
                ResourceExhaustedException.class,
                TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(big)
                        .setTensorContent(ByteString.copyFrom(new byte[16])).build(),
                InvalidArgumentException.class);
        for (Map.Entry<TensorProto, Class<? extends TensorgraphException>> c : cases.entrySet()) {
            NodeDef node = NodeDef.newBuilder().setName("bomb").setOp("Const")
                    .putAttr("value", AttrValue.newBuilder().setTensor(c.getKey()).build())
                    .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build()).build();
            byte[] pb = GraphDef.newBuilder().addNode(node).build().toByteArray();
            assertTrue(pb.length < 100);
            String m = assertTyped(c.getValue(), () -> Graph.fromGraphDef(pb)).getMessage();
            assertTrue(m.contains("bomb"), m);
        }
    }
}
