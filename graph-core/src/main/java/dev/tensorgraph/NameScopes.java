package dev.tensorgraph;

import java.util.HashMap;
import java.util.Map;

/**
 * TensorFlow's {@code Graph.unique_name} and name-scope stack. Names are compared case-insensitively when
 * counting uses, exactly as TensorFlow 1.x does, so {@code Add} after {@code add} becomes {@code Add_1}. Names
 * in use are the graph's; the current scope is each thread's own, as in TensorFlow, so that two threads building
 * in one graph do not name each other's ops.
 */
final class NameScopes {
    private final Map<String, Integer> namesInUse = new HashMap<>();
    private final ThreadLocal<String> current = ThreadLocal.withInitial(() -> "");

    String current() {
        return current.get();
    }

    void setCurrent(String scope) {
        current.set(scope);
    }

    /** The name TensorFlow would give {@code name} under the current scope; marks it used when asked. */
    String uniqueName(String name, boolean markAsUsed) {
        String scope = current.get();
        String full = scope.isEmpty() ? name : scope + "/" + name;
        String key = full.toLowerCase(java.util.Locale.ROOT);
        int i = namesInUse.getOrDefault(key, 0);
        if (markAsUsed) {
            namesInUse.put(key, i + 1);
        }
        if (i == 0) {
            return full;
        }
        String baseKey = key;
        String candidate = key;
        while (namesInUse.containsKey(candidate)) {
            candidate = baseKey + "_" + i;
            i++;
        }
        if (markAsUsed) {
            namesInUse.put(candidate, 1);
        }
        return full + "_" + (i - 1);
    }

    /** Marks an exact name as used (for ops named by a scope string ending in '/', and for imports). */
    void markUsed(String fullName) {
        namesInUse.merge(fullName.toLowerCase(java.util.Locale.ROOT), 1, (a, b) -> a);
    }
}
