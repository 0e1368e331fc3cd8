package io.distill4j.eval.cityscapes;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reads a single-channel 8-bit label PNG (grey or palette) as raw sample values. Raster samples
 * are used, not colours, because palette PNGs hold the label in the index.
 */
public final class LabelPng {
    /** Labels in row-major order with their size. */
    public record Labels(int width, int height, byte[] values) {}

    private LabelPng() {}

    public static Labels read(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new IOException(file + ": not a readable PNG");
        Raster raster = img.getRaster();
        if (raster.getNumBands() != 1) {
            throw new IOException(
                    file + ": expected a single-channel label PNG, found " + raster.getNumBands() + " channels");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            if (samples[i] > 255) throw new IOException(file + ": label value " + samples[i] + " exceeds 8 bits");
            out[i] = (byte) samples[i];
        }
        return new Labels(w, h, out);
    }

    /** Writes 8-bit grey labels, the format {@link #read} and the official scripts accept. */
    public static void write(Path file, int width, int height, byte[] values) throws IOException {
        if (!ImageIO.write(grey(width, height, values), "png", file.toFile()))
            throw new IOException(file + ": no PNG writer");
    }

    /** The PNG file {@link #write} would write, as bytes (for files on Hadoop file systems). */
    public static byte[] encode(int width, int height, byte[] values) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(grey(width, height, values), "png", out)) throw new IOException("no PNG writer");
        return out.toByteArray();
    }

    private static BufferedImage grey(int width, int height, byte[] values) {
        if (values.length != width * height) {
            throw new IllegalArgumentException(values.length + " labels for a " + width + "x" + height + " image");
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, width, height, values);
        return img;
    }
}
