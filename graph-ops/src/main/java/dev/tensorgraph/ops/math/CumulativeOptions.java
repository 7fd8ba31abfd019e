package dev.tensorgraph.ops.math;

/**
 * The keyword arguments of {@code tf.cumsum} and {@code tf.cumprod}: {@code exclusive} leaves each element out of
 * its own result (the first result is the identity), {@code reverse} runs from the end of the axis. Both false by
 * default.
 *
 * <pre>{@code
 * // [a, b, c] -> [b + c, c, 0]
 * tf.cumsum(x, 0, CumulativeOptions.create().exclusive(true).reverse(true));
 * }</pre>
 */
public final class CumulativeOptions {
    private boolean exclusive;
    private boolean reverse;

    /** Inclusive, forward. */
    public static CumulativeOptions create() {
        return new CumulativeOptions();
    }

    public CumulativeOptions exclusive(boolean v) {
        this.exclusive = v;
        return this;
    }

    public CumulativeOptions reverse(boolean v) {
        this.reverse = v;
        return this;
    }

    public boolean exclusive() {
        return exclusive;
    }

    public boolean reverse() {
        return reverse;
    }
}
