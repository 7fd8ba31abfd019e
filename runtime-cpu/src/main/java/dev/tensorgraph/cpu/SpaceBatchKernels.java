package dev.tensorgraph.cpu;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Arrays;

/**
 * CPU kernels of SpaceToBatchND, BatchToSpaceND, SpaceToBatch, BatchToSpace, SpaceToDepth and DepthToSpace for
 * every dtype: pure data movement, done with {@link System#arraycopy} of the contiguous trailing block of each
 * position. In SpaceToBatchND output batch {@code off * batch + n} at spatial position {@code y} holds padded
 * input position {@code y * block + off} of image {@code n}, {@code off} running over the block's cells in
 * row-major order; BatchToSpaceND moves the other way and crops.
 */
public final class SpaceBatchKernels implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.register(KernelRegistry.CPU, "SpaceToBatchND", op -> ctx -> ctx.setOutput(0,
                spaceBatch(ctx, ctx.input(0), ArrayData.longs(ctx.input(1)), pads(ctx.input(2), "paddings"), true)));
        r.register(KernelRegistry.CPU, "BatchToSpaceND", op -> ctx -> ctx.setOutput(0,
                spaceBatch(ctx, ctx.input(0), ArrayData.longs(ctx.input(1)), pads(ctx.input(2), "crops"), false)));
        r.register(KernelRegistry.CPU, "SpaceToBatch", op -> {
            long b = op.attrLong("block_size");
            return ctx -> ctx.setOutput(0, spaceBatch(ctx, rank4(ctx.input(0)), new long[] {b, b},
                    pads(ctx.input(1), "paddings"), true));
        });
        r.register(KernelRegistry.CPU, "BatchToSpace", op -> {
            long b = op.attrLong("block_size");
            return ctx -> ctx.setOutput(0, spaceBatch(ctx, rank4(ctx.input(0)), new long[] {b, b},
                    pads(ctx.input(1), "crops"), false));
        });
        r.register(KernelRegistry.CPU, "SpaceToDepth", op -> {
            int b = op.attrInt("block_size");
            boolean nchw = nchw(op.attrString("data_format"));
            return ctx -> ctx.setOutput(0, depth(ctx, b, nchw, true));
        });
        r.register(KernelRegistry.CPU, "DepthToSpace", op -> {
            int b = op.attrInt("block_size");
            boolean nchw = nchw(op.attrString("data_format"));
            return ctx -> ctx.setOutput(0, depth(ctx, b, nchw, false));
        });
    }

    private static boolean nchw(String df) {
        return switch (df) {
            case "NHWC" -> false;
            case "NCHW" -> true;
            default -> throw new InvalidArgumentException("data_format " + df + " is not supported");
        };
    }

    private static Tensor rank4(Tensor t) {
        if (t.shape().rank() != 4) {
            throw new InvalidArgumentException("input must be 4-D, got shape " + t.shape());
        }
        return t;
    }

    /** A [M, 2] paddings or crops tensor, flat, checked non-negative. */
    private static long[] pads(Tensor t, String what) {
        if (t.shape().rank() != 2 || t.shape().size(1) != 2) {
            throw new InvalidArgumentException(what + " must be of shape [M, 2], got shape " + t.shape());
        }
        long[] p = ArrayData.longs(t);
        for (long v : p) {
            if (v < 0) {
                throw new InvalidArgumentException(what + " must be non-negative, got " + Arrays.toString(p));
            }
        }
        return p;
    }

    /**
     * SpaceToBatchND ({@code toBatch}) or BatchToSpaceND of {@code x} with {@code block} and {@code pads} (the
     * paddings, or the crops).
     */
    static Tensor spaceBatch(KernelContext ctx, Tensor x, long[] block, long[] pads, boolean toBatch) {
        int m = block.length;
        Shape s = x.shape();
        if (pads.length != 2 * m) {
            throw new InvalidArgumentException("block_shape has " + m + " entries but paddings/crops "
                    + (pads.length / 2) + " rows");
        }
        if (s.rank() < 1 + m) {
            throw new InvalidArgumentException("input rank should be >= " + (1 + m) + " instead of " + s.rank()
                    + " (input shape " + s + ")");
        }
        long blocks = 1;
        for (long b : block) {
            if (b < 1) {
                throw new InvalidArgumentException("block_shape must be positive, got " + Arrays.toString(block));
            }
            blocks *= b;
        }
        long[] d = s.dims();
        long[] out = d.clone();
        // The spatial sizes of the space side (padded input, or uncropped output) and of the batch side.
        long[] space = new long[m];
        long[] batched = new long[m];
        if (toBatch) {
            out[0] = d[0] * blocks;
            for (int i = 0; i < m; i++) {
                space[i] = d[1 + i] + pads[2 * i] + pads[2 * i + 1];
                if (space[i] % block[i] != 0) {
                    throw new InvalidArgumentException("padded input size " + space[i] + " of dimension " + (1 + i)
                            + " is not divisible by block size " + block[i] + " (input shape " + s + ")");
                }
                batched[i] = space[i] / block[i];
                out[1 + i] = batched[i];
            }
        } else {
            if (d[0] % blocks != 0) {
                throw new InvalidArgumentException("input batch dimension " + d[0]
                        + " is not divisible by the product of block sizes " + blocks);
            }
            out[0] = d[0] / blocks;
            for (int i = 0; i < m; i++) {
                batched[i] = d[1 + i];
                space[i] = d[1 + i] * block[i];
                out[1 + i] = space[i] - pads[2 * i] - pads[2 * i + 1];
                if (out[1 + i] < 0) {
                    throw new InvalidArgumentException("crops " + Arrays.toString(pads) + " are larger than the size "
                            + space[i] + " of dimension " + (1 + i));
                }
            }
        }
        Tensor result = ctx.allocateZeroed(x.dtype(), Shape.of(out));
        int inner = ArrayData.prod(d, 1 + m, d.length);
        long images = toBatch ? d[0] : out[0];
        long positions = 1;
        for (long b : batched) {
            positions *= b;
        }
        Object src = x.array();
        Object dst = result.array();
        long[] spaceDims = toBatch ? Arrays.copyOfRange(d, 1, 1 + m) : Arrays.copyOfRange(out, 1, 1 + m);
        long[] bi = new long[m];
        long[] off = new long[m];
        for (long b = 0; b < images * blocks; b++) {
            long n = b % images;
            long cell = b / images;
            for (int i = m - 1; i >= 0; i--) {
                off[i] = cell % block[i];
                cell /= block[i];
            }
            for (long p = 0; p < positions; p++) {
                long rest = p;
                for (int i = m - 1; i >= 0; i--) {
                    bi[i] = rest % batched[i];
                    rest /= batched[i];
                }
                long spaceIndex = n;
                boolean inside = true;
                for (int i = 0; i < m; i++) {
                    long v = bi[i] * block[i] + off[i] - pads[2 * i];
                    if (v < 0 || v >= spaceDims[i]) {
                        inside = false;
                        break;
                    }
                    spaceIndex = spaceIndex * spaceDims[i] + v;
                }
                if (!inside) {
                    continue;
                }
                long batchIndex = b * positions + p;
                if (toBatch) {
                    System.arraycopy(src, Math.toIntExact(spaceIndex * inner), dst, Math.toIntExact(batchIndex * inner),
                            inner);
                } else {
                    System.arraycopy(src, Math.toIntExact(batchIndex * inner), dst, Math.toIntExact(spaceIndex * inner),
                            inner);
                }
            }
        }
        return result;
    }

    /** SpaceToDepth ({@code toDepth}) or DepthToSpace of input 0 with block {@code b}. */
    private static Tensor depth(KernelContext ctx, int b, boolean nchw, boolean toDepth) {
        Tensor x = rank4(ctx.input(0));
        if (b < 2) {
            throw new InvalidArgumentException("block_size must be at least 2, got " + b);
        }
        int[] d = x.shape().intDims();
        int n = d[0];
        int h = nchw ? d[2] : d[1];
        int w = nchw ? d[3] : d[2];
        int c = nchw ? d[1] : d[3];
        // In the space layout: height sh, width sw, depth sc; the depth layout has sh / b, sw / b, sc * b * b.
        int sh;
        int sw;
        int sc;
        if (toDepth) {
            if (h % b != 0 || w % b != 0) {
                throw new InvalidArgumentException("image size " + x.shape() + " is not divisible by block_size " + b);
            }
            sh = h;
            sw = w;
            sc = c;
        } else {
            if (c % (b * b) != 0) {
                throw new InvalidArgumentException("input depth " + c + " of shape " + x.shape()
                        + " is not divisible by block_size squared " + (b * b));
            }
            sh = h * b;
            sw = w * b;
            sc = c / (b * b);
        }
        int dh = sh / b;
        int dw = sw / b;
        int dc = sc * b * b;
        Shape outShape = toDepth ? layout(n, dh, dw, dc, nchw) : layout(n, sh, sw, sc, nchw);
        Tensor out = ctx.allocate(x.dtype(), outShape);
        Object src = x.array();
        Object dst = out.array();
        for (int bn = 0; bn < n; bn++) {
            for (int y = 0; y < dh; y++) {
                for (int xx = 0; xx < dw; xx++) {
                    for (int by = 0; by < b; by++) {
                        for (int bx = 0; bx < b; bx++) {
                            int depth0 = (by * b + bx) * sc;
                            int sy = y * b + by;
                            int sx = xx * b + bx;
                            if (!nchw) {
                                int spaceAt = ((bn * sh + sy) * sw + sx) * sc;
                                int depthAt = ((bn * dh + y) * dw + xx) * dc + depth0;
                                copy(src, dst, toDepth ? spaceAt : depthAt, toDepth ? depthAt : spaceAt, sc);
                                continue;
                            }
                            for (int ch = 0; ch < sc; ch++) {
                                int spaceAt = ((bn * sc + ch) * sh + sy) * sw + sx;
                                int depthAt = ((bn * dc + depth0 + ch) * dh + y) * dw + xx;
                                copy(src, dst, toDepth ? spaceAt : depthAt, toDepth ? depthAt : spaceAt, 1);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void copy(Object src, Object dst, int from, int to, int len) {
        System.arraycopy(src, from, dst, to, len);
    }

    private static Shape layout(int n, int h, int w, int c, boolean nchw) {
        return nchw ? Shape.of(n, c, h, w) : Shape.of(n, h, w, c);
    }
}
