package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.ElementwiseGpuKernels.describe;
import static dev.tensorgraph.cuda.kernels.ElementwiseGpuKernels.noKernel;
import static dev.tensorgraph.cuda.kernels.ElementwisePrelude.suffix;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * GPU kernels of the fused optimizer updates (ApplyGradientDescent, ApplyMomentum, ApplyAdam, ApplyRMSProp,
 * ApplyCenteredRMSProp, ApplyAdagrad) and AssignAdd/AssignSub. Each updates the variables' device values in
 * place with one kernel and outputs the variable's device tensor, as the CPU's TrainingKernels and
 * StateKernels do. Hyper-parameters stay in device memory (see {@link TrainingSources}); {@code use_locking}
 * needs nothing, since the executor's run lock already serializes work on the device.
 */
public final class TrainingGpuKernels implements DeviceKernelLibrary {
    private static final String GPU = KernelRegistry.GPU;

    /**
     * One apply op's signature: inputs {@code 0..numRefs-1} are variables of one shape, {@code scalars} are
     * scalar hyper-parameters, {@code grad} has the variable's shape. Kernel arguments are the variables,
     * then the other inputs in input order, then n, then {@code flagAttr}'s value as an int when there is one.
     */
    private record Apply(String type, String kernel, int numRefs, int[] scalars, int grad, String flagAttr) {}

    private static final Apply[] APPLY = {
        new Apply("ApplyGradientDescent", "apply_gradient_descent", 1, new int[] {1}, 2, null),
        new Apply("ApplyMomentum", "apply_momentum", 2, new int[] {2, 4}, 3, "use_nesterov"),
        new Apply("ApplyAdam", "apply_adam", 3, new int[] {3, 4, 5, 6, 7, 8}, 9, "use_nesterov"),
        new Apply("ApplyRMSProp", "apply_rms_prop", 3, new int[] {3, 4, 5, 6}, 7, null),
        new Apply("ApplyCenteredRMSProp", "apply_centered_rms_prop", 4, new int[] {4, 5, 6, 7}, 8, null),
        new Apply("ApplyAdagrad", "apply_adagrad", 2, new int[] {2}, 3, "update_slots"),
    };

    @Override
    public void register(KernelRegistry r) {
        for (Apply a : APPLY) {
            r.register(GPU, a.type(), op -> applyKernel(op, a));
        }
        r.register(GPU, "AssignAdd", op -> assignUpdate(op, "assign_add"));
        r.register(GPU, "AssignSub", op -> assignUpdate(op, "assign_sub"));
    }

    private static dev.tensorgraph.kernel.Kernel applyKernel(Operation op, Apply a) {
        DType t = op.attrType("T");
        if (!TrainingSources.FLOAT_TYPES.contains(t)) {
            throw noKernel(op, t);
        }
        String kernel = a.kernel() + "_" + suffix(t);
        Integer flag = a.flagAttr() == null ? null : op.attrBool(a.flagAttr()) ? 1 : 0;
        String[] names = new String[op.numInputs()];
        for (int i = 0; i < names.length; i++) {
            names[i] = op.def().inputs().get(i).name();
        }
        return ctx -> {
            CudaDevice dev = CudaDevice.of(ctx);
            DeviceTensor var = ctx.variable(0).getOnDevice(dev);
            if (var.dtype() != t) {
                throw new InvalidArgumentException(describe(ctx) + ": var has dtype " + var.dtype() + " but T is " + t);
            }
            List<Object> args = new ArrayList<>();
            args.add(var);
            for (int i = 1; i < a.numRefs(); i++) {
                DeviceTensor ref = ctx.variable(i).getOnDevice(dev);
                if (!ref.shape().equals(var.shape()) || ref.dtype() != t) {
                    throw new InvalidArgumentException(describe(ctx) + ": var and " + names[i]
                            + " do not have the same shape " + var.shape() + " " + ref.shape());
                }
                args.add(ref);
            }
            for (int i = a.numRefs(); i < names.length; i++) {
                DeviceTensor x = ctx.deviceInput(i);
                if (x.dtype() != t) {
                    throw new InvalidArgumentException(describe(ctx) + ": " + names[i] + " has dtype " + x.dtype()
                            + " but var has dtype " + t);
                }
                if (i == a.grad()) {
                    if (!x.shape().equals(var.shape())) {
                        throw new InvalidArgumentException(describe(ctx) + ": var and grad do not have the same shape "
                                + var.shape() + " " + x.shape());
                    }
                } else if (x.shape().rank() != 0) {
                    throw new InvalidArgumentException(describe(ctx) + ": " + names[i] + " is not a scalar: " + x.shape());
                }
                args.add(x);
            }
            long n = var.numElements();
            args.add(n);
            if (flag != null) {
                args.add(flag);
            }
            if (kernel.equals("apply_momentum_f32") && alignedTo16(args)) {
                ElementwiseGpuKernels.launchFlat(ctx, TrainingSources.TRAINING, "apply_momentum_v4_f32",
                        Math.max(n / 4, n % 4), args.toArray());
            } else {
                ElementwiseGpuKernels.launchFlat(ctx, TrainingSources.TRAINING, kernel, n, args.toArray());
            }
            ctx.setOutput(0, var);
        };
    }

    private static boolean alignedTo16(List<Object> args) {
        for (Object a : args) {
            if (a instanceof DeviceTensor t && t.address() % 16 != 0) {
                return false;
            }
        }
        return true;
    }

    private static dev.tensorgraph.kernel.Kernel assignUpdate(Operation op, String name) {
        DType t = op.attrType("T");
        if (!TrainingSources.ASSIGN_TYPES.contains(t)) {
            throw noKernel(op, t);
        }
        String kernel = name + "_" + suffix(t);
        return ctx -> {
            CudaDevice dev = CudaDevice.of(ctx);
            DeviceTensor ref = ctx.variable(0).getOnDevice(dev);
            DeviceTensor value = ctx.deviceInput(1);
            if (!ref.shape().equals(value.shape())) {
                throw new InvalidArgumentException(describe(ctx) + " requires shapes of both tensors to match. lhs shape= "
                        + ref.shape() + " rhs shape= " + value.shape() + " (variable " + ctx.variable(0).name() + ")");
            }
            if (ref.dtype() != t || value.dtype() != t) {
                throw new InvalidArgumentException(describe(ctx) + ": variable " + ctx.variable(0).name() + " has dtype "
                        + ref.dtype() + " and the update " + value.dtype() + ", but T is " + t);
            }
            ElementwiseGpuKernels.launchFlat(ctx, TrainingSources.TRAINING, kernel, ref.numElements(), ref, value,
                    ref.numElements());
            ctx.setOutput(0, ref);
        };
    }
}
