package dev.tensorgraph.examples.cli;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.lang.reflect.Array;
import java.util.Locale;

/**
 * A few lines about a tensor instead of all its values: how many there are, their range and mean (NaNs counted
 * apart), and the first few. What {@code checkpoint --tensor} prints unless asked for every value.
 */
final class TensorSummary {
    /** Values shown at the start of the tensor. */
    static final int PREVIEW = 8;

    private TensorSummary() {}

    static String of(Tensor t) {
        int n = t.numElements();
        StringBuilder b = new StringBuilder("  ").append(n).append(n == 1 ? " value" : " values");
        if (t.dtype() == DType.BOOL) {
            int trues = 0;
            for (boolean v : (boolean[]) t.array()) {
                trues += v ? 1 : 0;
            }
            b.append(": ").append(trues).append(" true, ").append(n - trues).append(" false");
        } else if (t.dtype() != DType.STRING && n > 0) {
            appendRange(b, t);
        }
        b.append('\n');
        int shown = Math.min(PREVIEW, n);
        if (shown > 0) {
            Object head = Array.newInstance(t.array().getClass().getComponentType(), shown);
            System.arraycopy(t.array(), 0, head, 0, shown);
            b.append("  ").append(shown == n ? "values: " : "first " + shown + ": ")
                    .append(TensorText.format(Tensor.wrap(t.dtype(), Shape.of(shown), head), shown)).append('\n');
        }
        return b.toString();
    }

    private static void appendRange(StringBuilder b, Tensor t) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int nan = 0;
        for (double v : t.toDoubles()) {
            if (Double.isNaN(v)) {
                nan++;
                continue;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        int counted = t.numElements() - nan;
        if (counted > 0) {
            b.append(": min ").append(number(t.dtype(), min)).append(", max ").append(number(t.dtype(), max))
                    .append(", mean ").append(String.format(Locale.ROOT, "%.6g", sum / counted));
        }
        if (nan > 0) {
            b.append(counted > 0 ? ", " : ": ").append(nan).append(" NaN");
        }
    }

    /** A value as the tensor's own dtype prints it: integers without a fraction, float32 at float precision. */
    private static String number(DType dtype, double v) {
        return switch (dtype) {
            case FLOAT32 -> Float.toString((float) v);
            case FLOAT64 -> Double.toString(v);
            default -> Long.toString((long) v);
        };
    }
}
