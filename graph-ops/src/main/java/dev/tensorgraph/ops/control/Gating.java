package dev.tensorgraph.ops.control;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * TensorFlow 1.x's ordering helpers {@code tf.group}, {@code tf.tuple} and {@code with_dependencies}, with its op
 * names ({@link ControlOps#group}, {@link ControlOps#tuple}). The gradient engine gates the input gradients of each
 * op through {@link #tuple} when asked to (TensorFlow's {@code gate_gradients}), so that an in-place update
 * consuming one of them (an {@code Apply*} op of a reference variable) cannot run before every gradient of that op
 * has been computed, in particular the ones that read the variable's old value.
 *
 * <pre>{@code
 * List<Output> gated = ControlOps.tuple(g, List.of(dx, dw), List.of(), null);
 * // tuple/group_deps (NoOp after dx's and dw's ops), tuple/control_dependency, tuple/control_dependency_1
 * }</pre>
 */
final class Gating {
    private Gating() {}

    /**
     * {@code tf.group(inputs, name=name)}: a NoOp, named {@code name} (default {@code group_deps}), that runs after
     * every input (Operations, or Outputs whose ops are meant). Inputs on different devices get one NoOp per device
     * inside the group's name scope, sorted by device, and the group runs after those, as TensorFlow builds it.
     */
    static Operation group(Graph g, Collection<?> inputs, String name) {
        Map<String, List<Operation>> byDevice = new LinkedHashMap<>();
        for (Object o : inputs) {
            Operation op = operationOf(o, "tf.group");
            byDevice.computeIfAbsent(op.device() == null ? "" : op.device(), k -> new ArrayList<>()).add(op);
        }
        String scopeName = name == null ? "group_deps" : name;
        if (byDevice.size() <= 1) {
            String device = byDevice.isEmpty() ? null : byDevice.keySet().iterator().next();
            return noOpAfter(g, byDevice.isEmpty() ? List.of() : byDevice.values().iterator().next(), device, scopeName);
        }
        try (var scope = g.nameScope(scopeName)) {
            List<Operation> perDevice = new ArrayList<>();
            for (Map.Entry<String, List<Operation>> e : new TreeMap<>(byDevice).entrySet()) {
                perDevice.add(noOpAfter(g, e.getValue(), e.getKey(), null));
            }
            return noOpAfter(g, perDevice, null, scope.name());
        }
    }

    /**
     * {@code tf.tuple(tensors, name=name, control_inputs=controlInputs)}: the same tensors, each through an
     * {@code Identity} named {@code control_dependency} (then {@code _1}, ...) that runs only after a
     * {@code group_deps} NoOp, itself after the ops of all tensors and {@code controlInputs}; all inside a name
     * scope {@code name} (default {@code tuple}). Null entries stay null.
     */
    static List<Output> tuple(Graph g, List<Output> tensors, String name, Collection<?> controlInputs) {
        if (tensors == null) {
            throw new InvalidArgumentException("tf.tuple needs a list of tensors, got null");
        }
        List<Operation> gating = new ArrayList<>();
        for (Output t : tensors) {
            if (t != null && !gating.contains(t.op())) {
                gating.add(t.op());
            }
        }
        if (controlInputs != null) {
            for (Object c : controlInputs) {
                Operation op = operationOf(c, "tf.tuple control_inputs");
                if (!gating.contains(op)) {
                    gating.add(op);
                }
            }
        }
        if (gating.isEmpty()) {
            throw new InvalidArgumentException("tf.tuple: 'tensors' must have at least one Tensor, got " + tensors);
        }
        gating.sort(Comparator.comparingInt(Operation::id));
        try (var scope = g.nameScope(name == null ? "tuple" : name)) {
            Operation gate = group(g, gating, null);
            List<Output> result = new ArrayList<>(tensors.size());
            for (Output t : tensors) {
                result.add(t == null ? null : withDependencies(g, List.of(gate), t, null));
            }
            return result;
        }
    }

    /**
     * {@code with_dependencies(dependencies, t, name)}: {@code t} through an Identity (named {@code name}, default
     * {@code control_dependency}) that runs only after {@code dependencies} (Operations or Outputs).
     */
    static Output withDependencies(Graph g, Collection<?> dependencies, Output t, String name) {
        try (var deps = g.controlDependencies(dependencies)) {
            return ControlOps.identity(g, t, name == null ? "control_dependency" : name);
        }
    }

    private static Operation noOpAfter(Graph g, List<Operation> deps, String device, String name) {
        try (var scope = g.controlDependencies(deps);
             var placed = device == null || device.isEmpty() ? null : g.device(device)) {
            return ControlOps.noOp(g, name);
        }
    }

    private static Operation operationOf(Object o, String what) {
        if (o instanceof Operation op) {
            return op;
        }
        if (o instanceof Output out) {
            return out.op();
        }
        throw new InvalidArgumentException(what + " expects Operations or Outputs, got "
                + (o == null ? "null" : o.getClass().getSimpleName()));
    }
}
