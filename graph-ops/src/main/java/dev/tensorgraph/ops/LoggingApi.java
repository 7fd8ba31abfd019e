package dev.tensorgraph.ops;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.ops.io.LoggingOps;
import java.util.Arrays;
import java.util.List;

/**
 * {@code tf.print} and TensorFlow 1's {@code tf.Print}. In a graph the print is an op of its own, run only when
 * something the run needs depends on it:
 *
 * <pre>{@code
 * Operation show = tf.print("x is", x);                        // StringFormat + PrintV2 on stderr
 * try (var deps = tf.controlDependencies(List.of(show))) {
 *     y = tf.multiply(x, 2f);                                   // printing "x is [1 2 3]" whenever y is computed
 * }
 * }</pre>
 */
public interface LoggingApi extends TfBase {
    /** {@code tf.print(*inputs)}: Strings as text, Outputs summarized (3 entries at each end), to stderr. */
    default Operation print(Object... inputs) {
        return print(Arrays.asList(inputs), "stderr", 3, " ", "\n", null);
    }

    /**
     * {@code tf.print(*inputs, output_stream, summarize, sep, end, name)}; {@code outputStream} is {@code stderr},
     * {@code stdout}, {@code log(info)}, {@code log(warning)}, {@code log(error)} or {@code file://<path>}.
     */
    default Operation print(List<?> inputs, String outputStream, long summarize, String sep, String end, String name) {
        return LoggingOps.print(graph(), inputs, outputStream, summarize, sep, end, name);
    }

    /** TensorFlow 1's {@code tf.Print(input, data, message)}: {@code input}, printing message and data as it passes. */
    default Output printOp(Output input, List<Output> data, String message) {
        return LoggingOps.printOp(graph(), input, data, message, -1, 3, null);
    }
}
