package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.nn.ConvAttrs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code _FusedDepthwiseConv2dNative} (TensorFlow's op of that name, which the GPU plan makes of a depthwise
 * convolution, its folded batch normalization and activation) on the CPU: the same values as the depthwise
 * convolution, BiasAdd and activation run apart, in both layouts, and a clear error for fused ops it does not take.
 */
class FusedDepthwiseConvTest {
    private static Output fused(Graph g, Output x, Output f, Output b, String format, String... ops) {
        return g.opBuilder("_FusedDepthwiseConv2dNative", "fused").addInput(x).addInput(f).addInputList(List.of(b))
                .setAttr("T", DType.FLOAT32).setAttr("num_args", 1L).setAttr("strides", new long[] {1, 2, 2, 1})
                .setAttr("padding", "SAME").setAttr("data_format", format).setAttr("fused_ops", ops).build()
                .output(0);
    }

    @Test
    void matchesTheDepthwiseConvolutionBiasAddAndActivationRunApart() {
        for (String format : new String[] {"NHWC", "NCHW"}) {
            for (String[] ops : new String[][] {{"BiasAdd"}, {"BiasAdd", "Relu"}, {"BiasAdd", "Relu6"}}) {
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                boolean nchw = "NCHW".equals(format);
                Shape xs = nchw ? Shape.of(2, 6, 9, 8) : Shape.of(2, 9, 8, 6);
                Output x = tf.placeholder(DType.FLOAT32, xs, "x");
                Output f = tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 6, 2), "f");
                Output b = tf.placeholder(DType.FLOAT32, Shape.of(12), "b");
                // strides are given NHWC-ordered above; the NCHW op takes them in its own order
                Output want = tf.nn.biasAdd(tf.nn.depthwiseConv2dNative(x, f, ConvAttrs.create().strides(2)
                        .padding("SAME").dataFormat(format), null), b, format, null);
                want = ops.length == 1 ? want : ops[1].equals("Relu") ? tf.nn.relu(want) : tf.nn.relu6(want);
                Output got = nchw ? fusedNchw(g, x, f, b, ops) : fused(g, x, f, b, format, ops);
                Map<Output, Tensor> feeds = Map.of(x, scaled(NnTestSupport.randomFloats(1, xs.dims()), 4f),
                        f, NnTestSupport.randomFloats(2, 3, 3, 6, 2), b, NnTestSupport.randomFloats(3, 12));
                try (Session s = new Session(g, SessionOptions.cpuOnly())) {
                    List<Tensor> r = s.run(List.of(want, got), feeds);
                    String what = format + " " + String.join("+", ops);
                    assertArrayEquals(r.get(0).floats(), r.get(1).floats(), 1e-5f, what);
                    if (ops.length == 2 && ops[1].equals("Relu6")) {
                        float max = 0;
                        for (float v : r.get(1).floats()) {
                            max = Math.max(max, v);
                        }
                        assertTrue(max == 6f, what + ": some values are capped at 6, got a largest value " + max);
                    }
                }
            }
        }
    }

    @Test
    void fusedOpsItDoesNotTakeAreAnErrorNamingThem() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(1, 5, 5, 2), "x");
        Output f = tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 2, 1), "f");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(2), "b");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> fused(g, x, f, b, "NHWC", "BiasAdd", "Elu"));
        assertTrue(e.getMessage().contains("[BiasAdd, Elu]"), e.getMessage());
    }

    private static Output fusedNchw(Graph g, Output x, Output f, Output b, String[] ops) {
        return g.opBuilder("_FusedDepthwiseConv2dNative", "fused").addInput(x).addInput(f).addInputList(List.of(b))
                .setAttr("T", DType.FLOAT32).setAttr("num_args", 1L).setAttr("strides", new long[] {1, 1, 2, 2})
                .setAttr("padding", "SAME").setAttr("data_format", "NCHW").setAttr("fused_ops", ops).build()
                .output(0);
    }

    private static Tensor scaled(Tensor t, float by) {
        float[] v = t.floats().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= by;
        }
        return Tensor.of(DType.FLOAT32, t.shape(), v);
    }
}
