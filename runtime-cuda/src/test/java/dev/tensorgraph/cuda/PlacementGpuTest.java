package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.onCpu;
import static dev.tensorgraph.cuda.GpuTestSupport.planLine;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.Conv2dOptions;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.train.AdamOptimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Where a GPU session runs things: W4's CNN train step entirely on the GPU with copies only for the feeds
 * and the fetch; a {@code device("/cpu:0")} scope keeping one op on the CPU between a download and an upload;
 * and a {@code tf.cond} on a fed predicate (Switch and Merge on the GPU, the predicate read in host memory).
 */
class PlacementGpuTest {
    private static final Set<String> W4_GPU_OPS = Set.of("Conv2D", "Conv2DBackpropFilter", "MaxPool", "MaxPoolGrad",
            "MatMul", "BiasAdd", "BiasAddGrad", "Relu", "ReluGrad", "SparseSoftmaxCrossEntropyWithLogits", "ApplyAdam",
            "VariableV2");

    @Test
    void w4TrainStepRunsOnTheGpuWithCopiesOnlyForFeedsAndFetches() {
        assumeGpu();
        Graph g = new Graph();
        g.setSeed(1L);
        Tf tf = Tf.of(g);
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(-1, 28, 28, 1), "images");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Output h = tf.layers.conv2d(images, 16, new int[] {3, 3},
                Conv2dOptions.create().padding("valid").activation(tf.nn::relu));
        h = tf.layers.maxPooling2d(h, new int[] {2, 2}, new int[] {2, 2});
        h = tf.layers.flatten(h);
        h = tf.layers.dense(h, 128, DenseOptions.create().activation(tf.nn::relu));
        Output logits = tf.layers.dense(h, 10, DenseOptions.create().name("logits"));
        Output loss = tf.losses.sparseSoftmaxCrossEntropy(labels, logits);
        Operation train = new AdamOptimizer(1e-3).minimize(loss);
        Operation init = tf.globalVariablesInitializer();
        Random r = new Random(3);
        Map<Output, Tensor> batch = feeds(images, uniform(r, 0, 1, 64, 28, 28, 1),
                labels, GpuTestSupport.ints(r, 0, 10, DType.INT32, 64));
        try (Session s = gpuSession(g)) {
            s.run(init);
            for (int i = 0; i < 3; i++) {
                float l = s.run(List.of(loss), batch, List.of(train)).get(0).floatValue();
                assertTrue(Float.isFinite(l), "loss of step " + i + " is " + l);
            }
            List<String> plan = s.describePlan(List.of(loss), Set.of(images, labels), List.of(train));
            String text = String.join("\n", plan);
            List<Operation> mustBeOnGpu = new ArrayList<>();
            for (Operation op : g.operations()) {
                if (W4_GPU_OPS.contains(op.type()) && planLine(plan, op) != null) {
                    mustBeOnGpu.add(op);
                }
            }
            for (String type : W4_GPU_OPS) {
                assertTrue(mustBeOnGpu.stream().anyMatch(op -> op.type().equals(type)), "no " + type + " in the plan:\n" + text);
            }
            GpuTestSupport.assertOnGpu(plan, mustBeOnGpu);
            List<String> copies = plan.stream().filter(l -> l.startsWith("copy ")).toList();
            for (String copy : copies) {
                boolean feedOrFetch = copy.startsWith("copy 'images:0' to ") || copy.startsWith("copy 'labels:0' to ")
                        || copy.startsWith("copy '" + loss.name() + "' from ") || isShapeValueUpload(g, copy);
                assertTrue(feedOrFetch, "a copy step for neither a feed nor the fetch: " + copy + "\n" + text);
            }
            assertEquals(3, copies.stream().filter(c -> !isShapeValueUpload(g, c)).count(),
                    "copies of images, labels and the loss:\n" + text);
        }
    }

    @Test
    void aCpuDeviceScopeKeepsAnOpOnTheCpuBetweenCopies() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4, 5), "x");
        Output e = tf.exp(x, "exp_on_gpu");
        Output onCpu;
        try (var scope = tf.device("/cpu:0")) {
            onCpu = tf.add(e, e, "add_on_cpu");
        }
        Output y = tf.multiply(onCpu, 3.0, "mul_on_gpu");
        Map<Output, Tensor> f = feeds(x, uniform(new Random(5), -1, 1, 4, 5));
        compare(g, f, Tolerance.relative(1e-6, 1e-6), y);
        try (Session s = gpuSession(g)) {
            List<String> plan = s.describePlan(List.of(y), Set.of(x), List.of());
            String text = String.join("\n", plan);
            String add = planLine(plan, onCpu.op());
            assertNotNull(add, text);
            assertTrue(onCpu(add), "the device scope was ignored:\n" + text);
            assertTrue(!onCpu(planLine(plan, e.op())), "exp should run on the GPU:\n" + text);
            assertTrue(plan.stream().anyMatch(l -> l.startsWith("copy '" + e.name() + "' from ")),
                    "no download of exp's output for the CPU op:\n" + text);
            assertTrue(plan.stream().anyMatch(l -> l.startsWith("copy '" + onCpu.name() + "' to ")),
                    "no upload of the CPU op's output for the GPU multiply:\n" + text);
        }
    }

    @Test
    void condOnAFedPredicateRunsSwitchAndMergeOnTheGpu() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3, 4), "x");
        Output pred = tf.placeholder(DType.BOOL, Shape.scalar(), "pred");
        Output y = tf.cond(pred, () -> tf.multiply(x, 2.0), () -> tf.exp(x), "cond");
        Output z = tf.add(y, 1.0, "after_cond");
        Tensor xv = uniform(new Random(6), -1, 1, 3, 4);
        for (boolean p : new boolean[] {true, false, true}) {
            compare(g, feeds(x, xv, pred, Tensor.of(p)), Tolerance.relative(1e-6, 1e-6), z);
        }
        try (Session s = gpuSession(g)) {
            List<String> plan = s.describePlan(List.of(z), Set.of(x, pred), List.of());
            String text = String.join("\n", plan);
            List<Operation> controlFlow = g.operations().stream()
                    .filter(op -> (op.type().equals("Switch") || op.type().equals("Merge")) && planLine(plan, op) != null)
                    .toList();
            assertTrue(controlFlow.stream().anyMatch(op -> op.type().equals("Merge")), "no Merge in the plan:\n" + text);
            GpuTestSupport.assertOnGpu(plan, controlFlow);
            assertTrue(plan.stream().noneMatch(l -> l.startsWith("copy 'pred:0' to ")),
                    "the predicate is host memory and needs no upload:\n" + text);
        }
    }

    /**
     * An upload of a value the host computes from shapes alone (Size/Shape/Rank, e.g. the element count a
     * mean divides by): it changes only with the feeds' shapes, so a recorded run uploads it once.
     */
    private static boolean isShapeValueUpload(Graph g, String copy) {
        if (!copy.startsWith("copy '") || !copy.contains("' to ")) {
            return false;
        }
        String tensor = copy.substring(6, copy.indexOf("' to "));
        Operation producer = g.operation(tensor.substring(0, tensor.lastIndexOf(':')));
        return producer != null && Set.of("Shape", "Size", "Rank").contains(producer.type());
    }
}
