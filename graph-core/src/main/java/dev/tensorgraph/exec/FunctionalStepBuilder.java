package dev.tensorgraph.exec;

import dev.tensorgraph.DType;
import dev.tensorgraph.FunctionBody;
import dev.tensorgraph.FunctionLibrary;
import dev.tensorgraph.FunctionRef;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.VariableSlot;
import dev.tensorgraph.op.FunctionalForm;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Compiles a functional op of a plan being built (see {@link dev.tensorgraph.op.FunctionalForm}) into one step:
 * each function it runs becomes a plan of its own, compiled with the enclosing plan's device, variables and
 * options. On a device, arguments are taken where the caller has them and results left where the body makes
 * them; a while loop's variables live where its body makes their next values (a first compile finds out where),
 * and a conditional's branches give each result in one place.
 */
final class FunctionalStepBuilder {
    /** The functions being compiled on this thread, innermost last: a function found again calls itself. */
    private static final ThreadLocal<ArrayDeque<String>> COMPILING = ThreadLocal.withInitial(ArrayDeque::new);

    private final Operation op;
    private final Function<String, VariableSlot> variables;
    private final DeviceContext device;
    private final boolean fuseOps;
    private final boolean[] inputOnDevice;
    private final boolean[] outputOnDevice;
    private final FunctionalKernel kernel;

    FunctionalStepBuilder(Operation op, IntPredicate callerInputOnDevice, Function<String, VariableSlot> variables,
                          DeviceContext device, boolean fuseOps) {
        this.op = op;
        this.variables = variables;
        this.device = device;
        this.fuseOps = fuseOps;
        FunctionalForm form = op.def().functional();
        int lead = form.leadingInputs();
        int numArgs = op.numInputs() - lead;
        inputOnDevice = new boolean[op.numInputs()];
        boolean[] argsOnDevice = new boolean[numArgs];
        for (int i = 0; i < numArgs; i++) {
            argsOnDevice[i] = device != null && callerInputOnDevice.test(lead + i);
        }
        List<DType> argDtypes = op.inputs().subList(lead, op.numInputs()).stream().map(Output::dtype).toList();
        List<DType> outDtypes = op.outputs().stream().map(Output::dtype).toList();
        outputOnDevice = new boolean[op.numOutputs()];
        try {
            kernel = switch (form.kind()) {
                case CALL -> {
                    FunctionBody body = instantiate(form.functionAttrs().get(0), argDtypes, outDtypes);
                    FunctionPlan plan = compile(body, argsOnDevice, new Boolean[outDtypes.size()]);
                    for (int j = 0; j < outputOnDevice.length; j++) {
                        outputOnDevice[j] = plan.resultOnDevice(j);
                    }
                    System.arraycopy(argsOnDevice, 0, inputOnDevice, lead, numArgs);
                    yield new CallKernel(op, plan);
                }
                case GRADIENT -> {
                    // the forward function takes the first inputs, one per output; the rest are upstream gradients
                    FunctionRef ref = (FunctionRef) op.attr(form.functionAttrs().get(0));
                    FunctionBody body = op.graph().functions().instantiateDerived("the gradient", ref,
                            argDtypes.subList(0, Math.min(outDtypes.size(), argDtypes.size())),
                            dev.tensorgraph.grad.FunctionGradientBody::of);
                    if (!body.argDtypes().equals(argDtypes) || !body.resultDtypes().equals(outDtypes)) {
                        throw new InvalidArgumentException(describe() + ": the gradient of function '" + ref.name()
                                + "' takes " + body.argDtypes() + " and gives " + body.resultDtypes() + ", but the op has "
                                + argDtypes + " and " + outDtypes);
                    }
                    FunctionPlan plan = compile(body, argsOnDevice, new Boolean[outDtypes.size()]);
                    for (int j = 0; j < outputOnDevice.length; j++) {
                        outputOnDevice[j] = plan.resultOnDevice(j);
                    }
                    System.arraycopy(argsOnDevice, 0, inputOnDevice, lead, numArgs);
                    yield new CallKernel(op, plan);
                }
                case WHILE -> whileLoop(form, argDtypes, argsOnDevice);
                case IF, CASE -> branches(form, argDtypes, outDtypes, argsOnDevice);
            };
        } catch (TensorgraphException e) {
            throw e.atNode(op.name() + " (" + op.type() + ")");
        }
    }

    /** Whether the step wants input {@code i} in device memory (the enclosing plan copies it there if needed). */
    boolean inputOnDevice(int i) {
        return inputOnDevice[i];
    }

    /** Whether output {@code i} leaves the step in device memory. */
    boolean outputOnDevice(int i) {
        return outputOnDevice[i];
    }

    /** The step, reading the enclosing plan's slots {@code in} and writing {@code out} (-1 where fed). */
    Step step(int[] in, int[] out) {
        return Step.functional(op, kernel, in, out);
    }

    private FunctionalKernel whileLoop(FunctionalForm form, List<DType> varDtypes, boolean[] varsOnDevice) {
        FunctionBody cond = instantiate(form.functionAttrs().get(0), varDtypes, null);
        if (cond.results().size() != 1) {
            throw new InvalidArgumentException(describe() + ": condition '" + cond.name() + "' must give one result, not "
                    + cond.results().size());
        }
        FunctionBody body = instantiate(form.functionAttrs().get(1), varDtypes, varDtypes);
        boolean[] where = varsOnDevice.clone();
        if (device != null) {
            FunctionPlan first = compile(body, where, new Boolean[where.length]);
            for (int i = 0; i < where.length; i++) {
                where[i] = first.resultOnDevice(i);
            }
        }
        Boolean[] wanted = new Boolean[where.length];
        for (int i = 0; i < where.length; i++) {
            wanted[i] = where[i];
        }
        FunctionPlan condPlan = compile(cond, where, new Boolean[] {Boolean.FALSE});
        FunctionPlan bodyPlan = compile(body, where, wanted);
        System.arraycopy(where, 0, inputOnDevice, 0, where.length);
        System.arraycopy(where, 0, outputOnDevice, 0, where.length);
        return new WhileKernel(op, condPlan, bodyPlan);
    }

    private FunctionalKernel branches(FunctionalForm form, List<DType> argDtypes, List<DType> outDtypes,
                                      boolean[] argsOnDevice) {
        List<FunctionRef> refs = new ArrayList<>();
        if (form.kind() == FunctionalForm.Kind.CASE) {
            refs.addAll(Arrays.asList((FunctionRef[]) op.attr(form.functionAttrs().get(0))));
        } else {
            for (String attr : form.functionAttrs()) {
                refs.add((FunctionRef) op.attr(attr));
            }
        }
        List<FunctionBody> bodies = new ArrayList<>();
        for (FunctionRef r : refs) {
            bodies.add(instantiate(r, argDtypes, outDtypes));
        }
        List<FunctionPlan> plans = new ArrayList<>();
        Boolean[] canonical = null;
        for (FunctionBody b : bodies) {
            FunctionPlan p = compile(b, argsOnDevice, canonical == null ? new Boolean[outDtypes.size()] : canonical);
            if (canonical == null) {
                canonical = new Boolean[outDtypes.size()];
                for (int j = 0; j < canonical.length; j++) {
                    canonical[j] = p.resultOnDevice(j);
                    outputOnDevice[j] = canonical[j];
                }
            }
            plans.add(p);
        }
        System.arraycopy(argsOnDevice, 0, inputOnDevice, 1, argsOnDevice.length);
        return new BranchKernel(op, plans, form.kind() == FunctionalForm.Kind.CASE);
    }

    private FunctionBody instantiate(String attr, List<DType> argDtypes, List<DType> resultDtypes) {
        return instantiate((FunctionRef) op.attr(attr), argDtypes, resultDtypes);
    }

    /** The body of {@code ref} for these arguments, checked to take them and, unless null, to give these results. */
    private FunctionBody instantiate(FunctionRef ref, List<DType> argDtypes, List<DType> resultDtypes) {
        FunctionLibrary lib = op.graph().functions();
        FunctionBody body = lib.instantiate(ref, argDtypes);
        if (!body.argDtypes().equals(argDtypes)) {
            throw new InvalidArgumentException(describe() + ": function '" + ref.name() + "' takes " + body.argDtypes()
                    + " but the op gives it " + argDtypes);
        }
        if (resultDtypes != null && !body.resultDtypes().equals(resultDtypes)) {
            throw new InvalidArgumentException(describe() + ": function '" + ref.name() + "' gives " + body.resultDtypes()
                    + " but the op's outputs are " + resultDtypes);
        }
        return body;
    }

    /**
     * {@code body}'s plan: its arguments fed where {@code argsOnDevice} says, its results fetched where
     * {@code resultsWanted} says (null: where made); it runs its control results and, as TensorFlow runs a
     * function body, every stateful op even when no result needs it.
     */
    private FunctionPlan compile(FunctionBody body, boolean[] argsOnDevice, Boolean[] resultsWanted) {
        ArrayDeque<String> stack = COMPILING.get();
        if (stack.contains(body.name())) {
            throw new UnimplementedException("function '" + body.name() + "' calls itself (through " + stack
                    + "); recursive functions are not supported");
        }
        Set<Operation> args = Collections.newSetFromMap(new IdentityHashMap<>());
        body.args().forEach(a -> args.add(a.op()));
        List<Operation> targets = new ArrayList<>(body.controlResults());
        for (Operation o : body.graph().operations()) {
            if (o.def().isStateful() && !args.contains(o) && !targets.contains(o)) {
                targets.add(o);
            }
        }
        stack.addLast(body.name());
        try {
            Plan plan = Planner.compile(PlanScope.function(body.args(), argsOnDevice, body.results(), resultsWanted,
                    targets), variables, device, false, fuseOps);
            return new FunctionPlan(body, plan);
        } finally {
            stack.removeLast();
        }
    }

    private String describe() {
        return op.type() + " op '" + op.name() + "'";
    }
}
