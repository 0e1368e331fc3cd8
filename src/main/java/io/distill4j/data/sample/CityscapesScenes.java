package io.distill4j.data.sample;

import io.distill4j.data.ChwImage;
import io.distill4j.data.sample.Canvas.Texture;
import java.util.SplittableRandom;

/**
 * Paints one street scene and its Cityscapes labelId map: sky at the top, buildings and trees along
 * a horizon, road at the bottom with sidewalks on both sides, poles with signs, cars on the road and
 * people on the sidewalks, at random positions and sizes. Each class has its own colour and texture,
 * jittered per image, plus pixel noise. Some pixels carry labelIds that map to ignore (unlabeled 0,
 * ego vehicle 1, out of roi 3, static 4), as in the real data.
 */
final class CityscapesScenes {
    static final int UNLABELED = 0, EGO_VEHICLE = 1, OUT_OF_ROI = 3, STATIC = 4;
    static final int ROAD = 7,
            SIDEWALK = 8,
            BUILDING = 11,
            POLE = 17,
            TRAFFIC_SIGN = 20,
            VEGETATION = 21,
            TERRAIN = 22,
            SKY = 23,
            PERSON = 24,
            CAR = 26;

    /** One generated image and its labelIds, both row-major height x width. */
    record Scene(ChwImage image, byte[] labelIds) {}

    private final int height;
    private final int width;
    private final SplittableRandom rng;
    private final Canvas canvas;
    private final byte[] labels;

    private CityscapesScenes(int height, int width, SplittableRandom rng) {
        this.height = height;
        this.width = width;
        this.rng = rng;
        this.canvas = new Canvas(height, width);
        this.labels = new byte[height * width];
    }

    static Scene draw(int height, int width, SplittableRandom rng) {
        CityscapesScenes s = new CityscapesScenes(height, width, rng);
        s.paint();
        return new Scene(s.canvas.toImage(), s.labels);
    }

    private void paint() {
        int horizon = (int) (height * (0.38 + 0.12 * rng.nextDouble()));
        sky(horizon);
        buildings(horizon);
        trees(horizon);
        int roadTop = horizon + (int) (height * 0.04);
        ground(horizon, roadTop);
        int poles = rng.nextInt(1, 4);
        for (int i = 0; i < poles; i++) pole(horizon, roadTop);
        int cars = rng.nextInt(1, 5);
        for (int i = 0; i < cars; i++) car(roadTop);
        int people = rng.nextInt(0, 4);
        for (int i = 0; i < people; i++) person(roadTop);
        ignoredRegions();
        canvas.addNoise(6, rng);
    }

    private void sky(int horizon) {
        int[] top = Canvas.jitter(new int[] {90, 140, 220}, 15, rng);
        int[] bottom = Canvas.jitter(new int[] {175, 205, 235}, 10, rng);
        for (int y = 0; y < horizon; y++) {
            float t = (float) y / Math.max(1, horizon);
            int[] c = {lerp(top[0], bottom[0], t), lerp(top[1], bottom[1], t), lerp(top[2], bottom[2], t)};
            for (int x = 0; x < width; x++) {
                canvas.put(y, x, c);
                labels[y * width + x] = SKY;
            }
        }
    }

    private void buildings(int horizon) {
        int x = -rng.nextInt(width / 10 + 1);
        while (x < width) {
            int w = (int) (width * (0.1 + 0.2 * rng.nextDouble()));
            int top = (int) (horizon * (0.05 + 0.6 * rng.nextDouble()));
            if (rng.nextInt(5) > 0) { // a gap now and then lets sky reach the horizon
                int[] colour = Canvas.jitter(
                        new int[][] {{140, 110, 90}, {120, 120, 125}, {170, 150, 120}}[rng.nextInt(3)], 15, rng);
                rect(x, top, x + w, horizon + 2, BUILDING, colour, Texture.GRID, Math.max(3, width / 40));
            }
            x += w;
        }
    }

    private void trees(int horizon) {
        int n = rng.nextInt(0, 4);
        for (int i = 0; i < n; i++) {
            int cx = rng.nextInt(width);
            int ry = (int) (height * (0.06 + 0.1 * rng.nextDouble()));
            int rx = (int) (ry * (0.8 + 0.6 * rng.nextDouble()));
            int cy = horizon - ry / 2;
            int[] colour = Canvas.jitter(new int[] {60, 120, 50}, 15, rng);
            for (int y = Math.max(0, cy - ry); y < Math.min(height, cy + ry); y++) {
                for (int x = Math.max(0, cx - rx); x < Math.min(width, cx + rx); x++) {
                    double dx = (x - cx) / (double) rx, dy = (y - cy) / (double) ry;
                    if (dx * dx + dy * dy <= 1) {
                        labels[y * width + x] = VEGETATION;
                        canvas.paintRect(x, y, x + 1, y + 1, colour, Texture.SPECKLE, 1, rng);
                    }
                }
            }
        }
    }

    private void ground(int horizon, int roadTop) {
        int[] road = Canvas.jitter(new int[] {75, 75, 80}, 10, rng);
        int[] walk = Canvas.jitter(new int[] {165, 155, 150}, 10, rng);
        int[] grass = Canvas.jitter(new int[] {110, 150, 70}, 12, rng);
        boolean terrainLeft = rng.nextBoolean();
        // A strip of terrain or sidewalk between buildings and road.
        rect(
                0,
                horizon,
                width,
                roadTop,
                terrainLeft ? TERRAIN : SIDEWALK,
                terrainLeft ? grass : walk,
                terrainLeft ? Texture.SPECKLE : Texture.CHECKER,
                4);
        double vanish = width * (0.35 + 0.3 * rng.nextDouble());
        double halfTop = width * 0.08, halfBottom = width * (0.38 + 0.1 * rng.nextDouble());
        for (int y = roadTop; y < height; y++) {
            double t = (y - roadTop) / (double) Math.max(1, height - roadTop);
            double centre = vanish + (width / 2.0 - vanish) * t;
            double half = halfTop + (halfBottom - halfTop) * t;
            int left = (int) (centre - half), right = (int) (centre + half);
            for (int x = 0; x < width; x++) {
                boolean onRoad = x >= left && x < right;
                boolean marking = onRoad && Math.abs(x - centre) < 1 + t && ((y / 4) % 2 == 0);
                labels[y * width + x] = (byte) (onRoad ? ROAD : SIDEWALK);
                if (marking) canvas.put(y, x, new int[] {230, 230, 220});
                else
                    canvas.paintRect(
                            x,
                            y,
                            x + 1,
                            y + 1,
                            onRoad ? road : walk,
                            onRoad ? Texture.FLAT : Texture.CHECKER,
                            Math.max(2, width / 50),
                            rng);
            }
        }
    }

    private void pole(int horizon, int roadTop) {
        int x = rng.nextBoolean() ? rng.nextInt(width / 6 + 1) : width - 1 - rng.nextInt(width / 6 + 1);
        int bottom = roadTop + (int) ((height - roadTop) * (0.2 + 0.5 * rng.nextDouble()));
        int top = (int) (horizon * (0.1 + 0.4 * rng.nextDouble()));
        int w = Math.max(2, width / 100);
        rect(x, top, x + w, bottom, POLE, Canvas.jitter(new int[] {130, 130, 135}, 10, rng), Texture.FLAT, 1);
        if (rng.nextBoolean()) {
            int s = Math.max(5, width / 30);
            rect(
                    x - s / 2,
                    top,
                    x - s / 2 + s,
                    top + s,
                    TRAFFIC_SIGN,
                    Canvas.jitter(new int[] {230, 200, 40}, 10, rng),
                    Texture.FLAT,
                    1);
        }
    }

    private void car(int roadTop) {
        double t = rng.nextDouble();
        int bottom = roadTop + 4 + (int) ((height - roadTop - 4) * t);
        int h = (int) (height * (0.06 + 0.16 * t));
        int w = (int) (h * (1.6 + 0.6 * rng.nextDouble()));
        int x = (int) (width * 0.15 + rng.nextDouble() * (width * 0.7 - w));
        int[] body = Canvas.jitter(
                new int[][] {{180, 30, 30}, {30, 60, 170}, {220, 220, 220}, {40, 40, 45}}[rng.nextInt(4)], 20, rng);
        rect(x, bottom - h, x + w, bottom - h / 4, CAR, body, Texture.STRIPES, Math.max(2, w / 6));
        rect(x + w / 6, bottom - h - h / 3, x + w - w / 6, bottom - h, CAR, new int[] {50, 70, 90}, Texture.FLAT, 1);
        int wheel = Math.max(2, h / 3);
        rect(x + w / 8, bottom - wheel, x + w / 8 + wheel, bottom, CAR, new int[] {20, 20, 20}, Texture.FLAT, 1);
        rect(
                x + w - w / 8 - wheel,
                bottom - wheel,
                x + w - w / 8,
                bottom,
                CAR,
                new int[] {20, 20, 20},
                Texture.FLAT,
                1);
    }

    private void person(int roadTop) {
        double t = rng.nextDouble();
        int bottom = roadTop + 2 + (int) ((height - roadTop - 2) * t);
        int h = (int) (height * (0.12 + 0.2 * t));
        int w = Math.max(3, h / 3);
        int x = rng.nextBoolean()
                ? rng.nextInt(Math.max(1, width / 5))
                : width - w - rng.nextInt(Math.max(1, width / 5));
        int[] clothes =
                Canvas.jitter(new int[][] {{200, 60, 150}, {60, 170, 170}, {230, 140, 40}}[rng.nextInt(3)], 20, rng);
        int head = Math.max(2, h / 5);
        rect(
                x + w / 4,
                bottom - h,
                x + w - w / 4,
                bottom - h + head,
                PERSON,
                Canvas.jitter(new int[] {220, 180, 150}, 10, rng),
                Texture.FLAT,
                1);
        rect(x, bottom - h + head, x + w, bottom - h / 3, PERSON, clothes, Texture.STRIPES, 2);
        rect(x, bottom - h / 3, x + w / 3, bottom, PERSON, new int[] {40, 40, 70}, Texture.FLAT, 1);
        rect(x + w - w / 3, bottom - h / 3, x + w, bottom, PERSON, new int[] {40, 40, 70}, Texture.FLAT, 1);
    }

    private void ignoredRegions() {
        if (rng.nextInt(3) == 0) { // the hood of the recording car
            int band = Math.max(3, height / 14);
            rect(0, height - band, width, height, EGO_VEHICLE, new int[] {25, 25, 30}, Texture.FLAT, 1);
        }
        if (rng.nextInt(3) == 0) { // rectification border
            int b = Math.max(2, width / 100);
            rect(0, 0, b, height, OUT_OF_ROI, new int[] {0, 0, 0}, Texture.FLAT, 1);
            rect(width - b, 0, width, height, OUT_OF_ROI, new int[] {0, 0, 0}, Texture.FLAT, 1);
        }
        int statics = rng.nextInt(0, 3); // bins and boxes on the sidewalk
        for (int i = 0; i < statics; i++) {
            int s = Math.max(3, width / 40);
            int x = rng.nextInt(width - s), y = height / 2 + rng.nextInt(height / 2 - s);
            rect(x, y, x + s, y + s, STATIC, Canvas.jitter(new int[] {90, 110, 60}, 20, rng), Texture.FLAT, 1);
        }
        if (rng.nextBoolean()) { // an unlabeled patch
            int s = Math.max(3, width / 50);
            int x = rng.nextInt(width - s), y = rng.nextInt(height - s);
            rect(x, y, x + s, y + s, UNLABELED, Canvas.jitter(new int[] {128, 128, 128}, 60, rng), Texture.SPECKLE, 1);
        }
    }

    private void rect(int x0, int y0, int x1, int y1, int labelId, int[] colour, Texture texture, int period) {
        canvas.paintRect(x0, y0, x1, y1, colour, texture, period, rng);
        for (int y = Math.max(0, y0); y < Math.min(height, y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(width, x1); x++) labels[y * width + x] = (byte) labelId;
        }
    }

    private static int lerp(int a, int b, float t) {
        return Math.round(a + (b - a) * t);
    }
}
