package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.FLAT_LOOP;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.ctype;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.suffix;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaSource;
import java.util.List;

/**
 * CUDA C of the fused optimizer updates and AssignAdd/AssignSub, with TensorFlow's formulas as the CPU's
 * TrainingKernels writes them. Hyper-parameters arrive as pointers to device scalars and are read inside the
 * kernel, never on the host, so a recorded run replays correctly when they change (a decayed learning rate,
 * Adam's beta powers, which are variables). Products that feed a sum go through {@code tg_mul} so the compiler
 * does not fuse them (FMA) and results match the CPU's. Every kernel is named {@code <op>_<dtype>} for float32/float64;
 * assign_add/assign_sub also exist for int32/int64.
 */
public final class TrainingSources {
    private TrainingSources() {}

    static final List<DType> FLOAT_TYPES = List.of(DType.FLOAT32, DType.FLOAT64);
    static final List<DType> ASSIGN_TYPES = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64);

    private static final String FLOAT_KERNELS = """
            extern "C" __global__ void apply_gradient_descent_$S(T* var, const T* alpha, const T* delta, i64 n) {
              const T a = *alpha;
              $LOOP var[i] -= tg_mul(delta[i], a);
            }
            extern "C" __global__ void apply_momentum_$S(T* var, T* accum, const T* lr, const T* grad, const T* momentum,
                                                         i64 n, int nesterov) {
              const T l = *lr;
              const T m = *momentum;
              $LOOP {
                const T g = grad[i];
                const T a = tg_mul(accum[i], m) + g;
                accum[i] = a;
                var[i] -= nesterov ? tg_mul(g, l) + tg_mul(tg_mul(a, m), l) : tg_mul(a, l);
              }
            }
            extern "C" __global__ void apply_adam_$S(T* var, T* m, T* v, const T* beta1_power, const T* beta2_power,
                                                     const T* lr, const T* beta1, const T* beta2, const T* epsilon,
                                                     const T* grad, i64 n, int nesterov) {
              const T b1 = *beta1;
              const T b2 = *beta2;
              const T eps = *epsilon;
              const T alpha = *lr * tg_sqrt((T)1 - *beta2_power) / ((T)1 - *beta1_power);
              $LOOP {
                const T g = grad[i];
                const T mi = m[i] + tg_mul(g - m[i], (T)1 - b1);
                const T vi = v[i] + tg_mul(tg_mul(g, g) - v[i], (T)1 - b2);
                m[i] = mi;
                v[i] = vi;
                const T step = nesterov ? tg_mul(g, (T)1 - b1) + tg_mul(b1, mi) : mi;
                var[i] -= step * alpha / (tg_sqrt(vi) + eps);
              }
            }
            extern "C" __global__ void apply_rms_prop_$S(T* var, T* ms, T* mom, const T* lr, const T* rho,
                                                         const T* momentum, const T* epsilon, const T* grad, i64 n) {
              const T l = *lr;
              const T r = *rho;
              const T mo = *momentum;
              const T eps = *epsilon;
              $LOOP {
                const T g = grad[i];
                const T s = ms[i] + tg_mul(tg_mul(g, g) - ms[i], (T)1 - r);
                const T u = tg_mul(mom[i], mo) + g * l / tg_sqrt(s + eps);
                ms[i] = s;
                mom[i] = u;
                var[i] -= u;
              }
            }
            extern "C" __global__ void apply_centered_rms_prop_$S(T* var, T* mg, T* ms, T* mom, const T* lr,
                                                                  const T* rho, const T* momentum, const T* epsilon,
                                                                  const T* grad, i64 n) {
              const T l = *lr;
              const T r = *rho;
              const T mo = *momentum;
              const T eps = *epsilon;
              $LOOP {
                const T g = grad[i];
                const T s = ms[i] + tg_mul(tg_mul(g, g) - ms[i], (T)1 - r);
                const T a = mg[i] + tg_mul(g - mg[i], (T)1 - r);
                const T denom = s - tg_mul(a, a) + eps;
                const T u = tg_mul(mom[i], mo) + g * l / tg_sqrt(denom);
                ms[i] = s;
                mg[i] = a;
                mom[i] = u;
                var[i] -= u;
              }
            }
            extern "C" __global__ void apply_adagrad_$S(T* var, T* accum, const T* lr, const T* grad, i64 n,
                                                        int update_slots) {
              const T l = *lr;
              $LOOP {
                const T g = grad[i];
                T a = accum[i];
                if (update_slots) {
                  a += tg_mul(g, g);
                  accum[i] = a;
                }
                var[i] -= g * l / tg_sqrt(a);
              }
            }
            """;

    private static final String ASSIGN_KERNELS = """
            extern "C" __global__ void assign_add_$S(T* ref, const T* value, i64 n) {
              $LOOP ref[i] = $ADD(ref[i], value[i]);
            }
            extern "C" __global__ void assign_sub_$S(T* ref, const T* value, i64 n) {
              $LOOP ref[i] = $SUB(ref[i], value[i]);
            }
            """;

    /**
     * Momentum over float32 with 16-byte loads and stores (four elements a thread), for arrays that are
     * 16-byte aligned: the update reads three arrays and writes two, so its speed is the memory's. The
     * last {@code n % 4} elements go to the first threads, one each.
     */
    private static final String MOMENTUM_VEC4 = """
            __device__ __forceinline__ void tg_momentum_one(float& v, float& a, float g, float l, float m, int nesterov) {
              a = tg_mul(a, m) + g;
              v -= nesterov ? tg_mul(g, l) + tg_mul(tg_mul(a, m), l) : tg_mul(a, l);
            }
            extern "C" __global__ void apply_momentum_v4_f32(float* var, float* accum, const float* lr, const float* grad,
                                                             const float* momentum, i64 n, int nesterov) {
              const float l = *lr;
              const float m = *momentum;
              const i64 n4 = n >> 2;
              const i64 first = (i64)blockIdx.x * blockDim.x + threadIdx.x;
              float4* v4 = reinterpret_cast<float4*>(var);
              float4* a4 = reinterpret_cast<float4*>(accum);
              const float4* g4 = reinterpret_cast<const float4*>(grad);
              for (i64 i = first; i < n4; i += (i64)blockDim.x * gridDim.x) {
                float4 g = g4[i];
                float4 a = a4[i];
                float4 v = v4[i];
                tg_momentum_one(v.x, a.x, g.x, l, m, nesterov);
                tg_momentum_one(v.y, a.y, g.y, l, m, nesterov);
                tg_momentum_one(v.z, a.z, g.z, l, m, nesterov);
                tg_momentum_one(v.w, a.w, g.w, l, m, nesterov);
                a4[i] = a;
                v4[i] = v;
              }
              if (first < n - (n4 << 2)) {
                const i64 j = (n4 << 2) + first;
                tg_momentum_one(var[j], accum[j], grad[j], l, m, nesterov);
              }
            }
            """;

    public static final CudaSource TRAINING = new CudaSource("tg_training", ElementwisePrelude.CODE + kernels() + MOMENTUM_VEC4);

    public static List<CudaSource> all() {
        return List.of(TRAINING);
    }

    private static String kernels() {
        StringBuilder b = new StringBuilder();
        b.append("__device__ __forceinline__ float tg_fadd(float x, float y) { return x + y; }\n")
                .append("__device__ __forceinline__ double tg_fadd(double x, double y) { return x + y; }\n")
                .append("__device__ __forceinline__ float tg_fsub(float x, float y) { return x - y; }\n")
                .append("__device__ __forceinline__ double tg_fsub(double x, double y) { return x - y; }\n");
        for (DType t : ASSIGN_TYPES) {
            String body = FLOAT_TYPES.contains(t) ? FLOAT_KERNELS + ASSIGN_KERNELS : ASSIGN_KERNELS;
            // A typedef per dtype would clash at file scope, so T is substituted textually.
            b.append(body.replace("$LOOP", FLAT_LOOP)
                    .replace("$ADD", t.isFloating() ? "tg_fadd" : "tg_iadd")
                    .replace("$SUB", t.isFloating() ? "tg_fsub" : "tg_isub")
                    .replace("$S", suffix(t))
                    .replaceAll("\\bT\\b", ctype(t)));
        }
        return b.toString();
    }
}
