package dev.tensorgraph.kernel.args;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Arrays;

/**
 * The NumPy broadcast of operand shapes for the element-wise kernels, shared by the CPU and GPU runtimes
 * so that both accept the same operands and reject the others with TensorFlow's message.
 */
public final class BroadcastShapes {
    private BroadcastShapes() {}

    /**
     * The broadcast output shape of {@code shapes}: aligned at the end, each axis the one size other than 1
     * (or 1). {@code messagePrefix} is put before the message.
     *
     * @throws InvalidArgumentException "Incompatible shapes: [2, 3] vs. [4]" when two sizes other than 1 differ
     */
    public static Shape of(String messagePrefix, Shape... shapes) {
        int rank = 0;
        for (Shape s : shapes) {
            rank = Math.max(rank, s.rank());
        }
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        for (Shape s : shapes) {
            for (int i = 0; i < s.rank(); i++) {
                int j = rank - s.rank() + i;
                long d = s.size(i);
                if (d != 1) {
                    if (out[j] != 1 && out[j] != d) {
                        throw incompatible(messagePrefix, shapes);
                    }
                    out[j] = d;
                }
            }
        }
        return Shape.of(out);
    }

    private static InvalidArgumentException incompatible(String messagePrefix, Shape... shapes) {
        StringBuilder b = new StringBuilder(messagePrefix).append("Incompatible shapes:");
        for (int i = 0; i < shapes.length; i++) {
            b.append(i == 0 ? " " : " vs. ").append(shapes[i]);
        }
        return new InvalidArgumentException(b.toString());
    }
}
