package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;

/**
 * CUDA C of the kernels that move elements without looking at them (any dtype, by element width 1, 2, 4 or
 * 8 bytes, suffix {@code _w<bytes>}): a strided gather of up to {@link #MAX_RANK} dimensions (Transpose,
 * Slice, StridedSlice; with 32-bit index math when everything fits, suffix {@code _s}), a tiled batched 2-D
 * transpose, row-block copies (ConcatV2, Pack, Unpack), Tile, GatherV2 and OneHot. Shapes travel as scalar
 * arguments, right-aligned with leading 1s: kernel arguments must be scalars or pointers, and a per-run
 * device array of them would break the replay of a recording.
 */
final class LayoutSources {
    /** Dimensions a strided copy or Tile takes. */
    static final int MAX_RANK = 8;

    private LayoutSources() {}

    private static final String PRELUDE = """
            typedef long long i64;
            template <int W> struct Word;
            template <> struct Word<1> { typedef unsigned char type; };
            template <> struct Word<2> { typedef unsigned short type; };
            template <> struct Word<4> { typedef unsigned int type; };
            template <> struct Word<8> { typedef unsigned long long type; };

            // dst[i] = src[offset + sum_k coord_k(i) * s_k], the coordinates of i in dims d0..d7 (row-major).
            template <typename T, typename I>
            __device__ __forceinline__ void strided_copy(const T* __restrict__ src, T* __restrict__ dst, I n, I offset,
                I d0, I d1, I d2, I d3, I d4, I d5, I d6, I d7, I s0, I s1, I s2, I s3, I s4, I s5, I s6, I s7) {
              const I dims[8] = {d0, d1, d2, d3, d4, d5, d6, d7};
              const I strides[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
              for (I i = (I)blockIdx.x * (I)blockDim.x + (I)threadIdx.x; i < n; i += (I)gridDim.x * (I)blockDim.x) {
                I rest = i;
                I at = offset;
                #pragma unroll
                for (int k = 7; k >= 0; k--) {
                  if (dims[k] != 1) {
                    const I q = rest / dims[k];
                    at += (rest - q * dims[k]) * strides[k];
                    rest = q;
                  }
                }
                dst[i] = src[at];
              }
            }

            // [batch, rows, cols] -> [batch, cols, rows] through 32x32 shared tiles, block (32, 8).
            template <typename T>
            __device__ __forceinline__ void transpose_tiles(const T* __restrict__ src, T* __restrict__ dst, i64 batch,
                                                            i64 rows, i64 cols) {
              __shared__ T tile[32][33];
              const i64 plane = rows * cols;
              for (i64 bz = blockIdx.z; bz < batch; bz += gridDim.z) {
                const T* s = src + bz * plane;
                T* d = dst + bz * plane;
                for (i64 r0 = (i64)blockIdx.y * 32; r0 < rows; r0 += (i64)gridDim.y * 32) {
                  for (i64 c0 = (i64)blockIdx.x * 32; c0 < cols; c0 += (i64)gridDim.x * 32) {
                    for (int y = threadIdx.y; y < 32; y += blockDim.y) {
                      const i64 r = r0 + y;
                      const i64 c = c0 + threadIdx.x;
                      if (r < rows && c < cols) tile[y][threadIdx.x] = s[r * cols + c];
                    }
                    __syncthreads();
                    for (int y = threadIdx.y; y < 32; y += blockDim.y) {
                      const i64 c = c0 + y;
                      const i64 r = r0 + threadIdx.x;
                      if (r < rows && c < cols) d[c * rows + r] = tile[threadIdx.x][y];
                    }
                    __syncthreads();
                  }
                }
              }
            }

            // dst[o, dstCol + j] = src[o, srcCol + j] for rows o < outer and j < len, rows of srcRow / dstRow.
            template <typename T>
            __device__ __forceinline__ void copy_rows(const T* __restrict__ src, T* __restrict__ dst, i64 outer, i64 len,
                                                      i64 srcRow, i64 srcCol, i64 dstRow, i64 dstCol) {
              const i64 n = outer * len;
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
                const i64 o = i / len;
                const i64 j = i - o * len;
                dst[o * dstRow + dstCol + j] = src[o * srcRow + srcCol + j];
              }
            }

            // Output dims o0..o7, input dims d0..d7: each output coordinate wraps around its input dimension.
            template <typename T>
            __device__ __forceinline__ void tile(const T* __restrict__ src, T* __restrict__ dst, i64 n,
                i64 o0, i64 o1, i64 o2, i64 o3, i64 o4, i64 o5, i64 o6, i64 o7,
                i64 d0, i64 d1, i64 d2, i64 d3, i64 d4, i64 d5, i64 d6, i64 d7) {
              const i64 out[8] = {o0, o1, o2, o3, o4, o5, o6, o7};
              const i64 in[8] = {d0, d1, d2, d3, d4, d5, d6, d7};
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
                i64 rest = i;
                i64 at = 0;
                i64 stride = 1;
                #pragma unroll
                for (int k = 7; k >= 0; k--) {
                  if (out[k] != 1) {
                    const i64 q = rest / out[k];
                    const i64 c = rest - q * out[k];
                    at += (in[k] == out[k] ? c : c % in[k]) * stride;
                    rest = q;
                  }
                  stride *= in[k];
                }
                dst[i] = src[at];
              }
            }

            // out[bo, i, k] = params[bo, indices[bo / outerPerBatch, i], k]: bo runs over batch x outer, i over the
            // indices of one batch entry, k over the trailing dimensions. An index outside [0, axisLen) gives zero
            // (as TensorFlow on a GPU; the CPU kernel fails, which a GPU kernel cannot without waiting).
            template <typename T, typename I>
            __device__ __forceinline__ void gather(const T* __restrict__ params, const I* __restrict__ indices,
                                                   T* __restrict__ out, i64 n, i64 axisLen, i64 perBatch, i64 inner,
                                                   i64 outerPerBatch) {
              for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (i64)gridDim.x * blockDim.x) {
                const i64 rest = t / inner;
                const i64 k = t - rest * inner;
                const i64 bo = rest / perBatch;
                const i64 i = rest - bo * perBatch;
                const i64 v = (i64)indices[(bo / outerPerBatch) * perBatch + i];
                out[t] = (v >= 0 && v < axisLen) ? params[(bo * axisLen + v) * inner + k] : (T)0;
              }
            }

            // out[p, j, s] = indices[p, s] == j ? *on : *off; on and off stay in device memory.
            template <typename T, typename I>
            __device__ __forceinline__ void one_hot(const I* __restrict__ indices, const T* __restrict__ on,
                                                    const T* __restrict__ off, T* __restrict__ out, i64 n, i64 depth,
                                                    i64 suffix) {
              const T onValue = *on;
              const T offValue = *off;
              for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (i64)gridDim.x * blockDim.x) {
                const i64 rest = t / suffix;
                const i64 s = t - rest * suffix;
                const i64 p = rest / depth;
                const i64 j = rest - p * depth;
                out[t] = (i64)indices[p * suffix + s] == j ? onValue : offValue;
              }
            }
            """;

    static final CudaSource LAYOUT = new CudaSource("tg_layout", PRELUDE + wrappers());

    private static String wrappers() {
        StringBuilder b = new StringBuilder();
        for (int w : new int[] {1, 2, 4, 8}) {
            String t = "Word<" + w + ">::type";
            for (String index : new String[] {"i64", "int"}) {
                String name = "strided_copy_w" + w + (index.equals("int") ? "_s" : "");
                b.append("extern \"C\" __global__ void ").append(name).append("(const ").append(t).append("* src, ")
                        .append(t).append("* dst, ").append(index).append(" n, ").append(index).append(" offset");
                for (String kind : new String[] {"d", "s"}) {
                    for (int k = 0; k < MAX_RANK; k++) {
                        b.append(", ").append(index).append(" ").append(kind).append(k);
                    }
                }
                b.append(") { strided_copy<").append(t).append(", ").append(index)
                        .append(">(src, dst, n, offset, d0, d1, d2, d3, d4, d5, d6, d7, s0, s1, s2, s3, s4, s5, s6, s7); }\n");
            }
            b.append("extern \"C\" __global__ void transpose_tiles_w").append(w).append("(const ").append(t)
                    .append("* src, ").append(t).append("* dst, i64 batch, i64 rows, i64 cols) { transpose_tiles<")
                    .append(t).append(">(src, dst, batch, rows, cols); }\n");
            b.append("extern \"C\" __global__ void copy_rows_w").append(w).append("(const ").append(t).append("* src, ")
                    .append(t).append("* dst, i64 outer, i64 len, i64 srcRow, i64 srcCol, i64 dstRow, i64 dstCol) {")
                    .append(" copy_rows<").append(t).append(">(src, dst, outer, len, srcRow, srcCol, dstRow, dstCol); }\n");
            b.append("extern \"C\" __global__ void tile_w").append(w).append("(const ").append(t).append("* src, ")
                    .append(t).append("* dst, i64 n, i64 o0, i64 o1, i64 o2, i64 o3, i64 o4, i64 o5, i64 o6, i64 o7,")
                    .append(" i64 d0, i64 d1, i64 d2, i64 d3, i64 d4, i64 d5, i64 d6, i64 d7) { tile<").append(t)
                    .append(">(src, dst, n, o0, o1, o2, o3, o4, o5, o6, o7, d0, d1, d2, d3, d4, d5, d6, d7); }\n");
            for (String[] index : new String[][] {{"i32", "int"}, {"i64", "long long"}}) {
                b.append("extern \"C\" __global__ void gather_w").append(w).append("_").append(index[0]).append("(const ")
                        .append(t).append("* params, const ").append(index[1]).append("* indices, ").append(t)
                        .append("* out, i64 n, i64 axisLen, i64 perBatch, i64 inner, i64 outerPerBatch) { gather<")
                        .append(t).append(", ").append(index[1])
                        .append(">(params, indices, out, n, axisLen, perBatch, inner, outerPerBatch); }\n");
                b.append("extern \"C\" __global__ void one_hot_w").append(w).append("_").append(index[0]).append("(const ")
                        .append(index[1]).append("* indices, const ").append(t).append("* on, const ").append(t)
                        .append("* off, ").append(t).append("* out, i64 n, i64 depth, i64 suffix) { one_hot<").append(t)
                        .append(", ").append(index[1]).append(">(indices, on, off, out, n, depth, suffix); }\n");
            }
        }
        return b.toString();
    }
}
