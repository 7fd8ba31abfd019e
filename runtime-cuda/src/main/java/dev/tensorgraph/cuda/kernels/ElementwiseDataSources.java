package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.FLAT_LOOP;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.bitsType;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.broadcastLoop;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.ctype;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.loopLocals;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.loopParams;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.suffix;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaSource;
import java.util.List;

/**
 * CUDA C of the kernels that move or pick values without arithmetic on them (so they work on the bits of
 * any dtype of 1, 4 or 8 bytes): Select, fills, the strided copy behind BroadcastTo and Pad; and AddN.
 *
 * <ul>
 *   <li>{@code select_b<W>_flat(c, t, e, o, n, cs, ts, es)} and {@code select_b<W>_bcast(c, t, e, o, n, loop...)}
 *   <li>{@code fill_b<W>(o, n, bits)}: every element set to the low W bytes of {@code bits}
 *   <li>{@code fill_from_b<W>(o, n, value)}: every element set to the device scalar {@code *value}
 *   <li>{@code copy_b<W>(src, dst, n, srcBase, dstBase, loop...)}: element {@code srcBase + off[0]} to
 *       {@code dstBase + off[1]}
 *   <li>{@code addn_<dtype>(o, n, k, p0..p7)}: {@code o = p0 + ... + p(k-1)}, summed in input order
 * </ul>
 */
public final class ElementwiseDataSources {
    private ElementwiseDataSources() {}

    /** AddN sums this many inputs per launch. */
    static final int ADDN_ARITY = 8;

    static final List<DType> ADDN_TYPES = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64);

    public static final CudaSource DATA = new CudaSource("tg_data", ElementwisePrelude.CODE + kernels());

    public static List<CudaSource> all() {
        return List.of(DATA);
    }

    private static String kernels() {
        StringBuilder b = new StringBuilder();
        for (int w : new int[] {1, 4, 8}) {
            String t = bitsType(w);
            b.append("extern \"C\" __global__ void select_b").append(w)
                    .append("_flat(const unsigned char* c, const ").append(t).append("* t, const ").append(t)
                    .append("* e, ").append(t).append("* o, i64 n, int cs, int ts, int es) {\n  ")
                    .append(FLAT_LOOP).append(" o[i] = c[i * cs] != 0 ? t[i * ts] : e[i * es];\n}\n");
            b.append("extern \"C\" __global__ void select_b").append(w)
                    .append("_bcast(const unsigned char* c, const ").append(t).append("* t, const ").append(t)
                    .append("* e, ").append(t).append("* o, i64 n, ").append(loopParams("sc", "st", "se")).append(") {\n")
                    .append(loopLocals("sc", "st", "se"))
                    .append(broadcastLoop(3, "o[i] = c[off[0]] != 0 ? t[off[1]] : e[off[2]];"))
                    .append("}\n");
            b.append("extern \"C\" __global__ void fill_b").append(w).append('(').append(t)
                    .append("* o, i64 n, u64 bits) {\n  const ").append(t).append(" v = (").append(t).append(")bits;\n  ")
                    .append(FLAT_LOOP).append(" o[i] = v;\n}\n");
            b.append("extern \"C\" __global__ void fill_from_b").append(w).append('(').append(t)
                    .append("* o, i64 n, const ").append(t).append("* value) {\n  const ").append(t)
                    .append(" v = *value;\n  ").append(FLAT_LOOP).append(" o[i] = v;\n}\n");
            b.append("extern \"C\" __global__ void copy_b").append(w).append("(const ").append(t).append("* src, ")
                    .append(t).append("* dst, i64 n, i64 srcBase, i64 dstBase, ").append(loopParams("ss", "ds"))
                    .append(") {\n")
                    .append(loopLocals("ss", "ds"))
                    .append(broadcastLoop(2, "dst[dstBase + off[1]] = src[srcBase + off[0]];"))
                    .append("}\n");
        }
        for (DType d : ADDN_TYPES) {
            String t = ctype(d);
            String add = d.isFloating() ? "s = s + %s[i];" : "s = tg_iadd(s, %s[i]);";
            b.append("extern \"C\" __global__ void addn_").append(suffix(d)).append('(').append(t)
                    .append("* o, i64 n, int k");
            for (int j = 0; j < ADDN_ARITY; j++) {
                b.append(", const ").append(t).append("* p").append(j);
            }
            b.append(") {\n  ").append(FLAT_LOOP).append(" {\n    ").append(t).append(" s = p0[i];\n");
            for (int j = 1; j < ADDN_ARITY; j++) {
                b.append("    if (k > ").append(j).append(") ").append(String.format(add, "p" + j)).append('\n');
            }
            b.append("    o[i] = s;\n  }\n}\n");
        }
        return b.toString();
    }
}
