package io.distill4j.eval.report;

import static org.junit.jupiter.api.Assertions.*;

import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.eval.MetricsJson;
import io.distill4j.eval.SegmentationMetrics;
import io.distill4j.eval.coco.CocoDetection;
import io.distill4j.eval.coco.CocoGt;
import io.distill4j.eval.coco.CocoStats;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    private static final int H = 8;
    private static final int W = 12;

    private static byte[] greyImage() {
        byte[] chw = new byte[3 * H * W];
        java.util.Arrays.fill(chw, (byte) 100);
        return chw;
    }

    private static byte[] map(int value) {
        byte[] m = new byte[H * W];
        java.util.Arrays.fill(m, (byte) value);
        return m;
    }

    @Test
    void segmentationStripAndAgreementMapShowWhereMapsDiffer(@TempDir Path dir) throws Exception {
        ReportWriter report = new ReportWriter(dir.resolve("report"));
        byte[] gt = map(0);
        gt[0] = (byte) 255; // ignored pixel
        byte[] teacher = map(0);
        byte[] student = map(0);
        student[5 * W + 7] = 13; // car where the teacher says road
        Path file = report.addSegmentationSample(
                "cityscapes/val/aachen/aachen_000000_000019", greyImage(), H, W, gt, teacher, student);
        int f = Pictures.scaleFor(W);
        assertTrue(f * W >= 250, "small shards are enlarged to a legible width: " + f * W);
        BufferedImage strip = ImageIO.read(file.toFile());
        assertEquals(5 * W * f, strip.getWidth(), "image | gt | teacher | student | agreement");
        int top = strip.getHeight() - H * f;
        assertTrue(top > 30, "title and caption rows above the panels");
        assertEquals(
                0x000000, strip.getRGB(W * f + f / 2, top + f / 2) & 0xFFFFFF, "ignore pixel is black in the gt panel");
        assertEquals(
                0x000000, strip.getRGB(W * f + f - 1, top + f - 1) & 0xFFFFFF, "nearest neighbour: the whole block");
        int teacherPx = strip.getRGB(2 * W * f + 7 * f + f / 2, top + 5 * f + f / 2) & 0xFFFFFF;
        int studentPx = strip.getRGB(3 * W * f + 7 * f + f / 2, top + 5 * f + f / 2) & 0xFFFFFF;
        assertNotEquals(teacherPx, studentPx, "road vs car overlay colours differ");
        assertEquals(
                teacherPx,
                strip.getRGB(3 * W * f + 6 * f + f / 2, top + 5 * f + f / 2) & 0xFFFFFF,
                "agreeing pixels look alike");
        int agreement = 4 * W * f;
        assertEquals(Pictures.DISAGREE_RGB, strip.getRGB(agreement + 7 * f + f / 2, top + 5 * f + f / 2) & 0xFFFFFF);
        assertNotEquals(Pictures.DISAGREE_RGB, strip.getRGB(agreement + 6 * f + f / 2, top + 5 * f + f / 2) & 0xFFFFFF);
        assertTrue(file.getFileName().toString().startsWith("cityscapes_val_aachen_"));
    }

    @Test
    void disagreementColourIsNoClassColour() {
        int d = Pictures.DISAGREE_RGB;
        for (int id = 0; id < CityscapesLabels.NUM_CLASSES; id++) {
            int c = CityscapesPalette.rgb(id);
            double dist = Math.sqrt(Math.pow((c >> 16 & 0xFF) - (d >> 16 & 0xFF), 2)
                    + Math.pow((c >> 8 & 0xFF) - (d >> 8 & 0xFF), 2)
                    + Math.pow((c & 0xFF) - (d & 0xFF), 2));
            assertTrue(
                    dist > 120,
                    CityscapesLabels.TRAIN_NAMES.get(id) + " is too close to the disagreement colour: " + dist);
        }
    }

    @Test
    void captionsCarryEachPredictionsIouOnTheImage() {
        byte[] gt = map(0);
        byte[] half = map(0);
        for (int i = 0; i < H * W / 2; i++) half[i] = 1;
        assertEquals("mIoU 100.0%", ReportWriter.imageIou(gt, map(0)));
        assertEquals("mIoU 25.0%", ReportWriter.imageIou(gt, half), "road IoU 0.5, sidewalk IoU 0 (predicted only)");
    }

    @Test
    void stripWithoutTeacherHasThreePanelsAndNoAgreement(@TempDir Path dir) throws Exception {
        Path file = new ReportWriter(dir).addSegmentationSample("s1", greyImage(), H, W, map(1), null, map(2));
        assertEquals(3 * W * Pictures.scaleFor(W), ImageIO.read(file.toFile()).getWidth());
    }

    @Test
    void detectionSampleDrawsBoxesOnTheEnlargedImage(@TempDir Path dir) throws Exception {
        Path file = new ReportWriter(dir)
                .addDetectionSample(
                        "coco/val2017/000000000139",
                        new byte[3 * 60 * 80],
                        60,
                        80,
                        List.of(new CocoGt(139, 1, 5, 5, 20, 20, 400, false)),
                        List.of(new CocoDetection(139, 1, 40, 20, 30, 30, 0.87)),
                        Map.of(1, "person"));
        int f = Pictures.scaleFor(80);
        assertTrue(f > 1);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(80 * f, img.getWidth());
        assertEquals(60 * f, img.getHeight());
        assertEquals(0x00C000, img.getRGB(5 * f, 15 * f) & 0xFFFFFF, "gt box edge");
        assertEquals(0, img.getRGB(50 * f, 40 * f) & 0xFFFFFF, "inside a box stays the image");
        int edge = img.getRGB(40 * f, 45 * f);
        assertTrue((edge >> 16 & 0xFF) > 150 && (edge & 0xFF) < 100, "detection edge is red");
    }

    @Test
    void detectionStripPutsGroundTruthTeacherAndStudentSideBySide(@TempDir Path dir) throws Exception {
        List<CocoGt> gt = List.of(new CocoGt(139, 1, 5, 5, 20, 20, 400, false));
        List<CocoDetection> teacher = List.of(new CocoDetection(139, 1, 6, 6, 20, 20, 0.9));
        List<CocoDetection> student = List.of(new CocoDetection(139, 1, 40, 20, 30, 30, 0.87));
        Path file = new ReportWriter(dir)
                .addDetectionStrip(
                        "coco/val2017/000000000139",
                        new byte[3 * 60 * 80],
                        60,
                        80,
                        gt,
                        teacher,
                        student,
                        Map.of(1, "person"));
        int f = Pictures.scaleFor(80);
        int pw = 80 * f;
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(3 * pw, img.getWidth(), "ground truth | teacher | student");
        int header = img.getHeight() - 60 * f;
        assertEquals(0x00C000, img.getRGB(5 * f, header + 15 * f) & 0xFFFFFF, "gt box edge in the first panel");
        assertEquals(
                0,
                img.getRGB(pw + 5 * f, header + 15 * f) & 0xFFFFFF & 0x00FF00,
                "no ground truth in the teacher panel");
        int edge = img.getRGB(2 * pw + 40 * f, header + 45 * f);
        assertTrue(
                (edge >> 16 & 0xFF) > 150 && (edge & 0xFF) < 100, "student detection edge is red in the third panel");
        BufferedImage alone = ImageIO.read(new ReportWriter(dir.resolve("b"))
                .addDetectionStrip("s", new byte[3 * 60 * 80], 60, 80, gt, null, student, Map.of(1, "person"))
                .toFile());
        assertEquals(2 * pw, alone.getWidth(), "without a teacher: ground truth | model");
    }

    @Test
    void detectionPicturesShowOnlyTheBestScoringBoxes() {
        List<CocoDetection> many = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) many.add(new CocoDetection(1, 1, i, i, 5, 5, 0.05 * i));
        assertEquals(3, ReportWriter.boxesShown(1));
        assertEquals(8, ReportWriter.boxesShown(4));
        assertEquals(
                List.of(0.45, 0.4, 0.35),
                ReportWriter.best(many, 3).stream()
                        .map(d -> Math.round(d.score() * 100) / 100.0)
                        .toList());
    }

    @Test
    void curvesComeFromMetricsJsonlWithLossesAndMetricsApart(@TempDir Path dir) throws Exception {
        Path jsonl = dir.resolve("metrics.jsonl");
        Files.writeString(
                jsonl,
                """
                {"epoch":0,"iteration":10,"loss":2.5,"loss_kd":1.0}
                {"epoch":0,"iteration":20,"loss":2.0,"loss_kd":0.8}
                {"epoch":1,"iteration":30,"loss":1.5,"loss_kd":0.5,"val_miou":0.31}

                {"epoch":1,"iteration":40,"loss":1.2,"loss_kd":0.4,"val_miou":0.35}
                """);
        List<Path> charts = new ReportWriter(dir.resolve("report")).writeCurves(jsonl);
        assertEquals(
                List.of("curves_loss.png", "curves_val_miou.png"),
                charts.stream().map(p -> p.getFileName().toString()).toList(),
                "the validation metric gets its own y axis");
        BufferedImage loss = ImageIO.read(charts.get(0).toFile());
        assertEquals(ReportWriter.CHART_W, loss.getWidth());
        assertEquals(ReportWriter.CHART_H, loss.getHeight());
        long coloured = 0;
        for (int y = 0; y < loss.getHeight(); y++) {
            for (int x = 0; x < loss.getWidth(); x++) {
                int p = loss.getRGB(x, y);
                int r = p >> 16 & 0xFF, g = p >> 8 & 0xFF, b = p & 0xFF;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) coloured++;
            }
        }
        assertTrue(coloured > 200, "lines and legend are drawn in colour: " + coloured);
    }

    @Test
    void malformedJsonlLineIsNamed(@TempDir Path dir) throws Exception {
        Path jsonl = Files.writeString(dir.resolve("metrics.jsonl"), "{\"loss\":1}\n{oops\n");
        var e = assertThrows(java.io.IOException.class, () -> new ReportWriter(dir.resolve("r")).writeCurves(jsonl));
        assertTrue(e.getMessage().contains("metrics.jsonl line 2"), e.getMessage());
    }

    @Test
    void indexReferencesEveryPngAndTheTables(@TempDir Path dir) throws Exception {
        ReportWriter report = new ReportWriter(dir.resolve("report"));
        SegmentationMetrics m = new SegmentationMetrics(19).add(map(0), map(0));
        report.writeMetrics(m.toMetricsJson("student", "val", CityscapesLabels.TRAIN_NAMES));
        report.addSegmentationSample("a", greyImage(), H, W, map(0), map(0), map(1));
        report.addSegmentationSample("b", greyImage(), H, W, map(0), null, map(1));
        Path jsonl = Files.writeString(
                dir.resolve("metrics.jsonl"), "{\"epoch\":0,\"loss\":1}\n{\"epoch\":1,\"loss\":0.5}\n");
        report.writeCurves(jsonl);
        String html = Files.readString(report.writeIndex("run 42"));
        List<String> pngs;
        try (Stream<Path> s = Files.walk(report.directory())) {
            pngs = s.filter(p -> p.toString().endsWith(".png"))
                    .map(p -> report.directory().relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
        assertEquals(3, pngs.size(), pngs.toString());
        for (String p : pngs) assertTrue(html.contains("src=\"" + p + "\""), p + " missing from index.html");
        assertTrue(html.contains("<td>road</td><td>100.00</td>"), "per-class table in the index");
        assertTrue(
                html.contains("class=\"legend\"") && html.contains("#804080") && html.contains("motorcycle"),
                "the colour legend names the classes");
        String csv = Files.readString(report.directory().resolve("per_class.csv"));
        assertTrue(csv.startsWith("class,IoU %\nroad,100.00\nsidewalk,n/a\n"), csv);
        assertTrue(Files.exists(report.directory().resolve("per_class.html")));
        assertEquals(
                "segmentation",
                MetricsJson.read(report.directory().resolve("metrics.json"))
                        .get("task")
                        .asText());
    }

    @Test
    void detectionMetricsGiveATwelveRowTable(@TempDir Path dir) throws Exception {
        ReportWriter report = new ReportWriter(dir);
        double[] s = {0.4, 0.6, 0.45, -1, 0.3, 0.5, 0.3, 0.5, 0.55, -1, 0.4, 0.6};
        report.writeMetrics(new CocoStats(s, Map.of()).toMetricsJson("teacher", "val2017"));
        List<String> lines = Files.readAllLines(dir.resolve("per_class.csv"));
        assertEquals(13, lines.size());
        assertEquals("AP,0.4000", lines.get(1));
        assertEquals("AP_small,-1.0000", lines.get(4));
    }
}
