package io.distill4j.eval.report;

/** The official Cityscapes colours of the 19 trainIds (cityscapesscripts labels.py); ignore is black. */
public final class CityscapesPalette {
    private static final int[] RGB = {
        0x804080, 0xF423E8, 0x464646, 0x66669C, 0xBE9999, 0x999999, 0xFAAA1E, 0xDCDC00, 0x6B8E23,
        0x98FB98, 0x4682B4, 0xDC143C, 0xFF0000, 0x00008E, 0x000046, 0x003C64, 0x005064, 0x0000E6,
        0x770B20
    };

    private CityscapesPalette() {}

    /** 0xRRGGBB of a trainId; black for 255 and anything outside 0..18. */
    public static int rgb(int trainId) {
        return trainId >= 0 && trainId < RGB.length ? RGB[trainId] : 0x000000;
    }
}
