package io.distill4j.onnx.export;

import io.distill4j.cache.ModelFiles;
import io.distill4j.storage.Storage;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code export-onnx --model runs/X/student.zip [--out student.onnx] [--size trained|dynamic|HxW]}:
 * a distill4j model zip as an ONNX file (docs/deploy.md). Needs no Spark; paths may be local,
 * hdfs:// or s3a:// (Hadoop's default configuration).
 */
@Command(
        name = "export-onnx",
        mixinStandardHelpOptions = true,
        description = "write a trained student (student.zip) as ONNX: body and task outputs, opset 13",
        footer = {
            "",
            "Writes input 'image' [batch,3,H,W] and the task outputs (logits | heatmap, reg) with distill4j.* metadata "
                    + "(task, preprocessing, output strides, classes). See docs/deploy.md."
        })
public final class ExportOnnxCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            paramLabel = "ZIP",
            description = "a distill4j DL4J model zip (student.zip, peer.zip, teacher.zip)")
    private String modelFile;

    @Option(
            names = "--out",
            paramLabel = "FILE.onnx",
            description = "the ONNX file to write (default: the model's path with .onnx)")
    private String outFile;

    @Option(
            names = "--size",
            paramLabel = "trained|dynamic|HxW",
            defaultValue = "trained",
            description =
                    "input H and W the file declares: trained (default: the size the model was trained at), dynamic "
                            + "(any size), or HxW")
    private String size;

    @Spec
    private CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    public ExportOnnxCommand() {
        this(System.out, System.err);
    }

    /** For tests and embedding: where the summary and the errors go. */
    public ExportOnnxCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (modelFile == null) throw new ParameterException(spec.commandLine(), "missing --model");
        SpatialSize requested;
        try {
            requested = size.equals("trained") ? null : SpatialSize.parse(size);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path model = Storage.path(modelFile);
        Path target = outFile != null ? Storage.path(outFile) : defaultTarget(model);
        Configuration hadoop = new Configuration();
        ComputationGraph net = ModelFiles.read(Storage.fs(model, hadoop), model, false);
        OnnxExporter.Exported e;
        try {
            e = requested == null ? OnnxExporter.export(net) : OnnxExporter.export(net, requested);
        } catch (OnnxExportException ex) {
            err.println("export-onnx: " + model + ": " + ex.getMessage());
            return 1;
        }
        OnnxFiles.write(Storage.fs(target, hadoop), target, e.model());
        out.println("wrote " + target + ": " + describe(e));
        return 0;
    }

    /** One line: task, input, outputs with strides, size of the graph. */
    public static String describe(OnnxExporter.Exported e) {
        StringBuilder b = new StringBuilder();
        b.append(e.task().id())
                .append(", input image [batch,3,")
                .append(
                        e.size().isDynamic()
                                ? "height,width"
                                : e.size().height() + "," + e.size().width())
                .append("], outputs");
        e.outputs().values().forEach(t -> b.append(' ')
                .append(t.name())
                .append(" (")
                .append(t.channels())
                .append(" channels, stride ")
                .append((long) t.stride())
                .append(')'));
        return b.append(", ")
                .append(e.nodes())
                .append(" nodes, opset ")
                .append(OnnxExporter.OPSET)
                .toString();
    }

    private static Path defaultTarget(Path model) {
        String name = model.getName();
        String base = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return new Path(model.getParent(), base + ".onnx");
    }
}
