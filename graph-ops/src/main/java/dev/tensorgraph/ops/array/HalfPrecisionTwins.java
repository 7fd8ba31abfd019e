package dev.tensorgraph.ops.array;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.HalfFloats;
import dev.tensorgraph.OpBuilder;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.Float32Twins;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Float32 twins of ops on bfloat16 and float16 (see {@link Float32Twins}): each input a {@code Placeholder} of its
 * dtype and shape (float32 for a 16-bit one), or a copy of the {@code Const} it is, widened to float32 if 16-bit.
 */
public final class HalfPrecisionTwins implements Float32Twins {
    @Override
    public Operation float32Twin(Operation op) {
        Graph g = new Graph();
        OpBuilder b = g.opBuilder(op.type(), op.name() + "/").ignoreControlScopes();
        for (int i = 0; i < op.numInputs(); i++) {
            Output in = op.input(i);
            String name = "input_" + i;
            Tensor constant = in.op().type().equals("Const") ? in.op().attrTensor("value") : null;
            if (constant != null) {
                if (constant.dtype().isHalfPrecision()) {
                    constant = Tensor.wrap(DType.FLOAT32, constant.shape(),
                            HalfFloats.widen(constant.dtype(), (short[]) constant.array()));
                }
                b.addInput(ConstantOps.constant(g, constant, name));
            } else {
                DType d = in.dtype().isHalfPrecision() ? DType.FLOAT32 : in.dtype();
                b.addInput(ConstantOps.placeholder(g, d, in.shape(), name));
            }
        }
        for (Map.Entry<String, Object> e : new LinkedHashMap<>(op.attrs()).entrySet()) {
            b.setAttr(e.getKey(), widenedType(e.getValue()));
        }
        return b.build();
    }

    private static Object widenedType(Object attr) {
        if (attr instanceof DType d && d.isHalfPrecision()) {
            return DType.FLOAT32;
        }
        if (attr instanceof DType[] list) {
            DType[] r = list.clone();
            for (int i = 0; i < r.length; i++) {
                if (r[i].isHalfPrecision()) {
                    r[i] = DType.FLOAT32;
                }
            }
            return r;
        }
        return attr;
    }
}
