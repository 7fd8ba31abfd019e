package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assertClose;
import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.cpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.AdamOptimizer;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import dev.tensorgraph.ops.train.MomentumOptimizer;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Optimizers on the GPU against the CPU: the same small CNN, the same initial weights and batches, N train
 * steps in a GPU and a CPU session side by side, every variable (optimizer slots included) and the loss
 * compared after each step; and the variable ops Assign, AssignAdd and AssignSub. Tolerances: gradient descent
 * and momentum 1e-4 relative + 1e-5 absolute (errors of the forward and backward pass carried along for a few
 * steps); Adam 1e-3 relative + 1e-4 absolute, since it divides by the root of the squared gradient and so
 * magnifies the rounding of small gradients; the update ops on their own 1e-6 relative + 1e-7 absolute.
 */
class TrainingGpuTest {
    private static final int STEPS = 8;
    private static final int BATCH = 16;

    @Test
    void gradientDescentMatchesTheCpuStepByStep() {
        assumeGpu();
        trainSideBySide(tf -> new GradientDescentOptimizer(0.1), "ApplyGradientDescent", Tolerance.relative(1e-4, 1e-5));
    }

    @Test
    void momentumMatchesTheCpuStepByStep() {
        assumeGpu();
        trainSideBySide(tf -> new MomentumOptimizer(0.05, 0.9), "ApplyMomentum", Tolerance.relative(1e-4, 1e-5));
        trainSideBySide(tf -> new MomentumOptimizer(0.05, 0.9, true), "ApplyMomentum", Tolerance.relative(1e-4, 1e-5));
    }

    @Test
    void adamMatchesTheCpuStepByStep() {
        assumeGpu();
        trainSideBySide(tf -> new AdamOptimizer(1e-3), "ApplyAdam", Tolerance.relative(1e-3, 1e-4));
    }

    private void trainSideBySide(Function<Tf, Optimizer> optimizer, String applyOp, Tolerance tol) {
        SmallCnn m = SmallCnn.build(99, optimizer);
        List<Variable> vars = m.variables();
        try (Session cpu = cpuSession(m.graph); Session gpu = gpuSession(m.graph)) {
            cpu.run(m.init);
            gpu.run(m.init);
            for (Variable v : vars) {
                assertClose("initial value of '" + v.opName() + "'", cpu.variableValue(v), gpu.variableValue(v),
                        Tolerance.exact(), null);
            }
            for (int step = 0; step < STEPS; step++) {
                Map<Output, Tensor> batch = m.batch(1000 + step, BATCH);
                float cpuLoss = m.step(cpu, batch);
                float gpuLoss = m.step(gpu, batch);
                assertClose("loss at step " + step + " (" + applyOp + ")", Tensor.of(cpuLoss), Tensor.of(gpuLoss), tol, null);
                for (Variable v : vars) {
                    assertClose("'" + v.opName() + "' after step " + step + " (" + applyOp + ")", cpu.variableValue(v),
                            gpu.variableValue(v), tol, null);
                }
            }
            List<String> plan = gpu.describePlan(List.of(m.loss), Set.of(m.images, m.labels), List.of(m.train));
            List<Operation> updates = new ArrayList<>();
            for (Operation op : m.graph.operations()) {
                if (op.type().equals(applyOp)) {
                    updates.add(op);
                }
            }
            if (updates.isEmpty()) {
                throw new AssertionError("the train step has no " + applyOp + " op");
            }
            GpuTestSupport.assertOnGpu(plan, updates);
        }
    }

    @Test
    void applyOpsOnTheirOwn() {
        assumeGpu();
        Random random = new Random(8);
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Tensor start = uniform(random, -1, 1, 6, 5);
        Variable w = tf.variable(tf.constant(start), "w");
        Variable accum = tf.variable(tf.constant(uniform(random, 0, 1, 6, 5)), "accum");
        Variable m = tf.variable(tf.constant(uniform(random, -0.1, 0.1, 6, 5)), "m");
        Variable v = tf.variable(tf.constant(uniform(random, 0, 0.1, 6, 5)), "v");
        Output grad = tf.placeholder(DType.FLOAT32, Shape.of(6, 5), "grad");
        Output lr = tf.constant(0.01f);
        Output gd = tf.graph().opBuilder("ApplyGradientDescent", "apply_gd").addInput(w).addInput(lr).addInput(grad)
                .setAttr("use_locking", false).build().output(0);
        Output mom = tf.graph().opBuilder("ApplyMomentum", "apply_momentum").addInput(w).addInput(accum).addInput(lr).addInput(grad)
                .addInput(tf.constant(0.9f)).setAttr("use_locking", false).setAttr("use_nesterov", false).build().output(0);
        Output adam = tf.graph().opBuilder("ApplyAdam", "apply_adam").addInput(w).addInput(m).addInput(v).addInput(tf.constant(0.9f))
                .addInput(tf.constant(0.999f)).addInput(lr).addInput(tf.constant(0.9f)).addInput(tf.constant(0.999f))
                .addInput(tf.constant(1e-7f)).addInput(grad).setAttr("use_locking", false).setAttr("use_nesterov", false)
                .build().output(0);
        Output assign = w.assign(tf.multiply(grad, 2.0));
        Output assignAdd = w.assignAdd(grad);
        Output assignSub = w.assignSub(grad);
        Operation init = tf.globalVariablesInitializer();
        Tolerance tol = Tolerance.relative(1e-6, 1e-7);
        for (Output update : List.of(gd, mom, adam, assign, assignAdd, assignSub)) {
            // Each update runs three times from the same start, so slots carry state between runs.
            compare(g, s -> {
                s.run(init);
                s.run(List.of(update), feeds(grad, uniform(new Random(1), -1, 1, 6, 5)));
                s.run(List.of(update), feeds(grad, uniform(new Random(2), -1, 1, 6, 5)));
            }, feeds(grad, uniform(new Random(3), -1, 1, 6, 5)), tol, update);
        }
    }
}
