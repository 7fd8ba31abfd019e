package dev.tensorgraph.ops.nn;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.SpaceBatchOps;
import java.util.Arrays;
import java.util.function.BiFunction;

/**
 * Dilated convolutions as TensorFlow 1.x's Python builds them ({@code with_space_to_batch}): the input is padded
 * and split into {@code rate * rate} interleaved sub-images by SpaceToBatchND, each is convolved with the
 * undilated filter (VALID), and BatchToSpaceND interleaves the results again, cropping what the padding added.
 * {@code tf.nn.atrous_conv2d}, {@code tf.nn.convolution} with a dilation rate and {@code tf.nn.depthwise_conv2d}
 * with a rate all come here. The paddings are computed while building, so the input's spatial size and the
 * filter's window must be known then.
 */
public final class DilatedConvOps {
    private DilatedConvOps() {}

    /**
     * {@code conv(x, padding)} at dilation {@code rate} (2 entries; null or ones: {@code conv(input, padding)}
     * itself) over the spatial dimensions of {@code dataFormat} (null: NHWC) of {@code input}; {@code filter}'s
     * first two dimensions are the window.
     */
    static Output withSpaceToBatch(Graph g, Output input, Output filter, int[] rate, int[] strides, String padding,
                                   String dataFormat, BiFunction<Output, String, Output> conv) {
        int[] r = rate == null ? new int[] {1, 1} : rate.length == 1 ? new int[] {rate[0], rate[0]} : rate;
        if (r.length != 2 || r[0] < 1 || r[1] < 1) {
            throw new InvalidArgumentException("dilation rate must be 1 or 2 positive values, got " + Arrays.toString(rate));
        }
        if (r[0] == 1 && r[1] == 1) {
            return conv.apply(input, padding);
        }
        if (isAboveOne(strides)) {
            throw new InvalidArgumentException("strides above 1 are not supported together with a dilation rate above 1, "
                    + "got strides " + Arrays.toString(strides) + " and rate " + Arrays.toString(rate));
        }
        boolean nchw = "NCHW".equals(dataFormat);
        int h = nchw ? 2 : 1;
        Shape xs = input.shape();
        Shape fs = filter.shape();
        if (!xs.hasKnownRank() || xs.rank() != 4 || xs.size(h) < 0 || xs.size(h + 1) < 0 || !fs.hasKnownRank()
                || fs.rank() != 4 || fs.size(0) < 0 || fs.size(1) < 0) {
            throw new InvalidArgumentException("a dilated convolution needs the input's spatial size and the filter's "
                    + "window while building, got input shape " + xs + " and filter shape " + fs);
        }
        int[][] base = new int[2][2];
        if ("SAME".equals(padding)) {
            for (int i = 0; i < 2; i++) {
                int dilated = (int) fs.size(i) + ((int) fs.size(i) - 1) * (r[i] - 1);
                base[i][0] = (dilated - 1) / 2;
                base[i][1] = dilated - 1 - base[i][0];
            }
        } else if (!"VALID".equals(padding)) {
            throw new InvalidArgumentException("a dilated convolution takes SAME or VALID padding, got '" + padding + "'");
        }
        // Pad each spatial dimension up to a multiple of the rate; the extra is cropped from the result.
        int dims = nchw ? 3 : 2;
        int[] block = new int[dims];
        int[][] paddings = new int[dims][2];
        int[][] crops = new int[dims][2];
        Arrays.fill(block, 1);
        for (int i = 0; i < 2; i++) {
            int d = dims - 2 + i;
            int full = (int) xs.size(h + i) + base[i][0] + base[i][1];
            int extra = (r[i] - full % r[i]) % r[i];
            block[d] = r[i];
            paddings[d] = new int[] {base[i][0], base[i][1] + extra};
            crops[d] = new int[] {0, extra};
        }
        Output converted = SpaceBatchOps.spaceToBatchNd(g, input, block, paddings, null);
        return SpaceBatchOps.batchToSpaceNd(g, conv.apply(converted, "VALID"), block, crops, null);
    }

    /**
     * {@code tf.nn.convolution(input, filter, padding, strides, dilation_rate, data_format)} for 2-D
     * convolutions, in the scope {@code convolution}: one Conv2D named after the scope, inside
     * SpaceToBatchND/BatchToSpaceND when {@code dilationRate} (null: 1) is above 1 (strides must then be 1).
     */
    public static Output convolution(Graph g, Output input, Output filter, String padding, int[] strides,
                                     int[] dilationRate, String dataFormat, String name) {
        try (var s = g.nameScope(name == null ? "convolution" : name)) {
            String opName = s.name();
            return withSpaceToBatch(g, input, filter, dilationRate, strides, padding, dataFormat,
                    (x, pad) -> ConvOps.conv2d(g, x, filter,
                            ConvAttrs.create().strides(strides).padding(pad).dataFormat(dataFormat), opName));
        }
    }

    /** {@code tf.nn.atrous_conv2d(value, filters, rate, padding)}: {@link #convolution} at dilation {@code rate}. */
    public static Output atrousConv2d(Graph g, Output value, Output filters, int rate, String padding, String name) {
        if (rate < 1) {
            throw new InvalidArgumentException("rate must be positive, got " + rate);
        }
        return convolution(g, value, filters, padding, null, new int[] {rate, rate}, "NHWC", name);
    }

    /** Whether any entry of a strides list (null: ones) is above 1. */
    private static boolean isAboveOne(int[] v) {
        if (v != null) {
            for (int x : v) {
                if (x > 1) {
                    return true;
                }
            }
        }
        return false;
    }
}
