package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.VariableSlot;
import dev.tensorgraph.kernel.args.ReshapeShapes;
import java.util.Locale;

/**
 * GPU kernels that move no data or only place it: variables and assignment, constants, identities,
 * reshapes (views of their input), control flow, and shape queries (host outputs). Any dtype but string.
 */
public final class PlumbingGpuKernels implements DeviceKernelLibrary {
    private static final String GPU = KernelRegistry.GPU;
    private static final int[] NONE = new int[0];

    @Override
    public void register(KernelRegistry r) {
        r.register(GPU, "VariableV2", KernelFactory.withRole(anyDtype("dtype", op -> ctx -> {
            VariableSlot slot = ctx.variable(-1);
            if (slot.isInitialized()) {
                ctx.setOutput(0, slot.getOnDevice(ctx.device()));
            }
        }), KernelFactory.Role.VARIABLE));
        r.register(GPU, "Assign", anyDtype("T", op -> {
            boolean validate = op.attrBool("validate_shape");
            return ctx -> assign(ctx, validate);
        }));
        for (String t : new String[] {"Identity", "StopGradient"}) {
            r.register(GPU, t, passing("T", op -> {
                if (onlyReadOnHost(op) || isPredicateSwitch(op.input(0).op())) {
                    // e.g. a cond's pred_id feeding Switch predicates: on the GPU it would cost a copy each way.
                    throw new UnimplementedException("the output of '" + op.name() + "' is only read on the host");
                }
                return ctx -> ctx.setOutput(0, ctx.deviceInput(0));
            }));
        }
        r.register(GPU, "IdentityN", KernelFactory.adapting(PlumbingGpuKernels::identityN, PlumbingGpuKernels::identityN,
                true));
        r.register(GPU, "PlaceholderWithDefault", passing("dtype", op -> ctx -> ctx.setOutput(0, ctx.deviceInput(0))));
        r.register(GPU, "NoOp", op -> ctx -> { });
        r.register(GPU, "Const", PlumbingGpuKernels::constant);
        r.register(GPU, "Reshape", KernelFactory.withHostMemory(passing("T", op -> ctx -> {
            DeviceTensor x = ctx.deviceInput(0);
            ctx.setOutput(0, x.withShape(ReshapeShapes.reshape(x.shape(), longs(ctx.input(1), "shape"))));
        }), new int[] {1}, NONE));
        r.register(GPU, "ExpandDims", KernelFactory.withHostMemory(passing("T", op -> ctx -> {
            DeviceTensor x = ctx.deviceInput(0);
            ctx.setOutput(0, x.withShape(expandDims(x.shape(), ctx.input(1))));
        }), new int[] {1}, NONE));
        r.register(GPU, "Squeeze", passing("T", op -> {
            long[] axes = op.attrLongs("squeeze_dims");
            return ctx -> {
                DeviceTensor x = ctx.deviceInput(0);
                ctx.setOutput(0, x.withShape(ReshapeShapes.squeeze(x.shape(), axes)));
            };
        }));
        SwitchFactory switchFactory = new SwitchFactory();
        r.register(GPU, "Switch", KernelFactory.adapting(switchFactory, switchFactory, true));
        r.register(GPU, "Merge", KernelFactory.withHostMemory(KernelFactory.withRole(
                passing("T", op -> PlumbingGpuKernels::merge), KernelFactory.Role.RUNS_ON_ANY_LIVE_INPUT),
                NONE, new int[] {1}));
        r.register(GPU, "Shape", KernelFactory.withHostMemory(passing("T", op -> {
            DType t = op.attrType("out_type");
            return ctx -> ctx.setOutput(0, shapeTensor(ctx.deviceInput(0).shape(), t));
        }), NONE, new int[] {0}));
        r.register(GPU, "Size", KernelFactory.withHostMemory(passing("T", op -> {
            DType t = op.attrType("out_type");
            return ctx -> {
                long n = ctx.deviceInput(0).numElements();
                ctx.setOutput(0, t == DType.INT64 ? Tensor.of(n) : Tensor.of(Math.toIntExact(n)));
            };
        }), NONE, new int[] {0}));
        r.register(GPU, "Rank", KernelFactory.withHostMemory(passing("T",
                op -> ctx -> ctx.setOutput(0, Tensor.of(ctx.deviceInput(0).shape().rank()))), NONE, new int[] {0}));
    }

    /**
     * {@link #anyDtype} for kernels that only pass their input's buffer on (or read its shape), declared to take
     * bfloat16 and float16 values themselves: widened to float32 they would cast whole tensors up and back on
     * every run, as a mixed precision plan's gradient {@code tuple/control_dependency} identities did.
     */
    private static KernelFactory passing(String attr, KernelFactory factory) {
        KernelFactory checked = anyDtype(attr, factory);
        return KernelFactory.adapting(checked, checked, true);
    }

    private static Kernel identityN(Operation op) {
        for (DType t : (DType[]) op.attr("T")) {
            if (t == DType.STRING || t.isObjectValued()) {
                throw new UnimplementedException("IdentityN op '" + op.name() + "' passes " + t
                        + " values, which stay in host memory");
            }
        }
        return ctx -> {
            for (int i = 0; i < ctx.numInputs(); i++) {
                ctx.setOutput(i, ctx.deviceInput(i));
            }
        };
    }

    /** {@code factory} for ops whose dtype attribute {@code attr} is anything but string. */
    private static KernelFactory anyDtype(String attr, KernelFactory factory) {
        return op -> {
            if (op.hasAttr(attr) && op.attrType(attr) == DType.STRING) {
                throw new UnimplementedException("op '" + op.name() + "' (" + op.type()
                        + ") works on strings, which cannot live in GPU memory");
            }
            return factory.create(op);
        };
    }

    private static void assign(KernelContext ctx, boolean validate) {
        CudaDevice dev = CudaDevice.of(ctx);
        VariableSlot slot = ctx.variable(0);
        DeviceTensor value = ctx.deviceInput(1);
        DeviceTensor stored;
        synchronized (slot) {
            DeviceTensor cur = slot.peekOnDevice();
            Tensor host = cur == null ? slot.peekHost() : null;
            Shape curShape = cur != null ? cur.shape() : host != null ? host.shape() : ctx.op().input(0).shape();
            if (validate) {
                VariableSlot.checkAssignShape(slot.name(), curShape, value.shape());
            }
            if (cur != null && cur.shape().equals(value.shape()) && cur.dtype() == value.dtype()) {
                // In place, so the variable's address stays fixed for recorded work that reads it.
                dev.copy(value, cur);
                stored = cur;
            } else {
                stored = dev.allocatePersistent(value.dtype(), value.shape());
                dev.copy(value, stored);
                DeviceTensor old = slot.setOnDevice(dev, stored);
                if (old != null) {
                    ctx.releaseAfterRun(old);
                }
            }
        }
        ctx.setOutput(0, stored);
    }

    /**
     * A constant lives on the GPU only when every consumer reads it there; otherwise the host copy serves
     * the host readers and the planner uploads it (a fixed value, which recorded runs allow) for device ones.
     */
    private static Kernel constant(Operation op) {
        Tensor value = op.attrTensor("value");
        if (value.dtype() == DType.STRING) {
            throw new UnimplementedException("string constant '" + op.name() + "' stays on the CPU");
        }
        if (!everyConsumerReadsOnDevice(op)) {
            throw new UnimplementedException("constant '" + op.name() + "' is read on the host");
        }
        return ctx -> {
            ConstantOnDevice c = ctx.sessionState(() -> new ConstantOnDevice(CudaDevice.of(ctx), value));
            ctx.setOutput(0, c.tensor);
        };
    }

    /** A constant's value uploaded once per session, freed when the session closes. */
    private static final class ConstantOnDevice implements AutoCloseable {
        final CudaDevice device;
        final DeviceTensor tensor;

        ConstantOnDevice(CudaDevice device, Tensor value) {
            this.device = device;
            this.tensor = device.allocatePersistent(value.dtype(), value.shape());
            device.upload(value, tensor);
        }

        @Override
        public void close() {
            device.release(tensor.buffer());
        }
    }

    private static boolean everyConsumerReadsOnDevice(Operation constant) {
        KernelRegistry registry = KernelRegistry.global();
        boolean any = false;
        for (Operation user : constant.graph().operations()) {
            for (int i = 0; i < user.numInputs(); i++) {
                if (user.input(i).op() != constant) {
                    continue;
                }
                any = true;
                if (user.device().toUpperCase(Locale.ROOT).contains("CPU")) {
                    return false;
                }
                KernelFactory f = registry.find(GPU, user.type());
                if (f == null || f.inputOnHost(user, i) || !accepts(f, user)) {
                    return false;
                }
            }
        }
        return any;
    }

    /**
     * Whether {@code op} has consumers and each reads its outputs in host memory: on the CPU, or through a
     * host-memory argument of its GPU kernel. Consumers' kernels are not created here, so this never recurses.
     */
    private static boolean onlyReadOnHost(Operation op) {
        KernelRegistry registry = KernelRegistry.global();
        boolean any = false;
        for (Operation user : op.graph().operations()) {
            for (int i = 0; i < user.numInputs(); i++) {
                if (user.input(i).op() != op) {
                    continue;
                }
                any = true;
                KernelFactory f = registry.find(GPU, user.type());
                boolean host = user.device().toUpperCase(Locale.ROOT).contains("CPU") || f == null
                        || f.inputOnHost(user, i);
                if (!host) {
                    return false;
                }
            }
        }
        return any;
    }

    /** Whether the GPU kernel factory takes {@code user} (it may turn down some dtypes or attributes). */
    private static boolean accepts(KernelFactory f, Operation user) {
        try {
            f.create(user);
            return true;
        } catch (TensorgraphException | ClassCastException e) {
            return false;
        }
    }

    /**
     * Switch keeps its predicate in host memory. A cond's switch of the predicate on itself (whose outputs
     * only drive the branches' pivots) keeps its data and outputs there too, as TensorFlow's host-memory
     * bool Switch does, so a fed predicate is never copied to the device.
     */
    private static final class SwitchFactory implements KernelFactory {
        @Override
        public Role role() {
            return Role.MARKS_OUTPUTS_DEAD;
        }

        @Override
        public Kernel create(Operation op) {
            if (op.attrType("T") == DType.STRING) {
                throw new UnimplementedException("op '" + op.name() + "' (Switch) works on strings, which cannot"
                        + " live in GPU memory");
            }
            return isPredicateSwitch(op) ? PlumbingGpuKernels::doHostSwitch : PlumbingGpuKernels::doSwitch;
        }

        @Override
        public boolean inputOnHost(Operation op, int i) {
            return i == 1 || isPredicateSwitch(op);
        }

        @Override
        public boolean outputOnHost(Operation op, int i) {
            return isPredicateSwitch(op);
        }
    }

    private static boolean isPredicateSwitch(Operation op) {
        return op.type().equals("Switch") && op.numInputs() == 2 && op.input(0).equals(op.input(1));
    }

    private static void doHostSwitch(KernelContext ctx) {
        int taken = predicate(ctx.input(1)) ? 1 : 0;
        ctx.setOutput(taken, ctx.input(0));
        ctx.setOutputDead(1 - taken);
    }

    private static boolean predicate(Tensor pred) {
        if (pred.dtype() != DType.BOOL || pred.numElements() != 1 || pred.shape().rank() != 0) {
            throw new InvalidArgumentException("The second input must be a scalar, but it has shape " + pred.shape()
                    + " and dtype " + pred.dtype());
        }
        return ((boolean[]) pred.array())[0];
    }

    private static void doSwitch(KernelContext ctx) {
        int taken = predicate(ctx.input(1)) ? 1 : 0;
        ctx.setOutput(taken, ctx.deviceInput(0));
        ctx.setOutputDead(1 - taken);
    }

    private static void merge(KernelContext ctx) {
        int n = ctx.numInputs();
        for (int i = 0; i < n; i++) {
            if (!ctx.isInputDead(i)) {
                ctx.setOutput(0, ctx.deviceInput(i));
                ctx.setOutput(1, Tensor.of(i));
                return;
            }
        }
        throw new InternalException("Merge ran with every input dead");
    }

    static Tensor shapeTensor(Shape s, DType t) {
        long[] d = s.dims();
        if (t == DType.INT64) {
            return Tensor.of(DType.INT64, Shape.of(d.length), d);
        }
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            if (d[i] > Integer.MAX_VALUE) {
                throw new InvalidArgumentException("dimension " + i + " of shape " + s + " does not fit in int32;"
                        + " use out_type int64");
            }
            r[i] = (int) d[i];
        }
        return Tensor.of(DType.INT32, Shape.of(d.length), r);
    }

    private static long[] longs(Tensor t, String what) {
        Object a = t.array();
        if (a instanceof int[] ints) {
            long[] r = new long[ints.length];
            for (int i = 0; i < ints.length; i++) {
                r[i] = ints[i];
            }
            return r;
        }
        if (a instanceof long[] l) {
            return l.clone();
        }
        throw new InvalidArgumentException(what + " must be int32 or int64, got " + t.dtype());
    }

    private static Shape expandDims(Shape in, Tensor dim) {
        if (dim.numElements() != 1) {
            throw new InvalidArgumentException("dim must be a scalar, got shape " + dim.shape());
        }
        return ReshapeShapes.expandDims(in, longs(dim, "dim")[0]);
    }
}
