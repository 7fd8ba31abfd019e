package dev.tensorgraph.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.kernel.FusionPattern;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A fusion registered by user code for ops of its own, through the same public API the runtimes use:
 * the planner fuses it (no list of patterns of its own), the fused kernel gives the values of the ops run
 * apart, and the planner's rules hold for it (a fetched skipped value stops the fusion; a kept one does
 * not; {@code fuseOps(false)} runs the ops apart).
 */
class UserFusionTest {
    private static final String INPUT = "UserFusionTestInput";
    private static final String SCALE = "UserFusionTestScale";
    private static final String OFFSET = "UserFusionTestOffset";
    private static final String SQUARE = "UserFusionTestSquare";
    /** Runs of the fused kernels, to tell a fused step from the two ops run apart. */
    private static final AtomicInteger SCALE_OFFSET_RUNS = new AtomicInteger();
    private static final AtomicInteger SCALE_SQUARE_RUNS = new AtomicInteger();

    static {
        OpRegistry ops = OpRegistry.global();
        ops.register(OpDef.builder(INPUT).attr("shape", AttrType.SHAPE)
                .shape(c -> c.setOutput(0, DType.FLOAT32, c.attrShape("shape"))).notDifferentiable().build());
        for (String unary : List.of(SCALE, OFFSET, SQUARE)) {
            OpDef.Builder b = OpDef.builder(unary).input("x");
            if (unary.equals(SCALE)) {
                b.attr("factor", AttrType.FLOAT);
            }
            ops.register(b.shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0))).notDifferentiable().build());
        }
        KernelRegistry kernels = KernelRegistry.global();
        kernels.register(KernelRegistry.CPU, SCALE, op -> {
            float factor = op.attrFloat("factor");
            return ctx -> map(ctx, v -> v * factor);
        });
        kernels.register(KernelRegistry.CPU, OFFSET, op -> ctx -> map(ctx, v -> v + 1f));
        kernels.register(KernelRegistry.CPU, SQUARE, op -> ctx -> map(ctx, v -> v * v));
        kernels.registerFused(KernelRegistry.CPU, FusionPattern.of(SCALE, OFFSET), (scale, offset) -> {
            float factor = scale.attrFloat("factor");
            return ctx -> {
                SCALE_OFFSET_RUNS.incrementAndGet();
                map(ctx, v -> v * factor + 1f);
            };
        });
        kernels.registerFused(KernelRegistry.CPU, FusionPattern.of(SCALE, SQUARE).keepingProducerOutputs(),
                (scale, square) -> {
                    float factor = scale.attrFloat("factor");
                    return ctx -> {
                        SCALE_SQUARE_RUNS.incrementAndGet();
                        float[] x = (float[]) ctx.input(0).array();
                        Tensor scaled = ctx.allocate(DType.FLOAT32, ctx.input(0).shape());
                        Tensor squared = ctx.allocate(DType.FLOAT32, ctx.input(0).shape());
                        float[] s = (float[]) scaled.array();
                        float[] q = (float[]) squared.array();
                        for (int i = 0; i < x.length; i++) {
                            s[i] = x[i] * factor;
                            q[i] = s[i] * s[i];
                        }
                        ctx.setOutput(0, scaled);
                        ctx.setOutput(1, squared);
                    };
                });
    }

    private interface FloatOp {
        float apply(float v);
    }

    private static void map(KernelContext ctx, FloatOp f) {
        Tensor x = ctx.input(0);
        Tensor y = ctx.allocate(DType.FLOAT32, x.shape());
        float[] in = (float[]) x.array();
        float[] out = (float[]) y.array();
        for (int i = 0; i < in.length; i++) {
            out[i] = f.apply(in[i]);
        }
        ctx.setOutput(0, y);
    }

    private static final class Net {
        final Graph g = new Graph();
        final Output x = g.opBuilder(INPUT, "x").setAttr("shape", Shape.of(2, 3)).build().output(0);
        final Output scaled = g.opBuilder(SCALE, "scaled").addInput(x).setAttr("factor", 2.5f).build().output(0);
        final Tensor xValue = Tensor.of(DType.FLOAT32, Shape.of(2, 3), new float[] {1, -2, 3.5f, 0, 7, -0.25f});

        Output offset() {
            return g.opBuilder(OFFSET, "offset").addInput(scaled).build().output(0);
        }

        Output square() {
            return g.opBuilder(SQUARE, "square").addInput(scaled).build().output(0);
        }

        List<Tensor> run(boolean fuse, List<Output> fetches) {
            try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(fuse))) {
                return s.run(fetches, Map.of(x, xValue));
            }
        }

        List<String> plan(boolean fuse, List<Output> fetches) {
            try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(fuse))) {
                return s.describePlan(fetches, Set.of(x), List.of());
            }
        }
    }

    @Test
    void anEarlierTierOfPatternsKeepsItsPairsFromALaterOne() {
        // scaled -> offset -> square: (Scale, Offset) and (Offset, Square) both want offset.
        Net n = new Net();
        Output offset = n.offset();
        Output squared = n.g.opBuilder(SQUARE, "squared_offset").addInput(offset).build().output(0);
        List<Operation> order = List.of(n.x.op(), n.scaled.op(), offset.op(), squared.op());
        FusionPattern scaleOffset = FusionPattern.of(SCALE, OFFSET);
        FusionPattern offsetSquare = FusionPattern.of(OFFSET, SQUARE);
        // One tier: the first consumer in plan order wins.
        Map<Operation, OpFusion.Pair> one = OpFusion.candidates(order, Set.of(), List.of(squared),
                List.of(List.of(scaleOffset, offsetSquare)));
        assertEquals(Set.of(n.scaled.op()), one.keySet());
        // The device's tier first: its pair stands, the later tier's pair that would take offset does not.
        Map<Operation, OpFusion.Pair> tiers = OpFusion.candidates(order, Set.of(), List.of(squared),
                List.of(List.of(offsetSquare), List.of(scaleOffset)));
        assertEquals(Set.of(offset.op()), tiers.keySet());
        assertEquals(squared.op(), tiers.get(offset.op()).consumer());
    }

    @Test
    void userPatternIsFusedAndGivesTheValuesOfTheOpsRunApart() {
        Net n = new Net();
        Output y = n.offset();
        assertEquals(List.of("scaled (" + SCALE + ") @ CPU, fused with 'offset'",
                "offset (" + OFFSET + ") @ CPU, fused with 'scaled'"), n.plan(true, List.of(y)));
        assertEquals(List.of("scaled (" + SCALE + ") @ CPU", "offset (" + OFFSET + ") @ CPU"), n.plan(false, List.of(y)));

        int before = SCALE_OFFSET_RUNS.get();
        Tensor apart = n.run(false, List.of(y)).get(0);
        assertEquals(before, SCALE_OFFSET_RUNS.get(), "fuseOps(false) runs the ops apart");
        Tensor fused = n.run(true, List.of(y)).get(0);
        assertEquals(before + 1, SCALE_OFFSET_RUNS.get(), "the fused kernel ran");
        float[] want = new float[6];
        for (int i = 0; i < want.length; i++) {
            want[i] = n.xValue.floats()[i] * 2.5f + 1f;
        }
        assertArrayEquals(want, apart.floats(), 0f);
        assertArrayEquals(apart.floats(), fused.floats(), 0f);
    }

    @Test
    void fetchingTheSkippedValueKeepsTheOpsApart() {
        Net n = new Net();
        Output y = n.offset();
        List<Output> fetches = List.of(n.scaled, y);
        List<String> plan = n.plan(true, fetches);
        assertTrue(plan.stream().noneMatch(l -> l.contains("fused")), String.join("\n", plan));
        int before = SCALE_OFFSET_RUNS.get();
        List<Tensor> got = n.run(true, fetches);
        assertEquals(before, SCALE_OFFSET_RUNS.get());
        List<Tensor> want = n.run(false, fetches);
        assertArrayEquals(want.get(0).floats(), got.get(0).floats(), 0f);
        assertArrayEquals(want.get(1).floats(), got.get(1).floats(), 0f);
        assertEquals(-5f, got.get(0).floats()[1], 0f, "the scaled value, not the offset one");
    }

    @Test
    void aPatternThatKeepsTheProducerFusesEvenWhenItsValueIsFetched() {
        Net n = new Net();
        Output sq = n.square();
        List<Output> fetches = List.of(sq, n.scaled);
        List<String> plan = n.plan(true, fetches);
        assertEquals(List.of("scaled (" + SCALE + ") @ CPU, fused with 'square'",
                "square (" + SQUARE + ") @ CPU, fused with 'scaled'"), plan);
        int before = SCALE_SQUARE_RUNS.get();
        List<Tensor> fused = n.run(true, fetches);
        assertEquals(before + 1, SCALE_SQUARE_RUNS.get());
        List<Tensor> apart = n.run(false, fetches);
        assertArrayEquals(apart.get(0).floats(), fused.get(0).floats(), 0f);
        assertArrayEquals(apart.get(1).floats(), fused.get(1).floats(), 0f);
        assertEquals(25f, fused.get(0).floats()[1], 0f, "(-2 * 2.5)^2");
    }

    @Test
    void aPatternContradictingARegisteredOneIsRejected() {
        KernelRegistry kernels = KernelRegistry.global();
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> kernels.registerFused(
                KernelRegistry.GPU, FusionPattern.of(SCALE, OFFSET).keepingProducerOutputs(), (a, b) -> ctx -> { }));
        assertTrue(e.getMessage().contains(SCALE + " then " + OFFSET), e.getMessage());
        assertThrows(AlreadyExistsException.class, () -> kernels.registerFused(KernelRegistry.CPU,
                FusionPattern.of(SCALE, OFFSET), (a, b) -> ctx -> { }));
    }
}
