package io.distill4j.distill;

/**
 * The critic score D(I, Q) written straight from the formula with nested arrays and explicit bounds
 * checks for the zero padding, independent of {@link HolisticCritic}'s shifted-plane loops.
 */
final class HolisticCriticReference {
    private HolisticCriticReference() {}

    static double score(
            int classes, int hidden, int kernel, double[] params, double[] q, double[] image, int h, int w) {
        int cin = classes + 3;
        int r = kernel / 2;
        double[][][][] weight = new double[hidden][cin][kernel][kernel];
        int index = 0;
        for (int k = 0; k < hidden; k++) {
            for (int c = 0; c < cin; c++) {
                for (int dy = 0; dy < kernel; dy++) {
                    for (int dx = 0; dx < kernel; dx++) {
                        weight[k][c][dy][dx] = params[index++];
                    }
                }
            }
        }
        double[] bias = new double[hidden];
        double[] readout = new double[hidden];
        for (int k = 0; k < hidden; k++) {
            bias[k] = params[index + k];
            readout[k] = params[index + hidden + k];
        }
        double constant = params[index + 2 * hidden];

        double[][][] x = new double[cin][h][w];
        for (int c = 0; c < cin; c++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    x[c][y][xx] = c < classes ? q[(c * h + y) * w + xx] : image[((c - classes) * h + y) * w + xx];
                }
            }
        }

        double d = constant;
        for (int k = 0; k < hidden; k++) {
            double mean = 0;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    double z = bias[k];
                    for (int c = 0; c < cin; c++) {
                        for (int dy = 0; dy < kernel; dy++) {
                            for (int dx = 0; dx < kernel; dx++) {
                                int sy = y + dy - r;
                                int sx = xx + dx - r;
                                boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                                z += weight[k][c][dy][dx] * (inside ? x[c][sy][sx] : 0.0);
                            }
                        }
                    }
                    mean += Math.tanh(z) / (h * w);
                }
            }
            d += readout[k] * mean;
        }
        return d;
    }
}
