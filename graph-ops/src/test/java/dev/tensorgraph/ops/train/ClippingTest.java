package dev.tensorgraph.ops.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClippingTest {
    /** t0 = [3, 4], t1 = [[0, 12]]: global norm sqrt(9 + 16 + 144) = 13. */
    @Test
    void clipsByTheGlobalNorm() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output t0 = tf.constant(new float[]{3, 4});
        Output t1 = tf.constant(new float[][]{{0, 12}});
        Clipping.Clipped small = Clipping.clipByGlobalNorm(tf.graph(), List.of(t0, t1), 6.5);
        Clipping.Clipped large = Clipping.clipByGlobalNorm(tf.graph(), List.of(t0, t1), 20);
        assertEquals("clip_by_global_norm/global_norm", small.globalNorm().op().name());
        assertEquals("clip_by_global_norm/clip_by_global_norm/_0", small.list().get(0).op().name());
        assertEquals("clip_by_global_norm/clip_by_global_norm/_1", small.list().get(1).op().name());
        assertEquals("clip_by_global_norm_1/clip_by_global_norm_1/_0", large.list().get(0).op().name());
        assertEquals(Shape.of(1, 2), small.list().get(1).shape());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(13f, s.run(small.globalNorm()).floatValue(), 1e-5f);
            assertArrayEquals(new float[]{1.5f, 2f}, s.run(small.list().get(0)).floats(), 1e-6f);
            assertArrayEquals(new float[]{0f, 6f}, s.run(small.list().get(1)).floats(), 1e-6f);
            assertArrayEquals(new float[]{3f, 4f}, s.run(large.list().get(0)).floats(), 1e-6f);
            assertArrayEquals(new float[]{0f, 12f}, s.run(large.list().get(1)).floats(), 1e-6f);
        }
    }

    @Test
    void nullEntriesStayNullAndNonFiniteNormGivesNaN() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(2), "x");
        Clipping.Clipped c = Clipping.clipByGlobalNorm(tf.graph(), Arrays.asList(x, null), 1.0);
        assertNull(c.list().get(1));
        assertEquals(DType.FLOAT64, c.globalNorm().dtype());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            double[] clipped = s.run(c.list().get(0), Map.of(x, Tensor.of(new double[]{6, 8}))).doubles();
            assertArrayEquals(new double[]{0.6, 0.8}, clipped, 1e-12);
            double[] inf = s.run(c.list().get(0), Map.of(x, Tensor.of(new double[]{Double.POSITIVE_INFINITY, 1})))
                    .doubles();
            assertTrue(Double.isNaN(inf[0]) && Double.isNaN(inf[1]));
        }
    }

    @Test
    void globalNorm() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output n = Clipping.globalNorm(tf.graph(), List.of(tf.constant(new float[]{1, 2}), tf.constant(new float[]{2})));
        assertEquals("global_norm/global_norm", n.op().name());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(3f, s.run(n).floatValue(), 1e-6f);
        }
    }
}
