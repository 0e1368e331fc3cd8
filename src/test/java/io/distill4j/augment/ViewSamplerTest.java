package io.distill4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.AugmentSettings;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ViewSamplerTest {
    static final AugmentSettings RECIPE = new AugmentSettings(0.5, 2.0, 512, 1024, 0.5);

    @Test
    void theSameSeedEpochAndSampleDrawTheSameView() {
        View a = ViewSampler.draw(RECIPE, 1024, 2048, 7, 3, "cityscapes/train/aachen/aachen_000000_000019");
        View b = ViewSampler.draw(RECIPE, 1024, 2048, 7, 3, "cityscapes/train/aachen/aachen_000000_000019");
        assertEquals(a, b);
        assertNotEquals(a, ViewSampler.draw(RECIPE, 1024, 2048, 7, 4, "cityscapes/train/aachen/aachen_000000_000019"));
        assertNotEquals(a, ViewSampler.draw(RECIPE, 1024, 2048, 8, 3, "cityscapes/train/aachen/aachen_000000_000019"));
        assertNotEquals(a, ViewSampler.draw(RECIPE, 1024, 2048, 7, 3, "cityscapes/train/aachen/aachen_000000_000020"));
    }

    @Test
    void aCropOf512x1024ComesFromA1024x2048ShardWithinTheRecipe() {
        int flips = 0;
        Set<Double> scales = new HashSet<>();
        for (int epoch = 1; epoch <= 400; epoch++) {
            View v = ViewSampler.draw(RECIPE, 1024, 2048, 1, epoch, "s");
            assertEquals(512, v.outHeight());
            assertEquals(1024, v.outWidth());
            double s = v.scale();
            assertTrue(s >= 0.5 && s <= 2.0, "scale " + s);
            assertEquals(s, v.outWidth() / v.width(), 1e-12, "one scale on both axes");
            scales.add(s);
            if (v.flip()) flips++;
            if (1024 * s >= 512) {
                // The rescaled image covers the crop: the box lies inside the shard image.
                assertTrue(v.top() >= 0 && v.top() + v.height() <= 1024 + 1e-6, v.describe());
                assertTrue(v.left() >= 0 && v.left() + v.width() <= 2048 + 1e-6, v.describe());
            }
        }
        assertTrue(flips > 150 && flips < 250, "about half flipped, got " + flips + " of 400");
        assertTrue(scales.size() > 300, "scales vary");
    }

    @Test
    void defaultSettingsAndScaleOneWithTheShardsSizeAreTheIdentity() {
        assertTrue(AugmentSettings.OFF.isOff());
        for (int epoch = 1; epoch < 50; epoch++) {
            assertTrue(ViewSampler.draw(AugmentSettings.OFF, 64, 128, 1, epoch, "x" + epoch)
                    .isIdentity(64, 128));
        }
        View flipOnly = ViewSampler.draw(new AugmentSettings(1, 1, 0, 0, 1), 64, 128, 1, 1, "x");
        assertEquals(new View(0, 0, 64, 128, 64, 128, true), flipOnly);
    }

    @Test
    void aViewReadsBackExactlyFromItsDescription() {
        for (int epoch = 1; epoch < 30; epoch++) {
            View v = ViewSampler.draw(RECIPE, 1024, 2048, 3, epoch, "id");
            assertEquals(v, View.parse(v.describe()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> View.parse("crop=1,2;flip=0"));
        assertTrue(e.getMessage().contains("not a view: 'crop=1,2;flip=0'"), e.getMessage());
    }
}
