package io.distill4j.eval.report;

import io.distill4j.data.cityscapes.CityscapesLabels;

/** The colour key of the segmentation pictures: the 19 Cityscapes classes, ignore, and disagreement. */
public final class Legend {
    private Legend() {}

    /** An HTML block of colour swatches with class names, in trainId order. */
    public static String html() {
        StringBuilder sb = new StringBuilder("<div class=\"legend\">\n");
        for (int id = 0; id < CityscapesLabels.NUM_CLASSES; id++) {
            sb.append(swatch(CityscapesPalette.rgb(id), CityscapesLabels.TRAIN_NAMES.get(id)));
        }
        sb.append(swatch(0x000000, "ignore")).append(swatch(Pictures.DISAGREE_RGB, "teacher and student differ"));
        return sb.append("</div>\n").toString();
    }

    private static String swatch(int rgb, String name) {
        return String.format(
                "<span class=\"key\"><span class=\"swatch\" style=\"background:#%06x\"></span>%s</span>%n",
                rgb, Html.escape(name));
    }
}
