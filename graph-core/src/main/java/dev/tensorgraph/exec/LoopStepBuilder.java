package dev.tensorgraph.exec;

import dev.tensorgraph.Output;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.kernel.VariableSlot;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiles a while loop of a plan being built: its iteration plan, once the slots of the values it reads are
 * known (so that loop variables stay on the side of memory where they enter), and then its step.
 */
final class LoopStepBuilder {
    final LoopUnit unit;
    private final Plan iteration;

    LoopStepBuilder(LoopUnit unit, Map<Output, Integer> slotOf, List<Boolean> slotOnDevice,
                    Function<String, VariableSlot> variables, DeviceContext device, boolean fuseOps) {
        this.unit = unit;
        List<Output> external = unit.externalInputs();
        boolean[] onDevice = new boolean[external.size()];
        for (int i = 0; i < onDevice.length; i++) {
            onDevice[i] = slotOnDevice.get(slotOf.get(external.get(i)));
        }
        this.iteration = Planner.compile(unit.iterationScope(onDevice), variables, device, false, fuseOps);
    }

    /** Whether Exit value {@code i} leaves the loop in device memory. */
    boolean exitOnDevice(int i) {
        return iteration.slotOnDevice[iteration.fetchSlots[1 + unit.variables.size() + i]];
    }

    /** The loop's step, reading the enclosing plan's slots {@code slotOf}. */
    Step step(Map<Output, Integer> slotOf) {
        List<Output> external = unit.externalInputs();
        int[] in = new int[external.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = slotOf.get(external.get(i));
        }
        int[] out = new int[unit.exits.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = slotOf.get(unit.exits.get(i).output(0));
        }
        return Step.loop(unit.representative(), new LoopKernel(unit, iteration), in, out, unit.externalControls());
    }
}
