package dev.tensorgraph.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.cuda.passes.FoldIntoConvPass;
import dev.tensorgraph.rewrite.PlanRewriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the GPU's {@link FoldIntoConvPass} makes of W10's and W11's graphs (a rewrite, no GPU needed): every
 * convolution, depthwise ones included, with its bias, batch normalization and activation folded and fused, so no
 * activation-sized BiasAdd, Mul, Add or Relu is left but the residual blocks' shortcut additions (of sizes unknown
 * until run time, so not fused) with ResNet's Relu after. KerasAppGraphsGpuTest checks the rewritten graphs' logits
 * against TensorFlow's on the GPU.
 */
class KerasAppGraphsFoldTest {
    @ParameterizedTest
    @EnumSource(KerasAppBench.App.class)
    void everyConvolutionIsFoldedAndFused(KerasAppBench.App app) {
        Graph g = Graph.fromGraphDef(app.graphDef());
        Output x = g.output("x:0");
        // The bench's fetch: the graph's output Identity, which waits for a NoOp (no outputs) as a control input.
        Output logits = g.output(KerasAppBench.OUTPUT);
        PlanRewriter.Rewritten r = PlanRewriter.rewrite(List.of(x), List.of(logits), List.of(), needed(logits, x),
                List.of(new FoldIntoConvPass()), op -> PlanRewriter.Rewritable.PLAIN);
        assertNotNull(r, app + ": nothing was rewritten");
        Map<String, Integer> before = activationSizedOps(g);
        Map<String, Integer> after = activationSizedOps(r.fetches().get(0).graph());
        String what = app + ": activation-sized ops before " + before + ", after " + after;
        int convs = before.getOrDefault("Conv2D", 0);
        int depthwise = before.getOrDefault("DepthwiseConv2dNative", 0);
        assertEquals(convs, after.getOrDefault("_FusedConv2D", 0), what);
        assertEquals(depthwise, after.getOrDefault("_FusedDepthwiseConv2dNative", 0), what);
        for (String type : List.of("DepthwiseConv2dNative", "BiasAdd", "Relu6")) {
            assertEquals(0, after.getOrDefault(type, 0), type + " left; " + what);
        }
        // The residual blocks' shortcut additions stay (their sizes are unknown until run time), each with the
        // Relu after it in ResNet50.
        int shortcuts = app == KerasAppBench.App.RESNET50 ? 16 : 10;
        assertEquals(shortcuts, after.getOrDefault("AddV2", 0), what);
        assertEquals(app == KerasAppBench.App.RESNET50 ? shortcuts : 0, after.getOrDefault("Relu", 0), what);
        for (String type : List.of("Conv2D", "Mul", "Add", "Sub")) {
            assertEquals(0, after.getOrDefault(type, 0), type + " left; " + what);
        }
    }

    /** The ops the logits need, the fed input excepted. */
    private static List<Operation> needed(Output logits, Output x) {
        Set<Operation> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Operation> work = new ArrayDeque<>(List.of(logits.op()));
        while (!work.isEmpty()) {
            Operation op = work.poll();
            if (op != x.op() && seen.add(op)) {
                op.inputs().forEach(in -> work.add(in.op()));
                work.addAll(op.controlInputs());
            }
        }
        return new ArrayList<>(seen);
    }

    /** Counts by type of the ops whose output is 4-D with an unknown batch size (the activations). */
    private static Map<String, Integer> activationSizedOps(Graph g) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Operation op : g.operations()) {
            if (op.numOutputs() > 0 && op.output(0).shape().hasKnownRank() && op.output(0).shape().rank() == 4
                    && op.output(0).shape().size(0) < 0) {
                counts.merge(op.type(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
