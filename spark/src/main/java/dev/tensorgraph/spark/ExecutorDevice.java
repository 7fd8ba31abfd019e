package dev.tensorgraph.spark;

import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Where a task's session runs. {@code auto}: the GPU Spark assigned to the task (resource {@code gpu}, from
 * {@code spark.task.resource.gpu.amount}), else GPU 0 when the executor has the GPU runtime and a GPU, else the
 * CPU; {@code cpu}: the CPU only; {@code gpu}: the assigned GPU, or GPU 0, which must be usable.
 *
 * @param mode {@code auto}, {@code cpu} or {@code gpu}
 * @param gpu the GPU index, or -1 when Spark assigned none
 */
record ExecutorDevice(String mode, int gpu) implements java.io.Serializable {
    static final String AUTO = "auto";
    static final String CPU = "cpu";
    static final String GPU = "gpu";

    /** Checks a device setting, as a parameter's validator and before any job starts. */
    static String checkMode(String mode) {
        String m = mode == null ? "" : mode.toLowerCase(Locale.ROOT);
        if (!m.equals(AUTO) && !m.equals(CPU) && !m.equals(GPU)) {
            throw new InvalidArgumentException("device " + ErrorText.quote(mode) + " is not one of auto, cpu, gpu");
        }
        return m;
    }

    /** The device for the task running on this thread, from its resources; off a task, from the mode alone. */
    static ExecutorDevice forCurrentTask(String mode) {
        String m = checkMode(mode);
        if (m.equals(CPU)) {
            return new ExecutorDevice(CPU, -1);
        }
        TaskContext task = TaskContext.get();
        if (task != null) {
            ResourceInformation gpus = task.resources().get(GPU).getOrElse(() -> null);
            if (gpus != null && gpus.addresses().length > 0) {
                return new ExecutorDevice(GPU, Integer.parseInt(gpus.addresses()[0].trim()));
            }
        }
        return new ExecutorDevice(m, -1);
    }

    SessionOptions sessionOptions() {
        return switch (mode) {
            case CPU -> SessionOptions.cpuOnly();
            case GPU -> SessionOptions.gpu(Math.max(gpu, 0));
            default -> SessionOptions.defaults();
        };
    }
}
