package io.distill4j.model.loss;

/**
 * Plain double-precision loops written from docs/methods.md (and the task losses' Javadoc),
 * with no ND4J: the independent truth every loss is compared with. Each returns the batch loss L
 * without the weight. Layout: row n of {@code out} is the NCHW map flattened as c*P + p (P = H*W).
 */
public final class ReferenceLosses {

    private ReferenceLosses() {}

    private static double[] logSoftmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        double[] result = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            result[i] = x[i] - max - Math.log(sum);
        }
        return result;
    }

    private static double kl(double[] logP, double[] logQ) {
        double sum = 0;
        for (int i = 0; i < logP.length; i++) {
            sum += Math.exp(logP[i]) * (logP[i] - logQ[i]);
        }
        return sum;
    }

    /** Pixel KD; labels may carry a [P] mask after the C*P teacher logits. */
    public static double pixelKd(double[][] out, double[][] labels, int c, int pixels, double tau) {
        double sum = 0;
        int valid = 0;
        for (int n = 0; n < out.length; n++) {
            for (int p = 0; p < pixels; p++) {
                if (labels[n].length > c * pixels && labels[n][c * pixels + p] <= 0.5) {
                    continue;
                }
                valid++;
                double[] s = new double[c];
                double[] t = new double[c];
                for (int ch = 0; ch < c; ch++) {
                    s[ch] = out[n][ch * pixels + p] / tau;
                    t[ch] = labels[n][ch * pixels + p] / tau;
                }
                sum += kl(logSoftmax(t), logSoftmax(s));
            }
        }
        return tau * tau * sum / Math.max(1, valid);
    }

    public static double channelWise(double[][] out, double[][] labels, int c, int pixels, double tau) {
        double total = 0;
        for (int n = 0; n < out.length; n++) {
            double perExample = 0;
            for (int ch = 0; ch < c; ch++) {
                double[] s = new double[pixels];
                double[] t = new double[pixels];
                for (int p = 0; p < pixels; p++) {
                    s[p] = out[n][ch * pixels + p] / tau;
                    t[p] = labels[n][ch * pixels + p] / tau;
                }
                perExample += kl(logSoftmax(t), logSoftmax(s));
            }
            total += tau * tau / c * perExample;
        }
        return total / out.length;
    }

    private static double[] normalisedAttention(double[] map, int c, int pixels, double power) {
        double[] a = new double[pixels];
        double norm = 0;
        for (int p = 0; p < pixels; p++) {
            for (int ch = 0; ch < c; ch++) {
                a[p] += Math.pow(Math.abs(map[ch * pixels + p]), power);
            }
            norm += a[p] * a[p];
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        for (int p = 0; p < pixels; p++) {
            a[p] /= norm;
        }
        return a;
    }

    public static double attentionTransfer(
            double[][] out, double[][] labels, int cs, int ct, int pixels, double beta, double power) {
        double total = 0;
        for (int n = 0; n < out.length; n++) {
            double[] s = normalisedAttention(out[n], cs, pixels, power);
            double[] t = normalisedAttention(labels[n], ct, pixels, power);
            double squared = 0;
            for (int p = 0; p < pixels; p++) {
                squared += (s[p] - t[p]) * (s[p] - t[p]);
            }
            total += beta / 2 * Math.sqrt(squared);
        }
        return total / out.length;
    }

    /** G(i,j) of one example whose row holds F1 (m channels) then F2 (n channels). */
    public static double[] fspMatrix(double[] row, int m, int n, int pixels) {
        double[] g = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < pixels; p++) {
                    sum += row[i * pixels + p] * row[(m + j) * pixels + p];
                }
                g[i * n + j] = sum / pixels;
            }
        }
        return g;
    }

    public static double fsp(double[][] out, double[][] labels, int m, int n, int pixels) {
        double total = 0;
        for (int e = 0; e < out.length; e++) {
            double[] g = fspMatrix(out[e], m, n, pixels);
            for (int k = 0; k < m * n; k++) {
                total += (g[k] - labels[e][k]) * (g[k] - labels[e][k]);
            }
        }
        return total / out.length;
    }

    private static double[][] cosineAffinity(double[] map, int c, int height, int width, int cell) {
        int rows = height / cell;
        int cols = width / cell;
        int nodes = rows * cols;
        double[][] f = new double[nodes][c];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    f[(y / cell) * cols + x / cell][ch] += map[ch * height * width + y * width + x] / (cell * cell);
                }
            }
        }
        double[][] a = new double[nodes][nodes];
        for (int i = 0; i < nodes; i++) {
            for (int j = 0; j < nodes; j++) {
                double dot = 0;
                double ni = 0;
                double nj = 0;
                for (int ch = 0; ch < c; ch++) {
                    dot += f[i][ch] * f[j][ch];
                    ni += f[i][ch] * f[i][ch];
                    nj += f[j][ch] * f[j][ch];
                }
                a[i][j] = dot / (Math.max(Math.sqrt(ni), 1e-12) * Math.max(Math.sqrt(nj), 1e-12));
            }
        }
        return a;
    }

    public static double pairwise(double[][] out, double[][] labels, int cs, int ct, int height, int width, int cell) {
        double total = 0;
        for (int n = 0; n < out.length; n++) {
            double[][] s = cosineAffinity(out[n], cs, height, width, cell);
            double[][] t = cosineAffinity(labels[n], ct, height, width, cell);
            double sum = 0;
            for (int i = 0; i < s.length; i++) {
                for (int j = 0; j < s.length; j++) {
                    sum += (s[i][j] - t[i][j]) * (s[i][j] - t[i][j]);
                }
            }
            total += sum / ((double) s.length * s.length);
        }
        return total / out.length;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    public static double sigmoidKd(double[][] out, double[][] labels, double tau) {
        double sum = 0;
        int count = 0;
        for (int n = 0; n < out.length; n++) {
            for (int k = 0; k < out[n].length; k++) {
                double pt = sigmoid(labels[n][k] / tau);
                double ps = sigmoid(out[n][k] / tau);
                sum += pt * (Math.log(pt) - Math.log(ps)) + (1 - pt) * (Math.log(1 - pt) - Math.log(1 - ps));
                count++;
            }
        }
        return tau * tau * sum / count;
    }

    public static double segmentationCrossEntropy(
            double[][] out, double[][] labels, int classes, int pixels, int ignore) {
        double sum = 0;
        int valid = 0;
        for (int n = 0; n < out.length; n++) {
            for (int p = 0; p < pixels; p++) {
                int y = (int) labels[n][p];
                if (y == ignore) {
                    continue;
                }
                valid++;
                double[] z = new double[classes];
                for (int c = 0; c < classes; c++) {
                    z[c] = out[n][c * pixels + p];
                }
                sum -= logSoftmax(z)[y];
            }
        }
        return sum / Math.max(1, valid);
    }

    public static double centerNetFocal(double[][] out, double[][] labels, double alpha, double beta) {
        double sum = 0;
        int peaks = 0;
        for (int n = 0; n < out.length; n++) {
            for (int k = 0; k < out[n].length; k++) {
                double p = sigmoid(out[n][k]);
                double y = labels[n][k];
                if (y == 1.0) {
                    peaks++;
                    sum -= Math.pow(1 - p, alpha) * Math.log(p);
                } else {
                    sum -= Math.pow(1 - y, beta) * Math.pow(p, alpha) * Math.log(1 - p);
                }
            }
        }
        return sum / Math.max(1, peaks);
    }

    public static double maskedL1(double[][] out, double[][] labels, int c, int pixels) {
        double sum = 0;
        int masked = 0;
        for (int n = 0; n < out.length; n++) {
            for (int p = 0; p < pixels; p++) {
                if (labels[n][c * pixels + p] <= 0.5) {
                    continue;
                }
                masked++;
                for (int ch = 0; ch < c; ch++) {
                    sum += Math.abs(out[n][ch * pixels + p] - labels[n][ch * pixels + p]);
                }
            }
        }
        return sum / Math.max(1, masked);
    }
}
