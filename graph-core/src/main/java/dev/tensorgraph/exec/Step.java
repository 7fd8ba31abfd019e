package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.VariableSlot;

/**
 * One op of a plan, a copy between host and device, a whole while loop, or a functional op running its
 * functions' plans, with everything its run needs resolved to indices.
 */
final class Step {
    enum Kind { OP, UPLOAD, DOWNLOAD, LOOP, FUNCTION }

    final Kind kind;
    /** The op run, or for a copy the op that produced the copied value. */
    final Operation op;
    final String description;
    final Kernel kernel;
    /** The factory of an op step's kernel (null for copies): host-memory arguments and capturability. */
    final KernelFactory factory;
    final boolean onDevice;
    /** Value slot of each input. */
    final int[] inputs;
    /** Value slot of each output; -1 where the output is fed instead of computed. */
    final int[] outputs;
    /** Slots whose last reader is this step, to release after it runs. */
    int[] releaseAfter;
    /** The ops this step waits for (an op's control inputs; a loop's control inputs from outside it). */
    final java.util.List<Operation> controlOps;
    /** Step indices of control inputs, consulted only to propagate deadness; set once all steps exist. */
    int[] controlSteps;
    /** Slots of values the scope's caller gives (a loop's Merge values) whose deadness this step's waits on. */
    int[] controlDeadSlots = new int[0];
    /** Variable slot per input (null where the input is not a ref), and the op's own slot for variable ops. */
    final VariableSlot[] refSlots;
    final VariableSlot ownVariable;
    /**
     * Per input, the ref variable whose own host value the input is planned to be (read straight from the variable
     * op, through ops that forward refs), else null; null where no input is. See {@link
     * dev.tensorgraph.kernel.KernelContext#variableValue}.
     */
    VariableSlot[] variableValues;
    /** Whether a ref input reaches a variable, which the op may then write in place. */
    final boolean hasRefSlots;
    /** Runs when any input is live rather than skipped when one is dead (see {@link KernelFactory.Role}). */
    final boolean isMerge;
    /** Runs, its outputs live, even when what it waits for is dead (see {@link KernelFactory.Role}). */
    final boolean ignoresDeadness;
    /** The loop a LOOP step runs, else null. */
    final LoopKernel loop;
    /** The functional op a FUNCTION step runs, else null. */
    final FunctionalKernel functional;
    /** The second op of a fused step (see {@link OpFusion}), or null. */
    final Operation fusedConsumer;
    /** What profiles call this step's work: the op type, or both types of a fused step. */
    final String profileName;

    Step(Operation op, Kernel kernel, KernelFactory factory, boolean onDevice, int[] inputs, int[] outputs,
         int[] controlSteps, VariableSlot[] refSlots, VariableSlot ownVariable, KernelFactory.Role role) {
        this(Kind.OP, op, op.name() + " (" + op.type() + ")", kernel, factory, onDevice, inputs, outputs,
                controlSteps, refSlots, ownVariable, role, null);
    }

    /** One step running {@code producer} and {@code consumer} with one kernel; inputs are the producer's. */
    static Step fused(Operation producer, Operation consumer, Kernel kernel, KernelFactory factory, boolean onDevice,
                      int[] inputs, int[] outputs, int[] controlSteps) {
        return new Step(Kind.OP, producer, producer.name() + " (" + producer.type() + ") fused with " + consumer.name()
                + " (" + consumer.type() + ")", kernel, factory, onDevice, inputs, outputs, controlSteps,
                new VariableSlot[inputs.length], null, KernelFactory.Role.ORDINARY, consumer);
    }

    private Step(Kind kind, Operation op, String description, Kernel kernel, KernelFactory factory, boolean onDevice,
                 int[] inputs, int[] outputs, int[] controlSteps, VariableSlot[] refSlots, VariableSlot ownVariable,
                 KernelFactory.Role role, Operation fusedConsumer) {
        this(kind, op, description, kernel, factory, onDevice, inputs, outputs, controlSteps, refSlots, ownVariable,
                role, fusedConsumer, kind == Kind.OP ? op.controlInputs() : java.util.List.of(), null, null);
    }

    private Step(Kind kind, Operation op, String description, Kernel kernel, KernelFactory factory, boolean onDevice,
                 int[] inputs, int[] outputs, int[] controlSteps, VariableSlot[] refSlots, VariableSlot ownVariable,
                 KernelFactory.Role role, Operation fusedConsumer, java.util.List<Operation> controlOps,
                 LoopKernel loop, FunctionalKernel functional) {
        this.kind = kind;
        this.op = op;
        this.description = description;
        this.kernel = kernel;
        this.factory = factory;
        this.onDevice = onDevice;
        this.inputs = inputs;
        this.outputs = outputs;
        this.controlSteps = controlSteps;
        this.refSlots = refSlots;
        this.hasRefSlots = refSlots != null && java.util.Arrays.stream(refSlots).anyMatch(java.util.Objects::nonNull);
        this.ownVariable = ownVariable;
        this.isMerge = role == KernelFactory.Role.RUNS_ON_ANY_LIVE_INPUT;
        this.ignoresDeadness = role == KernelFactory.Role.IGNORES_DEADNESS;
        this.controlOps = controlOps;
        this.loop = loop;
        this.functional = functional;
        this.fusedConsumer = fusedConsumer;
        this.profileName = kernel == WAIT_ONLY ? op.type() + " (only waited for)"
                : fusedConsumer == null ? op.type() : op.type() + "+" + fusedConsumer.type();
    }

    /**
     * A whole while loop as one step: {@code inputs} are the values it reads from outside, {@code outputs} its
     * Exit values; {@code representative} is one of its Exit ops, for errors.
     */
    static Step loop(Operation representative, LoopKernel loop, int[] inputs, int[] outputs,
                     java.util.List<Operation> externalControls) {
        return new Step(Kind.LOOP, representative, "while loop '" + loop.frameName() + "'", loop, null, false, inputs,
                outputs, new int[externalControls.size()], new VariableSlot[inputs.length], null,
                KernelFactory.Role.ORDINARY, null, externalControls, loop, null);
    }

    /** A functional op as one step: {@code inputs} and {@code outputs} are the op's, -1 for a fed output. */
    static Step functional(Operation op, FunctionalKernel kernel, int[] inputs, int[] outputs) {
        return new Step(Kind.FUNCTION, op, op.name() + " (" + op.type() + ")", kernel, null, false, inputs, outputs,
                new int[op.controlInputs().size()], new VariableSlot[inputs.length], null, KernelFactory.Role.ORDINARY,
                null, op.controlInputs(), null, kernel);
    }

    /**
     * An op whose outputs nobody reads, run as a NoOp that waits for {@code waitsFor} (see {@link WaitedForOps});
     * profiles count it apart from the op's real runs.
     */
    static Step waitOnly(Operation op, java.util.List<Operation> waitsFor) {
        return new Step(Kind.OP, op, op.name() + " (" + op.type() + ", not computed: only waited for)", WAIT_ONLY,
                WAIT_ONLY_FACTORY, false, new int[0], new int[0], new int[waitsFor.size()], new VariableSlot[0], null,
                KernelFactory.Role.ORDINARY, null, java.util.List.copyOf(waitsFor), null, null);
    }

    private static final Kernel WAIT_ONLY = ctx -> { };
    private static final KernelFactory WAIT_ONLY_FACTORY = op -> WAIT_ONLY;

    /** A copy of slot {@code from} into slot {@code to}, to the device ({@code upload}) or back to the host. */
    static Step copy(boolean upload, Operation producer, String tensorName, String deviceName, int from, int to) {
        String what = upload ? "copy '" + tensorName + "' to " + deviceName : "copy '" + tensorName + "' from " + deviceName;
        return new Step(upload ? Kind.UPLOAD : Kind.DOWNLOAD, producer, what,
                upload ? CopyKernels.UPLOAD : CopyKernels.DOWNLOAD, null, true, new int[] {from}, new int[] {to},
                new int[0], new VariableSlot[1], null, KernelFactory.Role.ORDINARY, null);
    }
}
