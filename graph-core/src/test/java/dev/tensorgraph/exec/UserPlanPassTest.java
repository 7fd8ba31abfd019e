package dev.tensorgraph.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.rewrite.PlanPass;
import dev.tensorgraph.rewrite.RewriteGraph;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A plan pass registered by user code through the public API the runtimes use: it merges two scalings of its
 * own ops into one. The planner runs it on plans of plain dataflow only, leaves the user's graph alone, keeps
 * fetched and fed values, and runs the graph as written with {@code fuseOps(false)} or when a pass fails.
 */
class UserPlanPassTest {
    private static final String INPUT = "UserPlanPassTestInput";
    private static final String SCALE = "UserPlanPassTestScale";
    private static final String NOISE = "UserPlanPassTestNoise";
    private static final String BROKEN = "UserPlanPassTestBroken";
    private static final AtomicInteger SCALE_RUNS = new AtomicInteger();

    static {
        OpRegistry ops = OpRegistry.global();
        ops.register(OpDef.builder(INPUT).attr("shape", AttrType.SHAPE)
                .shape(c -> c.setOutput(0, DType.FLOAT32, c.attrShape("shape"))).notDifferentiable().build());
        ops.register(OpDef.builder(SCALE).input("x").attr("factor", AttrType.FLOAT)
                .shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0))).notDifferentiable().build());
        ops.register(OpDef.builder(BROKEN).input("x")
                .shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0))).notDifferentiable().build());
        ops.register(OpDef.builder(NOISE).input("x").shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0)))
                .stateful().notDifferentiable().build());
        KernelRegistry kernels = KernelRegistry.global();
        kernels.register(KernelRegistry.CPU, INPUT, op -> ctx -> {
            throw new IllegalStateException("feed it");
        });
        kernels.register(KernelRegistry.CPU, SCALE, op -> {
            float factor = op.attrFloat("factor");
            return ctx -> {
                SCALE_RUNS.incrementAndGet();
                float[] x = (float[]) ctx.input(0).array();
                Tensor out = ctx.allocate(DType.FLOAT32, ctx.input(0).shape());
                float[] y = (float[]) out.array();
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] * factor;
                }
                ctx.setOutput(0, out);
            };
        });
        kernels.register(KernelRegistry.CPU, BROKEN, op -> ctx -> ctx.setOutput(0, ctx.input(0)));
        kernels.register(KernelRegistry.CPU, NOISE, op -> ctx -> ctx.setOutput(0, ctx.input(0)));
        kernels.registerPlanPass(KernelRegistry.CPU, new MergeScales());
        kernels.registerPlanPass(KernelRegistry.CPU, new FailOnBroken());
    }

    /** {@code Scale(Scale(x, a), b)} to {@code Scale(x, a * b)} where the inner value has no other use. */
    private static final class MergeScales implements PlanPass {
        @Override
        public String name() {
            return "user-merge-scales";
        }

        @Override
        public boolean apply(RewriteGraph g) {
            boolean changed = false;
            for (RewriteGraph.Node outer : List.copyOf(g.nodes())) {
                RewriteGraph.Value in = outer.numInputs() == 1 ? outer.input(0) : null;
                if (!outer.type().equals(SCALE) || !in.node().type().equals(SCALE) || !g.hasSingleUse(in)
                        || !g.contains(outer)) {
                    continue;
                }
                float factor = (Float) outer.attr("factor") * (Float) in.node().attr("factor");
                RewriteGraph.Node merged = g.add(SCALE, outer.name(), Map.of("factor", factor),
                        List.of(in.node().input(0)), new DType[] {DType.FLOAT32}, new Shape[] {outer.output(0).shape()});
                g.replaceUses(outer.output(0), merged.output(0));
                changed = true;
            }
            g.removeUnused();
            return changed;
        }
    }

    /** A pass with a bug: fails on graphs holding a Broken op. */
    private static final class FailOnBroken implements PlanPass {
        @Override
        public String name() {
            return "user-fail-on-broken";
        }

        @Override
        public boolean apply(RewriteGraph g) {
            for (RewriteGraph.Node n : g.nodes()) {
                if (n.type().equals(BROKEN)) {
                    throw new IllegalStateException("bug in a pass");
                }
            }
            return false;
        }
    }

    private static Output input(Graph g) {
        return g.opBuilder(INPUT, "x").setAttr("shape", Shape.of(3)).build().output(0);
    }

    private static Output scale(Graph g, Output x, float factor, String name) {
        return g.opBuilder(SCALE, name).addInput(x).setAttr("factor", factor).build().output(0);
    }

    private static float[] run(Session s, Output y, Output x) {
        return s.run(y, Map.of(x, Tensor.of(new float[] {1, 2, 3}))).floats();
    }

    @Test
    void passMergesScalesAndKeepsTheUsersGraph() {
        Graph g = new Graph();
        Output x = input(g);
        Output y = scale(g, scale(g, x, 2f, "a"), 3f, "b");
        int opsBefore = g.numOperations();
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            SCALE_RUNS.set(0);
            assertArrayEquals(new float[] {6, 12, 18}, run(s, y, x));
            assertEquals(1, SCALE_RUNS.get(), "one merged step");
            List<String> plan = s.describePlan(List.of(y), Set.of(x), List.of());
            assertTrue(plan.contains("b (" + SCALE + ") @ CPU"), plan.toString());
            assertFalse(plan.stream().anyMatch(l -> l.startsWith("a ")), plan.toString());
        }
        assertEquals(opsBefore, g.numOperations());
        try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(false))) {
            SCALE_RUNS.set(0);
            assertArrayEquals(new float[] {6, 12, 18}, run(s, y, x));
            assertEquals(2, SCALE_RUNS.get(), "the graph as written");
        }
    }

    @Test
    void fetchedAndFedValuesAreKept() {
        Graph g = new Graph();
        Output x = input(g);
        Output a = scale(g, x, 2f, "a");
        Output y = scale(g, a, 3f, "b");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            List<Tensor> both = s.run(List.of(y, a), Map.of(x, Tensor.of(new float[] {1, 2, 3})));
            assertArrayEquals(new float[] {6, 12, 18}, both.get(0).floats());
            assertArrayEquals(new float[] {2, 4, 6}, both.get(1).floats());
            assertArrayEquals(new float[] {3, 3, 3}, s.run(y, Map.of(a, Tensor.of(new float[] {1, 1, 1}))).floats());
        }
    }

    @Test
    void statefulOpsAndFailingPassesLeaveTheGraphAsWritten() {
        Graph g = new Graph();
        Output x = input(g);
        Output noisy = g.opBuilder(NOISE, "noise").addInput(x).build().output(0);
        Output y = scale(g, scale(g, noisy, 2f, "a"), 3f, "b");
        Output broken = g.opBuilder(BROKEN, "broken").addInput(scale(g, scale(g, x, 2f, "c"), 3f, "d")).build().output(0);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            for (Output out : List.of(y, broken)) {
                SCALE_RUNS.set(0);
                assertArrayEquals(new float[] {6, 12, 18}, run(s, out, x));
                assertEquals(2, SCALE_RUNS.get(), out.name());
            }
        }
    }

    @Test
    void passNamesAreUniquePerDevice() {
        assertThrows(AlreadyExistsException.class,
                () -> KernelRegistry.global().registerPlanPass(KernelRegistry.CPU, new MergeScales()));
    }
}
