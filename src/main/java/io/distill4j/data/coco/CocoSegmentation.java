package io.distill4j.data.coco;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** An annotation's {@code segmentation}: polygons (iscrowd = 0) or an RLE (iscrowd = 1). */
public sealed interface CocoSegmentation extends Serializable {

    /** The mask as a row-major 0/1 array of the image's size. */
    byte[] toMask(int height, int width);

    /**
     * One or more polygons {@code [x1, y1, x2, y2, ...]} in pixel coordinates; the object is their union.
     */
    record Polygons(List<double[]> polygons) implements CocoSegmentation {
        public Polygons {
            List<double[]> copy = new ArrayList<>(polygons.size());
            for (double[] p : polygons) copy.add(p.clone());
            polygons = List.copyOf(copy);
        }

        @Override
        public byte[] toMask(int height, int width) {
            return CocoPolygons.rasterize(polygons, height, width);
        }
    }

    /**
     * A run-length encoded mask. {@code compressed} records which form the file used
     * (the string form when true, the list of ints when false).
     */
    record Rle(CocoRle rle, boolean compressed) implements CocoSegmentation {
        @Override
        public byte[] toMask(int height, int width) {
            if (height != rle.height() || width != rle.width()) {
                throw new IllegalArgumentException("RLE size [" + rle.height() + ", " + rle.width()
                        + "] differs from image size [" + height + ", " + width + "]");
            }
            return rle.toMask();
        }
    }
}
