package dev.tensorgraph.exec;

import dev.tensorgraph.Output;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.kernel.VariableSlot;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiles a while loop of a plan being built: its iteration plan, once the slots of the values it reads are
 * known, and then its step. On a device, a loop variable lives where its body computes its next value (a
 * first compile finds out where), so that iterations hand it on without copies; its entering value is copied
 * there once, by the enclosing plan.
 */
final class LoopStepBuilder {
    final LoopUnit unit;
    private final Plan iteration;
    /** Where the step wants each of the loop's external inputs. */
    private final boolean[] externalOnDevice;

    LoopStepBuilder(LoopUnit unit, Map<Output, Integer> slotOf, List<Boolean> slotOnDevice,
                    Function<String, VariableSlot> variables, DeviceContext device, boolean fuseOps) {
        this.unit = unit;
        List<Output> external = unit.externalInputs();
        boolean[] onDevice = new boolean[external.size()];
        for (int i = 0; i < onDevice.length; i++) {
            onDevice[i] = slotOnDevice.get(slotOf.get(external.get(i)));
        }
        if (device != null) {
            Plan first = Planner.compile(unit.iterationScope(onDevice, true), variables, device, false, fuseOps);
            for (int j = 0; j < unit.variables.size(); j++) {
                int in = external.indexOf(unit.variables.get(j).enter().input(0));
                onDevice[in] = first.slotOnDevice[first.fetchSlots[1 + j]];
            }
        }
        this.externalOnDevice = onDevice;
        this.iteration = Planner.compile(unit.iterationScope(onDevice, false), variables, device, false, fuseOps);
    }

    /** Whether Exit value {@code i} leaves the loop in device memory. */
    boolean exitOnDevice(int i) {
        return iteration.slotOnDevice[iteration.fetchSlots[1 + unit.variables.size() + i]];
    }

    /** Where the step wants external input {@code i} (the enclosing plan copies it there when needed). */
    boolean externalOnDevice(int i) {
        return externalOnDevice[i];
    }

    /** The loop's step, reading the enclosing plan's slots {@code in} (one per external input, where wanted). */
    Step step(int[] in, Map<Output, Integer> slotOf) {
        int[] out = new int[unit.exits.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = slotOf.get(unit.exits.get(i).output(0));
        }
        return Step.loop(unit.representative(), new LoopKernel(unit, iteration), in, out, unit.externalControls());
    }
}
