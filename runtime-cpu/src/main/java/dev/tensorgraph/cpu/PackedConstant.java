package dev.tensorgraph.cpu;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import java.util.function.Function;

/**
 * A kernel's copy of a constant input in the layout its inner loops read (a filter in blocks of output
 * channels), made on the first run and kept with the kernel, so that inference with a frozen graph pays for
 * the copy once. Only inputs that are constants of the graph qualify: a variable's array may be updated in
 * place or handed out again by the buffer pool with other contents, so its copy could go stale.
 */
final class PackedConstant {
    private record Packed(Object source, float[] layout) {}

    private final Function<float[], float[]> packer;
    private volatile Packed last;

    private PackedConstant(Function<float[], float[]> packer) {
        this.packer = packer;
    }

    /**
     * A cache for input {@code input} of {@code op} when that input is a constant (a {@code Const}, possibly
     * behind {@code Identity} ops); null otherwise, and callers then pack on every run.
     */
    static PackedConstant forInput(Operation op, int input, Function<float[], float[]> packer) {
        return isConstant(op.input(input)) ? of(packer) : null;
    }

    /** A cache that packs with {@code packer}, for a value the caller knows is constant. */
    static PackedConstant of(Function<float[], float[]> packer) {
        return new PackedConstant(packer);
    }

    static boolean isConstant(Output value) {
        Operation producer = value.op();
        while (producer.type().equals("Identity")) {
            producer = producer.input(0).op();
        }
        return producer.type().equals("Const");
    }

    /** The packed layout of {@code value}, made now unless it was made from this same array before. */
    float[] get(float[] value) {
        Packed p = last;
        if (p != null && p.source() == value) {
            return p.layout();
        }
        float[] layout = packer.apply(value);
        last = new Packed(value, layout);
        return layout;
    }
}
