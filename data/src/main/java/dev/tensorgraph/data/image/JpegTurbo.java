package dev.tensorgraph.data.image;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.tensorgraph.errors.InvalidArgumentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEG decoding with libjpeg-turbo's TurboJPEG library (SIMD; about twice as fast as the JDK's decoder here),
 * called through JNA where the system has it (Debian: {@code libturbojpeg0}). {@link #available()} says whether
 * it loaded; {@code -Dtensorgraph.jpeg=imageio} keeps it off. Decoding uses fancy upsampling and the accurate
 * integer DCT, as TensorFlow's {@code decode_jpeg(dct_method="INTEGER_ACCURATE")} does, or on request the fast
 * one, which is TensorFlow's default. A decoder warning (such as a truncated file) is an error, as in TensorFlow.
 */
final class JpegTurbo {
    private static final Logger LOG = LoggerFactory.getLogger(JpegTurbo.class);
    private static final int TJPF_RGB = 0;
    private static final int TJPF_GRAY = 6;
    private static final int TJFLAG_STOPONWARNING = 8192;
    private static final int TJFLAG_ACCURATEDCT = 4096;
    private static final int TJCS_GRAY = 2;

    /** The TurboJPEG 2.x functions used here. */
    interface Api extends Library {
        Pointer tjInitDecompress();

        int tjDecompressHeader3(Pointer handle, Pointer jpeg, NativeLong size, int[] width, int[] height,
                                int[] subsampling, int[] colorspace);

        int tjDecompress2(Pointer handle, Pointer jpeg, NativeLong size, Pointer dst, int width, int pitch, int height,
                          int pixelFormat, int flags);

        int tjDestroy(Pointer handle);

        String tjGetErrorStr2(Pointer handle);
    }

    private static final Api API = load();
    private static final int TJFLAG_FASTDCT = 2048;

    /**
     * Native buffers kept per thread and grown as needed: JNA would otherwise allocate and free (for images,
     * map and unmap) native copies of the input and output arrays on every call.
     */
    private static final ThreadLocal<Memory[]> BUFFERS = ThreadLocal.withInitial(() -> new Memory[2]);

    private static Memory buffer(int which, long size) {
        Memory[] b = BUFFERS.get();
        if (b[which] == null || b[which].size() < size) {
            b[which] = new Memory(Math.max(size, b[which] == null ? 0 : b[which].size() * 3 / 2));
        }
        return b[which];
    }

    private JpegTurbo() {}

    private static Api load() {
        if ("imageio".equals(System.getProperty("tensorgraph.jpeg"))) {
            return null;
        }
        try {
            Api api = Native.load("turbojpeg", Api.class);
            LOG.debug("decoding JPEG with libjpeg-turbo");
            return api;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debug("libjpeg-turbo not found ({}); decoding JPEG with javax.imageio", e.getMessage());
            return null;
        }
    }

    static boolean available() {
        return API != null;
    }

    /** Width, height and whether the JPEG is grayscale, from its header. */
    record Header(int width, int height, boolean gray) {}

    /**
     * Decodes {@code jpeg} to {@code channels} (1 or 3; 0 keeps the file's: 1 for grayscale, else 3) interleaved
     * bytes, after checking the size against {@code maxPixels}.
     */
    static Decoded decode(byte[] jpeg, int channels, long maxPixels, String source) {
        return decode(jpeg, channels, false, maxPixels, source);
    }

    /** As {@link #decode(byte[], int, long, String)}, with the fast integer DCT if {@code fastDct}. */
    static Decoded decode(byte[] jpeg, int channels, boolean fastDct, long maxPixels, String source) {
        if (jpeg.length == 0) {
            throw invalid(source, "empty file");
        }
        Pointer h = API.tjInitDecompress();
        if (h == null) {
            throw new InvalidArgumentException(source + ": cannot start the JPEG decoder");
        }
        try {
            int[] w = new int[1];
            int[] ht = new int[1];
            int[] sub = new int[1];
            int[] cs = new int[1];
            NativeLong size = new NativeLong(jpeg.length);
            Memory in = buffer(0, jpeg.length);
            in.write(0, jpeg, 0, jpeg.length);
            if (API.tjDecompressHeader3(h, in, size, w, ht, sub, cs) != 0) {
                throw invalid(source, API.tjGetErrorStr2(h));
            }
            int c = channels == 0 ? (cs[0] == TJCS_GRAY ? 1 : 3) : channels;
            ImageDecoder.checkSize(w[0], ht[0], c, maxPixels, source);
            int n = w[0] * ht[0] * c;
            Memory dst = buffer(1, n);
            int flags = (fastDct ? TJFLAG_FASTDCT : TJFLAG_ACCURATEDCT) | TJFLAG_STOPONWARNING;
            if (API.tjDecompress2(h, in, size, dst, w[0], 0, ht[0], c == 1 ? TJPF_GRAY : TJPF_RGB, flags) != 0) {
                throw invalid(source, API.tjGetErrorStr2(h));
            }
            byte[] out = new byte[n];
            dst.read(0, out, 0, n);
            return new Decoded(out, ht[0], w[0], c);
        } finally {
            API.tjDestroy(h);
        }
    }

    private static InvalidArgumentException invalid(String source, String why) {
        return new InvalidArgumentException(source + ": invalid JPEG data (" + why + ")");
    }
}
