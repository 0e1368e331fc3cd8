package io.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageOpsTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void bilinearUpscaleTwoByTwoToFourByFourUsesHalfPixelCentres() {
        // Source taps per output coordinate for 2 -> 4: weights of the second pixel 0, .25, .75, 1.
        ChwImage src = new ChwImage(1, 2, 2, bytes(0, 100, 200, 40));
        ChwImage out = ImageOps.resizeBilinear(src, 4, 4);
        assertArrayEquals(bytes(0, 25, 75, 100, 50, 59, 76, 85, 150, 126, 79, 55, 200, 160, 80, 40), out.data());
    }

    @Test
    void bilinearResizesEveryChannelIndependently() {
        ChwImage src = new ChwImage(3, 2, 2, bytes(0, 100, 200, 40, 10, 10, 10, 10, 255, 255, 255, 255));
        ChwImage out = ImageOps.resizeBilinear(src, 4, 4);
        assertEquals(3, out.channels());
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(10, out.get(1, y, x));
                assertEquals(255, out.get(2, y, x));
            }
        }
        assertEquals(59, out.get(0, 1, 1));
    }

    @Test
    void bilinearDownscaleByTwoAveragesPixelPairs() {
        ChwImage src = new ChwImage(1, 2, 4, bytes(10, 20, 30, 50, 10, 20, 30, 50));
        ChwImage out = ImageOps.resizeBilinear(src, 1, 2);
        assertArrayEquals(bytes(15, 40), out.data());
    }

    @Test
    void nearestKeepsLabelValuesExactly() {
        ChwImage src = new ChwImage(1, 2, 3, bytes(7, 8, 255, 26, 24, 0));
        ChwImage up = ImageOps.resizeNearest(src, 4, 6);
        assertArrayEquals(
                bytes(
                        7,
                        7,
                        8,
                        8,
                        (byte) 255,
                        (byte) 255,
                        7,
                        7,
                        8,
                        8,
                        (byte) 255,
                        (byte) 255,
                        26,
                        26,
                        24,
                        24,
                        0,
                        0,
                        26,
                        26,
                        24,
                        24,
                        0,
                        0),
                up.data());
        ChwImage odd = ImageOps.resizeNearest(src, 3, 5);
        for (byte v : odd.data()) {
            int u = v & 0xFF;
            assertTrue(u == 7 || u == 8 || u == 255 || u == 26 || u == 24 || u == 0, "new value " + u);
        }
        // Half-pixel centres: output x = 2 of 5 sits at source x = 2.5 * 3 / 5 = 1.5 -> pixel 1.
        assertEquals(8, odd.get(0, 0, 2));
    }

    @Test
    void labelPngRoundTripKeepsEveryValue() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        ChwImage labels = new ChwImage(1, 16, 16, all);
        ChwImage back = ImageOps.decodeLabelPng(ImageOps.encodeLabelPng(labels));
        assertArrayEquals(all, back.data());
        assertEquals(16, back.height());
    }

    @Test
    void rgbPngRoundTripIsExact() {
        byte[] v = new byte[3 * 5 * 7];
        for (int i = 0; i < v.length; i++) v[i] = (byte) (i * 37 + 11);
        ChwImage rgb = new ChwImage(3, 5, 7, v);
        ChwImage back = ImageOps.decodeRgb(ImageOps.encodeRgbPng(rgb));
        assertArrayEquals(v, back.data());
        assertEquals(5, back.height());
        assertEquals(7, back.width());
    }

    @Test
    void greyImageExpandsToThreeEqualChannelsWithoutColourConversion() throws Exception {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 30);
        grey.getRaster().setSample(1, 0, 0, 200);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(grey, "png", png);
        ChwImage rgb = ImageOps.decodeRgb(png.toByteArray());
        assertArrayEquals(bytes(30, 200, 30, 200, 30, 200), rgb.data());
    }

    @Test
    void interleavedFastPathAgreesWithGenericRasterPath() {
        int w = 5, h = 3;
        BufferedImage packed = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        BufferedImage interleaved = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = ((x * 50) << 16) | ((y * 80) << 8) | (x * 10 + y);
                packed.setRGB(x, y, rgb);
                interleaved.setRGB(x, y, rgb);
            }
        }
        ChwImage generic = ImageOps.rgbOf(packed);
        assertArrayEquals(generic.data(), ImageOps.rgbOf(interleaved).data());
        assertEquals(150, generic.get(0, 1, 3));
        assertEquals(160, generic.get(1, 2, 3));
        assertEquals(32, generic.get(2, 2, 3));
        // A sub-image shares a translated raster: the fast path must step aside.
        ChwImage sub = ImageOps.rgbOf(interleaved.getSubimage(1, 1, 3, 2));
        assertEquals(generic.get(0, 1, 1), sub.get(0, 0, 0));
        assertEquals(generic.get(2, 2, 3), sub.get(2, 1, 2));
    }

    @Test
    void jpegDecodesToRoughlyTheEncodedColours() {
        byte[] v = new byte[3 * 16 * 16];
        java.util.Arrays.fill(v, 0, 256, (byte) 200);
        java.util.Arrays.fill(v, 256, 512, (byte) 100);
        java.util.Arrays.fill(v, 512, 768, (byte) 50);
        ChwImage back = ImageOps.decodeRgb(ImageOps.encodeRgbJpeg(new ChwImage(3, 16, 16, v), 0.95f));
        assertTrue(Math.abs(back.get(0, 8, 8) - 200) <= 3);
        assertTrue(Math.abs(back.get(1, 8, 8) - 100) <= 3);
        assertTrue(Math.abs(back.get(2, 8, 8) - 50) <= 3);
    }

    @Test
    void rgbaAndGarbageAreRejected() throws Exception {
        BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(argb, "png", png);
        IllegalArgumentException alpha =
                assertThrows(IllegalArgumentException.class, () -> ImageOps.decodeRgb(png.toByteArray()));
        assertTrue(alpha.getMessage().contains("alpha"), alpha.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageOps.decodeRgb(bytes(1, 2, 3, 4)));
        IllegalArgumentException rgbLabel = assertThrows(
                IllegalArgumentException.class,
                () -> ImageOps.decodeLabelPng(ImageOps.encodeRgbPng(new ChwImage(3, 1, 1, bytes(1, 2, 3)))));
        assertTrue(rgbLabel.getMessage().contains("3 channels"), rgbLabel.getMessage());
    }
}
