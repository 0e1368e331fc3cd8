package io.distill4j.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Decode, encode and resize of 8-bit images held as {@link ChwImage}.
 *
 * <p>Codecs are {@code javax.imageio}'s PNG and JPEG: built into the JDK, no native libraries to
 * ship to Spark executors, identical on every platform. Pixel values are always read from the
 * raster, never through {@code BufferedImage.getRGB}, which colour-converts grey images and would
 * change label values.
 *
 * <p>Resampling follows OpenCV's {@code INTER_LINEAR} and PyTorch's {@code align_corners=False}:
 * pixel centres sit at half-integers, so output pixel {@code d} samples source coordinate
 * {@code (d + 0.5) * in / out - 0.5}, clamped to the image.
 */
public final class ImageOps {
    static {
        // No disk cache: decoding happens on executors whose temp directory may be small or slow.
        ImageIO.setUseCache(false);
    }

    private ImageOps() {}

    /**
     * Decodes PNG or JPEG bytes to RGB. Grey images are expanded to three equal channels, palette
     * images are looked up in their palette. Images with alpha or more than 8 bits per sample are
     * rejected: the datasets never hold them, so one is a sign of a wrong file.
     *
     * @throws IllegalArgumentException when the bytes are not a decodable 8-bit RGB/grey image
     */
    public static ChwImage decodeRgb(byte[] encoded) {
        return rgbOf(read(encoded));
    }

    /** RGB planes of a decoded image (package-private so tests can feed every raster layout). */
    static ChwImage rgbOf(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int h = img.getHeight();
        int w = img.getWidth();
        int plane = h * w;
        byte[] out = new byte[3 * plane];
        if (cm instanceof IndexColorModel icm) {
            if (icm.hasAlpha() && icm.getTransparency() != java.awt.Transparency.OPAQUE) {
                throw new IllegalArgumentException("palette image with transparency; expected RGB or grey");
            }
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    out[i] = (byte) icm.getRed(row[x]);
                    out[plane + i] = (byte) icm.getGreen(row[x]);
                    out[2 * plane + i] = (byte) icm.getBlue(row[x]);
                }
            }
            return new ChwImage(3, h, w, out);
        }
        if (cm.hasAlpha()) {
            throw new IllegalArgumentException("image has an alpha channel; expected RGB or grey");
        }
        checkEightBit(raster);
        int bands = raster.getNumBands();
        if (bands != 1 && bands != 3) {
            throw new IllegalArgumentException("image has " + bands + " channels; expected RGB (3) or grey (1)");
        }
        if (copyInterleaved(raster, bands, out)) return new ChwImage(3, h, w, out);
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            int base = y * w;
            if (bands == 1) {
                for (int x = 0; x < w; x++) {
                    byte v = (byte) row[x];
                    out[base + x] = v;
                    out[plane + base + x] = v;
                    out[2 * plane + base + x] = v;
                }
            } else {
                for (int x = 0, j = 0; x < w; x++, j += 3) {
                    out[base + x] = (byte) row[j];
                    out[plane + base + x] = (byte) row[j + 1];
                    out[2 * plane + base + x] = (byte) row[j + 2];
                }
            }
        }
        return new ChwImage(3, h, w, out);
    }

    /**
     * Decodes an 8-bit single-channel PNG (grey, or palette whose indices are the values) to a
     * one-channel image holding the stored values exactly.
     *
     * @throws IllegalArgumentException when the bytes are not a decodable single-channel 8-bit image
     */
    public static ChwImage decodeLabelPng(byte[] encoded) {
        BufferedImage img = read(encoded);
        Raster raster = img.getRaster();
        if (raster.getNumBands() != 1) {
            throw new IllegalArgumentException(
                    "label image has " + raster.getNumBands() + " channels; expected one 8-bit channel of label ids");
        }
        checkEightBit(raster);
        int h = img.getHeight();
        int w = img.getWidth();
        byte[] out = new byte[h * w];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) out[y * w + x] = (byte) row[x];
        }
        return new ChwImage(1, h, w, out);
    }

    /** Encodes a one-channel image as an 8-bit grey PNG; values are stored exactly. */
    public static byte[] encodeLabelPng(ChwImage labels) {
        requireChannels(labels, 1);
        // TYPE_BYTE_GRAY's raster is written as is: no colour conversion touches the values.
        BufferedImage img = new BufferedImage(labels.width(), labels.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(labels.data(), 0, dst, 0, dst.length);
        return write(img, "png");
    }

    /** Encodes an RGB image as a PNG (lossless; {@link #decodeRgb} returns the same values). */
    public static byte[] encodeRgbPng(ChwImage rgb) {
        return write(toBufferedImage(rgb), "png");
    }

    /** Encodes an RGB image as a baseline JPEG at the given quality in (0, 1]. */
    public static byte[] encodeRgbJpeg(ChwImage rgb, float quality) {
        if (!(quality > 0f && quality <= 1f)) {
            throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + quality);
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(toBufferedImage(rgb), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * Bilinear resize of every channel, half-pixel centres (align_corners=false), rounded to the
     * nearest integer.
     */
    public static ChwImage resizeBilinear(ChwImage src, int outHeight, int outWidth) {
        requirePositive(outHeight, outWidth);
        int c = src.channels(), h = src.height(), w = src.width();
        if (h == outHeight && w == outWidth)
            return new ChwImage(c, h, w, src.data().clone());
        int[] x0 = new int[outWidth], x1 = new int[outWidth];
        float[] fx = new float[outWidth];
        taps(w, outWidth, x0, x1, fx);
        int[] y0 = new int[outHeight], y1 = new int[outHeight];
        float[] fy = new float[outHeight];
        taps(h, outHeight, y0, y1, fy);
        byte[] in = src.data();
        byte[] out = new byte[c * outHeight * outWidth];
        for (int ch = 0; ch < c; ch++) {
            int inPlane = ch * h * w;
            int outPlane = ch * outHeight * outWidth;
            for (int oy = 0; oy < outHeight; oy++) {
                int r0 = inPlane + y0[oy] * w, r1 = inPlane + y1[oy] * w;
                float wy = fy[oy];
                int o = outPlane + oy * outWidth;
                for (int ox = 0; ox < outWidth; ox++) {
                    float wx = fx[ox];
                    float top = (in[r0 + x0[ox]] & 0xFF) * (1 - wx) + (in[r0 + x1[ox]] & 0xFF) * wx;
                    float bottom = (in[r1 + x0[ox]] & 0xFF) * (1 - wx) + (in[r1 + x1[ox]] & 0xFF) * wx;
                    int v = (int) (top * (1 - wy) + bottom * wy + 0.5f);
                    out[o + ox] = (byte) Math.min(255, v);
                }
            }
        }
        return new ChwImage(c, outHeight, outWidth, out);
    }

    /**
     * Nearest-neighbour resize that never blends values (for label maps). Output pixel {@code d}
     * takes source pixel {@code floor((d + 0.5) * in / out)}: the pixel under its centre, the same
     * alignment as {@link #resizeBilinear} (PyTorch's {@code nearest-exact}).
     */
    public static ChwImage resizeNearest(ChwImage src, int outHeight, int outWidth) {
        requirePositive(outHeight, outWidth);
        int c = src.channels(), h = src.height(), w = src.width();
        if (h == outHeight && w == outWidth)
            return new ChwImage(c, h, w, src.data().clone());
        int[] sx = new int[outWidth];
        for (int x = 0; x < outWidth; x++) sx[x] = Math.min(w - 1, (int) ((x + 0.5) * w / outWidth));
        byte[] in = src.data();
        byte[] out = new byte[c * outHeight * outWidth];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outHeight; y++) {
                int sy = Math.min(h - 1, (int) ((y + 0.5) * h / outHeight));
                int r = (ch * h + sy) * w;
                int o = (ch * outHeight + y) * outWidth;
                for (int x = 0; x < outWidth; x++) out[o + x] = in[r + sx[x]];
            }
        }
        return new ChwImage(c, outHeight, outWidth, out);
    }

    /** Source taps and weight of the second tap for each output coordinate (half-pixel centres). */
    private static void taps(int in, int out, int[] i0, int[] i1, float[] frac) {
        double scale = (double) in / out;
        for (int d = 0; d < out; d++) {
            double s = Math.max(0.0, (d + 0.5) * scale - 0.5);
            int lo = Math.min((int) s, in - 1);
            i0[d] = lo;
            i1[d] = Math.min(lo + 1, in - 1);
            frac[d] = (float) (s - lo);
        }
    }

    /**
     * Fast path for the common case (what ImageIO's PNG and JPEG readers return): bytes interleaved
     * per pixel in one bank. Reads the bank directly instead of going through the generic per-sample
     * raster API, several times faster on full-size images. Returns false when the layout differs.
     */
    private static boolean copyInterleaved(Raster raster, int bands, byte[] out) {
        if (!(raster.getDataBuffer() instanceof DataBufferByte buffer)
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel model)
                || buffer.getNumBanks() != 1
                || raster.getSampleModelTranslateX() != 0
                || raster.getSampleModelTranslateY() != 0) {
            return false;
        }
        byte[] data = buffer.getData();
        int w = raster.getWidth(), h = raster.getHeight(), plane = w * h;
        int stride = model.getPixelStride(), scan = model.getScanlineStride();
        int[] offsets = model.getBandOffsets();
        int base = buffer.getOffset();
        for (int c = 0; c < 3; c++) {
            int offset = base + offsets[bands == 1 ? 0 : c];
            int dst = c * plane;
            for (int y = 0; y < h; y++) {
                int src = offset + y * scan;
                for (int x = 0; x < w; x++, src += stride) out[dst++] = data[src];
            }
        }
        return true;
    }

    private static BufferedImage toBufferedImage(ChwImage rgb) {
        requireChannels(rgb, 3);
        int h = rgb.height(), w = rgb.width(), plane = h * w;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        byte[] src = rgb.data();
        for (int i = 0, j = 0; i < plane; i++, j += 3) {
            dst[j] = src[2 * plane + i];
            dst[j + 1] = src[plane + i];
            dst[j + 2] = src[i];
        }
        return img;
    }

    private static BufferedImage read(byte[] encoded) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(encoded));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot decode image (" + encoded.length + " bytes): " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IllegalArgumentException("not a PNG or JPEG image (" + encoded.length + " bytes)");
        }
        return img;
    }

    private static byte[] write(BufferedImage img, String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, bytes)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(format + " encoding failed", e);
        }
        return bytes.toByteArray();
    }

    private static void checkEightBit(Raster raster) {
        for (int size : raster.getSampleModel().getSampleSize()) {
            if (size != 8) {
                throw new IllegalArgumentException("image has " + size + "-bit samples; expected 8-bit");
            }
        }
    }

    private static void requireChannels(ChwImage img, int channels) {
        if (img.channels() != channels) {
            throw new IllegalArgumentException("expected " + channels + " channel(s), got " + img.channels());
        }
    }

    private static void requirePositive(int h, int w) {
        if (h <= 0 || w <= 0) throw new IllegalArgumentException("target size must be positive, got " + h + "x" + w);
    }
}
