package dev.tensorgraph.ops.nn;

import dev.tensorgraph.OpBuilder;
import dev.tensorgraph.Operation;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Arrays;

/**
 * The attributes that Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter share, spelled out once: strides,
 * padding (SAME, VALID, EXPLICIT with explicit paddings), data format, dilations and use_cudnn_on_gpu (the
 * depthwise convolution ops take the same attributes but use_cudnn_on_gpu). A builder
 * with TensorFlow's defaults (strides and dilations 1, VALID, NHWC); strides and dilations may have 1, 2 or 4
 * entries, expanded to four for the data format as {@code tf.nn.conv2d} does.
 *
 * <pre>{@code
 * Output y = ConvOps.conv2d(g, x, w, ConvAttrs.create().strides(2).padding("SAME"), null);
 * }</pre>
 */
public final class ConvAttrs {
    private int[] strides;
    private String padding = "VALID";
    private int[][] spatialPaddings;
    private long[] explicitPaddings = new long[0];
    private String dataFormat = "NHWC";
    private int[] dilations;
    private boolean useCudnnOnGpu = true;

    /** The defaults: strides and dilations 1, VALID padding, NHWC. */
    public static ConvAttrs create() {
        return new ConvAttrs();
    }

    /** The attributes of an existing convolution op, for the ops of its gradient. */
    public static ConvAttrs of(Operation op) {
        ConvAttrs a = new ConvAttrs();
        a.strides = op.attrInts("strides");
        a.padding = op.attrString("padding");
        a.explicitPaddings = op.attrLongs("explicit_paddings");
        a.dataFormat = op.attrString("data_format");
        a.dilations = op.attrInts("dilations");
        a.useCudnnOnGpu = !op.hasAttr("use_cudnn_on_gpu") || op.attrBool("use_cudnn_on_gpu");
        return a;
    }

    public ConvAttrs strides(int... v) {
        this.strides = v;
        return this;
    }

    /** "SAME" or "VALID" ("EXPLICIT" comes with {@link #explicitPaddings}). */
    public ConvAttrs padding(String v) {
        this.padding = v;
        return this;
    }

    /** EXPLICIT padding {@code {{top, bottom}, {left, right}}} of the spatial dimensions. */
    public ConvAttrs explicitPaddings(int[][] spatial) {
        if (spatial == null || spatial.length != 2 || spatial[0].length != 2 || spatial[1].length != 2) {
            throw new InvalidArgumentException("explicit paddings must be [[top, bottom], [left, right]]");
        }
        this.padding = "EXPLICIT";
        this.spatialPaddings = spatial;
        return this;
    }

    /** "NHWC" (default) or "NCHW"; null keeps NHWC. */
    public ConvAttrs dataFormat(String v) {
        this.dataFormat = v == null ? "NHWC" : v;
        return this;
    }

    public ConvAttrs dilations(int... v) {
        this.dilations = v;
        return this;
    }

    public ConvAttrs useCudnnOnGpu(boolean v) {
        this.useCudnnOnGpu = v;
        return this;
    }

    /** Sets the attributes on a convolution op being built. */
    OpBuilder applyTo(OpBuilder b) {
        return applyWindowAttrs(b).setAttr("use_cudnn_on_gpu", useCudnnOnGpu);
    }

    /** The attributes without use_cudnn_on_gpu, which the depthwise convolution ops do not have. */
    OpBuilder applyWindowAttrs(OpBuilder b) {
        long[] ep = explicitPaddings;
        if (spatialPaddings != null) {
            int[][] p = spatialPaddings;
            ep = "NCHW".equals(dataFormat) ? new long[] {0, 0, 0, 0, p[0][0], p[0][1], p[1][0], p[1][1]}
                    : new long[] {0, 0, p[0][0], p[0][1], p[1][0], p[1][1], 0, 0};
        }
        return b.setAttr("strides", expand4(strides, dataFormat, "strides")).setAttr("padding", padding).setAttr("explicit_paddings", ep).setAttr("data_format", dataFormat)
                .setAttr("dilations", expand4(dilations, dataFormat, "dilations"));
    }

    /** Expands a 1-, 2- or 4-element strides/ksize/dilations list to TensorFlow's 4 entries (null: ones). */
    public static int[] expand4(int[] v, String dataFormat, String what) {
        if (v == null) {
            return new int[] {1, 1, 1, 1};
        }
        boolean nchw = "NCHW".equals(dataFormat);
        switch (v.length) {
            case 1 -> { return nchw ? new int[] {1, 1, v[0], v[0]} : new int[] {1, v[0], v[0], 1}; }
            case 2 -> { return nchw ? new int[] {1, 1, v[0], v[1]} : new int[] {1, v[0], v[1], 1}; }
            case 4 -> { return v.clone(); }
            default -> throw new InvalidArgumentException(what + " must have 1, 2 or 4 entries, got " + Arrays.toString(v));
        }
    }
}
