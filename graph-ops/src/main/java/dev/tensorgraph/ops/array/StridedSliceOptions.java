package dev.tensorgraph.ops.array;

/**
 * The bit masks of {@code tf.strided_slice} (bit i of a mask concerns entry i of begin/end/strides), as an
 * options builder with TensorFlow's keyword names; all masks are zero by default.
 *
 * <pre>{@code
 * // x[1:, ..., tf.newaxis, 0]
 * tf.stridedSlice(x, new int[] {1, 0, 0, 0}, new int[] {0, 0, 0, 1}, new int[] {1, 1, 1, 1},
 *     StridedSliceOptions.create().endMask(1).ellipsisMask(2).newAxisMask(4).shrinkAxisMask(8), null);
 * }</pre>
 */
public final class StridedSliceOptions {
    private long beginMask;
    private long endMask;
    private long ellipsisMask;
    private long newAxisMask;
    private long shrinkAxisMask;

    /** All masks zero. */
    public static StridedSliceOptions create() {
        return new StridedSliceOptions();
    }

    public StridedSliceOptions beginMask(long m) {
        this.beginMask = m;
        return this;
    }

    public StridedSliceOptions endMask(long m) {
        this.endMask = m;
        return this;
    }

    public StridedSliceOptions ellipsisMask(long m) {
        this.ellipsisMask = m;
        return this;
    }

    public StridedSliceOptions newAxisMask(long m) {
        this.newAxisMask = m;
        return this;
    }

    public StridedSliceOptions shrinkAxisMask(long m) {
        this.shrinkAxisMask = m;
        return this;
    }

    public long beginMask() {
        return beginMask;
    }

    public long endMask() {
        return endMask;
    }

    public long ellipsisMask() {
        return ellipsisMask;
    }

    public long newAxisMask() {
        return newAxisMask;
    }

    public long shrinkAxisMask() {
        return shrinkAxisMask;
    }
}
