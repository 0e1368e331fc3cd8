package io.distill4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.AugmentSettings;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.model.TapInfo;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingViewsTest {
    static final AugmentSettings JITTER = new AugmentSettings(0.75, 1.5, 0, 0, 0.5);

    static ShardRecord seg(int h, int w) {
        byte[] image = new byte[3 * h * w];
        byte[] label = new byte[h * w];
        new java.util.Random(3).nextBytes(image);
        for (int i = 0; i < label.length; i++) label[i] = (byte) (i % 19);
        return new ShardRecord(
                "cityscapes/train/a/a_1",
                "cityscapes",
                "train",
                h,
                w,
                1024,
                2048,
                image,
                new SegmentationLabels(label),
                "file:/a.png");
    }

    @Test
    void theStudentsSampleAndTheTransformedTeacherMapShareTheView() {
        TrainingViews views =
                new TrainingViews(JITTER, 9, 32, 64, Map.of("logits", new TapInfo("logits", "logits", 2, 8, 16)));
        ShardRecord r = seg(32, 64);
        float[] logits = ResampleTest.randomMap(2, 8, 16, 4);
        for (int epoch = 1; epoch <= 5; epoch++) {
            View v = views.view(epoch, r.sampleId());
            ShardRecord seen = views.sample(r, epoch);
            assertEquals(32, seen.height());
            assertArrayEquals(Resample.image(r.image(), 32, 64, v), seen.image());
            assertArrayEquals(
                    Resample.labels(r.segmentation().trainIds(), 32, 64, v),
                    seen.segmentation().trainIds());
            float[] t = views.teacher(Map.of("logits", logits, "neck", new float[] {1}), epoch, r.sampleId())
                    .get("logits");
            assertArrayEquals(Resample.map(logits, 2, 8, 16, 32, 64, v), t);
        }
    }

    @Test
    void withoutAugmentationNothingIsResampled() {
        TrainingViews off = new TrainingViews(
                AugmentSettings.OFF, 9, 32, 64, Map.of("logits", new TapInfo("logits", "logits", 2, 8, 16)));
        ShardRecord r = seg(32, 64);
        assertSame(r, off.sample(r, 3));
        Map<String, float[]> t = Map.of("logits", new float[2 * 8 * 16]);
        assertSame(t, off.teacher(t, 3, r.sampleId()));
    }

    @Test
    void mismatchedTeacherViewsAreRefusedWithTheKeyToChange() {
        Set<String> logits = Set.of("logits");
        assertNull(TrainingViews.refusal(AugmentSettings.OFF, true, false, false, 0, logits));
        assertNull(TrainingViews.refusal(JITTER, false, false, false, 0, Set.of()), "the baseline needs no teacher");
        assertNull(TrainingViews.refusal(JITTER, true, true, false, 0, logits), "the online teacher sees the view");
        assertNull(TrainingViews.refusal(JITTER, true, false, true, 0, logits));
        String identityCache = TrainingViews.refusal(JITTER, true, false, false, 0, logits);
        assertTrue(
                identityCache.startsWith(
                        "train.augment is on (scale=[0.75,1.5];crop=[0,0];hflip=0.5) but the teacher cache"),
                identityCache);
        assertTrue(identityCache.contains("distill.teacher-views = transform"), identityCache);
        assertTrue(TrainingViews.refusal(JITTER, true, true, true, 0, logits)
                .startsWith("distill.teacher-views = transform"));
        assertNull(TrainingViews.refusal(JITTER, true, false, false, 4, logits), "a cache of exact views");
        assertTrue(TrainingViews.refusal(JITTER, true, false, true, 4, logits).contains("4 drawn views per sample"));
        assertTrue(TrainingViews.refusal(JITTER, true, false, true, 0, Set.of("heatmap", "reg"))
                .contains("'reg'"));
        assertNull(
                TrainingViews.refusal(new AugmentSettings(1, 1, 16, 32, 0), true, true, false, 0, logits),
                "a crop smaller than the shard: the networks train at the crop size");
    }
}
