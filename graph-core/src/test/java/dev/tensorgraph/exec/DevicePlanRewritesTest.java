package dev.tensorgraph.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.rewrite.PlanPass;
import dev.tensorgraph.rewrite.PlanRewriter;
import dev.tensorgraph.rewrite.RewriteGraph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which plans the planner rewrites with a device's passes ({@link PlanRewrites}): a device plan may read a
 * variable (its value is found by the variable op's name, which the rewritten plan keeps), a CPU plan may not,
 * and a plan with a stateful op that is not a variable is never rewritten.
 */
class DevicePlanRewritesTest {
    private static final String DEVICE = "DevicePlanRewritesTestDevice";
    private static final String VARIABLE = "DevicePlanRewritesTestVariable";
    private static final String DOUBLE = "DevicePlanRewritesTestDouble";
    private static final String STATEFUL = "DevicePlanRewritesTestStateful";

    static {
        OpRegistry ops = OpRegistry.global();
        ops.register(OpDef.builder(VARIABLE).attr("shape", AttrType.SHAPE).stateful()
                .shape(c -> c.setOutput(0, DType.FLOAT32, c.attrShape("shape"))).notDifferentiable().build());
        ops.register(OpDef.builder(DOUBLE).input("x")
                .shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0))).notDifferentiable().build());
        ops.register(OpDef.builder(STATEFUL).input("x").stateful()
                .shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0))).notDifferentiable().build());
        KernelRegistry kernels = KernelRegistry.global();
        kernels.register(KernelRegistry.CPU, VARIABLE, KernelFactory.withRole(op -> ctx -> {
            throw new IllegalStateException("not run");
        }, KernelFactory.Role.VARIABLE));
        kernels.register(KernelRegistry.CPU, DOUBLE, op -> ctx -> ctx.setOutput(0, ctx.input(0)));
        kernels.register(KernelRegistry.CPU, STATEFUL, op -> ctx -> ctx.setOutput(0, ctx.input(0)));
        kernels.registerPlanPass(DEVICE, new DoubleTwice());
    }

    /** Renames the second of two chained Double ops, so that a rewrite shows. */
    private static final class DoubleTwice implements PlanPass {
        @Override
        public String name() {
            return "device-double-twice";
        }

        @Override
        public boolean apply(RewriteGraph g) {
            for (RewriteGraph.Node n : g.nodes()) {
                if (n.type().equals(DOUBLE) && n.input(0).node().type().equals(DOUBLE) && !n.name().endsWith("/twice")) {
                    RewriteGraph.Node twice = g.add(DOUBLE, n.name() + "/twice", Map.of(), List.of(n.input(0)),
                            new DType[] {DType.FLOAT32}, new Shape[] {n.output(0).shape()});
                    g.replaceUses(n.output(0), twice.output(0));
                    g.removeUnused();
                    return true;
                }
            }
            return false;
        }
    }

    private static Output op(Graph g, String type, String name, Output in) {
        var b = g.opBuilder(type, name);
        if (in == null) {
            b.setAttr("shape", Shape.of(2));
        } else {
            b.addInput(in);
        }
        return b.build().output(0);
    }

    @Test
    void devicePlansMayReadVariablesCpuPlansMayNot() {
        Graph g = new Graph();
        Output v = op(g, VARIABLE, "weights", null);
        Output y = op(g, DOUBLE, "second", op(g, DOUBLE, "first", v));
        List<Operation> needed = List.of(v.op(), y.op().input(0).op(), y.op());
        PlanRewriter.Rewritten device = PlanRewrites.apply(List.of(), List.of(y), List.of(), needed, DEVICE);
        assertNotNull(device, "a device plan reading a variable is rewritten");
        assertEquals(List.of("device-double-twice"), device.passes());
        Operation variable = device.fetches().get(0).op().input(0).op().input(0).op();
        assertEquals("weights", variable.name(), "the variable keeps its name, by which the session finds its value");
        assertEquals(VARIABLE, variable.type());
        assertNull(PlanRewrites.apply(List.of(), List.of(y), List.of(), needed, KernelRegistry.CPU),
                "CPU plans with variables run as written");
    }

    @Test
    void aStatefulOpThatIsNoVariableKeepsTheDevicePlanAsWritten() {
        Graph g = new Graph();
        Output v = op(g, VARIABLE, "weights", null);
        Output s = op(g, STATEFUL, "stateful", v);
        Output y = op(g, DOUBLE, "second", op(g, DOUBLE, "first", s));
        List<Operation> needed = List.of(v.op(), s.op(), y.op().input(0).op(), y.op());
        assertNull(PlanRewrites.apply(List.of(), List.of(y), List.of(), needed, DEVICE));
    }
}
