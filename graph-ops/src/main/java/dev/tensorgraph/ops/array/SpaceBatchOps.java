package dev.tensorgraph.ops.array;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.Arrays;
import java.util.List;

/**
 * Moving blocks of space into the batch or the depth and back: {@code SpaceToBatchND} / {@code BatchToSpaceND}
 * (TensorFlow 1.x's dilated convolutions are a VALID convolution between the two), their 4-D forerunners
 * {@code SpaceToBatch} / {@code BatchToSpace} ({@code block_size} as an attribute), and {@code SpaceToDepth} /
 * {@code DepthToSpace}. Each pair is the other's gradient.
 *
 * <p>SpaceToBatchND pads the M spatial dimensions after the batch, then moves the offset inside each block to the
 * batch: {@code out[((i_0 * b_1 + i_1) ...) * batch + n, y_0, y_1, ..., rest] = padded[n, y_0 * b_0 + i_0, ...]}.
 * SpaceToDepth puts block cell {@code (by, bx)} at depth {@code (by * bs + bx) * C + c}.
 */
public final class SpaceBatchOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("SpaceToBatchND").input("input").input("block_shape").input("paddings")
                .attr("T", AttrType.TYPE).attr("Tblock_shape", AttrType.TYPE, DType.INT32)
                .attr("Tpaddings", AttrType.TYPE, DType.INT32)
                .shape(c -> ndShape(c, "paddings", "Tpaddings", true))
                .gradient((op, dy) -> Arrays.asList(batchToSpaceNd(op.graph(), dy.get(0), op.input(1), op.input(2), null),
                        null, null)).build());
        r.register(OpDef.builder("BatchToSpaceND").input("input").input("block_shape").input("crops")
                .attr("T", AttrType.TYPE).attr("Tblock_shape", AttrType.TYPE, DType.INT32)
                .attr("Tcrops", AttrType.TYPE, DType.INT32)
                .shape(c -> ndShape(c, "crops", "Tcrops", false))
                .gradient((op, dy) -> Arrays.asList(spaceToBatchNd(op.graph(), dy.get(0), op.input(1), op.input(2), null),
                        null, null)).build());
        r.register(OpDef.builder("SpaceToBatch").input("input").input("paddings")
                .attr("T", AttrType.TYPE).attr("Tpaddings", AttrType.TYPE, DType.INT32).attr("block_size", AttrType.INT)
                .shape(c -> blockSizeShape(c, "paddings", "Tpaddings", true))
                .gradient((op, dy) -> Arrays.asList(batchToSpace(op.graph(), dy.get(0), op.input(1),
                        (int) op.attrLong("block_size"), null), null)).build());
        r.register(OpDef.builder("BatchToSpace").input("input").input("crops")
                .attr("T", AttrType.TYPE).attr("block_size", AttrType.INT).attr("Tidx", AttrType.TYPE, DType.INT32)
                .shape(c -> blockSizeShape(c, "crops", "Tidx", false))
                .gradient((op, dy) -> Arrays.asList(spaceToBatch(op.graph(), dy.get(0), op.input(1),
                        (int) op.attrLong("block_size"), null), null)).build());
        r.register(OpDef.builder("SpaceToDepth").input("input")
                .attr("T", AttrType.TYPE).attr("block_size", AttrType.INT).attr("data_format", AttrType.STRING, "NHWC")
                .shape(c -> depthShape(c, true))
                .gradient((op, dy) -> List.of(depthToSpace(op.graph(), dy.get(0), (int) op.attrLong("block_size"),
                        op.attrString("data_format"), null))).build());
        r.register(OpDef.builder("DepthToSpace").input("input")
                .attr("T", AttrType.TYPE).attr("block_size", AttrType.INT).attr("data_format", AttrType.STRING, "NHWC")
                .shape(c -> depthShape(c, false))
                .gradient((op, dy) -> List.of(spaceToDepth(op.graph(), dy.get(0), (int) op.attrLong("block_size"),
                        op.attrString("data_format"), null))).build());
    }

    // ---- shape functions ----

    /** SpaceToBatchND ({@code toBatch}) and BatchToSpaceND: input 2 is paddings or crops. */
    private static void ndShape(ShapeContext c, String what, String typeAttr, boolean toBatch) {
        ShapeArgs.typeFrom(c, "Tblock_shape", 1);
        ShapeArgs.typeFrom(c, typeAttr, 2);
        ShapeArgs.indexType(c, "Tblock_shape");
        ShapeArgs.indexType(c, typeAttr);
        Shape bs = c.inputShape(1);
        if (bs.hasKnownRank() && bs.rank() != 1) {
            throw c.fail("block_shape must be 1-D, got shape " + bs);
        }
        Shape ps = c.inputShape(2);
        if (ps.hasKnownRank() && (ps.rank() != 2 || (ps.size(1) >= 0 && ps.size(1) != 2))) {
            throw c.fail(what + " must be of shape [M, 2], got shape " + ps);
        }
        long m = bs.hasKnownRank() ? bs.size(0) : -1;
        if (m >= 0 && ps.hasKnownRank() && ps.size(0) >= 0 && ps.size(0) != m) {
            throw c.fail(what + " shape " + ps + " does not match block_shape shape " + bs);
        }
        Tensor blockT = c.constantValue(1);
        Tensor padT = c.constantValue(2);
        long[] block = blockT == null ? null : ShapeArgs.longs(blockT);
        long[] pads = padT == null ? null : ShapeArgs.longs(padT);
        c.setOutput(0, c.inputDtype(0), spaceBatchShape(c, c.inputShape(0), m, block, pads, what, toBatch));
    }

    /** SpaceToBatch and BatchToSpace: a 4-D input, a square block of {@code block_size}. */
    private static void blockSizeShape(ShapeContext c, String what, String typeAttr, boolean toBatch) {
        ShapeArgs.typeFrom(c, typeAttr, 1);
        ShapeArgs.indexType(c, typeAttr);
        long b = c.attrLong("block_size");
        if (b < 2) {
            throw c.fail("block_size must be at least 2, got " + b);
        }
        Shape in = c.inputShape(0);
        if (in.hasKnownRank() && in.rank() != 4) {
            throw c.fail("input must be 4-D, got shape " + in);
        }
        Shape ps = c.inputShape(1);
        if (ps.hasKnownRank() && !ps.isCompatibleWith(Shape.of(2, 2))) {
            throw c.fail(what + " must be of shape [2, 2], got shape " + ps);
        }
        Tensor padT = c.constantValue(1);
        long[] pads = padT == null ? null : ShapeArgs.longs(padT);
        c.setOutput(0, c.inputDtype(0), spaceBatchShape(c, in, 2, new long[] {b, b}, pads, what, toBatch));
    }

    /**
     * The output shape of a space-to-batch ({@code toBatch}) or batch-to-space with {@code m} block dimensions
     * (-1 when unknown); {@code block} and {@code pads} (the paddings or crops, flat [m, 2]) are null when unknown.
     */
    static Shape spaceBatchShape(ShapeContext c, Shape in, long m, long[] block, long[] pads, String what,
                                 boolean toBatch) {
        if (block != null) {
            m = block.length;
            for (long b : block) {
                if (b < 1) {
                    throw c.fail("block_shape must be positive, got " + Arrays.toString(block));
                }
            }
        }
        if (pads != null) {
            if (m >= 0 && pads.length != 2 * m) {
                throw c.fail(what + " must have " + (2 * m) + " values, got " + Arrays.toString(pads));
            }
            for (long p : pads) {
                if (p < 0) {
                    throw c.fail(what + " must be non-negative, got " + Arrays.toString(pads));
                }
            }
        }
        if (!in.hasKnownRank()) {
            return Shape.unknown();
        }
        if (m < 0) {
            return Shape.unknownOfRank(in.rank());
        }
        if (in.rank() < 1 + m) {
            throw c.fail("input rank should be >= " + (1 + m) + " instead of " + in.rank() + " (input shape " + in + ")");
        }
        long[] out = in.dims().clone();
        long blocks = 1;
        for (int i = 0; i < m; i++) {
            blocks = block == null ? -1 : blocks * block[i];
        }
        long batch = in.size(0);
        if (toBatch) {
            out[0] = batch < 0 || blocks < 0 ? -1 : batch * blocks;
        } else {
            if (batch >= 0 && blocks > 0 && batch % blocks != 0) {
                throw c.fail("input batch dimension " + batch + " is not divisible by the product of block sizes " + blocks);
            }
            out[0] = batch < 0 || blocks < 0 ? -1 : batch / blocks;
        }
        for (int i = 0; i < m; i++) {
            long d = in.size(1 + i);
            if (d < 0 || block == null || pads == null) {
                out[1 + i] = -1;
                continue;
            }
            long b = block[i];
            if (toBatch) {
                long padded = d + pads[2 * i] + pads[2 * i + 1];
                if (padded % b != 0) {
                    throw c.fail("padded input size " + padded + " of dimension " + (1 + i)
                            + " is not divisible by block size " + b);
                }
                out[1 + i] = padded / b;
            } else {
                long full = d * b - pads[2 * i] - pads[2 * i + 1];
                if (full < 0) {
                    throw c.fail("crops " + Arrays.toString(pads) + " are larger than the uncropped size " + (d * b)
                            + " of dimension " + (1 + i));
                }
                out[1 + i] = full;
            }
        }
        return Shape.of(out);
    }

    /** SpaceToDepth ({@code toDepth}) and DepthToSpace. */
    private static void depthShape(ShapeContext c, boolean toDepth) {
        long b = c.attrLong("block_size");
        if (b < 2) {
            throw c.fail("block_size must be at least 2, got " + b);
        }
        String df = (String) c.attr("data_format");
        int[] hwc = switch (df) {
            case "NHWC" -> new int[] {1, 2, 3};
            case "NCHW" -> new int[] {2, 3, 1};
            case "NCHW_VECT_C" -> throw c.fail("data_format NCHW_VECT_C needs qint8 data, which is not supported");
            default -> throw c.fail("data_format must be NHWC or NCHW, got '" + df + "'");
        };
        Shape in = c.inputShape(0);
        if (!in.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(0), Shape.unknownOfRank(4));
            return;
        }
        if (in.rank() != 4) {
            throw c.fail("input must be 4-dimensional, got shape " + in);
        }
        long[] out = in.dims().clone();
        long h = in.size(hwc[0]);
        long w = in.size(hwc[1]);
        long ch = in.size(hwc[2]);
        if (toDepth) {
            for (long d : new long[] {h, w}) {
                if (d >= 0 && d % b != 0) {
                    throw c.fail("image size " + in + " is not divisible by block_size " + b);
                }
            }
            out[hwc[0]] = h < 0 ? -1 : h / b;
            out[hwc[1]] = w < 0 ? -1 : w / b;
            out[hwc[2]] = ch < 0 ? -1 : ch * b * b;
        } else {
            if (ch >= 0 && ch % (b * b) != 0) {
                throw c.fail("input depth " + ch + " of shape " + in + " is not divisible by block_size squared " + (b * b));
            }
            out[hwc[0]] = h < 0 ? -1 : h * b;
            out[hwc[1]] = w < 0 ? -1 : w * b;
            out[hwc[2]] = ch < 0 ? -1 : ch / (b * b);
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(out));
    }

    // ---- constructors ----

    /** {@code SpaceToBatchND(input, block_shape, paddings)}. */
    public static Output spaceToBatchNd(Graph g, Output input, Output blockShape, Output paddings, String name) {
        return g.opBuilder("SpaceToBatchND", name).addInput(input).addInput(blockShape).addInput(paddings)
                .setAttr("Tblock_shape", blockShape.dtype()).setAttr("Tpaddings", paddings.dtype()).build().output(0);
    }

    /**
     * {@code tf.space_to_batch_nd(input, block_shape, paddings)} with Java arrays: int32 constants
     * {@code block_shape} and {@code paddings} in the op's name scope, as TensorFlow converts them.
     */
    public static Output spaceToBatchNd(Graph g, Output input, int[] blockShape, int[][] paddings, String name) {
        try (var s = g.nameScope(name == null ? "SpaceToBatchND" : name)) {
            return spaceToBatchNd(g, input, ConstantOps.constant(g, blockShape, "block_shape"),
                    ConstantOps.constant(g, paddings, "paddings"), s.name());
        }
    }

    /** {@code BatchToSpaceND(input, block_shape, crops)}. */
    public static Output batchToSpaceNd(Graph g, Output input, Output blockShape, Output crops, String name) {
        return g.opBuilder("BatchToSpaceND", name).addInput(input).addInput(blockShape).addInput(crops)
                .setAttr("Tblock_shape", blockShape.dtype()).setAttr("Tcrops", crops.dtype()).build().output(0);
    }

    /** {@code tf.batch_to_space_nd(input, block_shape, crops)} with Java arrays (constants as TensorFlow names them). */
    public static Output batchToSpaceNd(Graph g, Output input, int[] blockShape, int[][] crops, String name) {
        try (var s = g.nameScope(name == null ? "BatchToSpaceND" : name)) {
            return batchToSpaceNd(g, input, ConstantOps.constant(g, blockShape, "block_shape"),
                    ConstantOps.constant(g, crops, "crops"), s.name());
        }
    }

    /** {@code SpaceToBatch(input, paddings; block_size)}: the 4-D form with a square block. */
    public static Output spaceToBatch(Graph g, Output input, Output paddings, int blockSize, String name) {
        return g.opBuilder("SpaceToBatch", name).addInput(input).addInput(paddings)
                .setAttr("Tpaddings", paddings.dtype()).setAttr("block_size", (long) blockSize).build().output(0);
    }

    /** {@code BatchToSpace(input, crops; block_size)}: the 4-D form with a square block. */
    public static Output batchToSpace(Graph g, Output input, Output crops, int blockSize, String name) {
        return g.opBuilder("BatchToSpace", name).addInput(input).addInput(crops)
                .setAttr("Tidx", crops.dtype()).setAttr("block_size", (long) blockSize).build().output(0);
    }

    /** {@code SpaceToDepth(input; block_size, data_format)} (null format: NHWC). */
    public static Output spaceToDepth(Graph g, Output input, int blockSize, String dataFormat, String name) {
        return g.opBuilder("SpaceToDepth", name).addInput(input).setAttr("block_size", (long) blockSize)
                .setAttr("data_format", dataFormat == null ? "NHWC" : dataFormat).build().output(0);
    }

    /** {@code DepthToSpace(input; block_size, data_format)} (null format: NHWC). */
    public static Output depthToSpace(Graph g, Output input, int blockSize, String dataFormat, String name) {
        return g.opBuilder("DepthToSpace", name).addInput(input).setAttr("block_size", (long) blockSize)
                .setAttr("data_format", dataFormat == null ? "NHWC" : dataFormat).build().output(0);
    }
}
