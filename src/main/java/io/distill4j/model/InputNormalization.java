package io.distill4j.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The input contract of every model: "image" is float NCHW RGB, {@code (x/255 - mean[c]) / std[c]}
 * with ImageNet's mean and std. Pure functions; the INDArray form returns a new array.
 */
public final class InputNormalization {

    /** ImageNet RGB means of x/255. */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet RGB standard deviations of x/255. */
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    public static final int CHANNELS = 3;

    private InputNormalization() {}

    /** Normalises one CHW uint8 image (bytes read as 0..255) into a new CHW float array. */
    public static float[] normalizeChw(byte[] chw, int height, int width) {
        checkLength(chw.length, height, width);
        float[] out = new float[chw.length];
        int plane = height * width;
        for (int c = 0; c < CHANNELS; c++) {
            float mean = MEAN[c];
            float invStd = 1f / STD[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                out[i] = ((chw[i] & 0xFF) / 255f - mean) * invStd;
            }
        }
        return out;
    }

    /** One CHW uint8 image normalised as the network's input, [1, 3, H, W]. */
    public static INDArray nchw(byte[] chw, int height, int width) {
        return Nd4j.create(normalizeChw(chw, height, width), new long[] {1, CHANNELS, height, width}, 'c');
    }

    /** Normalises one CHW image already in 0..255 floats into a new CHW float array. */
    public static float[] normalizeChw(float[] chw, int height, int width) {
        checkLength(chw.length, height, width);
        float[] out = new float[chw.length];
        int plane = height * width;
        for (int c = 0; c < CHANNELS; c++) {
            float mean = MEAN[c];
            float invStd = 1f / STD[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                out[i] = (chw[i] / 255f - mean) * invStd;
            }
        }
        return out;
    }

    /** Normalises an NCHW batch of 0..255 values (any numeric type) into a new float array. */
    public static INDArray normalize(INDArray nchw) {
        if (nchw.rank() != 4 || nchw.size(1) != CHANNELS) {
            throw new IllegalArgumentException(
                    "expected an NCHW batch with 3 channels, got shape " + java.util.Arrays.toString(nchw.shape()));
        }
        INDArray x = nchw.castTo(DataType.FLOAT).div(255f);
        INDArray mean = Nd4j.createFromArray(MEAN).reshape(1, CHANNELS, 1, 1);
        INDArray std = Nd4j.createFromArray(STD).reshape(1, CHANNELS, 1, 1);
        return x.subi(mean.broadcast(x.shape())).divi(std.broadcast(x.shape()));
    }

    private static void checkLength(int length, int height, int width) {
        if (height < 1 || width < 1 || (long) CHANNELS * height * width != length) {
            throw new IllegalArgumentException(
                    "expected 3*" + height + "*" + width + " values for a CHW image, got " + length);
        }
    }
}
