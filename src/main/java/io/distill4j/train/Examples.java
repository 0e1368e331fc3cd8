package io.distill4j.train;

import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.method.LabelLayout;
import io.distill4j.model.InputNormalization;
import io.distill4j.model.TapInfo;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns one shard sample (and its decoded teacher targets) into a one-example {@link MultiDataSet}
 * whose labels follow {@link SegmentationObjective#outputNames()}. Pure and Spark-free: executors
 * call it inside mapPartitions, tests call it directly.
 */
public final class Examples {
    private Examples() {}

    /**
     * What the network's input is made of: compared between the teacher cache and the student,
     * so a cache computed on other inputs is refused.
     */
    public static String preprocessing(int height, int width) {
        return "resize=" + height + "x" + width + ";normalize=imagenet-mean-std;layout=nchw-rgb;view=identity";
    }

    /** The normalised image as [1, 3, H, W]. */
    public static INDArray image(ShardRecord r) {
        return InputNormalization.nchw(r.image(), r.height(), r.width());
    }

    private static INDArray image(ShardRecord r, float[] normalizedChw) {
        return Nd4j.create(normalizedChw, new long[] {1, 3, r.height(), r.width()}, 'c');
    }

    /**
     * Ground-truth trainIds at the logits grid: the label at the centre of each output cell
     * (nearest neighbour, so ignore stays 255 and no class is invented by interpolation).
     */
    public static byte[] labelsAtGrid(byte[] label, int height, int width, int gridH, int gridW) {
        byte[] out = new byte[gridH * gridW];
        for (int y = 0; y < gridH; y++) {
            int sy = Math.min(height - 1, (int) ((y + 0.5) * height / gridH));
            for (int x = 0; x < gridW; x++) {
                int sx = Math.min(width - 1, (int) ((x + 0.5) * width / gridW));
                out[y * gridW + x] = label[sy * width + sx];
            }
        }
        return out;
    }

    /**
     * A 3-channel CHW image averaged over the cells of a gridH x gridW grid (each input pixel goes
     * to the cell its centre falls in), so the holistic critic sees the image at its map's grid.
     */
    public static float[] imageAtGrid(float[] chw, int height, int width, int gridH, int gridW) {
        float[] out = new float[3 * gridH * gridW];
        int[] count = new int[gridH * gridW];
        for (int y = 0; y < height; y++) {
            int gy = Math.min(gridH - 1, (int) ((y + 0.5) * gridH / height));
            for (int x = 0; x < width; x++) {
                int cell = gy * gridW + Math.min(gridW - 1, (int) ((x + 0.5) * gridW / width));
                count[cell]++;
                for (int c = 0; c < 3; c++) out[c * gridH * gridW + cell] += chw[(c * height + y) * width + x];
            }
        }
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < count.length; i++) out[c * count.length + i] /= Math.max(1, count[i]);
        }
        return out;
    }

    private static float[] validMask(byte[] grid) {
        float[] m = new float[grid.length];
        for (int i = 0; i < m.length; i++) m[i] = (grid[i] & 0xFF) == 255 ? 0f : 1f;
        return m;
    }

    /**
     * @param teacher decoded teacher outputs by name (CHW floats); may be empty for the baseline
     */
    public static MultiDataSet build(ShardRecord r, SegmentationObjective objective, Map<String, float[]> teacher) {
        if (objective.viewsPerImage() == 1) {
            return view(r, objective, teacher);
        }
        // MCL: the image and its horizontal flip travel as one two-example element, so they usually
        // share a minibatch; the loss pairs them by image id, not by position.
        return org.nd4j.linalg.dataset.MultiDataSet.merge(
                java.util.List.of(view(r, objective, teacher), view(flippedHorizontally(r), objective, teacher)));
    }

    /**
     * The id that marks rows showing one image for the MCL loss: 24 bits of the sample id's hash,
     * exact in float32. Two images of one minibatch share an id with probability about
     * batch^2 / 2^25, which only adds a spurious positive pair.
     */
    public static float imageId(String sampleId) {
        return sampleId.hashCode() & 0xFFFFFF;
    }

    /** The record mirrored left to right: image and label alike (the second MCL view). */
    public static ShardRecord flippedHorizontally(ShardRecord r) {
        int h = r.height(), w = r.width();
        byte[] image = r.image();
        byte[] flipped = new byte[image.length];
        for (int row = 0; row < 3 * h; row++) {
            for (int x = 0; x < w; x++) flipped[row * w + x] = image[row * w + w - 1 - x];
        }
        byte[] label = r.segmentation().trainIds();
        byte[] flippedLabel = new byte[label.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) flippedLabel[y * w + x] = label[y * w + w - 1 - x];
        }
        return new ShardRecord(
                r.sampleId(),
                r.dataset(),
                r.split(),
                h,
                w,
                r.origHeight(),
                r.origWidth(),
                flipped,
                new SegmentationLabels(flippedLabel),
                r.sourceUri());
    }

    private static MultiDataSet view(ShardRecord r, SegmentationObjective objective, Map<String, float[]> teacher) {
        TapInfo logits = objective.logits();
        // The network's input; a holistic term's label also holds it, averaged to the logits grid.
        float[] normalized = InputNormalization.normalizeChw(r.image(), r.height(), r.width());
        byte[] trainIds = r.segmentation().trainIds();
        byte[] grid = labelsAtGrid(trainIds, r.height(), r.width(), logits.height(), logits.width());
        int hw = grid.length;
        INDArray[] labels = new INDArray[objective.outputNames().size()];
        float[] task = new float[hw];
        for (int i = 0; i < hw; i++) task[i] = grid[i] & 0xFF;
        float[] valid = validMask(grid);
        labels[0] = Nd4j.create(task, new long[] {1, hw}, 'c');
        int k = 1;
        if (objective.hasPeer()) labels[k++] = labels[0].dup(); // the peer's task labels
        for (SegmentationObjective.Term term : objective.terms()) {
            LabelLayout layout = term.labels();
            if (layout == LabelLayout.VALID_MASK) {
                labels[k++] = Nd4j.create(valid, new long[] {1, valid.length}, 'c'); // the peer is the teacher
                continue;
            }
            if (layout == LabelLayout.IMAGE_ID) {
                labels[k++] = Nd4j.create(new float[] {imageId(r.sampleId())}, new long[] {1, 1}, 'c');
                continue;
            }
            float[] t = teacher.get(term.teacherTap().name());
            if (t == null) {
                throw new IllegalStateException("sample " + r.sampleId() + ": no teacher output '"
                        + term.teacherTap().name() + "'");
            }
            if (t.length != term.teacherTap().flatSize()) {
                throw new IllegalStateException("sample " + r.sampleId() + ": teacher output '"
                        + term.teacherTap().name() + "' has " + t.length + " values, expected "
                        + term.teacherTap().flatSize());
            }
            float[] row = t;
            if (layout == LabelLayout.IMAGE_AND_TEACHER) {
                // The critic's condition (the image at the map grid), then the teacher map (its real sample).
                float[] img = imageAtGrid(normalized, r.height(), r.width(), logits.height(), logits.width());
                row = new float[img.length + t.length];
                System.arraycopy(img, 0, row, 0, img.length);
                System.arraycopy(t, 0, row, img.length, t.length);
            } else if (layout == LabelLayout.TEACHER_AND_VALID_MASK) {
                TapInfo tap = term.teacherTap();
                float[] mask = tap.height() == logits.height() && tap.width() == logits.width()
                        ? valid
                        : validMask(labelsAtGrid(trainIds, r.height(), r.width(), tap.height(), tap.width()));
                row = new float[t.length + mask.length];
                System.arraycopy(t, 0, row, 0, t.length);
                System.arraycopy(mask, 0, row, t.length, mask.length);
            }
            labels[k++] = Nd4j.create(row, new long[] {1, row.length}, 'c');
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {image(r, normalized)}, labels);
    }
}
