package dev.tensorgraph.data.image;

import dev.tensorgraph.errors.InvalidArgumentException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.w3c.dom.Node;

/**
 * Decoding with the JDK's {@code javax.imageio} (JPEG through its bundled libjpeg, PNG in Java). The size is read
 * from the header and checked before any pixel is decoded; a decoder warning (a truncated JPEG, say) is an
 * error, as in TensorFlow; anything the decoder throws becomes an {@link InvalidArgumentException} naming the
 * file.
 */
final class ImageIoDecoding {
    private ImageIoDecoding() {}

    static Decoded decode(byte[] bytes, String format, int channels, long maxPixels, String source) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new InvalidArgumentException(source + ": no " + format + " decoder in this Java runtime");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            ImageDecoder.checkSize(w, h, Math.max(channels, 1), maxPixels, source);
            boolean luma = channels == 1 && format.equals("jpeg") && storesLuma(reader);
            Raster raw = luma ? reader.readRaster(0, null) : null;
            BufferedImage image = luma ? null : reader.read(0);
            if (!warnings.isEmpty()) {
                throw new InvalidArgumentException(source + ": invalid " + format + " data (" + warnings.get(0) + ")");
            }
            return luma ? lumaPlane(raw) : pixels(image, channels, source);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidArgumentException i) {
                throw i;
            }
            throw new InvalidArgumentException(source + ": invalid " + format + " data (" + e.getMessage() + ")", e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Whether a JPEG stores three components as luma and chroma (YCbCr), which is what libjpeg assumes unless an
     * Adobe marker says the components are untransformed. TensorFlow decodes such a file to gray by taking the luma
     * plane; luma recomputed from RGB differs where RGB was clamped (by up to 6 in the test image).
     */
    private static boolean storesLuma(ImageReader reader) throws IOException {
        IIOMetadata metadata = reader.getImageMetadata(0);
        if (metadata == null || !metadata.isStandardMetadataFormatSupported()) {
            return false;
        }
        Node tree = metadata.getAsTree("javax_imageio_jpeg_image_1.0");
        Node frame = find(tree, "sof");
        if (frame == null || frame.getAttributes().getNamedItem("numFrameComponents") == null
                || !"3".equals(frame.getAttributes().getNamedItem("numFrameComponents").getNodeValue())) {
            return false;
        }
        Node adobe = find(tree, "app14Adobe");
        Node transform = adobe == null ? null : adobe.getAttributes().getNamedItem("transform");
        return transform == null ? adobe == null : "1".equals(transform.getNodeValue());
    }

    private static Node find(Node node, String name) {
        if (name.equals(node.getNodeName())) {
            return node;
        }
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            Node found = find(child, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Band 0 of a raster read without color conversion: the luma plane of a YCbCr JPEG. */
    private static Decoded lumaPlane(Raster raw) {
        int w = raw.getWidth();
        int h = raw.getHeight();
        int[] y = raw.getSamples(raw.getMinX(), raw.getMinY(), w, h, 0, (int[]) null);
        byte[] px = new byte[y.length];
        for (int i = 0; i < y.length; i++) {
            px[i] = (byte) y[i];
        }
        return new Decoded(px, h, w, 1);
    }

    /** The image as interleaved bytes: gray, gray+alpha, RGB or RGBA as stored, then converted to {@code channels}. */
    private static Decoded pixels(BufferedImage image, int channels, String source) {
        int w = image.getWidth();
        int h = image.getHeight();
        int stored;
        byte[] px;
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            px = new byte[w * h * 3];
            for (int i = 0; i < px.length; i += 3) {
                px[i] = bgr[i + 2];
                px[i + 1] = bgr[i + 1];
                px[i + 2] = bgr[i];
            }
            stored = 3;
        } else if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            px = ((DataBufferByte) image.getRaster().getDataBuffer()).getData().clone();
            stored = 1;
        } else if (image.getColorModel() instanceof IndexColorModel) {
            stored = image.getColorModel().hasAlpha() ? 4 : 3;
            px = fromArgb(image, stored);
        } else {
            Raster r = image.getRaster();
            stored = r.getNumBands();
            if (stored < 1 || stored > 4) {
                throw new InvalidArgumentException(source + ": images with " + stored + " channels are not supported");
            }
            int bits = image.getColorModel().getComponentSize(0);
            int[] samples = r.getPixels(0, 0, w, h, (int[]) null);
            px = new byte[samples.length];
            // 16-bit samples keep their high byte.
            int shift = Math.max(0, bits - 8);
            for (int i = 0; i < samples.length; i++) {
                px[i] = (byte) (samples[i] >>> shift);
            }
        }
        return Channels.convert(new Decoded(px, h, w, stored), channels);
    }

    private static byte[] fromArgb(BufferedImage image, int channels) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] px = new byte[w * h * channels];
        int[] row = new int[w];
        int at = 0;
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                px[at++] = (byte) (argb >>> 16);
                px[at++] = (byte) (argb >>> 8);
                px[at++] = (byte) argb;
                if (channels == 4) {
                    px[at++] = (byte) (argb >>> 24);
                }
            }
        }
        return px;
    }
}
