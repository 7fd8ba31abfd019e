package dev.tensorgraph.cuda;

import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.nvrtc.NVRTC_SUCCESS;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCompileProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCreateProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcDestroyProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBIN;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBINSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetErrorString;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcVersion;

import dev.tensorgraph.errors.InternalException;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles {@link CudaSource}s with NVRTC for the device's architecture and loads them as modules. Modules
 * live in the device's primary context, which every session on that GPU shares, so each source is compiled
 * once per GPU for the life of the process, not once per session, and its CUBIN is kept on disk
 * ({@link CubinCache}) for later processes.
 */
final class KernelCompiler {
    private static final Logger LOG = LoggerFactory.getLogger(KernelCompiler.class);
    private static final ConcurrentHashMap<Integer, ConcurrentHashMap<String, LoadedModule>> MODULES =
            new ConcurrentHashMap<>();

    private KernelCompiler() {}

    private static final class LoadedModule {
        final CUmod_st module;
        final String sourceName;
        final ConcurrentHashMap<String, CudaFunction> functions = new ConcurrentHashMap<>();

        LoadedModule(CUmod_st module, String sourceName) {
            this.module = module;
            this.sourceName = sourceName;
        }
    }

    /** The function {@code kernelName} of {@code source} on {@code device}, whose context is current. */
    static CudaFunction function(CudaDevice device, CudaSource source, String kernelName) {
        ConcurrentHashMap<String, LoadedModule> modules =
                MODULES.computeIfAbsent(device.ordinal(), k -> new ConcurrentHashMap<>());
        LoadedModule m = modules.get(source.code());
        if (m == null) {
            synchronized (modules) {
                m = modules.get(source.code());
                if (m == null) {
                    m = load(device, source);
                    modules.put(source.code(), m);
                }
            }
        }
        CudaFunction f = m.functions.get(kernelName);
        if (f == null) {
            CUfunc_st handle = new CUfunc_st();
            CudaErrors.checkDriver(cuModuleGetFunction(handle, m.module, kernelName), device.name(),
                    "finding kernel '" + kernelName + "' in CUDA source " + source.name()
                            + " (is it declared extern \"C\" __global__?)");
            f = new CudaFunction(handle, kernelName, m.sourceName);
            CudaFunction prev = m.functions.putIfAbsent(kernelName, f);
            if (prev != null) {
                f = prev;
            }
        }
        return f;
    }

    private static LoadedModule load(CudaDevice device, CudaSource source) {
        long start = System.nanoTime();
        String[] options = options(device.computeCapability());
        String key = CubinCache.key(source.code(), options, compilerVersion());
        byte[] cached = CubinCache.read(key);
        if (cached != null) {
            CUmod_st module = new CUmod_st();
            try (BytePointer cubin = new BytePointer(cached)) {
                if (cuModuleLoadData(module, cubin) == 0) {
                    LOG.debug("loaded CUDA source {} for {} from the kernel cache", source.name(), device.name());
                    return new LoadedModule(module, source.name());
                }
            }
            CubinCache.forget(key);
        }
        BytePointer cubin = compile(source, options);
        CUmod_st module = new CUmod_st();
        try {
            byte[] bytes = new byte[Math.toIntExact(cubin.limit())];
            cubin.get(bytes);
            CudaErrors.checkDriver(cuModuleLoadData(module, cubin), device.name(),
                    "loading the module compiled from CUDA source " + source.name());
            CubinCache.write(key, bytes);
        } finally {
            cubin.close();
        }
        LOG.debug("compiled CUDA source {} for {} in {} ms", source.name(), device.name(),
                (System.nanoTime() - start) / 1_000_000);
        return new LoadedModule(module, source.name());
    }

    private static String[] options(int[] capability) {
        return new String[] {
            "--gpu-architecture=sm_" + capability[0] + capability[1],
            "-default-device",
            "-std=c++17",
        };
    }

    private static String compilerVersion() {
        try (IntPointer major = new IntPointer(1); IntPointer minor = new IntPointer(1)) {
            return nvrtcVersion(major, minor) == NVRTC_SUCCESS ? major.get() + "." + minor.get() : "unknown";
        }
    }

    private static BytePointer compile(CudaSource source, String[] options) {
        _nvrtcProgram program = new _nvrtcProgram();
        try (BytePointer code = new BytePointer(source.code());
             BytePointer name = new BytePointer(source.name() + ".cu")) {
            nvrtc(nvrtcCreateProgram(program, code, name, 0, (PointerPointer<?>) null, (PointerPointer<?>) null),
                    source, "creating the NVRTC program");
        }
        try {
            int r;
            try (PointerPointer<BytePointer> opts = new PointerPointer<>(options)) {
                r = nvrtcCompileProgram(program, options.length, opts);
            }
            if (r != NVRTC_SUCCESS) {
                throw new InternalException("compiling CUDA source " + source.name() + " with NVRTC failed: "
                        + nvrtcGetErrorString(r).getString() + "\n" + log(program));
            }
            SizeTPointer size = new SizeTPointer(1);
            nvrtc(nvrtcGetCUBINSize(program, size), source, "reading the CUBIN size");
            BytePointer cubin = new BytePointer(size.get());
            cubin.limit(size.get());
            nvrtc(nvrtcGetCUBIN(program, cubin), source, "reading the CUBIN");
            return cubin;
        } finally {
            nvrtcDestroyProgram(program);
        }
    }

    private static String log(_nvrtcProgram program) {
        SizeTPointer size = new SizeTPointer(1);
        if (nvrtcGetProgramLogSize(program, size) != NVRTC_SUCCESS || size.get() <= 1) {
            return "(no compiler log)";
        }
        try (BytePointer log = new BytePointer(size.get())) {
            nvrtcGetProgramLog(program, log);
            return log.getString();
        }
    }

    private static void nvrtc(int r, CudaSource source, String what) {
        if (r != NVRTC_SUCCESS) {
            throw new InternalException(what + " for CUDA source " + source.name() + " failed: "
                    + nvrtcGetErrorString(r).getString());
        }
    }
}
