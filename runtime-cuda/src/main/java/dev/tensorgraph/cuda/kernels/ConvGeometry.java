package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * Window geometry of a 2-D convolution or pooling in NHWC terms with TensorFlow's SAME/VALID/EXPLICIT rules:
 * output sizes and the padding before and after each spatial dimension. SAME puts the odd cell of padding
 * after (bottom, right). A grouped convolution ({@code groups > 1}) convolves each of {@code groups} equal parts of
 * the {@code c} input channels into its part of the {@code o} output channels.
 */
record ConvGeometry(int n, int h, int w, int c, int kh, int kw, int o, int sh, int sw, int dh, int dw,
                    int oh, int ow, int padTop, int padBottom, int padLeft, int padRight, int groups) {

    /** The attributes that fix the window arithmetic, read once per plan. */
    record Attrs(boolean nchw, int sh, int sw, int dh, int dw, String padding, int[] explicit) {
        static Attrs of(Operation op) {
            String df = op.hasAttr("data_format") ? op.attrString("data_format") : "NHWC";
            boolean nchw = "NCHW".equals(df);
            if (!nchw && !"NHWC".equals(df)) {
                throw new InvalidArgumentException(op.type() + " '" + op.name() + "': unknown data_format " + df);
            }
            int hi = nchw ? 2 : 1;
            int[] strides = op.hasAttr("strides") ? op.attrInts("strides") : new int[] {1, 1, 1, 1};
            int[] dil = op.hasAttr("dilations") ? op.attrInts("dilations") : new int[] {1, 1, 1, 1};
            if (strides.length != 4 || dil.length != 4) {
                throw new InvalidArgumentException(op.type() + " '" + op.name() + "': strides and dilations need 4 values");
            }
            String padding = op.attrString("padding");
            int[] explicit = new int[4];
            if ("EXPLICIT".equals(padding)) {
                int[] ep = op.attrInts("explicit_paddings");
                if (ep.length != 8) {
                    throw new InvalidArgumentException(op.type() + " '" + op.name() + "': explicit_paddings needs 8 values");
                }
                explicit = new int[] {ep[2 * hi], ep[2 * hi + 1], ep[2 * hi + 2], ep[2 * hi + 3]};
            }
            return new Attrs(nchw, strides[hi], strides[hi + 1], dil[hi], dil[hi + 1], padding, explicit);
        }
    }

    /** {output size, padding before, padding after} of one dimension. */
    static int[] outAndPads(int in, int k, int dil, int stride, String padding, int before, int after, String what) {
        int effK = (k - 1) * dil + 1;
        int out;
        int padBefore;
        int padAfter;
        switch (padding) {
            case "VALID" -> {
                out = in < effK ? 0 : (in - effK) / stride + 1;
                padBefore = 0;
                padAfter = 0;
            }
            case "SAME" -> {
                out = (in + stride - 1) / stride;
                int total = Math.max(0, (out - 1) * stride + effK - in);
                padBefore = total / 2;
                padAfter = total - padBefore;
            }
            case "EXPLICIT" -> {
                out = in + before + after < effK ? 0 : (in + before + after - effK) / stride + 1;
                padBefore = before;
                padAfter = after;
            }
            default -> throw new InvalidArgumentException(what + ": unknown padding '" + padding + "'");
        }
        if (out <= 0) {
            throw new InvalidArgumentException(what + ": window of size " + effK + " does not fit input size " + in
                    + " with " + padding + " padding");
        }
        return new int[] {out, padBefore, padAfter};
    }

    static ConvGeometry of(int n, int h, int w, int c, int kh, int kw, int o, Attrs a, String what) {
        int[] r = outAndPads(h, kh, a.dh(), a.sh(), a.padding(), a.explicit()[0], a.explicit()[1], what);
        int[] q = outAndPads(w, kw, a.dw(), a.sw(), a.padding(), a.explicit()[2], a.explicit()[3], what);
        return new ConvGeometry(n, h, w, c, kh, kw, o, a.sh(), a.sw(), a.dh(), a.dw(), r[0], q[0], r[1], r[2], q[1], q[2],
                1);
    }

    /** The same convolution split into {@code count} groups of channels. */
    ConvGeometry withGroups(int count) {
        return new ConvGeometry(n, h, w, c, kh, kw, o, sh, sw, dh, dw, oh, ow, padTop, padBottom, padLeft, padRight,
                count);
    }

    /** The same window over {@code channels} input channels (an input padded with zero channels). */
    ConvGeometry withChannels(int channels) {
        return new ConvGeometry(n, h, w, channels, kh, kw, o, sh, sw, dh, dw, oh, ow, padTop, padBottom, padLeft,
                padRight, groups);
    }

    /** cuDNN's symmetric padding: the smaller side; the rest is padded explicitly ({@link #extraTop} ...). */
    int padH() {
        return Math.min(padTop, padBottom);
    }

    int padW() {
        return Math.min(padLeft, padRight);
    }

    boolean symmetric() {
        return padTop == padBottom && padLeft == padRight;
    }

    int extraTop() {
        return padTop - padH();
    }

    int extraLeft() {
        return padLeft - padW();
    }

    /** Input height after the explicit part of the padding. */
    int paddedH() {
        return h + padTop + padBottom - 2 * padH();
    }

    int paddedW() {
        return w + padLeft + padRight - 2 * padW();
    }

    Shape outShape(boolean nchw) {
        return nchw ? Shape.of(n, o, oh, ow) : Shape.of(n, oh, ow, o);
    }

    Shape inShape(boolean nchw) {
        return nchw ? Shape.of(n, c, h, w) : Shape.of(n, h, w, c);
    }
}
