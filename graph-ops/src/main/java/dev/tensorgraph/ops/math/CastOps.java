package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import java.util.Arrays;
import java.util.List;

/**
 * {@code Cast(x; SrcT, DstT, Truncate)}: converts elementwise (floats to integers truncate toward zero, numbers
 * to bool test != 0). The gradient casts back between floating types and is none otherwise.
 */
public final class CastOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Cast").input("x").attr("SrcT", AttrType.TYPE).attr("DstT", AttrType.TYPE)
                .attr("Truncate", AttrType.BOOL, false)
                .shape(c -> {
                    if (c.inputDtype(0) != c.attrType("SrcT")) {
                        throw c.fail("input is " + c.inputDtype(0) + " but SrcT is " + c.attrType("SrcT"));
                    }
                    DType dst = c.attrType("DstT");
                    if (dst == DType.STRING || c.inputDtype(0) == DType.STRING) {
                        throw c.fail("Cast string to or from " + dst + " is not supported");
                    }
                    c.setOutput(0, dst, c.inputShape(0));
                })
                .gradient((op, dy) -> {
                    DType src = op.attrType("SrcT");
                    if (src.isFloating() && op.attrType("DstT").isFloating()) {
                        return List.of(cast(op.graph(), dy.get(0), src, null));
                    }
                    return Arrays.asList((Output) null);
                }).build());
    }

    /**
     * {@code tf.cast(x, dtype)}: a Cast op, or {@code x} itself when it already has {@code dtype} (as
     * TensorFlow's {@code tf.cast}).
     */
    public static Output cast(Graph g, Output x, DType dtype, String name) {
        if (x.dtype() == dtype) {
            return x;
        }
        return g.opBuilder("Cast", name).addInput(x).setAttr("SrcT", x.dtype()).setAttr("DstT", dtype)
                .setAttr("Truncate", false).build().output(0);
    }
}
