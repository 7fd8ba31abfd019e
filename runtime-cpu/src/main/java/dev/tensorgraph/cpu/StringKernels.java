package dev.tensorgraph.cpu;

import com.google.re2j.Pattern;
import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * CPU kernels of StringJoin and StaticRegexFullMatch. Strings are UTF-8 bytes; the regular expression is matched
 * against their decoded text, as a whole, by RE2/J: RE2's syntax, as TensorFlow's kernel, and time linear in the text
 * whatever the pattern, which may come from a graph written elsewhere.
 */
public final class StringKernels implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "StringJoin", op -> {
            byte[] separator = op.attrString("separator").getBytes(StandardCharsets.UTF_8);
            return ctx -> join(ctx, separator);
        });
        r.register(KernelRegistry.CPU, "StaticRegexFullMatch", op -> {
            Pattern pattern = Pattern.compile(op.attrString("pattern"));
            return ctx -> {
                byte[][] in = (byte[][]) ctx.input(0).array();
                boolean[] out = new boolean[in.length];
                for (int i = 0; i < in.length; i++) {
                    out[i] = pattern.matcher(new String(in[i], StandardCharsets.UTF_8)).matches();
                }
                ctx.setOutput(0, Tensor.wrap(DType.BOOL, ctx.input(0).shape(), out));
            };
        });
    }

    private static void join(KernelContext ctx, byte[] separator) {
        Shape shape = Shape.scalar();
        for (int i = 0; i < ctx.numInputs(); i++) {
            Shape s = ctx.input(i).shape();
            if (s.rank() == 0) {
                continue;
            }
            if (shape.rank() > 0 && !shape.equals(s)) {
                throw new InvalidArgumentException("StringJoin " + ctx.op().name() + ": inputs must be scalars or"
                        + " have the same shape: " + shape + " vs " + s + " (inputs[" + i + "])");
            }
            shape = s;
        }
        int n = (int) shape.numElements();
        byte[][] out = new byte[n][];
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int e = 0; e < n; e++) {
            b.reset();
            for (int i = 0; i < ctx.numInputs(); i++) {
                Tensor t = ctx.input(i);
                if (i > 0) {
                    b.writeBytes(separator);
                }
                b.writeBytes(((byte[][]) t.array())[t.shape().rank() == 0 ? 0 : e]);
            }
            out[e] = b.toByteArray();
        }
        ctx.setOutput(0, Tensor.wrap(DType.STRING, shape, out));
    }
}
