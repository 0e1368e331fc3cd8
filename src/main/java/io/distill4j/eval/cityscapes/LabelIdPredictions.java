package io.distill4j.eval.cityscapes;

import io.distill4j.data.ChwImage;
import io.distill4j.data.ImageOps;
import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.data.cityscapes.CityscapesLayout;

/**
 * A segmentation prediction in the Cityscapes submission format: labelIds (not trainIds) at the
 * original image size, in a PNG named after the source image ({@code {city}_{seq}_{frame}_leftImg8bit.png}),
 * which cityscapesScripts and {@code cityscapes-eval} match to {@code {city}_{seq}_{frame}_gtFine_labelIds.png}.
 */
public final class LabelIdPredictions {
    /** labelId written where the prediction is not an evaluated class (Cityscapes "unlabeled"). */
    public static final int UNLABELED = 0;

    private LabelIdPredictions() {}

    /**
     * The prediction file name for a sample decoded from {@code sourceUri}: the image's own file name.
     *
     * @throws IllegalArgumentException when the source is not a Cityscapes {@code *_leftImg8bit.png}
     */
    public static String fileName(String sourceUri) {
        String name = sourceUri.substring(sourceUri.lastIndexOf('/') + 1);
        String stem = name.endsWith(CityscapesLayout.IMAGE_SUFFIX)
                ? name.substring(0, name.length() - CityscapesLayout.IMAGE_SUFFIX.length())
                : "";
        if (stem.split("_").length < 3) {
            throw new IllegalArgumentException("source image " + sourceUri + " is not named {city}_{seq}_{frame}"
                    + CityscapesLayout.IMAGE_SUFFIX + "; cannot name its Cityscapes prediction file");
        }
        return name;
    }

    /**
     * trainIds at {@code h x w} to labelIds at {@code outH x outW}: nearest neighbour
     * ({@link ImageOps#resizeNearest}, the resize the shards' labels went through), so no class is
     * invented between two others; trainId 255 becomes {@link #UNLABELED}.
     */
    public static byte[] labelIds(byte[] trainIds, int h, int w, int outH, int outW) {
        if (trainIds.length != h * w) {
            throw new IllegalArgumentException(trainIds.length + " trainIds for a " + h + "x" + w + " prediction");
        }
        byte[] lut = new byte[256];
        for (int t = 0; t < 256; t++) {
            lut[t] = (byte) (t < CityscapesLabels.NUM_CLASSES ? CityscapesLabels.labelId(t) : UNLABELED);
        }
        byte[] out = ImageOps.resizeNearest(new ChwImage(1, h, w, trainIds), outH, outW)
                .data();
        for (int i = 0; i < out.length; i++) out[i] = lut[out[i] & 0xFF];
        return out;
    }
}
