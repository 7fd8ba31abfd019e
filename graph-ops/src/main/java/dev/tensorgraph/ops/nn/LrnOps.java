package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.List;

/**
 * Local response normalization over the last dimension of a 4-D tensor: {@code LRN} computes
 * {@code x / (bias + alpha * sum(x[d - r .. d + r]^2)) ^ beta} for depth radius {@code r}; {@code LRNGrad}
 * (input gradients, input, output) is its gradient. TensorFlow's defaults: radius 5, bias 1, alpha 1,
 * beta 0.5. TensorFlow takes float32 (and half); float64 is accepted here too so that gradients can be
 * checked numerically. TensorFlow defines no gradient of LRNGrad.
 */
public final class LrnOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(attrs(OpDef.builder("LRN").input("input"))
                .shape(c -> c.setOutput(0, floatType(c, c.inputDtype(0)), Windows.rank4(c, 0, "input")))
                .gradient((op, dy) -> List.of(lrnGrad(op.graph(), dy.get(0), op.input(0), op.output(0),
                        LrnParams.of(op), null))).build());
        r.register(attrs(OpDef.builder("LRNGrad").input("input_grads").input("input_image").input("output_image"))
                .shape(c -> {
                    DType t = floatType(c, c.inputDtype(0));
                    Shape s = Windows.rank4(c, 0, "input_grads");
                    for (int i = 1; i < 3; i++) {
                        if (c.inputDtype(i) != t) {
                            throw c.fail("input " + i + " is " + c.inputDtype(i) + " but input_grads is " + t);
                        }
                        Shape si = Windows.rank4(c, i, i == 1 ? "input_image" : "output_image");
                        if (!s.isCompatibleWith(si)) {
                            throw c.fail("input_grads, input_image and output_image must have the same shape, got "
                                    + c.inputShape(0) + ", " + c.inputShape(1) + " and " + c.inputShape(2));
                        }
                        s = s.mergeWith(si);
                    }
                    c.setOutput(0, t, s);
                })
                .gradient((op, dy) -> {
                    throw new UnimplementedException("TensorFlow defines no gradient for LRNGrad (op '" + op.name() + "')");
                }).build());
    }

    private static OpDef.Builder attrs(OpDef.Builder b) {
        return b.attr("depth_radius", AttrType.INT, 5L).attr("bias", AttrType.FLOAT, 1.0f)
                .attr("alpha", AttrType.FLOAT, 1.0f).attr("beta", AttrType.FLOAT, 0.5f)
                .attr("T", AttrType.TYPE, DType.FLOAT32);
    }

    private static DType floatType(ShapeContext c, DType t) {
        if (t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw c.fail("T must be float32 (or float64), got " + t);
        }
        if (c.attrLong("depth_radius") < 0) {
            throw c.fail("depth_radius must be non-negative, got " + c.attrLong("depth_radius"));
        }
        return t;
    }

    /** LRN's attributes: depth radius, bias, alpha and beta. */
    public record LrnParams(int depthRadius, float bias, float alpha, float beta) {
        /** TensorFlow's defaults: 5, 1, 1, 0.5. */
        public static LrnParams defaults() {
            return new LrnParams(5, 1f, 1f, 0.5f);
        }

        static LrnParams of(dev.tensorgraph.Operation op) {
            return new LrnParams(op.attrInt("depth_radius"), op.attrFloat("bias"), op.attrFloat("alpha"),
                    op.attrFloat("beta"));
        }
    }

    // ---- constructors ----

    /** {@code LRN(input)} ({@code tf.nn.lrn}, {@code tf.nn.local_response_normalization}). */
    public static Output lrn(Graph g, Output input, LrnParams p, String name) {
        return g.opBuilder("LRN", name).addInput(input).setAttr("depth_radius", (long) p.depthRadius())
                .setAttr("bias", p.bias()).setAttr("alpha", p.alpha()).setAttr("beta", p.beta()).build().output(0);
    }

    /** {@code LRNGrad(input_grads, input_image, output_image)}: the gradient of LRN. */
    public static Output lrnGrad(Graph g, Output inputGrads, Output inputImage, Output outputImage, LrnParams p,
                                 String name) {
        return g.opBuilder("LRNGrad", name).addInput(inputGrads).addInput(inputImage).addInput(outputImage)
                .setAttr("depth_radius", (long) p.depthRadius()).setAttr("bias", p.bias()).setAttr("alpha", p.alpha())
                .setAttr("beta", p.beta()).build().output(0);
    }
}
