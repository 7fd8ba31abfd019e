package dev.tensorgraph.ops.state;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.indexing.SegmentOps;
import java.util.Arrays;
import java.util.List;

/**
 * Resource variables, as TensorFlow 2 writes them (TensorFlow's {@code resource_variable_ops.cc}):
 * {@code VarHandleOp} outputs a handle ({@link DType#RESOURCE} scalar) to the session's variable named by its
 * {@code container} and {@code shared_name}; the ops below take that handle as input 0 and act on the variable:
 *
 * <ul>
 *   <li>{@code ReadVariableOp}: the value, a snapshot that later updates leave alone (gradient: the incoming one,
 *       passed to the handle);</li>
 *   <li>{@code AssignVariableOp}, {@code AssignAddVariableOp}, {@code AssignSubVariableOp}: updates, no outputs;</li>
 *   <li>{@code VarIsInitializedOp}, {@code VariableShape}, {@code DestroyResourceOp}, {@code DisableCopyOnRead};</li>
 *   <li>{@code ResourceGather} (rows of the variable; its gradient is dense here) and {@code ResourceScatterAdd},
 *       {@code ResourceScatterUpdate} (rows updated in place).</li>
 * </ul>
 *
 * The optimizers' {@code ResourceApply*} updates are in {@code training.TrainingOps}. Constructors take a handle,
 * or the resource {@link Variable} itself (its {@link Variable#handle()} is used).
 */
public final class ResourceVariableOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("VarHandleOp")
                .attr("container", AttrType.STRING, "").attr("shared_name", AttrType.STRING, "")
                .attr("debug_name", AttrType.STRING, "").attr("dtype", AttrType.TYPE).attr("shape", AttrType.SHAPE)
                .attr("allowed_devices", AttrType.LIST_STRING, new String[0])
                .shape(c -> c.setOutput(0, DType.RESOURCE, Shape.scalar()))
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("ReadVariableOp").input("resource").attr("dtype", AttrType.TYPE)
                .shape(c -> c.setOutput(0, handleDtype(c, 0), c.inputHandleShape(0)))
                .stateful().gradient((op, dy) -> Arrays.asList(dy.get(0))).build());
        r.register(OpDef.builder("AssignVariableOp").input("resource").input("value").attr("dtype", AttrType.TYPE)
                .attr("validate_shape", AttrType.BOOL, false)
                .shape(c -> checkValue(c, 1, "value"))
                .stateful().notDifferentiable().build());
        for (String type : List.of("AssignAddVariableOp", "AssignSubVariableOp")) {
            r.register(OpDef.builder(type).input("resource").input("value").attr("dtype", AttrType.TYPE)
                    .shape(c -> checkValue(c, 1, "value"))
                    .stateful().notDifferentiable().build());
        }
        r.register(OpDef.builder("VarIsInitializedOp").input("resource")
                .shape(c -> {
                    requireHandle(c, 0);
                    c.setOutput(0, DType.BOOL, Shape.scalar());
                })
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("VariableShape").input("input").attr("out_type", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    requireHandle(c, 0);
                    Shape s = c.inputHandleShape(0);
                    c.setOutput(0, c.attrType("out_type"), s.hasKnownRank() ? Shape.of(s.rank()) : Shape.of(-1));
                })
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("DestroyResourceOp").input("resource")
                .attr("ignore_lookup_error", AttrType.BOOL, true)
                .shape(c -> requireHandle(c, 0))
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("DisableCopyOnRead").input("resource")
                .shape(c -> requireHandle(c, 0))
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("ResourceGather").input("resource").input("indices")
                .attr("batch_dims", AttrType.INT, 0L).attr("validate_indices", AttrType.BOOL, true)
                .attr("dtype", AttrType.TYPE).attr("Tindices", AttrType.TYPE)
                .shape(ResourceVariableOps::gatherShape)
                .stateful().gradient((op, dy) -> Arrays.asList(gatherGrad(op, dy.get(0)), null)).build());
        for (String type : List.of("ResourceScatterAdd", "ResourceScatterUpdate")) {
            r.register(OpDef.builder(type).input("resource").input("indices").input("updates")
                    .attr("dtype", AttrType.TYPE).attr("Tindices", AttrType.TYPE)
                    .shape(ResourceVariableOps::scatterShape)
                    .stateful().notDifferentiable().build());
        }
    }

    // ---- shape functions ----

    private static void requireHandle(ShapeContext c, int i) {
        if (c.inputDtype(i) != DType.RESOURCE) {
            throw c.fail("input " + i + " must be a resource variable's handle, got a " + c.inputDtype(i) + " tensor");
        }
    }

    /** The {@code dtype} attribute, which must agree with the handle's variable when that is known. */
    private static DType handleDtype(ShapeContext c, int i) {
        requireHandle(c, i);
        DType want = c.attrType("dtype");
        DType declared = c.inputHandleDtype(i);
        if (declared != null && declared != want) {
            throw c.fail("trying to read variable " + c.inputHandleSource(i).name() + " of dtype " + declared + " as "
                    + want);
        }
        return want;
    }

    /** Input {@code value} has the variable's dtype and a shape compatible with its declared one. */
    private static void checkValue(ShapeContext c, int value, String what) {
        DType t = handleDtype(c, 0);
        if (c.inputDtype(value) != t) {
            throw c.fail(what + " is " + c.inputDtype(value) + " but the variable is " + t);
        }
        Shape declared = c.inputHandleShape(0);
        if (!declared.isCompatibleWith(c.inputShape(value))) {
            throw c.fail("trying to update variable " + c.inputHandleSource(0).name() + " of shape " + declared
                    + " with a value of shape " + c.inputShape(value));
        }
    }

    /** {@code indices.shape + variable.shape[1:]} (batch_dims 0). */
    private static void gatherShape(ShapeContext c) {
        DType t = handleDtype(c, 0);
        if (c.attrLong("batch_dims") != 0) {
            throw c.fail("batch_dims other than 0 is not supported");
        }
        Shape var = c.inputHandleShape(0);
        Shape idx = c.inputShape(1);
        if (!c.inputDtype(1).isInteger()) {
            throw c.fail("indices must be int32 or int64, got " + c.inputDtype(1));
        }
        if (var.hasKnownRank() && var.rank() == 0) {
            throw c.fail("params must be at least 1 dimensional");
        }
        Shape out = !var.hasKnownRank() || !idx.hasKnownRank() ? Shape.unknown()
                : idx.concatenate(var.subShape(1, var.rank()));
        c.setOutput(0, t, out);
    }

    /** {@code updates} has the variable's dtype and shape {@code indices.shape + variable.shape[1:]}. */
    private static void scatterShape(ShapeContext c) {
        DType t = handleDtype(c, 0);
        if (c.inputDtype(2) != t) {
            throw c.fail("updates are " + c.inputDtype(2) + " but the variable is " + t);
        }
        if (!c.inputDtype(1).isInteger()) {
            throw c.fail("indices must be int32 or int64, got " + c.inputDtype(1));
        }
        Shape var = c.inputHandleShape(0);
        Shape idx = c.inputShape(1);
        Shape upd = c.inputShape(2);
        if (var.hasKnownRank() && idx.hasKnownRank()) {
            Shape want = idx.concatenate(var.subShape(1, var.rank()));
            if (!want.isCompatibleWith(upd)) {
                throw c.fail("updates have shape " + upd + " but indices.shape + variable.shape[1:] is " + want);
            }
        }
    }

    /**
     * The gradient of a gather from a variable: dy's rows summed into the variable's shape
     * ({@code UnsortedSegmentSum}), where TensorFlow returns the same rows as {@code IndexedSlices}.
     */
    private static Output gatherGrad(Operation op, Output dy) {
        Graph g = op.graph();
        Output handle = op.input(0);
        Output indices = op.input(1);
        Output paramsShape = variableShape(g, handle, DType.INT32, null);
        Output size = ShapeOps.expandDims(g, ShapeOps.size(g, indices, DType.INT32, null), 0, null);
        Output inner = SliceOps.stridedSlice(g, paramsShape, new int[] {1}, new int[] {0}, new int[] {1},
                dev.tensorgraph.ops.array.StridedSliceOptions.create().endMask(1), null);
        Output valuesShape = ConcatOps.concatV2(g, List.of(size, inner), ConstantOps.scalar(g, DType.INT32, 0, "concat/axis"),
                null);
        Output values = ShapeOps.reshape(g, dy, valuesShape, null);
        Output flat = ShapeOps.reshape(g, indices, size, null);
        Output rows = SliceOps.stridedSlice(g, paramsShape, new int[] {0}, new int[] {1}, new int[] {1},
                dev.tensorgraph.ops.array.StridedSliceOptions.create().shrinkAxisMask(1), null);
        return SegmentOps.unsortedSegmentSum(g, values, flat, rows, null);
    }

    // ---- constructors ----

    /** The handle of a resource variable given as itself or as its handle tensor. */
    static Output handleOf(Output variableOrHandle) {
        return variableOrHandle instanceof Variable v && v.isResource() ? v.handle() : variableOrHandle;
    }

    /**
     * {@code VarHandleOp}: the handle of the variable {@code sharedName} (TensorFlow gives it the op's name),
     * declared with {@code dtype} and {@code shape}; {@code debugName} is TensorFlow's {@code debug_name} (the
     * variable's name scope, {@code "w/"}).
     */
    public static Output varHandleOp(Graph g, DType dtype, Shape shape, String sharedName, String debugName, String name) {
        return g.opBuilder("VarHandleOp", name).setAttr("shared_name", sharedName).setAttr("debug_name", debugName)
                .setAttr("dtype", dtype).setAttr("shape", shape).build().output(0);
    }

    /** {@code ReadVariableOp(resource)}: the variable's value (a snapshot). */
    public static Output readVariableOp(Graph g, Output resource, DType dtype, String name) {
        return g.opBuilder("ReadVariableOp", name).addInput(handleOf(resource)).setAttr("dtype", dtype).build().output(0);
    }

    /** {@code AssignVariableOp(resource, value)}; {@code validateShape} as TensorFlow's attribute. */
    public static Operation assignVariableOp(Graph g, Output resource, Output value, boolean validateShape, String name) {
        return g.opBuilder("AssignVariableOp", name).addInput(handleOf(resource)).addInput(value)
                .setAttr("dtype", value.dtype()).setAttr("validate_shape", validateShape).build();
    }

    /** {@code AssignAddVariableOp(resource, value)}: {@code variable += value}. */
    public static Operation assignAddVariableOp(Graph g, Output resource, Output value, String name) {
        return g.opBuilder("AssignAddVariableOp", name).addInput(handleOf(resource)).addInput(value)
                .setAttr("dtype", value.dtype()).build();
    }

    /** {@code AssignSubVariableOp(resource, value)}: {@code variable -= value}. */
    public static Operation assignSubVariableOp(Graph g, Output resource, Output value, String name) {
        return g.opBuilder("AssignSubVariableOp", name).addInput(handleOf(resource)).addInput(value)
                .setAttr("dtype", value.dtype()).build();
    }

    /** {@code VarIsInitializedOp(resource)}: a bool scalar, true once the variable has a value. */
    public static Output varIsInitializedOp(Graph g, Output resource, String name) {
        return g.opBuilder("VarIsInitializedOp", name).addInput(handleOf(resource)).build().output(0);
    }

    /** {@code VariableShape(input)}: the variable's shape as a vector of {@code outType}. */
    public static Output variableShape(Graph g, Output resource, DType outType, String name) {
        return g.opBuilder("VariableShape", name).addInput(handleOf(resource)).setAttr("out_type", outType).build()
                .output(0);
    }

    /** {@code DestroyResourceOp(resource)}: forgets the variable's value. */
    public static Operation destroyResourceOp(Graph g, Output resource, boolean ignoreLookupError, String name) {
        return g.opBuilder("DestroyResourceOp", name).addInput(handleOf(resource))
                .setAttr("ignore_lookup_error", ignoreLookupError).build();
    }

    /** {@code ResourceGather(resource, indices)}: rows {@code indices} of the variable. */
    public static Output resourceGather(Graph g, Output resource, Output indices, DType dtype, String name) {
        return g.opBuilder("ResourceGather", name).addInput(handleOf(resource)).addInput(indices)
                .setAttr("dtype", dtype).setAttr("Tindices", indices.dtype()).build().output(0);
    }

    /** {@code ResourceScatterAdd(resource, indices, updates)}: {@code variable[indices] += updates}. */
    public static Operation resourceScatterAdd(Graph g, Output resource, Output indices, Output updates, String name) {
        return scatter(g, "ResourceScatterAdd", resource, indices, updates, name);
    }

    /** {@code ResourceScatterUpdate(resource, indices, updates)}: {@code variable[indices] = updates}. */
    public static Operation resourceScatterUpdate(Graph g, Output resource, Output indices, Output updates, String name) {
        return scatter(g, "ResourceScatterUpdate", resource, indices, updates, name);
    }

    private static Operation scatter(Graph g, String type, Output resource, Output indices, Output updates,
                                     String name) {
        return g.opBuilder(type, name).addInput(handleOf(resource)).addInput(indices).addInput(updates)
                .setAttr("dtype", updates.dtype()).setAttr("Tindices", indices.dtype()).build();
    }
}
