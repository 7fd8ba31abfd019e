package dev.tensorgraph.cpu;

/**
 * Per-thread scratch arrays that kernels reuse from run to run instead of allocating: a training step's padded
 * inputs and laid-out filters are megabytes each, and as garbage they went straight to the old generation
 * (AlexNet: about 150 MB a step, and 1.8 GB peak RSS). Each use has a slot of its own, since one kernel may hold
 * several at once; contents are garbage on return.
 */
final class Scratch {
    /** What a scratch array is for; uses that can be live at the same time have different slots. */
    enum Slot { PADDED_INPUT, FILTER_LAYOUT, TURNED_FILTER, WINOGRAD_BLOCKS, WINOGRAD_PRODUCTS, WINOGRAD_FILTER,
        WINOGRAD_GRADIENT }

    private static final ThreadLocal<float[][]> ARRAYS = ThreadLocal.withInitial(() -> new float[Slot.values().length][0]);

    private Scratch() {}

    /** This thread's array for {@code slot}, at least {@code length} long. */
    static float[] floats(Slot slot, int length) {
        float[][] arrays = ARRAYS.get();
        if (arrays[slot.ordinal()].length < length) {
            arrays[slot.ordinal()] = new float[length];
        }
        return arrays[slot.ordinal()];
    }
}
