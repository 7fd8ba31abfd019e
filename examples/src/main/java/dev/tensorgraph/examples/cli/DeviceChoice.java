package dev.tensorgraph.examples.cli;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.device.DeviceRuntime;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.ServiceLoader;

/** The {@code --device} option of the commands that train or measure: the CPU, or GPU 0 (required then). */
public enum DeviceChoice {
    CPU, GPU;

    /** Where the command-line tool looks for the GPU runtime, for the error that says it is missing. */
    static final String GPU_JAR_HINT = "the tensorgraph command puts tensorgraph-gpu.jar on the class path when it "
            + "lies beside tensorgraph.jar or in runtime-cuda/target (mvn -B -DskipTests package -pl runtime-cuda -am "
            + "builds it)";

    @Override
    public String toString() {
        return ChoiceConverter.spelling(this);
    }

    /** Options of a session on this device: {@link SessionOptions#cpuOnly()} or {@link SessionOptions#gpu(int) gpu(0)}. */
    public SessionOptions sessionOptions() {
        return this == CPU ? SessionOptions.cpuOnly() : SessionOptions.gpu(0);
    }

    /**
     * Opens a session on this device: the first thing a command does with {@code --device gpu}, so that a missing
     * GPU is reported before any data is read. Without a GPU runtime on the class path the error says where the
     * tool finds one.
     */
    public Session open(Graph g, SessionOptions options) {
        try {
            return new Session(g, options);
        } catch (FailedPreconditionException e) {
            if (this == GPU && !gpuRuntimePresent()) {
                throw new FailedPreconditionException(e.getMessage() + "; " + GPU_JAR_HINT, e);
            }
            throw e;
        }
    }

    /** True when a device runtime other than the CPU's is on the class path. */
    static boolean gpuRuntimePresent() {
        for (ServiceLoader.Provider<DeviceRuntime> p : ServiceLoader.load(DeviceRuntime.class,
                DeviceRuntime.class.getClassLoader()).stream().toList()) {
            if (!p.get().deviceType().equals(KernelRegistry.CPU)) {
                return true;
            }
        }
        return false;
    }

    /** Picocli's reader of {@code --device}. */
    public static final class Converter extends ChoiceConverter<DeviceChoice> {
        public Converter() {
            super(DeviceChoice.class);
        }
    }
}
