package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.tensorgraph.proto.FunctionDef;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.testing.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the reference cases TensorFlow 2.21 wrote under {@code src/test/resources/tf-cases-2.21/} (and its sibling
 * {@code tf-cases-2.21-v2/}, for the cases that did not fit under the first one's cap) well-formed,
 * before any test runs their graphs: the index and the case folders agree, every file a case lists is there
 * (and nothing else), every JSON file parses, every tensor's values (inline or in a {@code .npy}) fill its
 * shape, the graphs parse and hold exactly the op types {@code case.json} lists, and the fed, fetched and
 * targeted names are nodes of the case's graph. The format is described in that folder's README.
 */
class TfReferenceCasesFormatTest {
    private static final List<String> ROOTS = List.of("/tf-cases-2.21", "/tf-cases-2.21-v2");
    /** The committed cases of each folder stay small; bigger ones belong to the generator's --big folder. */
    private static final long MAX_TOTAL_BYTES = 9L * 1024 * 1024;
    private static final Map<String, String> NPY_DESCR = Map.of(
            "float32", "<f4", "float64", "<f8", "float16", "<f2", "int32", "<i4", "int64", "<i8",
            "int16", "<i2", "int8", "|i1", "uint8", "|u1", "bool", "|b1");
    private static final Set<String> KINDS = Set.of("graph", "steps", "saved_model", "checkpoint", "meta_graph_checkpoint");
    private static final Pattern NPY_DESCR_FIELD = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern NPY_SHAPE_FIELD = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
    private static final Pattern NPY_ORDER_FIELD = Pattern.compile("'fortran_order':\\s*(True|False)");

    private static Path root(String name) throws URISyntaxException {
        URL url = TfReferenceCasesFormatTest.class.getResource(name);
        assertTrue(url != null, "test resources hold " + name);
        return Path.of(url.toURI());
    }

    private static Map<String, Object> json(Path p) throws IOException {
        try {
            return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new AssertionError(p + ": " + e.getMessage(), e);
        }
    }

    private static List<String> strings(Object o) {
        return Json.asList(o).stream().map(String.class::cast).toList();
    }

    /** The cases {@code rootName}'s index lists, as paths below that folder. */
    private static List<String> casesOf(String rootName) throws IOException, URISyntaxException {
        List<Object> entries = Json.asList(json(root(rootName).resolve("index.json")).get("cases"));
        assertFalse(entries.isEmpty(), rootName + "/index.json lists no case");
        return entries.stream().map(e -> (String) Json.asMap(e).get("path")).toList();
    }

    /** Every case of every folder, as {@code <folder>/<topic>/<case>}. */
    static Stream<String> cases() throws IOException, URISyntaxException {
        List<String> all = new java.util.ArrayList<>();
        for (String r : ROOTS) {
            casesOf(r).forEach(c -> all.add(r + "/" + c));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roots")
    void indexListsEveryCaseFolderOnce(String rootName) throws Exception {
        Path root = root(rootName);
        Set<String> folders;
        try (Stream<Path> files = Files.walk(root, 3)) {
            folders = files.filter(p -> p.getFileName().toString().equals("case.json"))
                    .map(p -> root.relativize(p.getParent()).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        List<String> listed = casesOf(rootName);
        assertEquals(listed.size(), new HashSet<>(listed).size(), "index.json lists a case twice");
        assertEquals(folders, new TreeSet<>(listed), "case folders and index.json disagree");
    }

    static Stream<String> roots() {
        return ROOTS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roots")
    void committedCasesStaySmall(String rootName) throws Exception {
        long total;
        try (Stream<Path> files = Files.walk(root(rootName))) {
            total = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(total <= MAX_TOTAL_BYTES, rootName + " holds " + total + " bytes; big cases go to --big");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void caseIsWellFormed(String rootAndPath) throws Exception {
        int cut = rootAndPath.indexOf('/', 1);
        String path = rootAndPath.substring(cut + 1);
        Path dir = root(rootAndPath.substring(0, cut)).resolve(path);
        Map<String, Object> spec = json(dir.resolve("case.json"));
        for (String field : List.of("name", "topic", "issue", "description", "producer", "kind")) {
            assertTrue(spec.get(field) instanceof String s && !s.isBlank(), path + ": case.json needs " + field);
        }
        assertEquals(path, spec.get("topic") + "/" + spec.get("name"), "case.json names its own folder");
        assertTrue(KINDS.contains((String) spec.get("kind")), path + ": unknown kind " + spec.get("kind"));
        assertFilesListed(dir, strings(spec.get("files")));

        for (String file : strings(spec.get("files"))) {
            if (file.endsWith(".json")) {
                checkTensors(dir, file, json(dir.resolve(file)));
            }
        }
        Set<String> nodes = new HashSet<>();
        Set<String> opTypes = graphOpTypes(dir, strings(spec.get("files")), nodes);
        assertEquals(new TreeSet<>(strings(spec.get("op_types"))), opTypes, path + ": op_types and the graphs' ops");
        if (!nodes.isEmpty()) {
            checkNamesAreNodes(dir, spec, nodes);
        }
        if (spec.get("checkpoint") instanceof Map<?, ?> ckpt) {
            String prefix = (String) ckpt.get("prefix");
            assertTrue(Files.isRegularFile(dir.resolve(prefix + ".index")), path + ": no " + prefix + ".index");
            assertTrue(Files.isRegularFile(dir.resolve(prefix + ".data-00000-of-00001")), path + ": no data shard");
        }
    }

    /** Every listed file exists and every file in the folder is listed. */
    private static void assertFilesListed(Path dir, List<String> listed) throws IOException {
        Set<String> present;
        try (Stream<Path> files = Files.walk(dir)) {
            present = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(listed), present, dir.getFileName() + ": files in case.json and in the folder");
    }

    // ---- tensors ----

    /** Walks a JSON tree; every object with dtype, shape and values (or npy) is a tensor to check. */
    private static void checkTensors(Path dir, String where, Object node) throws IOException {
        if (node instanceof Map<?, ?> m) {
            if (m.containsKey("dtype") && m.containsKey("shape") && (m.containsKey("values") || m.containsKey("npy"))) {
                checkTensor(dir, where, Json.asMap(m));
                return;
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                checkTensors(dir, where + "/" + e.getKey(), e.getValue());
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                checkTensors(dir, where + "[" + i + "]", l.get(i));
            }
        }
    }

    private static void checkTensor(Path dir, String where, Map<String, Object> t) throws IOException {
        String dtype = (String) t.get("dtype");
        assertTrue(dtype.equals("string") || NPY_DESCR.containsKey(dtype), where + ": unknown dtype " + dtype);
        long count = 1;
        List<Long> shape = new ArrayList<>();
        for (Object d : Json.asList(t.get("shape"))) {
            assertTrue(d instanceof Long n && n >= 0, where + ": bad dimension " + d);
            shape.add((Long) d);
            count *= (Long) d;
        }
        if (t.containsKey("values")) {
            List<Object> values = Json.asList(t.get("values"));
            assertEquals(count, values.size(), where + ": values for shape " + shape);
            for (Object v : values) {
                boolean ok = switch (dtype) {
                    case "bool" -> v instanceof Boolean;
                    case "string" -> v instanceof String;
                    case "float32", "float64", "float16" -> v instanceof Number;
                    default -> v instanceof Long;
                };
                assertTrue(ok, where + ": value " + v + " is not a " + dtype);
            }
        } else {
            checkNpy(dir.resolve((String) t.get("npy")), where, dtype, shape, count);
        }
    }

    /** A .npy file (format 1.0 to 3.0): its header's dtype and shape, and a body of exactly that size. */
    private static void checkNpy(Path file, String where, String dtype, List<Long> shape, long count) throws IOException {
        assertTrue(Files.isRegularFile(file), where + ": missing " + file.getFileName());
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 10 && (bytes[0] & 0xff) == 0x93
                && new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY"), where + ": not a .npy file");
        int major = bytes[6];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
        int start = major == 1 ? 10 : 12;
        String header = new String(bytes, start, headerLength, StandardCharsets.US_ASCII);
        Matcher descr = NPY_DESCR_FIELD.matcher(header);
        Matcher dims = NPY_SHAPE_FIELD.matcher(header);
        Matcher order = NPY_ORDER_FIELD.matcher(header);
        assertTrue(descr.find() && dims.find() && order.find(), where + ": .npy header " + header);
        assertEquals(NPY_DESCR.get(dtype), descr.group(1), where + ": .npy dtype");
        assertEquals("False", order.group(1), where + ": .npy must be C order");
        List<Long> npyShape = new ArrayList<>();
        for (String d : dims.group(1).split(",")) {
            if (!d.isBlank()) {
                npyShape.add(Long.parseLong(d.trim()));
            }
        }
        assertEquals(shape, npyShape, where + ": .npy shape");
        long itemSize = Long.parseLong(descr.group(1).substring(2));
        assertEquals(count * itemSize, bytes.length - start - headerLength, where + ": .npy body size");
    }

    // ---- graphs ----

    /** Op types of every graph in the case (graph.pb, MetaGraphs, a SavedModel), collecting top-level nodes. */
    private static Set<String> graphOpTypes(Path dir, List<String> files, Set<String> nodes) throws IOException {
        Set<String> types = new TreeSet<>();
        for (String file : files) {
            byte[] bytes = Files.readAllBytes(dir.resolve(file));
            if (file.endsWith(".pb") && !file.endsWith("saved_model.pb") && !file.endsWith("fingerprint.pb")) {
                addGraph(GraphDef.parseFrom(bytes), types, nodes);
            } else if (file.endsWith(".meta")) {
                addGraph(MetaGraphDef.parseFrom(bytes).getGraphDef(), types, nodes);
            } else if (file.endsWith("saved_model.pb")) {
                for (MetaGraphDef meta : savedModelMetaGraphs(bytes)) {
                    addGraph(meta.getGraphDef(), types, nodes);
                }
            }
        }
        return types;
    }

    private static void addGraph(GraphDef graph, Set<String> types, Set<String> nodes) {
        assertTrue(graph.getNodeCount() > 0, "an empty GraphDef");
        for (NodeDef n : graph.getNodeList()) {
            types.add(n.getOp());
            nodes.add(n.getName());
        }
        for (FunctionDef f : graph.getLibrary().getFunctionList()) {
            f.getNodeDefList().forEach(n -> types.add(n.getOp()));
        }
    }

    /** SavedModel is {1: schema version, 2: repeated MetaGraphDef}; the proto module has no class for it. */
    private static List<MetaGraphDef> savedModelMetaGraphs(byte[] bytes) throws IOException {
        List<MetaGraphDef> metas = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(1000);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == 2 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                metas.add(MetaGraphDef.parseFrom(in.readBytes()));
            } else {
                in.skipField(tag);
            }
        }
        assertFalse(metas.isEmpty(), "saved_model.pb holds no MetaGraphDef");
        return metas;
    }

    /** Feeds, fetches, targets and run_first entries name nodes of the case's graph. */
    private static void checkNamesAreNodes(Path dir, Map<String, Object> spec, Set<String> nodes) throws IOException {
        List<String> names = new ArrayList<>();
        names.addAll(strings(spec.get("feeds")));
        names.addAll(strings(spec.get("fetches")));
        names.addAll(strings(spec.get("run_first")));
        names.addAll(strings(spec.get("targets")));
        names.addAll(strings(spec.get("inputs")));
        names.addAll(strings(spec.get("outputs")));
        for (String field : List.of("input", "output", "logits", "iterator_initializer")) {
            if (spec.get(field) != null) {
                names.add((String) spec.get(field));
            }
        }
        for (String field : List.of("gradients", "upstream_gradients")) {
            if (spec.get(field) != null) {
                Json.asMap(spec.get(field)).values().forEach(v -> names.add((String) v));
            }
        }
        if (spec.get("restore") != null) {
            Map<String, Object> restore = Json.asMap(spec.get("restore"));
            names.add((String) restore.get("filename_tensor"));
            names.add((String) restore.get("restore_op"));
        }
        if (spec.get("saved_model") != null) {
            Map<String, Object> signatures = json(dir.resolve((String) Json.asMap(spec.get("saved_model")).get("signatures_file")));
            for (Object sig : signatures.values()) {
                for (String side : List.of("inputs", "outputs")) {
                    Json.asMap(Json.asMap(sig).get(side)).values().forEach(info -> names.add((String) Json.asMap(info).get("name")));
                }
            }
        }
        if (spec.get("steps") != null) {
            List<Object> steps = Json.asList(json(dir.resolve("steps.json")).get("steps"));
            assertEquals(((Long) spec.get("steps")).intValue(), steps.size(), dir.getFileName() + ": step count");
            for (Object s : steps) {
                Map<String, Object> step = Json.asMap(s);
                names.addAll(strings(step.get("targets")));
                names.addAll(Json.asMap(step.get("feeds")).keySet());
                List<String> fetches = strings(step.get("fetches"));
                names.addAll(fetches);
                Set<String> expected = Json.asMap(step.get("expected")).keySet();
                assertEquals(step.containsKey("expected_error") ? Set.of() : new HashSet<>(fetches), expected,
                        dir.getFileName() + ": a step's expected values are its fetches (none when it fails)");
            }
        } else if (Files.isRegularFile(dir.resolve("expected.json"))) {
            assertEquals(new HashSet<>(strings(spec.get("fetches"))), json(dir.resolve("expected.json")).keySet(),
                    dir.getFileName() + ": expected.json holds the fetches");
            assertEquals(new HashSet<>(strings(spec.get("feeds"))), json(dir.resolve("feeds.json")).keySet(),
                    dir.getFileName() + ": feeds.json holds the feeds");
        }
        for (String name : names) {
            String node = name.startsWith("^") ? name.substring(1) : name.replaceFirst(":\\d+$", "");
            if (!nodes.contains(node)) {
                fail(dir.getFileName() + ": '" + name + "' is not a node of the case's graph");
            }
        }
    }
}
