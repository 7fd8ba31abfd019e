package dev.tensorgraph;

import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of a function-valued attribute (TensorFlow's {@code NameAttrList}): the name of a function in the
 * graph's {@link FunctionLibrary}, with attribute values that instantiate it (the types of a polymorphic
 * function) or that only travel with the reference ({@code _tf_data_function}).
 *
 * <pre>{@code
 * FunctionRef body = FunctionRef.of("while_body_18");
 * }</pre>
 *
 * @param name the function's name
 * @param attrs attribute values, in the Java form of {@link Operation#attr}
 */
public record FunctionRef(String name, Map<String, Object> attrs) {
    public FunctionRef {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException("a function reference needs a function name");
        }
        attrs = attrs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    }

    /** A reference to {@code name} without attributes. */
    public static FunctionRef of(String name) {
        return new FunctionRef(name, Map.of());
    }

    @Override
    public String toString() {
        return attrs.isEmpty() ? name : name + attrs;
    }
}
