package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.HalfFloats;
import dev.tensorgraph.OpBuilder;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.kernel.Kernel;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.kernel.VariableSlot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs ops on bfloat16 and float16 values on the CPU with their float32 kernels, as CPUs have no 16-bit float
 * arithmetic: the kernel is made for a float32 twin of the op (the same type and attributes, every 16-bit type
 * attribute float32), its 16-bit inputs are widened exactly, it computes and accumulates in float32, and each
 * output the op declares 16-bit is rounded to nearest-even once at the end. So a MatMul in bfloat16 gives the
 * float32 product of the bfloat16 inputs, rounded once, which is what a GPU with float32 accumulation gives
 * up to the order of the sums.
 *
 * <p>Ops that hold state (variables, stacks, loops: any role but ordinary), take a reference input, or have no
 * 16-bit input (a constant or placeholder of a 16-bit type) run their own kernel, which only moves the
 * {@code short[]} patterns.
 */
public final class HalfPrecisionWidening implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.registerWidening(KernelRegistry.CPU, HalfPrecisionWidening::widen);
    }

    /** {@code factory}, declared to handle 16-bit floats itself (a cast, a kernel that only forwards its input). */
    static KernelFactory native16(KernelFactory factory) {
        return KernelFactory.adapting(factory, factory, true);
    }

    static KernelFactory widen(KernelFactory factory) {
        return KernelFactory.adapting(factory, op -> {
            if (factory.role() != KernelFactory.Role.ORDINARY || !hasHalfInput(op) || hasRefInput(op)) {
                return factory.create(op);
            }
            Operation twin = float32Twin(op);
            Kernel kernel = factory.create(twin);
            return ctx -> kernel.compute(new WideningContext(ctx, op, twin));
        }, true);
    }

    private static boolean hasHalfInput(Operation op) {
        for (Output in : op.inputs()) {
            if (in.dtype().isHalfPrecision()) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasRefInput(Operation op) {
        for (int i = 0; i < op.numInputs(); i++) {
            if (op.def().isRefInput(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The op rebuilt in a graph of its own on float32 stand-ins for its 16-bit inputs; other inputs are
     * placeholders of their own dtype and shape, or copies of the constants they are (an axis, a shape), so
     * kernels that read a constant input when they are made still see it.
     */
    static Operation float32Twin(Operation op) {
        Graph g = new Graph();
        OpBuilder b = g.opBuilder(op.type(), op.name() + "/").ignoreControlScopes();
        for (int i = 0; i < op.numInputs(); i++) {
            Output in = op.input(i);
            String name = "input_" + i + "/";
            if ("Const".equals(in.op().type())) {
                Tensor v = in.op().attrTensor("value");
                if (v.dtype().isHalfPrecision()) {
                    v = Tensor.wrap(DType.FLOAT32, v.shape(), HalfFloats.widen(v.dtype(), (short[]) v.array()));
                }
                b.addInput(g.opBuilder("Const", name).setAttr("value", v).setAttr("dtype", v.dtype()).build().output(0));
            } else {
                DType d = in.dtype().isHalfPrecision() ? DType.FLOAT32 : in.dtype();
                Shape s = in.shape();
                b.addInput(g.opBuilder("Placeholder", name).setAttr("dtype", d).setAttr("shape", s).build().output(0));
            }
        }
        for (Map.Entry<String, Object> e : new LinkedHashMap<>(op.attrs()).entrySet()) {
            b.setAttr(e.getKey(), widenedType(e.getValue()));
        }
        return b.build();
    }

    private static Object widenedType(Object attr) {
        if (attr instanceof DType d && d.isHalfPrecision()) {
            return DType.FLOAT32;
        }
        if (attr instanceof DType[] list) {
            DType[] r = list.clone();
            for (int i = 0; i < r.length; i++) {
                if (r[i].isHalfPrecision()) {
                    r[i] = DType.FLOAT32;
                }
            }
            return r;
        }
        return attr;
    }

    /** The run's context as the float32 kernel sees it: widened inputs, outputs rounded back to the op's types. */
    private static final class WideningContext implements KernelContext {
        private final KernelContext ctx;
        private final Operation op;
        private final Operation twin;
        private final Tensor[] widened;

        WideningContext(KernelContext ctx, Operation op, Operation twin) {
            this.ctx = ctx;
            this.op = op;
            this.twin = twin;
            this.widened = new Tensor[ctx.numInputs()];
        }

        @Override
        public Operation op() {
            return twin;
        }

        @Override
        public int numInputs() {
            return ctx.numInputs();
        }

        @Override
        public Tensor input(int i) {
            Tensor t = ctx.input(i);
            if (!t.dtype().isHalfPrecision()) {
                return t;
            }
            if (widened[i] == null) {
                widened[i] = Tensor.wrap(DType.FLOAT32, t.shape(), HalfFloats.widen(t.dtype(), (short[]) t.array()));
            }
            return widened[i];
        }

        @Override
        public boolean isInputDead(int i) {
            return ctx.isInputDead(i);
        }

        @Override
        public void setOutput(int i, Tensor t) {
            DType declared = op.output(i).dtype();
            if (declared.isHalfPrecision() && t.dtype() == DType.FLOAT32) {
                Tensor out = ctx.allocate(declared, t.shape());
                HalfFloats.narrow(declared, (float[]) t.array(), (short[]) out.array());
                ctx.setOutput(i, out);
            } else {
                ctx.setOutput(i, t);
            }
        }

        @Override
        public void setOutputDead(int i) {
            ctx.setOutputDead(i);
        }

        @Override
        public Tensor allocate(DType dtype, Shape shape) {
            return ctx.allocate(dtype, shape);
        }

        @Override
        public Tensor allocateZeroed(DType dtype, Shape shape) {
            return ctx.allocateZeroed(dtype, shape);
        }

        @Override
        public VariableSlot variable(int i) {
            return ctx.variable(i);
        }

        @Override
        public void retain(Tensor t) {
            ctx.retain(t);
        }

        @Override
        public <T> T sessionState(Supplier<T> create) {
            return ctx.sessionState(create);
        }

        @Override
        public int intraOpThreads() {
            return ctx.intraOpThreads();
        }

        @Override
        public dev.tensorgraph.FileAccessPolicy fileAccess() {
            return ctx.fileAccess();
        }
    }
}
