package io.distill4j.bench;

import io.distill4j.distill.*;
import io.distill4j.model.loss.CenterNetFocalLoss;
import io.distill4j.model.loss.MaskedL1Loss;
import io.distill4j.model.loss.SegmentationCrossEntropyLoss;
import java.util.Locale;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Times forward + backward ({@code computeGradientAndScore}) of every loss on realistic fp32 maps:
 * batch 8, 19 x 128 x 256 logits (Cityscapes at stride 8 of 1024 x 2048), 256 x 64 x 128 features,
 * pair-wise on 256 x 64 x 128 pooled by 4 (512 nodes: its |R|^2 affinity is the cost), FSP on two
 * 128-channel 64 x 128 maps, DarkRank on the logits against the teacher features (pooling both is
 * most of its cost), the holistic student term and one critic step on the logits, CenterNet heads
 * 80 x 128 x 128. Prints the median of the runs in ms.
 *
 * <pre>
 *   mvn -B -o -q compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=compile
 *   java -cp target/classes:$(cat target/classpath.txt) io.distill4j.bench.LossBench [runs]
 * </pre>
 */
public final class LossBench {

    private static final int BATCH = 8;

    private LossBench() {}

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getRandom().setSeed(1);
        int classes = 19;
        int h = 128;
        int w = 256;
        int pixels = h * w;
        INDArray logits =
                Nd4j.randn(DataType.FLOAT, BATCH, (long) classes * pixels).muli(3);
        INDArray teacherLogits =
                Nd4j.randn(DataType.FLOAT, BATCH, (long) classes * pixels).muli(3);
        INDArray validMask = Nd4j.rand(DataType.FLOAT, BATCH, pixels).gt(0.1).castTo(DataType.FLOAT);
        INDArray teacherWithMask = Nd4j.concat(1, teacherLogits, validMask);
        INDArray trainIds =
                Transforms.floor(Nd4j.rand(DataType.FLOAT, BATCH, pixels).muli(classes), false);

        int features = 256;
        int fh = 64;
        int fw = 128;
        INDArray studentFeatures = Nd4j.randn(DataType.FLOAT, BATCH, (long) features * fh * fw);
        INDArray teacherFeatures = Nd4j.randn(DataType.FLOAT, BATCH, (long) features * fh * fw);
        INDArray fspTeacher = Nd4j.randn(DataType.FLOAT, BATCH, 128L * 128).muli(0.1);

        int heatClasses = 80;
        int hh = 128;
        INDArray heatLogits = Nd4j.randn(DataType.FLOAT, BATCH, (long) heatClasses * hh * hh);
        INDArray heatTeacher = Nd4j.randn(DataType.FLOAT, BATCH, (long) heatClasses * hh * hh);
        INDArray heatmaps =
                Nd4j.rand(DataType.FLOAT, BATCH, (long) heatClasses * hh * hh).muli(0.99);
        heatmaps.putScalar(0, 1000, 1.0);
        INDArray regression = Nd4j.randn(DataType.FLOAT, BATCH, 2L * hh * hh);
        INDArray regressionLabels = Nd4j.concat(
                1,
                Nd4j.randn(DataType.FLOAT, BATCH, 2L * hh * hh),
                Nd4j.rand(DataType.FLOAT, BATCH, (long) hh * hh).gt(0.99).castTo(DataType.FLOAT));

        System.out.printf(Locale.ROOT, "%-58s %10s%n", "loss (batch 8, fp32, forward+backward)", "median ms");
        time("PixelKd 19x128x256 + mask", new PixelKdLoss(classes, h, w, 4, 1), teacherWithMask, logits, runs);
        time(
                "CWD logits 19x128x256",
                new ChannelWiseDistillationLoss(classes, h, w, 4, 1),
                teacherLogits,
                logits,
                runs);
        time(
                "CWD features 256x64x128",
                new ChannelWiseDistillationLoss(features, fh, fw, 4, 1),
                teacherFeatures,
                studentFeatures,
                runs);
        time(
                "AT features 256x64x128",
                new AttentionTransferLoss(features, features, fh, fw, 1000),
                teacherFeatures,
                studentFeatures,
                runs);
        time("FSP 128+128 x64x128", new FspLoss(128, 128, fh, fw, 1), fspTeacher, studentFeatures, runs);
        time(
                "Pairwise 256x64x128 pooled by 4 (512 nodes)",
                new PairwiseSimilarityLoss(features, features, fh, fw, 4, 1),
                teacherFeatures,
                studentFeatures,
                runs);
        time(
                "DarkRank soft k=4, logits 19x128x256 vs 256x64x128",
                new DarkRankLoss(classes, pixels, features, fh * fw, 3, 3, 4, DarkRankLoss.Transfer.SOFT, 1),
                teacherFeatures,
                logits,
                runs);
        time(
                "DarkRank soft k=6 (720 orders), same maps",
                new DarkRankLoss(classes, pixels, features, fh * fw, 3, 3, 6, DarkRankLoss.Transfer.SOFT, 1),
                teacherFeatures,
                logits,
                runs);
        time(
                "DarkRank hard k=7, same maps",
                new DarkRankLoss(classes, pixels, features, fh * fw, 3, 3, 7, DarkRankLoss.Transfer.HARD, 1),
                teacherFeatures,
                logits,
                runs);
        // Holistic: labels = the image at the logits grid (3 channels) then the teacher logits.
        INDArray holisticLabels = Nd4j.concat(1, Nd4j.randn(DataType.FLOAT, BATCH, 3L * pixels), teacherLogits);
        time(
                "Holistic student term, critic 32 hidden 3x3, 19x128x256",
                new HolisticLoss(classes, h, w, 1, 0.1, new HolisticCritic(classes, 32, 3, 1)),
                holisticLabels,
                logits,
                runs);
        timeCriticStep(classes, h, w, runs);
        time(
                "SigmoidKd heatmaps 80x128x128",
                new SigmoidKdLoss(heatClasses, hh, hh, 2, 1),
                heatTeacher,
                heatLogits,
                runs);
        time("SegmentationCE 19x128x256", new SegmentationCrossEntropyLoss(classes, h, w), trainIds, logits, runs);
        time("CenterNetFocal 80x128x128", new CenterNetFocalLoss(heatClasses, hh, hh), heatmaps, heatLogits, runs);
        time("MaskedL1 2x128x128", new MaskedL1Loss(2, hh, hh, 1), regressionLabels, regression, runs);
    }

    /** One WGAN-GP critic step (driver side) on BATCH real/fake pairs of the given map size. */
    private static void timeCriticStep(int classes, int h, int w, int runs) {
        HolisticCritic critic = new HolisticCritic(classes, 32, 3, 1);
        java.util.Random random = new java.util.Random(1);
        java.util.List<double[]> real = new java.util.ArrayList<>(),
                fake = new java.util.ArrayList<>(),
                images = new java.util.ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            real.add(HolisticLoss.softmax(
                    random.doubles((long) classes * h * w).map(x -> 6 * x).toArray(), classes, h * w, 1));
            fake.add(HolisticLoss.softmax(random.doubles((long) classes * h * w).toArray(), classes, h * w, 1));
            images.add(random.doubles(3L * h * w).toArray());
        }
        double[] eps = random.doubles(BATCH).toArray();
        critic.step(real, fake, images, h, w, 10, eps); // warm-up
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            critic.step(real, fake, images, h, w, 10, eps);
            nanos[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(nanos);
        System.out.printf(
                Locale.ROOT,
                "%-58s %10.1f%n",
                "Holistic critic step (driver, all cores), 8 pairs " + classes + "x" + h + "x" + w,
                nanos[runs / 2] / 1e6);
    }

    private static void time(String what, ILossFunction loss, INDArray labels, INDArray output, int runs) {
        loss.computeGradientAndScore(labels, output, new ActivationIdentity(), null, true); // warm-up
        long[] nanos = new long[runs];
        double score = 0;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            score = loss.computeGradientAndScore(labels, output, new ActivationIdentity(), null, true)
                    .getFirst();
            nanos[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-58s %10.1f   (score %.4g)%n", what, nanos[runs / 2] / 1e6, score);
    }
}
