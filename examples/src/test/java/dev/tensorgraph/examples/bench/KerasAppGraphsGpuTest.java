package dev.tensorgraph.examples.bench;

import static dev.tensorgraph.examples.GpuAssumption.assumeGpu;
import static dev.tensorgraph.examples.bench.KerasAppReference.assertWithin;

import dev.tensorgraph.Graph;
import dev.tensorgraph.MixedPrecision;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * W10's and W11's graphs on GPU 0 against TensorFlow's logits for the reference batch (skipped without a GPU):
 * float32 (no TF32) within 2e-4 of the largest logit, as the CPU within 1e-4; bf16 mixed precision (convolutions,
 * products and the layers between them in bfloat16, 8 significant bits, over some 50 layers) within 5%.
 */
class KerasAppGraphsGpuTest {
    private static Tensor logitsOnGpu(KerasAppBench.App app, KerasAppReference ref, SessionOptions options) {
        Graph g = Graph.fromGraphDef(app.graphDef());
        try (Session s = new Session(g, options)) {
            s.run(g.operation(KerasAppBench.INIT));
            return s.runner().feed(g.output("x:0"), ref.input()).fetch(ref.logitsName()).run().get(0);
        }
    }

    @ParameterizedTest
    @EnumSource(KerasAppBench.App.class)
    void float32AndBf16LogitsAreTensorFlows(KerasAppBench.App app) {
        assumeGpu();
        KerasAppReference ref = KerasAppReference.of(app);
        SessionOptions exact = SessionOptions.gpu(0).allowTf32(false);
        assertWithin(ref.logits(), logitsOnGpu(app, ref, exact), 2e-4, app + " float32");
        assertWithin(ref.logits(), logitsOnGpu(app, ref, exact.mixedPrecision(MixedPrecision.BF16)), 0.05,
                app + " bf16");
    }
}
