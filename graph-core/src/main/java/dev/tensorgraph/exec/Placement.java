package dev.tensorgraph.exec;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.FusedKernelFactory;
import dev.tensorgraph.kernel.FusionPattern;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;

/**
 * Chooses a device for each op of a plan, as TensorFlow's placer does: the user's device scope when it
 * names the CPU, else the device when it has a kernel that accepts the op, else the CPU. A variable and
 * every op that takes it by reference share one device, so a variable goes to the device only when all
 * its reference users in the graph can run there.
 */
final class Placement {
    /** Where one op runs, with its kernel and the factory that declares its host-memory arguments. */
    record Placed(boolean onDevice, Kernel kernel, KernelFactory factory) {}

    private final KernelRegistry registry = KernelRegistry.global();
    private final String deviceType;
    private final IdentityHashMap<Operation, List<Operation>> refUsers;

    private Placement(String deviceType, Graph graph) {
        this.deviceType = deviceType;
        this.refUsers = deviceType == null ? null : refUsersOf(graph);
    }

    static Placement forDevice(String deviceType, Graph graph) {
        return new Placement(deviceType, graph);
    }

    static Placement cpuOnly() {
        return new Placement(null, null);
    }

    /**
     * Places {@code op}; {@code inputOnDevice} tells where each of its inputs was produced. Int32 shape
     * arithmetic (int32 in, int32 out) whose inputs are all on the host stays there, as TensorFlow keeps int32 on the host: moving
     * it would cost copies both ways and data-dependent waits.
     */
    Placed place(Operation op, java.util.function.IntPredicate inputOnDevice) {
        if (deviceType != null && mayUseDevice(op) && !isHostInteger(op, inputOnDevice)) {
            Operation variable = isVariable(op) ? op : referencedVariable(op);
            if (variable == null || variableFitsDevice(variable)) {
                Placed p = tryDevice(op);
                if (p != null) {
                    return p;
                }
                if (variable != null && variable != op) {
                    throw new UnimplementedException("op '" + op.name() + "' (" + op.type() + ") uses variable '"
                            + variable.name() + "' on the " + deviceType + ", but its " + deviceType
                            + " kernel does not accept it; place both on the CPU with a device(\"/cpu:0\") scope");
                }
            }
        }
        KernelFactory cpu = registry.find(KernelRegistry.CPU, op.type());
        if (carriesHalfPrecision(op)) {
            cpu = registry.widened(KernelRegistry.CPU, cpu);
        }
        return new Placed(false, create(KernelRegistry.CPU, cpu, op), cpu);
    }

    /** Whether an input or output of {@code op} is bfloat16 or float16. */
    static boolean carriesHalfPrecision(Operation op) {
        for (int i = 0; i < op.numInputs(); i++) {
            if (op.input(i).dtype().isHalfPrecision()) {
                return true;
            }
        }
        for (int i = 0; i < op.numOutputs(); i++) {
            if (op.output(i).dtype().isHalfPrecision()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The fused step of {@code pair}, on the device its producer was placed on ({@code producer}), or null
     * when that device has no fused kernel for it or its factory refuses the ops.
     */
    Placed placeFused(OpFusion.Pair pair, Placed producer) {
        Operation consumer = pair.consumer();
        String where = producer.onDevice() ? deviceType : KernelRegistry.CPU;
        if (producer.onDevice() && registry.find(deviceType, consumer.type()) == null) {
            return null;
        }
        FusedKernelFactory f = registry.findFused(where, pair.pattern());
        if (f == null || (!f.halfPrecision() && (carriesHalfPrecision(pair.producer()) || carriesHalfPrecision(consumer)))) {
            return null; // each op runs on its own (widened where needed)
        }
        try {
            return new Placed(producer.onDevice(), f.create(pair.producer(), consumer), FUSED);
        } catch (UnimplementedException e) {
            return null;
        } catch (TensorgraphException e) {
            throw e.atNode(pair.producer().name() + " (" + pair.producer().type() + ")");
        }
    }

    /** What a fused step reports as its factory: every argument in device memory, recordable. */
    private static final KernelFactory FUSED = op -> {
        throw new dev.tensorgraph.errors.InternalException("a fused step's kernel is made by its FusedKernelFactory");
    };

    /**
     * The fusion patterns with a kernel on the CPU or on this placement's device, in the tiers the planner
     * matches them in: with a device, the device's patterns first, then those only the CPU has, so that a pair
     * the device would run fused is not lost to a CPU-only pattern that takes one of its ops (the device's
     * ReluGrad+BiasAddGrad against the CPU's MaxPoolGrad+ReluGrad).
     */
    List<List<FusionPattern>> fusionPatternTiers() {
        List<FusionPattern> cpu = registry.fusionPatterns(KernelRegistry.CPU);
        if (deviceType == null) {
            return List.of(cpu);
        }
        List<FusionPattern> onDevice = registry.fusionPatterns(deviceType);
        List<FusionPattern> cpuOnly = new ArrayList<>(cpu);
        cpuOnly.removeAll(onDevice);
        return List.of(onDevice, cpuOnly);
    }

    /**
     * The role {@code op}'s kernels declare (a variable, a conditional's switch or merge): the CPU kernel's,
     * else the device's where only the device has a kernel, so it is the same wherever the op runs.
     */
    KernelFactory.Role role(Operation op) {
        KernelFactory f = registry.find(KernelRegistry.CPU, op.type());
        if (f == null && deviceType != null) {
            f = registry.find(deviceType, op.type());
        }
        return f == null ? KernelFactory.Role.ORDINARY : f.role();
    }

    boolean isVariable(Operation op) {
        return role(op) == KernelFactory.Role.VARIABLE;
    }

    private boolean isHostInteger(Operation op, java.util.function.IntPredicate inputOnDevice) {
        if (op.numOutputs() == 0 || isVariable(op)) {
            return false;
        }
        for (int i = 0; i < op.numOutputs(); i++) {
            if (op.output(i).dtype() != dev.tensorgraph.DType.INT32) {
                return false;
            }
        }
        for (int i = 0; i < op.numInputs(); i++) {
            if (inputOnDevice.test(i) || op.input(i).dtype() != dev.tensorgraph.DType.INT32) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code op} may run on the device: not when a device scope names the CPU, and not when it passes
     * object-valued tensors (tensor lists, handles), which live in host memory only.
     */
    private static boolean mayUseDevice(Operation op) {
        String requested = op.device().toUpperCase(Locale.ROOT);
        if (requested.contains("CPU")) {
            return false;
        }
        for (Output in : op.inputs()) {
            if (in.dtype().isObjectValued()) {
                return false;
            }
        }
        for (Output out : op.outputs()) {
            if (out.dtype().isObjectValued()) {
                return false;
            }
        }
        return true;
    }

    private Placed tryDevice(Operation op) {
        KernelFactory f = registry.find(deviceType, op.type());
        if (f != null && carriesHalfPrecision(op)) {
            f = registry.widened(deviceType, f);
        }
        if (f == null || (carriesHalfPrecision(op) && !f.halfPrecision())) {
            return null;
        }
        try {
            return new Placed(true, f.create(op), f);
        } catch (UnimplementedException e) {
            return null;
        } catch (TensorgraphException e) {
            throw e.atNode(op.name() + " (" + op.type() + ")");
        }
    }

    private boolean variableFitsDevice(Operation variable) {
        KernelFactory f = registry.find(deviceType, variable.type());
        if (f == null || (carriesHalfPrecision(variable) && !f.halfPrecision())) {
            return false;
        }
        for (Operation user : refUsers.getOrDefault(variable, List.of())) {
            if (!mayUseDevice(user) || registry.find(deviceType, user.type()) == null) {
                return false;
            }
        }
        return true;
    }

    private Operation referencedVariable(Operation op) {
        for (int i = 0; i < op.numInputs(); i++) {
            if (op.def().isRefInput(i) && isVariable(op.input(i).op())) {
                return op.input(i).op();
            }
        }
        return null;
    }

    private static IdentityHashMap<Operation, List<Operation>> refUsersOf(Graph graph) {
        IdentityHashMap<Operation, List<Operation>> users = new IdentityHashMap<>();
        for (Operation op : graph.operations()) {
            for (int i = 0; i < op.numInputs(); i++) {
                if (op.def().isRefInput(i)) {
                    users.computeIfAbsent(op.input(i).op(), k -> new ArrayList<>()).add(op);
                }
            }
        }
        return users;
    }

    private static Kernel create(String device, KernelFactory f, Operation op) {
        if (f == null) {
            throw new UnimplementedException("No " + device + " kernel registered for op '" + op.name()
                    + "' of type " + op.type());
        }
        try {
            return f.create(op);
        } catch (TensorgraphException e) {
            throw e.atNode(op.name() + " (" + op.type() + ")");
        }
    }
}
