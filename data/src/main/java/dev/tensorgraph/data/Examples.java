package dev.tensorgraph.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.proto.BytesList;
import dev.tensorgraph.proto.Example;
import dev.tensorgraph.proto.Feature;
import dev.tensorgraph.proto.FeatureList;
import dev.tensorgraph.proto.Features;
import dev.tensorgraph.proto.FloatList;
import dev.tensorgraph.proto.Int64List;
import dev.tensorgraph.proto.SequenceExample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tf.train.Example} and {@code SequenceExample} records: parsing them by a feature spec (as
 * {@code tf.io.parse_single_example} does) and writing elements as Examples.
 *
 * <pre>{@code
 * Dataset ds = Dataset.tfRecordDataset(Path.of("train.tfrecord")).map(Examples.parseExample(Map.of(
 *         "image", FeatureSpec.fixedLen(Shape.scalar(), DType.STRING),
 *         "label", FeatureSpec.fixedLen(Shape.scalar(), DType.INT64))));
 * }</pre>
 */
public final class Examples {
    private Examples() {}

    /** A transform parsing the element's {@link TfRecords#RECORD} as an Example into one component per feature. */
    public static Transform parseExample(Map<String, FeatureSpec> spec) {
        Map<String, FeatureSpec> copy = new LinkedHashMap<>(spec);
        return (element, context) -> parseExample(record(element, context), copy, context.origin());
    }

    /**
     * A transform parsing the element's {@link TfRecords#RECORD} as a SequenceExample: context features by
     * {@code contextSpec}, and per-step features by {@code sequenceSpec} (FixedLen only: [steps, ...shape]).
     */
    public static Transform parseSequenceExample(Map<String, FeatureSpec> contextSpec,
                                                 Map<String, FeatureSpec> sequenceSpec) {
        Map<String, FeatureSpec> context = new LinkedHashMap<>(contextSpec);
        Map<String, FeatureSpec> sequence = new LinkedHashMap<>(sequenceSpec);
        for (Map.Entry<String, FeatureSpec> e : sequence.entrySet()) {
            if (!(e.getValue() instanceof FeatureSpec.FixedLen)) {
                throw new InvalidArgumentException("parseSequenceExample: sequence feature '" + e.getKey()
                        + "' must be FixedLen (per step)");
            }
            if (context.containsKey(e.getKey())) {
                throw new InvalidArgumentException("parseSequenceExample: '" + e.getKey()
                        + "' is both a context and a sequence feature");
            }
        }
        return (element, ctx) -> parseSequenceExample(record(element, ctx), context, sequence, ctx.origin());
    }

    private static byte[] record(Map<String, Tensor> element, ElementContext context) {
        Tensor t = element.get(TfRecords.RECORD);
        if (t == null || t.dtype() != DType.STRING || t.numElements() != 1) {
            throw new InvalidArgumentException(context.origin() + ": parsing an Example needs a string scalar '"
                    + TfRecords.RECORD + "' component, got " + (t == null ? "none" : t.dtype() + " " + t.shape()));
        }
        return ((byte[][]) t.array())[0];
    }

    /** One serialized Example parsed by {@code spec}; errors name {@code origin} and the feature. */
    public static Map<String, Tensor> parseExample(byte[] serialized, Map<String, FeatureSpec> spec, String origin) {
        Example example;
        try {
            example = Example.parseFrom(serialized);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException(origin + ": not a serialized tf.train.Example (" + e.getMessage() + ")",
                    e);
        }
        return parseFeatures(example.getFeatures(), spec, origin);
    }

    private static Map<String, Tensor> parseFeatures(Features features, Map<String, FeatureSpec> spec, String origin) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, FeatureSpec> e : spec.entrySet()) {
            String key = e.getKey();
            Feature f = features.getFeatureMap().get(key);
            if (e.getValue() instanceof FeatureSpec.FixedLen fixed) {
                out.put(key, fixed(f, key, fixed, origin));
            } else {
                Values v = values(f, key, e.getValue().dtype(), origin);
                out.put(key, v.tensor(Shape.of(v.count())));
            }
        }
        return out;
    }

    private static Tensor fixed(Feature f, String key, FeatureSpec.FixedLen spec, String origin) {
        if (f == null) {
            if (spec.defaultValue() == null) {
                throw new InvalidArgumentException(origin + ": feature '" + key + "' (data type: " + spec.dtype()
                        + ") is required but could not be found");
            }
            Tensor d = spec.defaultValue();
            if (d.shape().equals(spec.shape())) {
                return d;
            }
            Object a = Tensor.newArray(d.dtype(), (int) spec.shape().numElements());
            for (int i = 0; i < java.lang.reflect.Array.getLength(a); i++) {
                System.arraycopy(d.array(), 0, a, i, 1);
            }
            return Tensor.wrap(d.dtype(), spec.shape(), a);
        }
        Values v = values(f, key, spec.dtype(), origin);
        if (v.count() != spec.shape().numElements()) {
            throw new InvalidArgumentException(origin + ": feature '" + key + "' has " + v.count()
                    + " values but its FixedLen shape " + spec.shape() + " needs " + spec.shape().numElements());
        }
        return v.tensor(spec.shape());
    }

    /** A feature's values as one of the three lists, checked against the spec's dtype. */
    private record Values(DType dtype, List<?> list) {
        int count() {
            return list.size();
        }

        Tensor tensor(Shape shape) {
            int n = list.size();
            Object a = switch (dtype) {
                case FLOAT32 -> {
                    float[] v = new float[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = (Float) list.get(i);
                    }
                    yield v;
                }
                case INT64 -> {
                    long[] v = new long[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = (Long) list.get(i);
                    }
                    yield v;
                }
                default -> {
                    byte[][] v = new byte[n][];
                    for (int i = 0; i < n; i++) {
                        v[i] = ((ByteString) list.get(i)).toByteArray();
                    }
                    yield v;
                }
            };
            return Tensor.wrap(dtype, shape, a);
        }
    }

    private static Values values(Feature f, String key, DType want, String origin) {
        if (f == null) {
            return new Values(want, List.of());
        }
        DType have;
        List<?> list;
        switch (f.getKindCase()) {
            case FLOAT_LIST -> { have = DType.FLOAT32; list = f.getFloatList().getValueList(); }
            case INT64_LIST -> { have = DType.INT64; list = f.getInt64List().getValueList(); }
            case BYTES_LIST -> { have = DType.STRING; list = f.getBytesList().getValueList(); }
            default -> { return new Values(want, List.of()); }
        }
        if (have != want) {
            throw new InvalidArgumentException(origin + ": feature '" + key + "' holds " + have
                    + " values but the spec asks for " + want);
        }
        return new Values(want, list);
    }

    /** One serialized SequenceExample parsed by the two specs (see {@link #parseSequenceExample(Map, Map)}). */
    public static Map<String, Tensor> parseSequenceExample(byte[] serialized, Map<String, FeatureSpec> contextSpec,
                                                           Map<String, FeatureSpec> sequenceSpec, String origin) {
        SequenceExample example;
        try {
            example = SequenceExample.parseFrom(serialized);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException(origin + ": not a serialized tf.train.SequenceExample ("
                    + e.getMessage() + ")", e);
        }
        Map<String, Tensor> out = parseFeatures(example.getContext(), contextSpec, origin);
        for (Map.Entry<String, FeatureSpec> e : sequenceSpec.entrySet()) {
            String key = e.getKey();
            FeatureSpec.FixedLen spec = (FeatureSpec.FixedLen) e.getValue();
            FeatureList steps = example.getFeatureLists().getFeatureListMap().get(key);
            List<Feature> list = steps == null ? List.of() : steps.getFeatureList();
            int per = (int) spec.shape().numElements();
            Object all = Tensor.newArray(spec.dtype(), per * list.size());
            for (int s = 0; s < list.size(); s++) {
                Tensor step = fixed(list.get(s), key + "[" + s + "]", new FeatureSpec.FixedLen(spec.shape(),
                        spec.dtype(), null), origin);
                System.arraycopy(step.array(), 0, all, s * per, per);
            }
            out.put(key, Tensor.wrap(spec.dtype(), Shape.of(list.size()).concatenate(spec.shape()), all));
        }
        return out;
    }

    /**
     * An element as a serialized Example, one feature per component, flattened: float32 and float64 as a
     * {@code float_list}, int32, int64, uint8 and bool as an {@code int64_list}, strings as a {@code bytes_list}.
     */
    public static byte[] encode(Map<String, Tensor> element) {
        return Example.newBuilder().setFeatures(features(element)).build().toByteArray();
    }

    static Features features(Map<String, Tensor> element) {
        Features.Builder fs = Features.newBuilder();
        for (Map.Entry<String, Tensor> e : element.entrySet()) {
            fs.putFeature(e.getKey(), feature(e.getValue()));
        }
        return fs.build();
    }

    private static Feature feature(Tensor t) {
        Feature.Builder f = Feature.newBuilder();
        switch (t.dtype()) {
            case FLOAT32 -> {
                FloatList.Builder b = FloatList.newBuilder();
                for (float v : (float[]) t.array()) {
                    b.addValue(v);
                }
                f.setFloatList(b);
            }
            case FLOAT64 -> {
                FloatList.Builder b = FloatList.newBuilder();
                for (double v : (double[]) t.array()) {
                    b.addValue((float) v);
                }
                f.setFloatList(b);
            }
            case STRING -> {
                BytesList.Builder b = BytesList.newBuilder();
                for (byte[] v : (byte[][]) t.array()) {
                    b.addValue(ByteString.copyFrom(v));
                }
                f.setBytesList(b);
            }
            default -> {
                Int64List.Builder b = Int64List.newBuilder();
                Object a = t.array();
                for (int i = 0; i < t.numElements(); i++) {
                    b.addValue(switch (t.dtype()) {
                        case INT32 -> ((int[]) a)[i];
                        case INT64 -> ((long[]) a)[i];
                        case UINT8 -> ((byte[]) a)[i] & 0xff;
                        default -> ((boolean[]) a)[i] ? 1 : 0;
                    });
                }
                f.setInt64List(b);
            }
        }
        return f.build();
    }
}
