package dev.tensorgraph.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.data.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The javax.imageio JPEG path (used where libjpeg-turbo is not installed) gives TensorFlow's pixels too, and the
 * two decoders agree byte for byte; both reject a truncated file.
 */
class ImageIoDecodingTest {
    private static Path resource(String name) throws Exception {
        return Path.of(ImageIoDecodingTest.class.getResource("/tf-data/" + name).toURI());
    }

    @Test
    void imageioJpegGivesTensorFlowsPixels() throws Exception {
        for (String[] c : new String[][] {{"rgb.jpg", "3", "rgb.jpg.c3.npy"}, {"gray.jpg", "0", "gray.jpg.c0.npy"},
                {"gray.jpg", "3", "gray.jpg.c3.npy"}}) {
            byte[] jpeg = Files.readAllBytes(resource(c[0]));
            Decoded d = ImageIoDecoding.decode(jpeg, "jpeg", Integer.parseInt(c[1]), 1 << 20, c[0]);
            Tensor expected = Npy.read(resource(c[2]));
            assertEquals(expected.shape(), d.tensor().shape(), c[0]);
            assertArrayEquals(expected.bytes(), d.pixels(), c[0] + " channels " + c[1]);
        }
    }

    @Test
    void turboAndImageioAgree() throws Exception {
        assumeTrue(JpegTurbo.available(), "libjpeg-turbo is not installed");
        byte[] jpeg = Files.readAllBytes(resource("rgb.jpg"));
        assertArrayEquals(ImageIoDecoding.decode(jpeg, "jpeg", 3, 1 << 20, "rgb.jpg").pixels(),
                JpegTurbo.decode(jpeg, 3, 1 << 20, "rgb.jpg").pixels());
    }

    @Test
    void turboWithTheFastDctGivesTensorFlowsDefaultPixels() throws Exception {
        assumeTrue(JpegTurbo.available(), "libjpeg-turbo is not installed");
        byte[] jpeg = Files.readAllBytes(resource("rgb.jpg"));
        assertArrayEquals(Npy.read(resource("rgb.jpg.c3.fast.npy")).bytes(),
                JpegTurbo.decode(jpeg, 3, true, 1 << 20, "rgb.jpg").pixels());
    }

    @Test
    void bothRejectATruncatedJpeg() throws Exception {
        byte[] jpeg = Files.readAllBytes(resource("rgb.jpg"));
        byte[] cut = java.util.Arrays.copyOf(jpeg, jpeg.length - 200);
        assertThrows(InvalidArgumentException.class, () -> ImageIoDecoding.decode(cut, "jpeg", 3, 1 << 20, "cut.jpg"));
        if (JpegTurbo.available()) {
            assertThrows(InvalidArgumentException.class, () -> JpegTurbo.decode(cut, 3, 1 << 20, "cut.jpg"));
        }
    }
}
