package dev.tensorgraph.data;

import static dev.tensorgraph.data.TensorAssert.assertClose;
import static dev.tensorgraph.data.TensorAssert.assertTensorEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.image.ImageDecoder;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Decoding and the image transforms against TensorFlow 2's results on the same files (tf-data/*.npy, written by
 * tf-interop/python/data_cases.py); random transforms by what they must do (a window of the image, a mirror).
 */
class ImagesTest {
    private static Tensor decoded(String file, int channels) throws IOException {
        return ImageDecoder.decode(Files.readAllBytes(TfData.file(file)), channels, file);
    }

    private static Map<String, Tensor> apply(Transform t, Tensor image, long index) {
        return t.apply(Map.of(Images.IMAGE, image), new ElementContext(0, index, "test image " + index));
    }

    @Test
    void jpegDecodesToTensorFlowsPixels() throws IOException {
        assertTensorEquals(TfData.npy("rgb.jpg.c3.npy"), decoded("rgb.jpg", 3), "rgb.jpg as RGB");
        assertTensorEquals(TfData.npy("gray.jpg.c0.npy"), decoded("gray.jpg", 0), "gray.jpg as stored");
        assertTensorEquals(TfData.npy("gray.jpg.c3.npy"), decoded("gray.jpg", 3), "gray.jpg as RGB");
        // TensorFlow's gray is the file's luma plane: libjpeg-turbo decodes it alone, the JDK's decoder reads it
        // from the raw YCbCr raster (luma recomputed from clamped RGB was off by up to 6 here).
        assertTensorEquals(TfData.npy("rgb.jpg.c1.npy"), decoded("rgb.jpg", 1), "rgb.jpg as gray");
    }

    @Test
    void pngDecodesToTensorFlowsPixels() throws IOException {
        assertTensorEquals(TfData.npy("rgb.png.c3.npy"), decoded("rgb.png", 3), "rgb.png");
        assertTensorEquals(TfData.npy("gray.png.c0.npy"), decoded("gray.png", 0), "gray.png");
        assertTensorEquals(TfData.npy("gray.png.c3.npy"), decoded("gray.png", 3), "gray.png as RGB");
        assertTensorEquals(TfData.npy("rgba.png.c0.npy"), decoded("rgba.png", 0), "rgba.png");
        assertTensorEquals(TfData.npy("rgba.png.c3.npy"), decoded("rgba.png", 3), "rgba.png as RGB");
        assertTensorEquals(TfData.npy("gray16.png.c0.npy"), decoded("gray16.png", 0), "16-bit gray.png");
    }

    @Test
    void resizeMatchesTfImageResize() throws IOException {
        Tensor pixels = decoded("rgb.jpg", 3);
        for (String size : new String[] {"20x31", "80x101", "37x20"}) {
            String[] hw = size.split("x");
            int h = Integer.parseInt(hw[0]);
            int w = Integer.parseInt(hw[1]);
            Tensor bilinear = apply(Images.resize(h, w), pixels, 0).get(Images.IMAGE);
            assertEquals(DType.FLOAT32, bilinear.dtype());
            assertClose(TfData.npy("resize_bilinear_" + size + ".npy"), bilinear, 1e-5, "bilinear " + size);
            Tensor nearest = apply(Images.resize(h, w, Images.ResizeMethod.NEAREST), pixels, 0).get(Images.IMAGE);
            assertTensorEquals(TfData.npy("resize_nearest_" + size + ".npy"), nearest, "nearest " + size);
        }
    }

    @Test
    void centerCropAndStandardizationMatchTensorFlow() throws IOException {
        Tensor pixels = decoded("rgb.jpg", 3);
        assertTensorEquals(TfData.npy("center_crop_21x30.npy"),
                apply(Images.centerCrop(21, 30), pixels, 0).get(Images.IMAGE), "center crop");
        assertClose(TfData.npy("per_image_standardization.npy"),
                apply(Images.perImageStandardization(), pixels, 0).get(Images.IMAGE), 1e-5, "standardization");
    }

    @Test
    void normalizeSubtractsAndDividesPerChannel() {
        Tensor px = Tensor.of(DType.UINT8, Shape.of(1, 2, 2), new byte[] {10, 20, (byte) 200, 40});
        Tensor out = apply(Images.normalize(new float[] {10, 20}, new float[] {2, 4}), px, 0).get(Images.IMAGE);
        assertTensorEquals(Tensor.of(DType.FLOAT32, Shape.of(1, 2, 2), new float[] {0, 0, 95, 5}), out, "normalize");
    }

    @Test
    void randomCropIsAWindowOfTheImageAndDependsOnlyOnSeedEpochAndIndex() {
        int h = 9;
        int w = 7;
        byte[] v = new byte[h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) i;
        }
        Tensor img = Tensor.of(DType.UINT8, Shape.of(h, w, 1), v);
        Set<String> offsets = new HashSet<>();
        for (int index = 0; index < 200; index++) {
            Tensor c = apply(Images.randomCrop(4, 3, 5), img, index).get(Images.IMAGE);
            assertEquals(Shape.of(4, 3, 1), c.shape());
            byte[] b = c.bytes();
            int top = (b[0] & 0xff) / w;
            int left = (b[0] & 0xff) % w;
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 3; x++) {
                    assertEquals((top + y) * w + left + x, b[y * 3 + x] & 0xff, "window pixel");
                }
            }
            offsets.add(top + "," + left);
            assertTensorEquals(c, apply(Images.randomCrop(4, 3, 5), img, index).get(Images.IMAGE), "same again");
        }
        assertEquals(6 * 5, offsets.size(), "every one of the 6 x 5 places is used");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> apply(Images.randomCrop(10, 3), img, 0));
        assertTrue(e.getMessage().contains("test image 0") && e.getMessage().contains("9x7"), e.getMessage());
    }

    @Test
    void randomFlipMirrorsAboutHalfTheImages() {
        Tensor img = Tensor.of(DType.FLOAT32, Shape.of(1, 3, 2), new float[] {1, 2, 3, 4, 5, 6});
        Tensor mirrored = Tensor.of(DType.FLOAT32, Shape.of(1, 3, 2), new float[] {5, 6, 3, 4, 1, 2});
        int flipped = 0;
        for (int index = 0; index < 1000; index++) {
            Tensor out = apply(Images.randomFlipLeftRight(11), img, index).get(Images.IMAGE);
            boolean isMirror = java.util.Arrays.equals(out.floats(), mirrored.floats());
            assertTrue(isMirror || java.util.Arrays.equals(out.floats(), img.floats()));
            flipped += isMirror ? 1 : 0;
        }
        assertTrue(flipped > 430 && flipped < 570, "flipped " + flipped + " of 1000");
        assertNotEquals(apply(Images.randomFlipLeftRight(11), img, 3).get(Images.IMAGE) == img,
                apply(Images.randomFlipLeftRight(11), img, 4).get(Images.IMAGE) == img,
                "neighbouring elements are not all flipped alike");
    }

    /** A chain run as one pass gives exactly what its steps give one after another. */
    @Test
    void fusedChainsEqualTheirStepsOneByOne() throws IOException {
        Map<String, Tensor> encoded = Map.of(ImageFolder.PATH, Tensor.ofString(TfData.file("rgb.jpg").toString()));
        Transform[][] chains = {
            {Images.decode(), Images.resize(40, 45), Images.randomCrop(30, 33, 3), Images.randomFlipLeftRight(4),
                Images.centerCrop(20, 21), Images.normalize(new float[] {100, 110, 120}, new float[] {50, 60, 70})},
            {Images.decode(), Images.randomFlipLeftRight(9), Images.randomCrop(30, 33, 3), Images.resize(37, 53)},
            {Images.decode(1), Images.resize(37, 53), Images.randomFlipLeftRight(2), Images.randomCrop(9, 50, 8),
                Images.normalize(127.5f, 63.75f)},
            {Images.decode(), Images.randomCrop(20, 20, 1), Images.randomFlipLeftRight(1)},
            {Images.decode(), Images.resize(37, 53), Images.randomFlipLeftRight(5), Images.randomCrop(30, 40, 6),
                Images.normalize(new float[] {1, 2, 3}, new float[] {4, 5, 0.3f})},
            {Images.decode(), Images.resize(37, 53), Images.randomCrop(30, 40, 6), Images.normalize(120f, 0.7f)},
        };
        for (Transform[] steps : chains) {
            Transform chained = steps[0];
            for (int k = 1; k < steps.length; k++) {
                chained = chained.andThen(steps[k]);
            }
            for (int index = 0; index < 40; index++) {
                ElementContext context = new ElementContext(2, index, "rgb.jpg");
                Map<String, Tensor> oneByOne = encoded;
                for (Transform t : steps) {
                    oneByOne = t.apply(oneByOne, context);
                }
                assertTensorEquals(oneByOne.get(Images.IMAGE), chained.apply(encoded, context).get(Images.IMAGE),
                        "chain of " + steps.length + ", element " + index);
            }
        }
    }

    @Test
    void badImagesAreTypedErrorsNamingTheSource() throws IOException {
        byte[] jpeg = Files.readAllBytes(TfData.file("rgb.jpg"));
        byte[] truncated = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> ImageDecoder.decode(truncated, 3, "cut.jpg"));
        assertTrue(e.getMessage().contains("cut.jpg"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> ImageDecoder.decode("not an image".getBytes(), 3, "x.txt"));
        assertTrue(e.getMessage().contains("x.txt") && e.getMessage().contains("unknown image format"), e.getMessage());
        byte[] png = Files.readAllBytes(TfData.file("rgb.png"));
        png[png.length / 2] ^= 0x55;
        e = assertThrows(InvalidArgumentException.class, () -> ImageDecoder.decode(png, 3, "flipped.png"));
        assertTrue(e.getMessage().contains("flipped.png"), e.getMessage());
    }
}
