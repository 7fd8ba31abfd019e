package dev.tensorgraph.data;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.errors.UnimplementedException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy's {@code .npy} format, versions 1.0 and 2.0 (and 3.0 on reading): float32, float64, int32, int64,
 * uint8 and bool arrays, little-endian, C order. Files are written byte for byte as {@code numpy.save}
 * writes them, so {@code np.load} reads them and the two can be compared.
 *
 * <pre>{@code
 * Npy.write(Path.of("w.npy"), Tensor.of(new float[][]{{1, 2}, {3, 4}}));
 * Tensor t = Npy.read(Path.of("w.npy"));      // float32 [2,2]
 * }</pre>
 *
 * <p>Reading is defensive: the header is limited to {@link #MAX_HEADER_BYTES} and must lie within the
 * file, the element count to {@link #MAX_ELEMENTS}, and the data must be exactly as long as the shape says,
 * so a malformed file gives an error naming it instead of a huge allocation. Fortran order, big-endian data
 * and other dtypes are rejected with an {@link UnimplementedException}.
 */
public final class Npy {
    /** Longest header accepted on reading. */
    public static final int MAX_HEADER_BYTES = 1 << 20;
    /** Largest array read, in elements, since a tensor is held in one Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Most dimensions accepted (NumPy 2's limit). */
    public static final int MAX_RANK = 64;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** NumPy leaves room after the dict so a writer can grow the first dimension in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int CHUNK = 1 << 20;

    private Npy() {}

    // ---- writing ----

    /** Writes {@code t} to {@code file} (replacing it) as {@code numpy.save} would. */
    public static void write(Path file, Tensor t) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            write(out, t);
        }
    }

    /** The {@code .npy} bytes of {@code t}. */
    public static byte[] toBytes(Tensor t) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            write(b, t);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return b.toByteArray();
    }

    /** Writes the header and data of {@code t} to {@code out}. */
    public static void write(OutputStream out, Tensor t) throws IOException {
        String descr = descr(t.dtype());
        out.write(header(descr, t.shape()));
        writeData(out, t);
    }

    private static String descr(DType d) {
        return switch (d) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
            case HALF -> "<f2";
            case BFLOAT16 -> throw new UnimplementedException("NumPy has no bfloat16 dtype: cast to float32 before writing .npy");
            case STRING -> throw new UnimplementedException("string tensors cannot be written as .npy");
            case RESOURCE, VARIANT -> throw new UnimplementedException(d + " tensors hold Java objects and cannot be "
                    + "written as .npy");
        };
    }

    /** Magic, version, header length and the padded dict, as NumPy 1.23+ lays them out. */
    static byte[] header(String descr, Shape shape) {
        long[] dims = shape.dims();
        StringBuilder d = new StringBuilder("{'descr': '").append(descr)
                .append("', 'fortran_order': False, 'shape': ").append(shapeRepr(dims)).append(", }");
        if (dims.length > 0) {
            d.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(dims[0]).length())));
        }
        byte[] dict = d.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int major = 1; major <= 2; major++) {
            int lenBytes = major == 1 ? 2 : 4;
            int hlen = dict.length + 1;
            int pad = ALIGN - ((MAGIC.length + 2 + lenBytes + hlen) % ALIGN);
            int total = hlen + pad;
            if (major == 1 && total > 0xffff) {
                continue;
            }
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + lenBytes + total).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).put((byte) major).put((byte) 0);
            if (major == 1) {
                b.putShort((short) total);
            } else {
                b.putInt(total);
            }
            b.put(dict);
            for (int i = 0; i < pad; i++) {
                b.put((byte) ' ');
            }
            b.put((byte) '\n');
            return b.array();
        }
        throw new AssertionError("unreachable");
    }

    private static String shapeRepr(long[] dims) {
        if (dims.length == 1) {
            return "(" + dims[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return s.append(')').toString();
    }

    private static void writeData(OutputStream out, Tensor t) throws IOException {
        int n = t.numElements();
        int item = t.dtype().byteSize();
        int perChunk = Math.max(1, CHUNK / item);
        ByteBuffer b = ByteBuffer.allocate((int) Math.min((long) n * item, (long) perChunk * item))
                .order(ByteOrder.LITTLE_ENDIAN);
        Object a = t.array();
        for (int start = 0; start < n; start += perChunk) {
            int len = Math.min(perChunk, n - start);
            b.clear();
            switch (t.dtype()) {
                case FLOAT32 -> b.asFloatBuffer().put((float[]) a, start, len);
                case FLOAT64 -> b.asDoubleBuffer().put((double[]) a, start, len);
                case INT32 -> b.asIntBuffer().put((int[]) a, start, len);
                case INT64 -> b.asLongBuffer().put((long[]) a, start, len);
                case UINT8 -> b.put((byte[]) a, start, len);
                case HALF -> b.asShortBuffer().put((short[]) a, start, len);
                case BOOL -> {
                    boolean[] v = (boolean[]) a;
                    for (int i = 0; i < len; i++) {
                        b.put(i, (byte) (v[start + i] ? 1 : 0));
                    }
                }
                default -> throw new UnimplementedException("dtype " + t.dtype());
            }
            out.write(b.array(), 0, len * item);
        }
    }

    // ---- reading ----

    /** Reads a {@code .npy} file. */
    public static Tensor read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException(".npy file not found: " + file);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, ch.size(), file.toString());
        } catch (IOException e) {
            throw new DataLossException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code .npy} bytes; {@code source} names them in error messages. */
    public static Tensor fromBytes(byte[] bytes, String source) {
        try {
            return read(Channels.newChannel(new ByteArrayInputStream(bytes)), bytes.length, source);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** What the header of a {@code .npy} file declares. */
    public record Header(DType dtype, Shape shape, int dataOffset) {}

    private static Tensor read(ReadableByteChannel ch, long size, String source) throws IOException {
        Header h = readHeader(ch, size, source);
        long n = h.shape().numElements();
        long need = n * h.dtype().byteSize();
        long have = size - h.dataOffset();
        if (have < need) {
            throw new DataLossException(source + " is truncated: shape " + h.shape() + " of " + h.dtype() + " needs "
                    + need + " data bytes but " + have + " follow the header");
        }
        if (have > need) {
            throw new DataLossException(source + " has " + (have - need) + " unexpected bytes after the data of shape "
                    + h.shape() + " of " + h.dtype());
        }
        return Tensor.wrap(h.dtype(), h.shape(), readData(ch, h.dtype(), (int) n, source));
    }

    private static Header readHeader(ReadableByteChannel ch, long size, String source) throws IOException {
        ByteBuffer pre = readExactly(ch, 8, size, source, "magic and version");
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) {
                throw new DataLossException(source + " is not a .npy file (bad magic string)");
            }
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new UnimplementedException(source + ": .npy format version " + major + "." + minor
                    + " is not supported (1.0, 2.0 and 3.0 are)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer lb = readExactly(ch, lenBytes, size - 8, source, "header length").order(ByteOrder.LITTLE_ENDIAN);
        long hlen = major == 1 ? (lb.getShort(0) & 0xffffL) : (lb.getInt(0) & 0xffffffffL);
        long remaining = size - 8 - lenBytes;
        if (hlen > MAX_HEADER_BYTES) {
            throw new DataLossException(source + ": header length " + hlen + " exceeds the limit of " + MAX_HEADER_BYTES);
        }
        if (hlen > remaining) {
            throw new DataLossException(source + " is truncated: the header claims " + hlen + " bytes but only "
                    + remaining + " remain");
        }
        ByteBuffer hb = readExactly(ch, (int) hlen, remaining, source, "header");
        String text = new String(hb.array(), 0, (int) hlen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = new HeaderParser(text, source).parse();
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new DataLossException(source + ": header keys are " + dict.keySet()
                    + ", expected descr, fortran_order and shape");
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new UnimplementedException(source + ": descr " + dict.get("descr")
                    + " is not supported (structured dtypes are not)");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new DataLossException(source + ": fortran_order is not True or False");
        }
        if (!(dict.get("shape") instanceof long[] dims)) {
            throw new DataLossException(source + ": shape is not a tuple of integers");
        }
        DType dtype = dtypeOf(descr, source);
        int nonTrivial = 0;
        for (long d : dims) {
            nonTrivial += d > 1 ? 1 : 0;
        }
        if (fortran && nonTrivial > 1) {
            throw new UnimplementedException(source + ": Fortran-order (column-major) arrays are not supported;"
                    + " save a C-order array (numpy.ascontiguousarray)");
        }
        Shape shape = Shape.of(dims);
        long n = 1;
        for (long d : dims) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new DataLossException(source + ": element count of shape " + shape + " overflows");
            }
        }
        if (n > MAX_ELEMENTS) {
            throw new ResourceExhaustedException(source + ": shape " + shape + " has " + n
                    + " elements, more than the limit of " + MAX_ELEMENTS);
        }
        return new Header(dtype, shape, (int) (8 + lenBytes + hlen));
    }

    private static DType dtypeOf(String descr, String source) {
        if (descr.length() == 3 && "<>|=".indexOf(descr.charAt(0)) >= 0) {
            char order = descr.charAt(0);
            String kind = descr.substring(1);
            boolean single = kind.equals("u1") || kind.equals("b1");
            if (order == '>' && !single) {
                throw new UnimplementedException(source + ": big-endian data (descr '" + descr
                        + "') is not supported; save it little-endian (astype('<" + kind + "'))");
            }
            if (order == '<' || single) {
                switch (kind) {
                    case "f4": return DType.FLOAT32;
                    case "f8": return DType.FLOAT64;
                    case "f2": return DType.HALF;
                    case "i4": return DType.INT32;
                    case "i8": return DType.INT64;
                    case "u1": return DType.UINT8;
                    case "b1": return DType.BOOL;
                    default: break;
                }
            }
        } else if (descr.equals("|?") || descr.equals("?")) {
            return DType.BOOL;
        } else if (descr.equals("u1")) {
            return DType.UINT8;
        }
        throw new UnimplementedException(source + ": dtype descr '" + descr + "' is not supported"
                + " (supported: <f4, <f8, <i4, <i8, |u1, |b1)");
    }

    private static Object readData(ReadableByteChannel ch, DType d, int n, String source) throws IOException {
        Object a = Tensor.newArray(d, n);
        int item = d.byteSize();
        int perChunk = Math.max(1, CHUNK / item);
        ByteBuffer b = ByteBuffer.allocate((int) Math.min((long) n * item, (long) perChunk * item))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < n; start += perChunk) {
            int len = Math.min(perChunk, n - start);
            b.clear().limit(len * item);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                    throw new DataLossException(source + " is truncated inside the array data");
                }
            }
            b.flip();
            switch (d) {
                case FLOAT32 -> b.asFloatBuffer().get((float[]) a, start, len);
                case FLOAT64 -> b.asDoubleBuffer().get((double[]) a, start, len);
                case INT32 -> b.asIntBuffer().get((int[]) a, start, len);
                case INT64 -> b.asLongBuffer().get((long[]) a, start, len);
                case UINT8 -> b.get((byte[]) a, start, len);
                case HALF -> b.asShortBuffer().get((short[]) a, start, len);
                case BOOL -> {
                    boolean[] v = (boolean[]) a;
                    for (int i = 0; i < len; i++) {
                        v[start + i] = b.get(i) != 0;
                    }
                }
                default -> throw new UnimplementedException("dtype " + d);
            }
        }
        return a;
    }

    private static ByteBuffer readExactly(ReadableByteChannel ch, int n, long remaining, String source, String what)
            throws IOException {
        if (n > remaining) {
            throw new DataLossException(source + " is truncated: it ends inside the " + what);
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new DataLossException(source + " is truncated: it ends inside the " + what);
            }
        }
        return b;
    }

    /**
     * Parses the header's Python dict literal: string keys; values a string, True/False, or a tuple of
     * non-negative integers. Anything else is rejected rather than guessed at.
     */
    private static final class HeaderParser {
        private final String s;
        private final String source;
        private int pos;

        HeaderParser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        Map<String, Object> parse() {
            skipWs();
            expect('{');
            Map<String, Object> out = new LinkedHashMap<>();
            while (true) {
                skipWs();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = string();
                skipWs();
                expect(':');
                skipWs();
                Object value = value();
                if (out.put(key, value) != null) {
                    throw fail("duplicate key '" + key + "'");
                }
                skipWs();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c != '}') {
                    throw fail("expected ',' or '}'");
                }
            }
            skipWs();
            if (pos != s.length()) {
                throw fail("unexpected text after the dict");
            }
            return out;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                throw new UnimplementedException(source + ": structured (record) dtypes are not supported");
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw fail("unexpected value");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (true) {
                skipWs();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                if (dims.size() >= MAX_RANK) {
                    throw fail("shape has more than " + MAX_RANK + " dimensions");
                }
                dims.add(integer());
                skipWs();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c != ')') {
                    throw fail("expected ',' or ')' in the shape");
                }
            }
            long[] r = new long[dims.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = dims.get(i);
            }
            return r;
        }

        private long integer() {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                pos++;
            }
            if (start == pos) {
                throw fail("expected a non-negative integer in the shape");
            }
            String digits = s.substring(start, pos);
            if (pos < s.length() && s.charAt(pos) == 'L') {
                pos++;  // Python 2's long literal
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new DataLossException(source + ": shape dimension " + digits + " overflows a 64-bit integer");
            }
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw fail("expected a quoted string");
            }
            int end = s.indexOf(q, pos + 1);
            if (end < 0) {
                throw fail("unterminated string");
            }
            String r = s.substring(pos + 1, end);
            if (r.indexOf('\\') >= 0) {
                throw fail("escapes in strings are not supported");
            }
            pos = end + 1;
            return r;
        }

        private void skipWs() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t'
                    || s.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw fail("header ends early");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        private DataLossException fail(String what) {
            String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
            return new DataLossException(source + ": malformed .npy header at character " + pos + ": " + what
                    + " in \"" + shown.strip() + "\"");
        }
    }
}
