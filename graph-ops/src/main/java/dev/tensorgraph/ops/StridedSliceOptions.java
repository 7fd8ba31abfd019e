package dev.tensorgraph.ops;

/**
 * The bit masks of {@code tf.strided_slice} as an immutable record.
 *
 * @deprecated options are builders: use {@link dev.tensorgraph.ops.array.StridedSliceOptions}
 *     ({@code StridedSliceOptions.create().beginMask(1)}).
 */
@Deprecated
public record StridedSliceOptions(long beginMask, long endMask, long ellipsisMask, long newAxisMask, long shrinkAxisMask) {
    private static final StridedSliceOptions NONE = new StridedSliceOptions(0, 0, 0, 0, 0);

    /** All masks zero. */
    public static StridedSliceOptions none() {
        return NONE;
    }

    public StridedSliceOptions withBeginMask(long m) {
        return new StridedSliceOptions(m, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
    }

    public StridedSliceOptions withEndMask(long m) {
        return new StridedSliceOptions(beginMask, m, ellipsisMask, newAxisMask, shrinkAxisMask);
    }

    public StridedSliceOptions withEllipsisMask(long m) {
        return new StridedSliceOptions(beginMask, endMask, m, newAxisMask, shrinkAxisMask);
    }

    public StridedSliceOptions withNewAxisMask(long m) {
        return new StridedSliceOptions(beginMask, endMask, ellipsisMask, m, shrinkAxisMask);
    }

    public StridedSliceOptions withShrinkAxisMask(long m) {
        return new StridedSliceOptions(beginMask, endMask, ellipsisMask, newAxisMask, m);
    }

    /** The same masks as the options builder the facade takes. */
    public dev.tensorgraph.ops.array.StridedSliceOptions toOptions() {
        return dev.tensorgraph.ops.array.StridedSliceOptions.create().beginMask(beginMask).endMask(endMask)
                .ellipsisMask(ellipsisMask).newAxisMask(newAxisMask).shrinkAxisMask(shrinkAxisMask);
    }
}
