package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU kernels of the checking and printing ops: {@code Assert}, {@code StringFormat}, {@code PrintV2} and
 * {@code Print}. Standard error and output are looked up when an op prints, so a caller that redirects
 * {@code System.err} sees what the graph prints; {@code log(...)} streams go to this class's logger.
 */
public final class LoggingKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;
    private static final Logger LOG = LoggerFactory.getLogger(LoggingKernels.class);

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "Assert", op -> {
            long summarize = op.attrLong("summarize");
            return ctx -> checkAssertion(ctx, summarize);
        });
        r.register(CPU, "StringFormat", op -> {
            List<String> pieces = split(op.attrString("template"), op.attrString("placeholder"));
            long summarize = op.attrLong("summarize");
            return ctx -> {
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < ctx.numInputs(); i++) {
                    s.append(pieces.get(i)).append(TensorSummaries.numpyLike(ctx.input(i), summarize));
                }
                s.append(pieces.get(pieces.size() - 1));
                ctx.setOutput(0, Tensor.ofString(s.toString()));
            };
        });
        r.register(CPU, "PrintV2", op -> {
            String stream = op.attrString("output_stream");
            String end = op.attrString("end");
            return ctx -> {
                Tensor in = ctx.input(0);
                if (in.dtype() != DType.STRING || in.numElements() != 1) {
                    throw new InvalidArgumentException("Input is expected to be scalar, but got " + in.shape());
                }
                write(ctx, stream, new String(((byte[][]) in.array())[0], StandardCharsets.UTF_8) + end);
            };
        });
        r.register(CPU, "Print", op -> {
            String message = op.attrString("message");
            long firstN = op.attrLong("first_n");
            long summarize = op.attrLong("summarize");
            return ctx -> {
                AtomicLong calls = ctx.sessionState(AtomicLong::new);
                if (firstN < 0 || calls.getAndIncrement() < firstN) {
                    StringBuilder s = new StringBuilder(message);
                    for (int i = 1; i < ctx.numInputs(); i++) {
                        s.append('[').append(TensorSummaries.legacy(ctx.input(i), summarize)).append(']');
                    }
                    write(ctx, "stderr", s.append('\n').toString());
                }
                ctx.setOutput(0, ctx.input(0));
            };
        });
    }

    private static void checkAssertion(KernelContext ctx, long summarize) {
        Tensor cond = ctx.input(0);
        boolean scalarLike = cond.numElements() == 1;
        for (long d : cond.shape().dims()) {
            scalarLike &= d == 1;
        }
        if (!scalarLike) {
            throw new InvalidArgumentException("In[0] should be a scalar: " + cond.shape());
        }
        if (((boolean[]) cond.array())[0]) {
            return;
        }
        StringBuilder m = new StringBuilder("assertion failed: ");
        for (int i = 1; i < ctx.numInputs(); i++) {
            m.append(i > 1 ? " " : "").append('[').append(TensorSummaries.legacy(ctx.input(i), summarize)).append(']');
        }
        throw new InvalidArgumentException(m.toString());
    }

    /** The template's pieces between placeholders (absl's StrSplit: n placeholders give n + 1 pieces). */
    static List<String> split(String template, String placeholder) {
        List<String> pieces = new ArrayList<>();
        if (placeholder.isEmpty()) {
            pieces.add(template);
            return pieces;
        }
        int from = 0;
        for (int at = template.indexOf(placeholder); at >= 0; at = template.indexOf(placeholder, from)) {
            pieces.add(template.substring(from, at));
            from = at + placeholder.length();
        }
        pieces.add(template.substring(from));
        return pieces;
    }

    private static void write(KernelContext ctx, String stream, String text) {
        switch (stream) {
            case "stderr" -> {
                System.err.print(text);
                System.err.flush();
            }
            case "stdout" -> {
                System.out.print(text);
                System.out.flush();
            }
            case "log(info)" -> LOG.info("{}", text);
            case "log(warning)" -> LOG.warn("{}", text);
            case "log(error)" -> LOG.error("{}", text);
            default -> {
                if (!stream.startsWith("file://")) {
                    throw new InvalidArgumentException("Unknown output stream: " + stream);
                }
                Path file = Path.of(stream.substring("file://".length()));
                ctx.fileAccess().checkWrite(ctx.op(), file);
                try {
                    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw IoErrors.of("appending to " + file, e);
                }
            }
        }
    }

}
