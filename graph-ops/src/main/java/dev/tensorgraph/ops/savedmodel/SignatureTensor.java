package dev.tensorgraph.ops.savedmodel;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.proto.TensorInfo;
import dev.tensorgraph.proto.TensorShapeProto;

/**
 * One input or output of a signature (TensorFlow's {@code TensorInfo}): the graph tensor it stands for, its dtype
 * and its shape (dimensions of -1 and an unknown rank allowed).
 */
public record SignatureTensor(String tensorName, DType dtype, Shape shape) {
    /** The entry of a SignatureDef; {@code what} names it in errors ("signature 'serving_default' input 'x'"). */
    public static SignatureTensor fromProto(TensorInfo info, String what) {
        if (info.getEncodingCase() != TensorInfo.EncodingCase.NAME || info.getName().isEmpty()) {
            throw new InvalidArgumentException(what + " is not a dense tensor name (sparse and composite signature"
                    + " tensors are not supported)");
        }
        DType dtype;
        try {
            dtype = DType.fromCode(info.getDtypeValue());
        } catch (RuntimeException e) {
            throw new InvalidArgumentException(what + " has unsupported dtype " + info.getDtypeValue());
        }
        return new SignatureTensor(info.getName(), dtype, shape(info.getTensorShape(), what));
    }

    private static Shape shape(TensorShapeProto p, String what) {
        if (p.getUnknownRank()) {
            return Shape.unknown();
        }
        long[] d = new long[p.getDimCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = p.getDim(i).getSize();
            if (d[i] < -1) {
                throw new InvalidArgumentException(what + " has dimension " + i + " of size " + d[i]);
            }
        }
        return Shape.of(d);
    }

    /** The dtype as TensorFlow's enum names it: {@code DT_FLOAT}. */
    public String dtypeName() {
        return dev.tensorgraph.proto.DataType.forNumber(dtype.code()).name();
    }

    /** The shape as {@code saved_model_cli} prints it: {@code (-1, 4)}, {@code ()}, {@code unknown_rank}. */
    public String shapeText() {
        if (!shape.hasKnownRank()) {
            return "unknown_rank";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.rank(); i++) {
            b.append(i > 0 ? ", " : "").append(shape.size(i));
        }
        return b.append(")").toString();
    }

    /** As {@code saved_model_cli show} describes it: {@code dtype: DT_FLOAT, shape: (-1, 4), name: x:0}. */
    @Override
    public String toString() {
        return "dtype: " + dtypeName() + ", shape: " + shapeText() + ", name: " + tensorName;
    }
}
