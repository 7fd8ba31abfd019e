package dev.tensorgraph.op;

import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The contract of one op type: its inputs, typed attributes with defaults, shape function, and gradient
 * (or the explicit mark that it has none). Built-in ops and user ops are declared the same way:
 *
 * <pre>{@code
 * OpRegistry.global().register(OpDef.builder("Square")
 *     .input("x").attr("T", AttrType.TYPE)
 *     .shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0)))
 *     .gradient((op, dy) -> List.of(...))
 *     .build());
 * }</pre>
 */
public final class OpDef {
    /** One declared input: a single tensor, a list whose length an attribute holds, or a variable reference. */
    public record Arg(String name, boolean isList, boolean isRef) {}

    /**
     * One declared attribute; {@code defaultValue} null means the caller must set it, unless the attribute is
     * {@code optional}: then an op has it only when set (TensorFlow's internal attributes an op keeps, such as
     * {@code _gradient_op_type}).
     */
    public record Attr(String name, AttrType type, Object defaultValue, boolean optional) {
        public Attr(String name, AttrType type, Object defaultValue) {
            this(name, type, defaultValue, false);
        }

        /** Whether an op of this type must have the attribute set (no default, not optional). */
        public boolean required() {
            return defaultValue == null && !optional;
        }
    }

    /**
     * The part an op plays in TensorFlow 1.x's while loops, for what the graph itself must know of them: a
     * loop's cycle (a NextIteration feeding a Merge) is closed after both exist, and is imported so.
     */
    public enum LoopRole {
        /** Not a loop primitive: almost every op. */
        NONE,
        /** Joins values (Merge); a loop variable's Merge takes its back edge from a NextIteration. */
        MERGE,
        /** Carries a value to the next iteration (NextIteration); may gain control inputs after it is built. */
        NEXT_ITERATION,
        /** Leaves a loop (Exit); the gradient of a graph holding one builds a backward loop. */
        EXIT,
        /** Fires once what it waits for has run, dead or not (ControlTrigger); may gain control inputs later. */
        TRIGGER
    }

    private final String type;
    private final List<Arg> inputs;
    private final Map<String, Attr> attrs;
    private final ShapeFunction shapeFunction;
    private final GradientFunction gradient;
    private final boolean differentiable;
    private final boolean stateful;
    private final boolean forwardsRef;
    private final ConstantValueFunction constantValue;
    private final int passThroughInput;
    private final LoopRole loopRole;
    private final List<String> outputNames;
    private final FunctionalForm functional;
    private final boolean functionArgument;

    /**
     * The internal attribute with the shapes TensorFlow inferred for a node's outputs; a function argument op
     * declares it, as TensorFlow records each argument's shape so.
     */
    public static final String OUTPUT_SHAPES_ATTR = "_output_shapes";

    private OpDef(Builder b) {
        this.type = b.type;
        this.inputs = List.copyOf(b.inputs);
        this.attrs = Collections.unmodifiableMap(new LinkedHashMap<>(b.attrs));
        this.shapeFunction = b.shapeFunction;
        this.gradient = b.gradient;
        this.differentiable = b.differentiable;
        this.stateful = b.stateful;
        this.forwardsRef = b.forwardsRef;
        this.constantValue = b.constantValue;
        this.passThroughInput = b.passThroughInput;
        this.loopRole = b.loopRole;
        this.outputNames = List.copyOf(b.outputNames);
        this.functional = b.functional;
        this.functionArgument = b.functionArgument;
    }

    public static Builder builder(String type) {
        return new Builder(type);
    }

    public String type() {
        return type;
    }

    public List<Arg> inputs() {
        return inputs;
    }

    public Map<String, Attr> attrs() {
        return attrs;
    }

    public ShapeFunction shapeFunction() {
        return shapeFunction;
    }

    /** The gradient function, or null for an op marked not differentiable. */
    public GradientFunction gradient() {
        return gradient;
    }

    /** False when the op is explicitly marked as passing no gradient (comparisons, shapes, argmax...). */
    public boolean isDifferentiable() {
        return differentiable;
    }

    /** Stateful ops (variables, random numbers, assignments) are never folded or merged. */
    public boolean isStateful() {
        return stateful;
    }

    /**
     * Whether the op's outputs are references to the variable its input 0 refers to (TensorFlow's {@code Ref(T)}
     * outputs of RefSwitch, RefIdentity, ...): an op taking such an output as a ref input updates that variable.
     */
    public boolean forwardsRef() {
        return forwardsRef;
    }

    /** How the op's value is known while building, or null when it never is (most ops). */
    public ConstantValueFunction constantValue() {
        return constantValue;
    }

    /** The input whose value the op's output is, unchanged ({@code Identity}), or -1. */
    public int passThroughInput() {
        return passThroughInput;
    }

    /** The op's part in while loops; {@link LoopRole#NONE} for almost every op. */
    public LoopRole loopRole() {
        return loopRole;
    }

    /**
     * The names of the op's output arguments, each one tensor, where the op has several (TensorFlow's
     * {@code Switch}: {@code output_false}, {@code output_true}); empty for an op whose outputs are one argument
     * (a single tensor or one list), which is almost every op.
     */
    public List<String> outputNames() {
        return outputNames;
    }

    /**
     * The position among the op's outputs of element {@code index} of output argument {@code argName}, as a
     * function body names an output ({@code node:arg:index}); -1 when the op declares other output names. An
     * op that declares none has one output argument, so the position is {@code index} whatever the name.
     */
    public int outputIndex(String argName, int index) {
        if (outputNames.isEmpty()) {
            return index;
        }
        int arg = outputNames.indexOf(argName);
        return arg < 0 || index != 0 ? -1 : arg;
    }

    /** How the op runs functions of the graph's library (calls, functional loops and conditionals), or null. */
    public FunctionalForm functional() {
        return functional;
    }

    /**
     * Whether this is the op that stands for a function's argument in the graph of a function body (TensorFlow's
     * {@code _Arg}, with attributes {@code T} and {@code index}): fed when the body runs. One op type is.
     */
    public boolean isFunctionArgument() {
        return functionArgument;
    }

    /** True when input position {@code i} of a node with these attributes is a variable reference. */
    public boolean isRefInput(int flatIndex) {
        if (flatIndex < inputs.size()) {
            for (int i = 0; i <= flatIndex && i < inputs.size(); i++) {
                if (inputs.get(i).isList()) {
                    return false;
                }
            }
            return inputs.get(flatIndex).isRef();
        }
        return false;
    }

    public static final class Builder {
        private final String type;
        private final List<Arg> inputs = new ArrayList<>();
        private final Map<String, Attr> attrs = new LinkedHashMap<>();
        private ShapeFunction shapeFunction;
        private GradientFunction gradient;
        private boolean differentiable = true;
        private boolean gradientDeclared;
        private boolean stateful;
        private boolean forwardsRef;
        private ConstantValueFunction constantValue;
        private int passThroughInput = -1;
        private LoopRole loopRole = LoopRole.NONE;
        private final List<String> outputNames = new ArrayList<>();
        private FunctionalForm functional;
        private boolean functionArgument;

        /** TensorFlow allows a leading underscore for its internal ops ({@code _FusedConv2D}). */
        private Builder(String type) {
            if (type == null || !type.matches("_?[A-Za-z][A-Za-z0-9_>]*")) {
                throw new InvalidArgumentException("invalid op type name '" + type + "'");
            }
            this.type = type;
        }

        public Builder input(String name) {
            inputs.add(new Arg(name, false, false));
            return this;
        }

        /** A list input; its length is kept in an int attribute (TensorFlow's {@code N}). */
        public Builder inputList(String name) {
            inputs.add(new Arg(name, true, false));
            return this;
        }

        /** An input that must come from a variable and may be updated in place. */
        public Builder refInput(String name) {
            inputs.add(new Arg(name, false, true));
            return this;
        }

        public Builder attr(String name, AttrType attrType) {
            attrs.put(name, new Attr(name, attrType, null));
            return this;
        }

        public Builder attr(String name, AttrType attrType, Object defaultValue) {
            if (defaultValue != null && !attrType.accepts(defaultValue)) {
                throw new InvalidArgumentException("default of attribute '" + name + "' of op " + type + " is not a " + attrType.tfName());
            }
            attrs.put(name, new Attr(name, attrType, defaultValue));
            return this;
        }

        /**
         * An attribute an op has only when it is set, with no default (see {@link Attr#optional}): internal
         * attributes TensorFlow writes that an op keeps through import and export.
         */
        public Builder optionalAttr(String name, AttrType attrType) {
            attrs.put(name, new Attr(name, attrType, null, true));
            return this;
        }

        /** Names the op's output arguments, each one tensor, for an op with several (see {@link OpDef#outputNames}). */
        public Builder outputNames(String... names) {
            outputNames.clear();
            outputNames.addAll(List.of(names));
            return this;
        }

        /** Declares that the op runs functions of the graph's library (see {@link FunctionalForm}). */
        public Builder functional(FunctionalForm form) {
            this.functional = Objects.requireNonNull(form);
            return this;
        }

        /** Declares that this op stands for a function's argument in function bodies (see {@link OpDef#isFunctionArgument}). */
        public Builder functionArgument() {
            this.functionArgument = true;
            return this;
        }

        public Builder shape(ShapeFunction fn) {
            this.shapeFunction = Objects.requireNonNull(fn);
            return this;
        }

        public Builder gradient(GradientFunction fn) {
            this.gradient = Objects.requireNonNull(fn);
            this.differentiable = true;
            this.gradientDeclared = true;
            return this;
        }

        /** Declares that no gradient passes through this op (TensorFlow's {@code NotDifferentiable}). */
        public Builder notDifferentiable() {
            this.gradient = null;
            this.differentiable = false;
            this.gradientDeclared = true;
            return this;
        }

        /** Declares that the outputs are references to input 0's variable (see {@link OpDef#forwardsRef}). */
        public Builder forwardsRef() {
            this.forwardsRef = true;
            return this;
        }

        public Builder stateful() {
            this.stateful = true;
            return this;
        }

        /**
         * Declares how the op's value can be known while the graph is being built, without running it
         * ({@code Const}'s value, {@code Shape} of a fully known shape), for shape functions that read
         * {@link ShapeContext#constantValue}.
         */
        public Builder constantValue(ConstantValueFunction fn) {
            this.constantValue = Objects.requireNonNull(fn);
            return this;
        }

        /**
         * Declares that the op's single output is input {@code input} unchanged ({@code Identity},
         * {@code StopGradient}), so what is known of that input's value while building is known of the output.
         */
        public Builder passesThroughInput(int input) {
            if (input < 0 || input >= inputs.size()) {
                throw new InvalidArgumentException("op " + type + " has no input " + input + " to pass through");
            }
            this.passThroughInput = input;
            return this;
        }

        /** Declares the op's part in while loops (see {@link LoopRole}). */
        public Builder loopRole(LoopRole role) {
            this.loopRole = Objects.requireNonNull(role);
            return this;
        }

        public OpDef build() {
            if (shapeFunction == null) {
                throw new InvalidArgumentException("op " + type + " declares no shape function");
            }
            if (!gradientDeclared) {
                throw new InvalidArgumentException("op " + type + " declares neither a gradient nor notDifferentiable()");
            }
            if (constantValue != null && passThroughInput >= 0) {
                throw new InvalidArgumentException("op " + type + " declares both a constant value and a pass-through input");
            }
            return new OpDef(this);
        }
    }
}
