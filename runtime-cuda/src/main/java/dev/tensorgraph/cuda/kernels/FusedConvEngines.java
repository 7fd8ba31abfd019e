package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import java.util.List;
import org.bytedeco.cuda.global.cudnn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code _FusedConv2D} as one cuDNN backend plan ({@link FusedConvGraphs}): convolution, bias, optional addition
 * and activation in one kernel where an engine takes the graph, instead of the convolution followed by the
 * epilogue pass over its output ({@link BiasActivation}). Per problem and epilogue, the first run that is not
 * being recorded times the unfused pair against the fused plans the heuristics offer (mode A, else the fallback
 * list) and keeps the faster; a problem no engine takes, or where no fused plan wins, stays unfused. The same
 * engine rules as for plain convolutions apply ({@link ConvEngines}), tensor-core math only where the session
 * allows it, except that engines compiled at run time are passed over for every data type unless
 * {@code -Dtensorgraph.cudnn.runtimeCompiledEngines=true}: most fusion engines are of that kind, and finalizing
 * each compiles it, which a model's first run would pay for every distinct layer. Off with
 * {@code -Dtensorgraph.cudnn.fusedConv=false}.
 */
final class FusedConvEngines {
    private static final Logger LOG = LoggerFactory.getLogger(FusedConvEngines.class);

    private FusedConvEngines() {}

    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("tensorgraph.cudnn.fusedConv"));

    /** Fused plans finalized and timed per problem: finalizing a runtime-compiled one compiles it. */
    private static final int MAX_CANDIDATES = 6;

    /** A fused convolution problem: the convolution's, and what its epilogue does. */
    record Key(ConvAlgorithms.Problem problem, boolean add, int activation) {}

    /**
     * Enqueues convolution {@code c} with its epilogue into {@code y} as one fused plan when one was chosen for
     * this problem (deciding on this run if none was yet); false, with nothing enqueued, when the caller must
     * run {@code unfused} (the convolution then the epilogue, into {@code y}) instead.
     */
    static boolean run(CudaDevice dev, String op, ConvGeometry.Attrs a, ConvGpuKernels.Forward c,
                       FusedConvGpuKernels.Epilogue e, DeviceTensor bias, DeviceTensor side, DeviceTensor y,
                       Runnable unfused) {
        Key key = key(dev, a, c, e, y);
        if (key == null) {
            LOG.trace("{}: no fused plans for this convolution", op);
            return false;
        }
        ConvEngines.Decision known = dev.cached(key);
        if (known == ConvEngines.Decision.LEGACY || known == null && ConvAlgorithms.recording(dev)) {
            LOG.trace("{}: unfused ({})", op, known == null ? "recording, undecided" : "decided so");
            return false;
        }
        DeviceBuffer filter = ConvLayouts.filterToCudnn(dev, c.f(), a.nchw());
        try {
            long[] addresses = side == null
                    ? new long[] {c.x().address(), filter.address(), y.address(), bias.address()}
                    : new long[] {c.x().address(), filter.address(), y.address(), bias.address(), side.address()};
            if (!ConvEngines.aligned(addresses)) {
                LOG.trace("{}: unfused (a tensor off {}-byte alignment)", op, ConvEngines.ALIGNMENT);
                return false;
            }
            ConvEngines.Decision d = known != null ? known : dev.cache(key, () -> ConvEngines.measure(dev, op, key,
                    unfused, owner -> candidates(dev, owner, op, key), addresses));
            return d.run(dev, op, addresses);
        } finally {
            dev.release(filter);
        }
    }

    /** The problem of convolution {@code c} with epilogue {@code e}, or null where fused plans do not apply. */
    static Key key(CudaDevice dev, ConvGeometry.Attrs a, ConvGpuKernels.Forward c, FusedConvGpuKernels.Epilogue e,
                   DeviceTensor y) {
        ConvGeometry g = c.g();
        DType t = y.dtype();
        if (!ENABLED || g.groups() != 1 || !g.symmetric() || ConvGpuKernels.throughNchw(dev, a, t)
                || ConvGpuKernels.runChannels(g, a.nchw(), t) != g.c() || y.numElements() == 0
                || c.x().numElements() == 0 || c.f().numElements() == 0) {
            return null;
        }
        ConvAlgorithms.Problem p = ConvGpuKernels.problem(ConvAlgorithms.Direction.FORWARD, g, a.nchw(),
                ConvGpuKernels.tensorMath(dev, t), t);
        return ConvEngines.applies(p) ? new Key(p, e.add(), e.activation()) : null;
    }

    /** The fused plans of {@code key}, best-ranked first; empty when no engine takes the graph. */
    static List<ConvEngines.Plan> candidates(CudaDevice dev, DnnBackend owner, String op, Key key) {
        var graph = FusedConvGraphs.operationGraph(dev, owner, key.problem(), key.add(), key.activation(),
                ConvEngines.ALIGNMENT);
        long[] uids = FusedConvGraphs.uids(key.add());
        List<ConvEngines.Plan> plans = List.of();
        try {
            plans = ConvEngines.candidates(dev, owner, op, key.problem(), graph, cudnn.CUDNN_HEUR_MODE_A,
                    MAX_CANDIDATES, ConvEngines.RUNTIME_COMPILED, uids);
        } catch (RuntimeException e) {
            // No mode-A heuristics for this graph: the fallback list below may still hold engines.
        }
        return plans.isEmpty()
                ? ConvEngines.candidates(dev, owner, op, key.problem(), graph, cudnn.CUDNN_HEUR_MODE_FALLBACK,
                        MAX_CANDIDATES, ConvEngines.RUNTIME_COMPILED, uids)
                : plans;
    }
}
