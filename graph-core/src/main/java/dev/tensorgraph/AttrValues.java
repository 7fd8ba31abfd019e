package dev.tensorgraph;

import com.google.protobuf.ByteString;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.NameAttrList;
import dev.tensorgraph.proto.TensorShapeProto;

/**
 * Converts attribute values between their Java form on an {@link Operation} (Long, Float, Boolean, String,
 * DType, Shape, Tensor, long[], float[], DType[], Shape[], String[]) and TensorFlow's {@code AttrValue}.
 */
final class AttrValues {
    private AttrValues() {}

    // ---- export ----

    /**
     * The AttrValue of a Java attribute value; {@code declared} (may be null) picks the encoding where the
     * Java class is ambiguous (a String is {@code s} or a function name).
     */
    static AttrValue toProto(String opName, String key, Object v, AttrType declared) {
        AttrValue.Builder b = AttrValue.newBuilder();
        if (v instanceof String s && declared == AttrType.FUNC) {
            return b.setFunc(NameAttrList.newBuilder().setName(s)).build();
        }
        if (v instanceof FunctionRef f) {
            return b.setFunc(funcToProto(opName, key, f)).build();
        }
        if (v instanceof FunctionRef[] fs) {
            AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
            for (FunctionRef f : fs) {
                l.addFunc(funcToProto(opName, key, f));
            }
            return b.setList(l).build();
        }
        if (v instanceof Long l) {
            b.setI(l);
        } else if (v instanceof Integer i) {
            b.setI(i);
        } else if (v instanceof Float f) {
            b.setF(f);
        } else if (v instanceof Double d) {
            b.setF(d.floatValue());
        } else if (v instanceof Boolean z) {
            b.setB(z);
        } else if (v instanceof String s) {
            b.setS(ByteString.copyFromUtf8(s));
        } else if (v instanceof byte[] bytes) {
            b.setS(ByteString.copyFrom(bytes));
        } else if (v instanceof DType t) {
            b.setTypeValue(t.code());
        } else if (v instanceof Shape s) {
            b.setShape(shapeToProto(s));
        } else if (v instanceof Tensor t) {
            b.setTensor(GraphDefTensors.toProto(t));
        } else if (v instanceof long[] a) {
            AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
            for (long x : a) {
                l.addI(x);
            }
            b.setList(l);
        } else if (v instanceof int[] a) {
            AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
            for (int x : a) {
                l.addI(x);
            }
            b.setList(l);
        } else if (v instanceof float[] a) {
            AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
            for (float x : a) {
                l.addF(x);
            }
            b.setList(l);
        } else if (v instanceof DType[] a) {
            AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
            for (DType x : a) {
                l.addTypeValue(x.code());
            }
            b.setList(l);
        } else if (v instanceof Shape[] a) {
            AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
            for (Shape x : a) {
                l.addShape(shapeToProto(x));
            }
            b.setList(l);
        } else if (v instanceof String[] a) {
            AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
            for (String x : a) {
                l.addS(ByteString.copyFromUtf8(x));
            }
            b.setList(l);
        } else if (v instanceof java.util.List<?> list && isHomogeneous(list)) {
            return toProto(opName, key, listToArray(list), declared);
        } else {
            throw new UnimplementedException("op '" + opName + "': attribute '" + key + "' holds a "
                    + (v == null ? "null" : v.getClass().getSimpleName()) + ", which has no GraphDef encoding");
        }
        return b.build();
    }

    private static NameAttrList funcToProto(String opName, String key, FunctionRef f) {
        NameAttrList.Builder n = NameAttrList.newBuilder().setName(f.name());
        for (java.util.Map.Entry<String, Object> e : new java.util.TreeMap<>(f.attrs()).entrySet()) {
            n.putAttr(e.getKey(), toProto(opName, key + "." + e.getKey(), e.getValue(), null));
        }
        return n.build();
    }

    private static boolean isHomogeneous(java.util.List<?> list) {
        if (list.isEmpty()) {
            return true;
        }
        Class<?> c = list.get(0) == null ? null : list.get(0).getClass();
        for (Object o : list) {
            if (o == null || o.getClass() != c) {
                return false;
            }
        }
        return c == Long.class || c == Integer.class || c == Float.class || c == Double.class || c == String.class
                || c == DType.class || c == Shape.class;
    }

    /** A homogeneous List attribute value as the array form the other branches encode. */
    private static Object listToArray(java.util.List<?> list) {
        if (list.isEmpty()) {
            return new long[0];
        }
        Object first = list.get(0);
        int n = list.size();
        if (first instanceof Long || first instanceof Integer) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = ((Number) list.get(i)).longValue();
            }
            return a;
        } else if (first instanceof Float || first instanceof Double) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = ((Number) list.get(i)).floatValue();
            }
            return a;
        } else if (first instanceof String) {
            return list.toArray(new String[0]);
        } else if (first instanceof DType) {
            return list.toArray(new DType[0]);
        }
        return list.toArray(new Shape[0]);
    }

    static TensorShapeProto shapeToProto(Shape s) {
        TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
        if (!s.hasKnownRank()) {
            return b.setUnknownRank(true).build();
        }
        for (long d : s.dims()) {
            b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return b.build();
    }

    // ---- import ----

    /**
     * The Java value of {@code v} as an attribute of the declared type; a value of another kind is an
     * error naming the node, the attribute and both types.
     */
    static Object fromProto(String node, String key, AttrValue v, AttrType declared, InputLimits.Expansion expansion) {
        String actual = kindName(v);
        boolean matches = switch (declared) {
            case INT -> v.hasI();
            case FLOAT -> v.hasF();
            case BOOL -> v.hasB();
            case STRING -> v.hasS();
            case TYPE -> v.hasType();
            case SHAPE -> v.hasShape();
            case TENSOR -> v.hasTensor();
            case FUNC -> v.hasFunc();
            case LIST_FUNC -> v.hasList() && (actual.equals("list(any)") || actual.equals(declared.tfName()));
            case LIST_INT, LIST_FLOAT, LIST_TYPE, LIST_SHAPE, LIST_STRING ->
                    v.hasList() && (actual.equals("list(any)") || actual.equals(declared.tfName()));
        };
        if (!matches) {
            throw new InvalidArgumentException("node " + ErrorText.quote(node) + ": attribute " + ErrorText.quote(key)
                    + " must be " + declared.tfName() + " but the GraphDef gives a " + actual);
        }
        try {
            return switch (declared) {
                case INT -> v.getI();
                case FLOAT -> v.getF();
                case BOOL -> v.getB();
                case STRING -> v.getS().isValidUtf8() ? v.getS().toStringUtf8() : v.getS().toByteArray();
                case TYPE -> dtype(v.getTypeValue());
                case SHAPE -> shapeFromProto(v.getShape());
                case TENSOR -> GraphDefTensors.fromProto(v.getTensor(), expansion,
                        "node " + ErrorText.quote(node) + " attribute " + ErrorText.quote(key));
                case FUNC -> funcFromProto(node, key, v.getFunc(), expansion);
                case LIST_FUNC -> {
                    FunctionRef[] a = new FunctionRef[v.getList().getFuncCount()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = funcFromProto(node, key, v.getList().getFunc(i), expansion);
                    }
                    yield a;
                }
                case LIST_INT -> {
                    long[] a = new long[v.getList().getICount()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = v.getList().getI(i);
                    }
                    yield a;
                }
                case LIST_FLOAT -> {
                    float[] a = new float[v.getList().getFCount()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = v.getList().getF(i);
                    }
                    yield a;
                }
                case LIST_TYPE -> {
                    DType[] a = new DType[v.getList().getTypeCount()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = dtype(v.getList().getTypeValue(i));
                    }
                    yield a;
                }
                case LIST_SHAPE -> {
                    Shape[] a = new Shape[v.getList().getShapeCount()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = shapeFromProto(v.getList().getShape(i));
                    }
                    yield a;
                }
                case LIST_STRING -> {
                    String[] a = new String[v.getList().getSCount()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = v.getList().getS(i).toStringUtf8();
                    }
                    yield a;
                }
            };
        } catch (InvalidArgumentException | UnimplementedException e) {
            String msg = "node " + ErrorText.quote(node) + ": attribute " + ErrorText.quote(key) + ": " + e.getMessage();
            throw e instanceof UnimplementedException ? new UnimplementedException(msg, e)
                    : new InvalidArgumentException(msg, e);
        }
    }

    private static FunctionRef funcFromProto(String node, String key, NameAttrList f, InputLimits.Expansion expansion) {
        java.util.Map<String, Object> attrs = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, AttrValue> e : new java.util.TreeMap<>(f.getAttrMap()).entrySet()) {
            attrs.put(e.getKey(), fromProtoByKind(node, key + "." + e.getKey(), e.getValue(), expansion));
        }
        return new FunctionRef(f.getName(), attrs);
    }

    /**
     * An attribute value whose type nobody declares (those a function reference carries), read as the kind of
     * value it holds; an empty list reads as an empty {@code list(int)}.
     */
    static Object fromProtoByKind(String node, String key, AttrValue v, InputLimits.Expansion expansion) {
        AttrType type = switch (kindName(v)) {
            case "string" -> AttrType.STRING;
            case "int" -> AttrType.INT;
            case "float" -> AttrType.FLOAT;
            case "bool" -> AttrType.BOOL;
            case "type" -> AttrType.TYPE;
            case "shape" -> AttrType.SHAPE;
            case "tensor" -> AttrType.TENSOR;
            case "func" -> AttrType.FUNC;
            case "list(string)" -> AttrType.LIST_STRING;
            case "list(int)", "list(any)" -> AttrType.LIST_INT;
            case "list(float)" -> AttrType.LIST_FLOAT;
            case "list(type)" -> AttrType.LIST_TYPE;
            case "list(shape)" -> AttrType.LIST_SHAPE;
            case "list(func)" -> AttrType.LIST_FUNC;
            default -> throw new UnimplementedException("node " + ErrorText.quote(node) + ": attribute "
                    + ErrorText.quote(key) + " holds a " + kindName(v) + ", which is not supported here");
        };
        return fromProto(node, key, v, type, expansion);
    }

    /** TensorFlow's name of the kind of value an AttrValue holds; an empty list is {@code list(any)}. */
    static String kindName(AttrValue v) {
        return switch (v.getValueCase()) {
            case S -> "string";
            case I -> "int";
            case F -> "float";
            case B -> "bool";
            case TYPE -> "type";
            case SHAPE -> "shape";
            case TENSOR -> "tensor";
            case FUNC -> "func";
            case PLACEHOLDER -> "placeholder";
            case VALUE_NOT_SET -> "value of no kind (empty AttrValue)";
            case LIST -> {
                AttrValue.ListValue l = v.getList();
                if (l.getSCount() > 0) {
                    yield "list(string)";
                } else if (l.getICount() > 0) {
                    yield "list(int)";
                } else if (l.getFCount() > 0) {
                    yield "list(float)";
                } else if (l.getBCount() > 0) {
                    yield "list(bool)";
                } else if (l.getTypeCount() > 0) {
                    yield "list(type)";
                } else if (l.getShapeCount() > 0) {
                    yield "list(shape)";
                } else if (l.getTensorCount() > 0) {
                    yield "list(tensor)";
                } else if (l.getFuncCount() > 0) {
                    yield "list(func)";
                }
                yield "list(any)";
            }
        };
    }

    /** A DType from a DataType number; reference types map to their base type. */
    static DType dtype(int code) {
        if (code == DataType.DT_INVALID_VALUE) {
            throw new InvalidArgumentException("DataType DT_INVALID is not a valid type");
        }
        return DType.fromCode(code);
    }

    static Shape shapeFromProto(TensorShapeProto p) {
        if (p.getUnknownRank()) {
            if (p.getDimCount() > 0) {
                throw new InvalidArgumentException("a shape of unknown rank lists " + p.getDimCount() + " dimensions");
            }
            return Shape.unknown();
        }
        long[] d = new long[p.getDimCount()];
        for (int i = 0; i < d.length; i++) {
            long s = p.getDim(i).getSize();
            if (s < -1) {
                throw new InvalidArgumentException("dimension " + i + " of a shape has size " + s
                        + "; sizes are >= 0 or -1 (unknown)");
            }
            d[i] = s;
        }
        return Shape.of(d);
    }
}
