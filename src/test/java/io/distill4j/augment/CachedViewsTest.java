package io.distill4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.AugmentSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachedViewsTest {
    static final AugmentSettings JITTER = new AugmentSettings(0.5, 2.0, 0, 0, 0.5);

    @Test
    void eachSampleGetsKDistinctReproducibleViews() {
        List<View> a = CachedViews.draw(JITTER, 64, 128, 3, 8, "s1");
        assertEquals(a, CachedViews.draw(JITTER, 64, 128, 3, 8, "s1"));
        assertEquals(8, a.stream().map(View::describe).distinct().count());
        assertEquals(
                a.subList(0, 4), CachedViews.draw(JITTER, 64, 128, 3, 4, "s1"), "K = 4 holds the first 4 of K = 8");
    }

    @Test
    void theEpochsPickIsDeterministicAndCoversEveryView() {
        int[] seen = new int[4];
        for (int epoch = 1; epoch <= 200; epoch++) {
            int j = CachedViews.pick(1, epoch, "s1", 4);
            assertEquals(j, CachedViews.pick(1, epoch, "s1", 4));
            seen[j]++;
        }
        for (int n : seen)
            assertTrue(n > 25, "every view is picked about a quarter of the time: " + java.util.Arrays.toString(seen));
        assertEquals(0, CachedViews.pick(1, 5, "s1", 1));
    }

    @Test
    void theDescriptionNamesEverythingTheViewsDependOn() {
        assertEquals("views=4;view-seed=9;scale=[0.5,2.0];crop=[0,0];hflip=0.5", CachedViews.describe(4, 9, JITTER));
    }
}
