package io.distill4j.data.sample;

import io.distill4j.data.ChwImage;
import io.distill4j.data.coco.CocoPolygons;
import io.distill4j.data.coco.CocoRle;
import io.distill4j.data.coco.CocoSegmentation;
import io.distill4j.data.sample.Canvas.Texture;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paints one COCO-style image: a textured background with a few unannotated distractor patches, and
 * up to five non-overlapping objects of five categories, each a polygon (ellipse, rectangle or
 * triangle, slightly rotated) with its category's colour and texture. Object areas are drawn from
 * COCOeval's three ranges (small &lt; 32^2, medium, large &gt; 96^2) where the shape fits the image.
 * On request a crowd region (a cluster of small people) is added and annotated as an RLE.
 *
 * <p>Every annotation's bbox is the tight box of its rasterised mask and its area the mask's pixel
 * count, so readers can check both against the segmentation.
 */
final class CocoScenes {

    /** Category id, name, supercategory, base colour, texture, shape and the shape's area per side^2. */
    enum Category {
        PERSON(1, "person", "person", new int[] {200, 70, 70}, Texture.STRIPES, Shape.ELLIPSE, 0.5, 1.0),
        CAR(3, "car", "vehicle", new int[] {50, 90, 200}, Texture.GRID, Shape.RECTANGLE, 1.0, 0.55),
        DOG(18, "dog", "animal", new int[] {150, 105, 60}, Texture.SPECKLE, Shape.ELLIPSE, 1.0, 0.6),
        BOTTLE(44, "bottle", "kitchen", new int[] {60, 180, 90}, Texture.FLAT, Shape.RECTANGLE, 0.4, 1.0),
        CHAIR(62, "chair", "furniture", new int[] {220, 200, 60}, Texture.CHECKER, Shape.TRIANGLE, 0.9, 1.0);

        final int id;
        final String label;
        final String supercategory;
        final int[] colour;
        final Texture texture;
        final Shape shape;
        final double widthFactor;
        final double heightFactor;

        Category(
                int id,
                String label,
                String supercategory,
                int[] colour,
                Texture texture,
                Shape shape,
                double widthFactor,
                double heightFactor) {
            this.id = id;
            this.label = label;
            this.supercategory = supercategory;
            this.colour = colour;
            this.texture = texture;
            this.shape = shape;
            this.widthFactor = widthFactor;
            this.heightFactor = heightFactor;
        }

        double areaPerSide2() {
            return widthFactor * heightFactor * shape.fill;
        }
    }

    enum Shape {
        ELLIPSE(Math.PI / 4),
        RECTANGLE(1.0),
        TRIANGLE(0.5);

        final double fill;

        Shape(double fill) {
            this.fill = fill;
        }
    }

    /** One annotation of a generated image. */
    record GeneratedObject(int categoryId, CocoSegmentation segmentation, float[] bbox, long area, boolean iscrowd) {}

    record Scene(ChwImage image, List<GeneratedObject> objects) {}

    private static final int MAX_OBJECTS = 5;
    private static final int PLACEMENT_TRIES = 30;

    private final int height;
    private final int width;
    private final SplittableRandom rng;
    private final Canvas canvas;
    private final List<int[]> occupied = new ArrayList<>();
    private final List<GeneratedObject> objects = new ArrayList<>();

    private CocoScenes(int height, int width, SplittableRandom rng) {
        this.height = height;
        this.width = width;
        this.rng = rng;
        this.canvas = new Canvas(height, width);
    }

    /**
     * @param crowd           whether to add a crowd region
     * @param compressedCrowd whether its RLE is written in the compressed string form
     */
    static Scene draw(int height, int width, SplittableRandom rng, boolean crowd, boolean compressedCrowd) {
        CocoScenes s = new CocoScenes(height, width, rng);
        s.background();
        if (crowd) s.crowd(compressedCrowd);
        int n = rng.nextInt(1, MAX_OBJECTS + 1);
        boolean large = false;
        for (int i = 0; i < n; i++) {
            int range = rng.nextInt(10);
            // 40% small, 40% medium, 20% large, at most one large object per image.
            int sizeClass = range < 4 ? 0 : range < 8 || large ? 1 : 2;
            if (s.object(Category.values()[rng.nextInt(Category.values().length)], sizeClass) && sizeClass == 2)
                large = true;
        }
        s.canvas.addNoise(8, rng);
        return new Scene(s.canvas.toImage(), List.copyOf(s.objects));
    }

    private void background() {
        int[] a = Canvas.jitter(new int[] {120, 120, 110}, 40, rng);
        int[] b = Canvas.jitter(new int[] {160, 150, 140}, 40, rng);
        double fx = 0.02 + 0.08 * rng.nextDouble(), fy = 0.02 + 0.08 * rng.nextDouble();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double t = 0.5 + 0.5 * Math.sin(x * fx) * Math.cos(y * fy);
                canvas.put(y, x, new int[] {
                    (int) (a[0] + (b[0] - a[0]) * t), (int) (a[1] + (b[1] - a[1]) * t), (int) (a[2] + (b[2] - a[2]) * t)
                });
            }
        }
        int distractors = rng.nextInt(0, 4);
        for (int i = 0; i < distractors; i++) {
            int w = rng.nextInt(8, width / 3), h = rng.nextInt(8, height / 3);
            int x = rng.nextInt(width - w), y = rng.nextInt(height - h);
            int grey = rng.nextInt(60, 200);
            canvas.paintRect(x, y, x + w, y + h, new int[] {grey, grey, grey + 10}, Texture.SPECKLE, 1, rng);
        }
    }

    private boolean object(Category category, int sizeClass) {
        double area =
                switch (sizeClass) {
                    case 0 -> 60 + rng.nextDouble() * 840;
                    case 1 -> 1300 + rng.nextDouble() * 6700;
                    default -> 10_000 + rng.nextDouble() * 6000;
                };
        double side = Math.sqrt(area / category.areaPerSide2());
        double maxSide = (Math.min(height, width) - 6) / Math.max(category.widthFactor, category.heightFactor);
        side = Math.min(side, maxSide);
        double[] shape = outline(category, side, (rng.nextDouble() - 0.5) * 0.5);
        double[] placed = place(shape);
        if (placed == null) return false;
        List<double[]> polygons = List.of(placed);
        byte[] mask = CocoPolygons.rasterize(polygons, height, width);
        int[] box = tightBox(mask);
        if (box == null) return false;
        canvas.paint(
                mask, Canvas.jitter(category.colour, 25, rng), category.texture, Math.max(2, (int) (side / 6)), rng);
        occupied.add(box);
        objects.add(new GeneratedObject(
                category.id, new CocoSegmentation.Polygons(polygons), toBbox(box), count(mask), false));
        return true;
    }

    private void crowd(boolean compressed) {
        int w = rng.nextInt(width / 4, width / 2), h = rng.nextInt(height / 6, height / 3);
        int x0 = rng.nextInt(2, width - w - 2), y0 = rng.nextInt(2, height - h - 2);
        byte[] mask = new byte[height * width];
        int people = rng.nextInt(4, 9);
        for (int i = 0; i < people; i++) {
            double rx = rng.nextDouble(2, Math.max(3, w / 6.0)), ry = rx * 2;
            double cx = x0 + rx + rng.nextDouble() * Math.max(1, w - 2 * rx);
            double cy = y0 + ry + rng.nextDouble() * Math.max(1, h - 2 * ry);
            byte[] one = CocoPolygons.rasterize(List.of(ellipse(cx, cy, rx, Math.min(ry, h / 2.0), 0)), height, width);
            for (int k = 0; k < mask.length; k++) mask[k] |= one[k];
        }
        int[] box = tightBox(mask);
        if (box == null) return;
        canvas.paint(mask, Canvas.jitter(Category.PERSON.colour, 25, rng), Category.PERSON.texture, 3, rng);
        occupied.add(box);
        objects.add(new GeneratedObject(
                Category.PERSON.id,
                new CocoSegmentation.Rle(CocoRle.fromMask(mask, height, width), compressed),
                toBbox(box),
                count(mask),
                true));
    }

    /** The category's polygon centred on the origin, rotated by {@code angle} radians. */
    private double[] outline(Category c, double side, double angle) {
        double w = side * c.widthFactor, h = side * c.heightFactor;
        return switch (c.shape) {
            case ELLIPSE -> ellipse(0, 0, w / 2, h / 2, angle);
            case RECTANGLE -> rotate(new double[] {-w / 2, -h / 2, w / 2, -h / 2, w / 2, h / 2, -w / 2, h / 2}, angle);
            case TRIANGLE -> rotate(new double[] {0, -h / 2, w / 2, h / 2, -w / 2, h / 2}, angle);
        };
    }

    private static double[] ellipse(double cx, double cy, double rx, double ry, double angle) {
        int n = 24;
        double[] p = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double t = 2 * Math.PI * i / n;
            p[2 * i] = rx * Math.cos(t);
            p[2 * i + 1] = ry * Math.sin(t);
        }
        double[] r = rotate(p, angle);
        for (int i = 0; i < n; i++) {
            r[2 * i] = round2(r[2 * i] + cx);
            r[2 * i + 1] = round2(r[2 * i + 1] + cy);
        }
        return r;
    }

    private static double[] rotate(double[] p, double angle) {
        double cos = Math.cos(angle), sin = Math.sin(angle);
        double[] r = new double[p.length];
        for (int i = 0; i < p.length; i += 2) {
            r[i] = p[i] * cos - p[i + 1] * sin;
            r[i + 1] = p[i] * sin + p[i + 1] * cos;
        }
        return r;
    }

    /** Moves the shape to a random spot inside the image clear of earlier objects; null if none found. */
    private double[] place(double[] shape) {
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int i = 0; i < shape.length; i += 2) {
            minX = Math.min(minX, shape[i]);
            maxX = Math.max(maxX, shape[i]);
            minY = Math.min(minY, shape[i + 1]);
            maxY = Math.max(maxY, shape[i + 1]);
        }
        double spanX = width - 2 - (maxX - minX), spanY = height - 2 - (maxY - minY);
        if (spanX <= 0 || spanY <= 0) return null;
        for (int attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
            double dx = 1 - minX + rng.nextDouble() * spanX, dy = 1 - minY + rng.nextDouble() * spanY;
            int[] box = {
                (int) Math.floor(minX + dx) - 2,
                (int) Math.floor(minY + dy) - 2,
                (int) Math.ceil(maxX + dx) + 2,
                (int) Math.ceil(maxY + dy) + 2
            };
            if (overlaps(box)) continue;
            double[] out = new double[shape.length];
            for (int i = 0; i < shape.length; i += 2) {
                // Two decimals, as written to the JSON: the mask is rasterised from exactly these values.
                out[i] = round2(shape[i] + dx);
                out[i + 1] = round2(shape[i + 1] + dy);
            }
            return out;
        }
        return null;
    }

    private boolean overlaps(int[] box) {
        for (int[] o : occupied) {
            if (box[0] <= o[2] && o[0] <= box[2] && box[1] <= o[3] && o[1] <= box[3]) return true;
        }
        return false;
    }

    /** {x0, y0, x1, y1} inclusive pixel bounds of the mask, or null when empty. */
    private int[] tightBox(byte[] mask) {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (mask[y * width + x] != 0) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? null : new int[] {x0, y0, x1, y1};
    }

    private static float[] toBbox(int[] box) {
        return new float[] {box[0], box[1], box[2] - box[0] + 1, box[3] - box[1] + 1};
    }

    private static long count(byte[] mask) {
        long n = 0;
        for (byte b : mask) n += b;
        return n;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
