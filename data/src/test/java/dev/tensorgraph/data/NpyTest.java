package dev.tensorgraph.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.errors.UnimplementedException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    private static final String F4_2x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    /** A .npy file laid out by hand: magic, version 1.0, uint16 header length, header padded to {@code align}. */
    private static byte[] handMade(String dict, int align, byte[] data) {
        int hlen = dict.length() + 1;
        int pad = (align - (10 + hlen) % align) % align;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.write(header.length() & 0xff);
        b.write(header.length() >>> 8);
        b.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(data);
        return b.toByteArray();
    }

    private static byte[] le(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    @Test
    void readsWhatNumpyWrites() {
        byte[] file = handMade(F4_2x3, 64, le(1, 2, 3, 4.5f, -5, 6));
        assertEquals(0, (file.length - 24) % 64);
        Tensor t = Npy.fromBytes(file, "a.npy");
        assertEquals(DType.FLOAT32, t.dtype());
        assertEquals(Shape.of(2, 3), t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4.5f, -5, 6}, t.floats());
        // Older NumPy aligned to 16 bytes; Python 2 wrote long literals.
        Tensor old = Npy.fromBytes(handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }", 16,
                le(1, 2, 3, 4, 5, 6)), "old.npy");
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, old.floats());
    }

    @Test
    void writesExactlyWhatNumpyWrites() {
        // numpy.save(np.zeros((2, 3), np.float32)) gives header length 118 (0x76): the dict, spaces, '\n'.
        byte[] b = Npy.toBytes(Tensor.zeros(DType.FLOAT32, Shape.of(2, 3)));
        assertEquals(152, b.length);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0}, Arrays.copyOf(b, 10));
        String header = new String(b, 10, 118, StandardCharsets.ISO_8859_1);
        assertEquals(F4_2x3 + " ".repeat(117 - F4_2x3.length()) + "\n", header);
        // A float64 scalar: 136 bytes, shape ().
        byte[] s = Npy.toBytes(Tensor.of(1.5));
        assertEquals(136, s.length);
        assertTrue(new String(s, 10, 118, StandardCharsets.ISO_8859_1)
                .startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (), }"));
        // A 1-D int64 vector: "(5,)".
        byte[] v = Npy.toBytes(Tensor.of(new long[] {1, 2, 3, 4, 5}));
        assertEquals(168, v.length);
        assertTrue(new String(v, 10, 118, StandardCharsets.ISO_8859_1)
                .startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }"));
        assertTrue(new String(Npy.toBytes(Tensor.of(new boolean[] {true})), StandardCharsets.ISO_8859_1).contains("'|b1'"));
        assertTrue(new String(Npy.toBytes(Tensor.of(new byte[] {1})), StandardCharsets.ISO_8859_1).contains("'|u1'"));
    }

    @Test
    void roundTripsEveryDtypeAndShape() throws Exception {
        List<Shape> shapes = List.of(Shape.scalar(), Shape.of(0), Shape.of(3), Shape.of(2, 0, 4), Shape.of(2, 3),
                Shape.of(2, 1, 3, 2));
        int k = 0;
        for (DType d : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT8, DType.BOOL)) {
            for (Shape s : shapes) {
                int n = (int) s.numElements();
                Object a = Tensor.newArray(d, n);
                for (int i = 0; i < n; i++) {
                    switch (d) {
                        case FLOAT32 -> ((float[]) a)[i] = i * 0.5f - 3;
                        case FLOAT64 -> ((double[]) a)[i] = i * 1e-300 - 1e300;
                        case INT32 -> ((int[]) a)[i] = i * 1000003 - Integer.MAX_VALUE;
                        case INT64 -> ((long[]) a)[i] = i * 1000000007L + Long.MIN_VALUE;
                        case UINT8 -> ((byte[]) a)[i] = (byte) (i * 37 + 200);
                        case BOOL -> ((boolean[]) a)[i] = i % 3 == 1;
                        default -> throw new AssertionError();
                    }
                }
                Tensor t = Tensor.of(d, s, a);
                Path f = dir.resolve("t" + (k++) + ".npy");
                Npy.write(f, t);
                assertEquals(0, (Files.size(f) - (long) n * d.byteSize()) % 64);
                Tensor back = Npy.read(f);
                assertEquals(d, back.dtype());
                assertEquals(s, back.shape());
                assertArrayEquals(t.toDoubles(), back.toDoubles(), d + " " + s);
                Tensor mem = Npy.fromBytes(Npy.toBytes(t), "mem");
                assertArrayEquals(t.toDoubles(), mem.toDoubles());
            }
        }
    }

    @Test
    void largeArrayRoundTripsInChunks() {
        double[] v = new double[300_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(i);
        }
        Tensor t = Tensor.of(DType.FLOAT64, Shape.of(600, 500), v);
        assertArrayEquals(v, Npy.fromBytes(Npy.toBytes(t), "big").doubles());
    }

    private static <E extends TensorgraphException> E fails(Class<E> type, byte[] file, String... fragments) {
        E e = assertThrows(type, () -> Npy.fromBytes(file, "bad.npy"));
        assertTrue(e.getMessage().contains("bad.npy"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), e.getMessage());
        }
        return e;
    }

    @Test
    void malformedHeaders() {
        byte[] good = handMade(F4_2x3, 64, le(1, 2, 3, 4, 5, 6));
        byte[] badMagic = good.clone();
        badMagic[1] = 'X';
        fails(DataLossException.class, badMagic, "magic");
        fails(DataLossException.class, Arrays.copyOf(good, 5), "truncated");
        fails(DataLossException.class, Arrays.copyOf(good, 9), "truncated");
        fails(DataLossException.class, Arrays.copyOf(good, 40), "truncated", "header");
        fails(DataLossException.class, Arrays.copyOf(good, good.length - 1), "truncated", "24");
        fails(DataLossException.class, Arrays.copyOf(good, good.length + 4), "unexpected bytes");
        byte[] version = good.clone();
        version[6] = 9;
        fails(UnimplementedException.class, version, "version 9.0");
        // Shape overflow, a shape too large for memory, a dimension beyond 64 bits.
        fails(DataLossException.class, handMade(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", 64,
                new byte[0]), "overflows");
        fails(ResourceExhaustedException.class, handMade(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", 64, new byte[16]),
                "elements");
        fails(DataLossException.class, handMade(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", 64, new byte[0]),
                "overflows");
        fails(DataLossException.class, handMade(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", 64, new byte[0]), "malformed");
        // Unsupported dtypes, byte order, layout.
        fails(UnimplementedException.class, handMade(
                "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 64, new byte[8]), "<c8", "not supported");
        fails(UnimplementedException.class, handMade(
                "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 64, new byte[4]), "big-endian");
        fails(UnimplementedException.class, handMade(
                "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 64, le(1, 2, 3, 4, 5, 6)), "Fortran");
        fails(UnimplementedException.class, handMade(
                "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 64, new byte[4]), "structured");
        // Not a dict, missing keys, garbage after the dict.
        fails(DataLossException.class, handMade("{'descr': '<f4', 'shape': (1,), }", 64, new byte[4]), "keys");
        fails(DataLossException.class, handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) ", 64,
                new byte[4]), "malformed");
        fails(DataLossException.class, handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", 64,
                new byte[4]), "malformed");
        fails(DataLossException.class, handMade("{'descr': '<f4', 'fortran_order': Nope, 'shape': (1,), }", 64,
                new byte[4]), "malformed");
        // A version 2.0 header that claims 4 GiB: rejected before anything is allocated.
        byte[] huge = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        fails(DataLossException.class, huge, "exceeds the limit");
        byte[] claims = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0, 1, 0, 0, '{'};
        fails(DataLossException.class, claims, "truncated", "256");
    }

    @Test
    void version2HeaderIsRead() {
        String dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
        int hlen = dict.length() + 1;
        int pad = (64 - (12 + hlen) % 64) % 64;
        byte[] h = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(12 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(h.length).put(h).putInt(7).putInt(-9);
        assertArrayEquals(new int[] {7, -9}, Npy.fromBytes(b.array(), "v2.npy").ints());
    }

    @Test
    void missingFileAndStrings() {
        assertThrows(NotFoundException.class, () -> Npy.read(dir.resolve("nope.npy")));
        assertThrows(UnimplementedException.class, () -> Npy.toBytes(Tensor.ofString("x")));
    }
}
