package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.*;

import io.distill4j.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The reports as a person sees them: a Cityscapes pipeline and a COCO pipeline run into one work
 * directory (real local Spark, real training, real evaluation), then every report page is opened in
 * Debian's headless Chromium. A page fails on an image that does not load, a link to a file that
 * does not exist, or a script error in the console. Set {@code -Dreports.screenshots=docs/images}
 * to keep one screenshot of each page type.
 */
@Tag("browser")
class ReportsInBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path tmp;

    static Path work;
    static ChromeDriver browser;

    @BeforeAll
    static void runPipelinesAndOpenBrowser() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver): " + CHROMIUM
                        + " or " + CHROMEDRIVER + " is missing");
        Path sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        String kd =
                "{run-id=kd, terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1.0, tau=4.0}]}";
        pipeline(SparkTestSupport.overrides(
                work.toString(),
                sample.resolve("cityscapes").toString(),
                "train.validate-every=1",
                "pipeline.seeds=[1,2]",
                "evaluate.overlays=2",
                "pipeline.students=[{run-id=baseline, terms=[]}, " + kd + "]"));
        List<String> coco = new ArrayList<>(List.of("--conf", "conf/coco-det.conf"));
        coco.addAll(SparkTestSupport.overrides(
                work.toString(),
                sample.resolve("coco").toString(),
                "shard.height=48",
                "shard.width=48",
                "teacher.epochs=2",
                "train.epochs=2",
                "evaluate.overlays=2",
                "evaluate.score-threshold=0.05",
                "pipeline.students=[{run-id=baseline, terms=[]}, {run-id=kd-heatmap, terms=[{kind=pixel-kd, "
                        + "student-tap=heatmap, teacher-output=heatmap, weight=1.0, tau=1.0}]}]"));
        coco.removeIf(a -> a.startsWith("model."));
        pipeline(coco);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // no network here: without these Chromium keeps retrying blocked connections
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")),
                "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    private static void pipeline(List<String> overrides) {
        List<String> args = new ArrayList<>(List.of("pipeline"));
        args.addAll(overrides);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(OutputStreamSink.INSTANCE), new PrintStream(err, true));
        assertEquals(0, code, "pipeline " + overrides + ": " + err);
    }

    /** Discards output (the pipeline's progress lines). */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) browser.quit();
    }

    @Test
    void segmentationReportShowsEveryPictureAndLink() throws Exception {
        Path page = work.resolve("runs/kd-s1/report/index.html");
        check(page, 5);
        String text = browser.findElement(By.tagName("body")).getText();
        assertTrue(
                text.contains("mIoU") && text.contains("motorcycle") && text.contains("teacher and student differ"),
                text);
        assertFalse(
                browser.findElements(By.cssSelector("img[src*='validation']")).isEmpty(),
                "train.validate-every=1 gives the report a validation curve");
        screenshot("report-segmentation.png");
    }

    @Test
    void detectionReportShowsEveryPictureAndLink() throws Exception {
        check(work.resolve("runs-coco/kd-heatmap/report/index.html"), 3);
        screenshot("report-detection.png");
    }

    @Test
    void comparisonPagesLinkEveryModelAndKeepBothTasks() throws Exception {
        check(work.resolve("report/comparison-segmentation.html"), 2);
        List<String> links = browser.findElements(By.cssSelector("table a")).stream()
                .map(a -> a.getAttribute("href"))
                .toList();
        assertEquals(5, links.size(), "teacher, baseline s1/s2, kd s1/s2: " + links);
        String text = browser.findElement(By.tagName("body")).getText();
        assertTrue(text.contains("±") && text.contains("s/epoch") && text.contains("Per-class IoU"), text);
        screenshot("comparison.png");
        check(work.resolve("report/comparison-detection.html"), 1);
        // the COCO run came second and wrote comparison.html; it links the Cityscapes page it did not replace
        check(work.resolve("report/comparison.html"), 1);
        assertTrue(browser.findElement(By.cssSelector("nav")).getText().contains("segmentation"));
    }

    /**
     * Opens a page and fails on a broken image, a link to a missing file or a console error.
     *
     * @param minImages images the page must show at least
     */
    private static void check(Path page, int minImages) {
        assertTrue(Files.exists(page), page + " was not written");
        browser.get(page.toUri().toString());
        JavascriptExecutor js = browser;
        List<WebElement> images = browser.findElements(By.tagName("img"));
        assertTrue(images.size() >= minImages, page + ": " + images.size() + " images, expected at least " + minImages);
        for (WebElement img : images) {
            Object ok = js.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", img);
            assertEquals(Boolean.TRUE, ok, page + ": image " + img.getAttribute("src") + " did not load");
        }
        for (WebElement a : browser.findElements(By.tagName("a"))) {
            URI href = URI.create(a.getAttribute("href"));
            assertEquals("file", href.getScheme(), page + ": link " + href + " leaves the report");
            assertTrue(new File(href.getPath()).exists(), page + ": broken link " + href);
        }
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .toList();
        assertTrue(errors.isEmpty(), page + ": console errors " + errors);
    }

    /** The page as a PNG in the folder -Dreports.screenshots names (docs/ keeps one of each page type). */
    private static void screenshot(String name) throws Exception {
        String dir = System.getProperty("reports.screenshots");
        if (dir == null) return;
        long height = (Long) browser.executeScript("return document.body.scrollHeight");
        browser.manage().window().setSize(new Dimension(1400, (int) Math.min(height + 40, 3200)));
        Files.write(Files.createDirectories(Path.of(dir)).resolve(name), browser.getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(1400, 1000));
    }
}
