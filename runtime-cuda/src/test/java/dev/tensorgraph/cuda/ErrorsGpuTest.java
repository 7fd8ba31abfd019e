package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.cpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Errors in a GPU session read as they do on the CPU: a fed value of the wrong shape or dtype names the
 * placeholder; an op whose fed operands do not fit fails with the CPU's exception type and names the op;
 * an absent GPU index is a FailedPreconditionException that says so; and the session keeps working after
 * each failure.
 */
class ErrorsGpuTest {
    private final Random random = new Random(11);

    @Test
    void feedingAWrongShapeOrDtypeNamesThePlaceholder() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "images_in");
        Output y = tf.reduceSum(tf.exp(x), "total");
        try (Session s = gpuSession(g)) {
            var e = assertThrows(InvalidArgumentException.class, () -> s.run(y, feeds(x, uniform(random, -1, 1, 2, 4))));
            assertTrue(e.getMessage().contains("images_in"), e.getMessage());
            var d = assertThrows(InvalidArgumentException.class,
                    () -> s.run(y, feeds(x, GpuTestSupport.ints(random, 0, 3, DType.INT32, 2, 3))));
            assertTrue(d.getMessage().contains("images_in"), d.getMessage());
            Map<Output, Tensor> good = feeds(x, uniform(random, -1, 1, 2, 3));
            float gpu = s.run(y, good).floatValue();
            try (Session cpu = cpuSession(g)) {
                float want = cpu.run(y, good).floatValue();
                assertEquals(want, gpu, 1e-5 * Math.abs(want), "a good feed after the failures");
            }
        }
    }

    @Test
    void operandsThatDoNotFitFailTheOpAsOnTheCpu() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, Shape.unknown(), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.unknown(), "b");
        Output product = tf.matmul(tf.reshape(a, new int[] {2, -1}), tf.reshape(b, new int[] {-1, 5}), false, false,
                "misfit_matmul");
        Output sum = tf.add(a, b, "misfit_add");
        Map<Output, Tensor> misfit = feeds(a, uniform(random, -1, 1, 2, 3), b, uniform(random, -1, 1, 4, 5));
        for (Output bad : new Output[] {product, sum}) {
            TensorgraphException onCpu;
            try (Session cpu = cpuSession(g)) {
                onCpu = assertThrows(TensorgraphException.class, () -> cpu.run(bad, misfit));
            }
            try (Session s = gpuSession(g)) {
                TensorgraphException onGpu = assertThrows(TensorgraphException.class, () -> s.run(bad, misfit));
                assertEquals(onCpu.getClass(), onGpu.getClass(), "exception type on GPU vs CPU: " + onGpu.getMessage());
                assertTrue(onGpu.getMessage().contains(bad.op().name()), "the error names the op: " + onGpu.getMessage());
                Map<Output, Tensor> fit = feeds(a, uniform(random, -1, 1, 2, 5), b, uniform(random, -1, 1, 2, 5));
                GpuTestSupport.Results r = GpuTestSupport.runBoth(g, fit, List.of(sum));
                GpuTestSupport.assertClose("a fitting run after the failure", r.cpu().get(0), s.run(sum, fit),
                        GpuTestSupport.Tolerance.exact(), null);
            }
        }
    }

    @Test
    void anAbsentGpuIndexIsAFailedPreconditionThatSaysSo() {
        assumeGpu();
        Graph g = new Graph();
        var e = assertThrows(FailedPreconditionException.class, () -> new Session(g, SessionOptions.gpu(4096)));
        assertTrue(e.getMessage().contains("GPU 4096"), e.getMessage());
    }
}
