package dev.tensorgraph.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files, good and bad: every bad input is an error that names the file and what is wrong. */
class IdxTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzippedFiles() throws IOException {
        byte[] idx = idx(0x0803, new int[] {2, 2, 3}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (byte) 255});
        Path plain = write("plain-idx3-ubyte", idx, false);
        Path gz = write("gz-idx3-ubyte.gz", idx, true);
        for (Path p : new Path[] {plain, gz}) {
            Idx r = Idx.read(p);
            assertArrayEquals(new int[] {2, 2, 3}, r.dims());
            assertEquals(2, r.count());
            assertEquals(255, r.data()[11] & 0xff);
        }
    }

    @Test
    void gzipDataInflatesOnlyWithinTheExpansionLimit() throws IOException {
        // 64 KiB of gzip that declares and holds 4 MiB of pixels.
        byte[] idx = idx(0x0803, new int[] {5350, 28, 28}, new byte[5350 * 28 * 28]);
        Path gz = write("zeros-idx3-ubyte.gz", idx, true);
        try {
            dev.tensorgraph.io.InputLimits.setMaxExpandedBytes(1 << 20);
            var e = assertThrows(dev.tensorgraph.errors.ResourceExhaustedException.class, () -> Idx.read(gz));
            assertTrue(e.getMessage().contains(gz.toString()) && e.getMessage().contains("the gzip data")
                    && e.getMessage().contains("1048576 bytes one file may expand to"), e.getMessage());
            dev.tensorgraph.io.InputLimits.setMaxExpandedBytes(8 << 20);
            assertEquals(5350, Idx.read(gz).count());
        } finally {
            dev.tensorgraph.io.InputLimits.setMaxExpandedBytes(-1);
        }
    }

    @Test
    void missingFileIsNotFoundNamingIt() {
        Path missing = dir.resolve("no-such-images-idx3-ubyte");
        NotFoundException e = assertThrows(NotFoundException.class, () -> Idx.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void truncatedDataIsDataLossNamingTheFile() throws IOException {
        byte[] full = idx(0x0803, new int[] {2, 28, 28}, new byte[2 * 28 * 28]);
        byte[] cut = Arrays.copyOf(full, full.length - 100);
        for (Path p : new Path[] {write("cut-idx3-ubyte", cut, false), write("cut-idx3-ubyte.gz", cut, true)}) {
            DataLossException e = assertThrows(DataLossException.class, () -> Idx.read(p));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        }
        Path header = write("header-idx3-ubyte", Arrays.copyOf(full, 7), false);
        DataLossException e = assertThrows(DataLossException.class, () -> Idx.read(header));
        assertTrue(e.getMessage().contains(header.toString()) && e.getMessage().contains("header"), e.getMessage());
    }

    @Test
    void truncatedGzipStreamIsDataLoss() throws IOException {
        Path p = write("broken.gz", new byte[0], false);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(idx(0x0801, new int[] {1000}, new byte[1000]));
        }
        Files.write(p, Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
        DataLossException e = assertThrows(DataLossException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void badMagicIsInvalidArgumentNamingTheFile() throws IOException {
        Path png = write("image.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0}, false);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Idx.read(png));
        assertTrue(e.getMessage().contains(png.toString()) && e.getMessage().contains("not an IDX file"), e.getMessage());
        Path floats = write("floats-idx1", idx(0x0D01, new int[] {1}, new byte[4]), false);
        InvalidArgumentException t = assertThrows(InvalidArgumentException.class, () -> Idx.read(floats));
        assertTrue(t.getMessage().contains(floats.toString()) && t.getMessage().contains("0xd"), t.getMessage());
    }

    @Test
    void writtenFilesReadBack() throws IOException {
        Idx idx = new Idx(new int[] {2, 3}, new byte[] {1, 2, 3, 4, 5, (byte) 200});
        for (String name : new String[] {"w-idx2-ubyte", "w-idx2-ubyte.gz"}) {
            Path p = dir.resolve(name);
            idx.write(p);
            Idx back = Idx.read(p);
            assertArrayEquals(idx.dims(), back.dims());
            assertArrayEquals(idx.data(), back.data());
        }
    }

    /** An IDX file: big-endian magic (type << 8 | rank), the dimensions, then the data. */
    private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        out.flush();
        return b.toByteArray();
    }

    private Path write(String name, byte[] bytes, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(bytes);
        }
        return p;
    }
}
