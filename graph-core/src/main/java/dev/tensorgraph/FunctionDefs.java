package dev.tensorgraph;

import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.FunctionDef;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NameAttrList;
import dev.tensorgraph.proto.NodeDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a {@code FunctionDef} into the GraphDef of its body, for a given set of attribute values: one argument
 * node per argument tensor (the op type the op library marks as {@link OpDef#isFunctionArgument()}), the
 * body's nodes with their attribute placeholders filled in, and their inputs rewritten from a function's
 * {@code node:output_arg:index} form to a graph's {@code node:index}.
 */
final class FunctionDefs {
    private FunctionDefs() {}

    /** A function body as a GraphDef, with the names of what the function takes and gives. */
    record Converted(GraphDef graph, List<String> argNodes, List<String> results, List<String> controlResults) {}

    /** One argument or result of a signature: its name and the dtype of each of its tensors. */
    private record Arg(String name, List<DType> dtypes) {}

    private static String quote(String s) {
        return ErrorText.quote(s);
    }

    /**
     * The values of {@code f}'s signature attributes: those {@code given}, else those the argument dtypes
     * {@code argDtypes} (null when unknown) determine, else the attributes' defaults. A missing value is an
     * error naming the function and the attribute.
     */
    static Map<String, AttrValue> resolveAttrs(FunctionDef f, Map<String, Object> given, List<DType> argDtypes) {
        String fn = f.getSignature().getName();
        Map<String, AttrValue> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : given.entrySet()) {
            values.put(e.getKey(), AttrValues.toProto(fn, e.getKey(), e.getValue(), null));
        }
        if (argDtypes != null) {
            inferFromArgs(f, values, argDtypes);
        }
        for (dev.tensorgraph.proto.OpDef.AttrDef a : f.getSignature().getAttrList()) {
            if (!values.containsKey(a.getName())) {
                if (!a.hasDefaultValue()) {
                    throw new InvalidArgumentException("function " + quote(fn) + " needs a value for its attribute "
                            + quote(a.getName()) + " (" + a.getType() + "), and the call gives none");
                }
                values.put(a.getName(), a.getDefaultValue());
            }
        }
        return values;
    }

    /** Type attributes of single-tensor and {@code type_list_attr} arguments, read off the call's input dtypes. */
    private static void inferFromArgs(FunctionDef f, Map<String, AttrValue> values, List<DType> argDtypes) {
        int k = 0;
        for (dev.tensorgraph.proto.OpDef.ArgDef a : f.getSignature().getInputArgList()) {
            if (!a.getNumberAttr().isEmpty() || (!a.getTypeListAttr().isEmpty() && f.getSignature().getInputArgCount() > 1)) {
                return; // the split of the call's inputs among list arguments is not known here
            }
            if (!a.getTypeListAttr().isEmpty()) {
                AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
                argDtypes.forEach(d -> l.addTypeValue(d.code()));
                values.putIfAbsent(a.getTypeListAttr(), AttrValue.newBuilder().setList(l).build());
                return;
            }
            if (k >= argDtypes.size()) {
                return;
            }
            if (!a.getTypeAttr().isEmpty()) {
                values.putIfAbsent(a.getTypeAttr(), AttrValue.newBuilder().setTypeValue(argDtypes.get(k).code()).build());
            }
            k++;
        }
    }

    /** {@code f}'s body for the attribute values {@code attrs} (from {@link #resolveAttrs}). */
    static Converted convert(FunctionDef f, Map<String, AttrValue> attrs, OpDef argDef) {
        String fn = f.getSignature().getName();
        List<Arg> inputs = args(fn, f.getSignature().getInputArgList(), attrs);
        List<Arg> outputs = args(fn, f.getSignature().getOutputArgList(), attrs);
        GraphDef.Builder g = GraphDef.newBuilder();
        Map<String, List<String>> argNodesByName = new HashMap<>();
        List<String> argNodes = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Arg a = inputs.get(i);
            List<String> names = new ArrayList<>();
            for (int k = 0; k < a.dtypes().size(); k++) {
                String node = k == 0 ? a.name() : a.name() + "_" + k;
                NodeDef.Builder n = NodeDef.newBuilder().setName(node).setOp(argDef.type())
                        .putAttr("T", AttrValue.newBuilder().setTypeValue(a.dtypes().get(k).code()).build())
                        .putAttr("index", AttrValue.newBuilder().setI(argNodes.size()).build());
                AttrValue shapes = argShapes(f, i);
                if (shapes != null && a.dtypes().size() == 1) {
                    n.putAttr(OpDef.OUTPUT_SHAPES_ATTR, shapes);
                }
                g.addNode(n);
                names.add(node);
                argNodes.add(node);
            }
            argNodesByName.put(a.name(), names);
        }
        Map<String, String> opTypes = new HashMap<>();
        for (NodeDef n : f.getNodeDefList()) {
            opTypes.put(n.getName(), n.getOp());
        }
        Refs refs = new Refs(fn, argNodesByName, opTypes);
        for (NodeDef n : f.getNodeDefList()) {
            NodeDef.Builder b = n.toBuilder().clearInput().clearAttr();
            for (String in : n.getInputList()) {
                b.addInput(in.startsWith("^") ? "^" + refs.node(n.getName(), in.substring(1))
                        : refs.tensor("node " + quote(n.getName()), in));
            }
            for (Map.Entry<String, AttrValue> e : new TreeMap<>(n.getAttrMap()).entrySet()) {
                b.putAttr(e.getKey(), substitute(fn, n.getName(), e.getKey(), e.getValue(), attrs));
            }
            g.addNode(b);
        }
        List<String> results = new ArrayList<>();
        for (Arg a : outputs) {
            if (a.dtypes().size() != 1) {
                throw new UnimplementedException("function " + quote(fn) + ": result " + quote(a.name()) + " is a list of "
                        + a.dtypes().size() + " tensors; only single-tensor results are supported");
            }
            String ret = f.getRetMap().get(a.name());
            if (ret == null) {
                throw new InvalidArgumentException("function " + quote(fn) + " does not say which tensor its result "
                        + quote(a.name()) + " is (no 'ret' entry)");
            }
            results.add(refs.tensor("result " + quote(a.name()), ret));
        }
        List<String> controlResults = new ArrayList<>();
        for (String c : f.getSignature().getControlOutputList()) {
            String node = f.getControlRetMap().get(c);
            if (node == null) {
                throw new InvalidArgumentException("function " + quote(fn) + " lists control output " + quote(c)
                        + " but no 'control_ret' entry for it");
            }
            controlResults.add(refs.node("control output " + quote(c), node));
        }
        g.setVersions(dev.tensorgraph.proto.VersionDef.newBuilder().setProducer(GraphDefIO.PRODUCER));
        return new Converted(g.build(), argNodes, results, controlResults);
    }

    /** The {@code _output_shapes} attribute TensorFlow records for argument {@code i}, or null. */
    private static AttrValue argShapes(FunctionDef f, int i) {
        FunctionDef.ArgAttrs a = f.getArgAttrMap().get(i);
        AttrValue v = a == null ? null : a.getAttrMap().get(OpDef.OUTPUT_SHAPES_ATTR);
        return v != null && v.hasList() && v.getList().getShapeCount() == 1 ? v : null;
    }

    private static List<Arg> args(String fn, List<dev.tensorgraph.proto.OpDef.ArgDef> defs, Map<String, AttrValue> attrs) {
        List<Arg> r = new ArrayList<>();
        for (dev.tensorgraph.proto.OpDef.ArgDef a : defs) {
            List<DType> dtypes = new ArrayList<>();
            if (!a.getTypeListAttr().isEmpty()) {
                AttrValue v = attr(fn, attrs, a.getTypeListAttr(), a.getName());
                for (int code : v.getList().getTypeValueList()) {
                    dtypes.add(AttrValues.dtype(code));
                }
            } else {
                DType t;
                if (a.getType() != DataType.DT_INVALID) {
                    t = AttrValues.dtype(a.getTypeValue());
                } else if (!a.getTypeAttr().isEmpty()) {
                    t = AttrValues.dtype(attr(fn, attrs, a.getTypeAttr(), a.getName()).getTypeValue());
                } else {
                    throw new InvalidArgumentException("function " + quote(fn) + ": argument " + quote(a.getName())
                            + " has no type");
                }
                long n = a.getNumberAttr().isEmpty() ? 1 : attr(fn, attrs, a.getNumberAttr(), a.getName()).getI();
                if (n < 0 || n > 100_000) {
                    throw new InvalidArgumentException("function " + quote(fn) + ": argument " + quote(a.getName())
                            + " has " + n + " tensors");
                }
                for (long k = 0; k < n; k++) {
                    dtypes.add(t);
                }
            }
            r.add(new Arg(a.getName(), dtypes));
        }
        return r;
    }

    private static AttrValue attr(String fn, Map<String, AttrValue> attrs, String name, String arg) {
        AttrValue v = attrs.get(name);
        if (v == null) {
            throw new InvalidArgumentException("function " + quote(fn) + ": argument " + quote(arg)
                    + " depends on attribute " + quote(name) + ", which has no value");
        }
        return v;
    }

    /** {@code v} with every attribute placeholder replaced by its value in {@code attrs}. */
    private static AttrValue substitute(String fn, String node, String key, AttrValue v, Map<String, AttrValue> attrs) {
        if (v.getValueCase() == AttrValue.ValueCase.PLACEHOLDER) {
            AttrValue value = attrs.get(v.getPlaceholder());
            if (value == null) {
                throw new InvalidArgumentException("function " + quote(fn) + ": attribute " + quote(key) + " of node "
                        + quote(node) + " is the function's attribute " + quote(v.getPlaceholder()) + ", which has no value");
            }
            return value;
        }
        if (v.hasFunc()) {
            return v.toBuilder().setFunc(substitute(fn, node, key, v.getFunc(), attrs)).build();
        }
        if (v.hasList() && v.getList().getFuncCount() > 0) {
            AttrValue.ListValue.Builder l = v.getList().toBuilder().clearFunc();
            for (NameAttrList f : v.getList().getFuncList()) {
                l.addFunc(substitute(fn, node, key, f, attrs));
            }
            return v.toBuilder().setList(l).build();
        }
        return v;
    }

    private static NameAttrList substitute(String fn, String node, String key, NameAttrList f, Map<String, AttrValue> attrs) {
        NameAttrList.Builder b = f.toBuilder().clearAttr();
        for (Map.Entry<String, AttrValue> e : new TreeMap<>(f.getAttrMap()).entrySet()) {
            b.putAttr(e.getKey(), substitute(fn, node, key + "." + e.getKey(), e.getValue(), attrs));
        }
        return b.build();
    }

    /** Resolves the names a function body uses for tensors and nodes to the names of the body's GraphDef. */
    private record Refs(String fn, Map<String, List<String>> argNodes, Map<String, String> opTypes) {
        /** A node a control input or control output names (a body node, or an argument's node). */
        String node(String where, String name) {
            if (opTypes.containsKey(name)) {
                return name;
            }
            List<String> arg = argNodes.get(name);
            if (arg != null && arg.size() == 1) {
                return arg.get(0);
            }
            throw new InvalidArgumentException("function " + quote(fn) + ": " + where + " names " + quote(name)
                    + ", which is neither a node nor an argument of the function");
        }

        /** {@code arg}, {@code arg:i} or {@code node:output_arg:i} as {@code node:index}. */
        String tensor(String where, String ref) {
            String[] parts = ref.split(":", -1);
            try {
                if (parts.length == 1 || parts.length == 2) {
                    List<String> arg = argNodes.get(parts[0]);
                    int i = parts.length == 1 ? 0 : Integer.parseInt(parts[1]);
                    if (arg != null) {
                        if (i < 0 || i >= arg.size()) {
                            throw new InvalidArgumentException("function " + quote(fn) + ": " + where + " reads "
                                    + quote(ref) + ", but argument " + quote(parts[0]) + " has " + arg.size() + " tensors");
                        }
                        return arg.get(i);
                    }
                    if (opTypes.containsKey(parts[0]) && i >= 0) {
                        return i == 0 ? parts[0] : parts[0] + ":" + i;
                    }
                } else if (parts.length == 3 && opTypes.containsKey(parts[0])) {
                    int i = Integer.parseInt(parts[2]);
                    String type = opTypes.get(parts[0]);
                    if (!OpRegistry.global().contains(type)) {
                        throw new NotFoundException("Op type not registered " + quote(type) + " in binary: node "
                                + quote(parts[0]) + " of function " + quote(fn) + " cannot be imported");
                    }
                    OpDef def = OpRegistry.global().lookup(type);
                    int flat = i < 0 ? -1 : def.outputIndex(parts[1], i);
                    if (flat < 0) {
                        throw new InvalidArgumentException("function " + quote(fn) + ": " + where + " reads " + quote(ref)
                                + ", but " + type + " op " + quote(parts[0]) + " has no output " + quote(parts[1] + ":" + i)
                                + " (its outputs are " + def.outputNames() + ")");
                    }
                    return flat == 0 ? parts[0] : parts[0] + ":" + flat;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new InvalidArgumentException("function " + quote(fn) + ": " + where + " reads " + quote(ref)
                    + ", which names no argument and no node output of the function (expected arg, arg:index or"
                    + " node:output:index)");
        }
    }
}
