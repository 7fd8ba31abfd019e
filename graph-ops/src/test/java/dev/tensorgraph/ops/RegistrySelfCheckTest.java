package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The op registry checks itself: every built-in op has a CPU kernel (shape functions and the gradient or
 * not-differentiable mark are enforced when an op is defined), so a missing kernel fails here, not in a
 * user's session. Functional ops (calls, {@code While}, {@code If}) have none: the executor runs their functions'
 * plans on every device, so they must declare their functional form instead.
 */
class RegistrySelfCheckTest {
    @Test
    void everyRegisteredOpHasACpuKernel() {
        TreeSet<String> missing = new TreeSet<>();
        List<OpDef> defs = OpRegistry.global().all();
        for (OpDef d : defs) {
            if (d.type().startsWith("Test")) {
                continue; // ops registered by tests to exercise error paths
            }
            if (d.functional() == null && KernelRegistry.global().find(KernelRegistry.CPU, d.type()) == null) {
                missing.add(d.type());
            }
        }
        assertTrue(missing.isEmpty(), "ops without a CPU kernel: " + missing);
        assertTrue(defs.size() > 150, "expected the whole op library, found " + defs.size() + " ops");
    }

    @Test
    void everyOpDeclaresItsGradientOrTheLackOfIt() {
        for (OpDef d : OpRegistry.global().all()) {
            assertTrue(d.shapeFunction() != null, d.type() + " has no shape function");
            assertTrue(!d.isDifferentiable() || d.gradient() != null, d.type() + " is differentiable without a gradient");
        }
    }
}
