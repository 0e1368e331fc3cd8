package io.distill4j.onnx.export;

import io.distill4j.cache.ModelFiles;
import io.distill4j.eval.CommandArgs;
import io.distill4j.storage.Storage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code export-onnx --model runs/X/student.zip [--out student.onnx] [--size trained|dynamic|HxW]}:
 * a distill4j model zip as an ONNX file (docs/deploy.md). Needs no Spark; paths may be local,
 * hdfs:// or s3a:// (Hadoop's default configuration).
 */
public final class ExportOnnxCommand {
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

    public String name() {
        return "export-onnx";
    }

    public String summary() {
        return "write a trained student (student.zip) as ONNX: body and task outputs, opset 13";
    }

    public String usage() {
        return """
                Usage: export-onnx --model runs/X/student.zip [--out student.onnx] [--size trained|dynamic|HxW]
                  --model  a distill4j DL4J model zip (student.zip, peer.zip, teacher.zip)
                  --out    the ONNX file to write (default: the model's path with .onnx)
                  --size   input H and W the file declares: trained (default: the size the model was
                           trained at), dynamic (any size), or HxW
                Writes input 'image' [batch,3,H,W] and the task outputs (logits | heatmap, reg) with
                distill4j.* metadata (task, preprocessing, output strides, classes). See docs/deploy.md.
                """;
    }

    public int run(List<String> args) throws Exception {
        CommandArgs a;
        SpatialSize requested;
        try {
            a = CommandArgs.parse(args, List.of("--model", "--out", "--size"));
            a.require("--model");
            String size = a.getOrDefault("--size", "trained");
            requested = size.equals("trained") ? null : SpatialSize.parse(size);
        } catch (IllegalArgumentException e) {
            err.println("export-onnx: " + e.getMessage());
            err.print(usage());
            return 2;
        }
        if (a.has("--help")) {
            out.print(usage());
            return 0;
        }
        Path model = Storage.path(a.get("--model"));
        Path target = a.has("--out") ? Storage.path(a.get("--out")) : defaultTarget(model);
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
        b.append(e.task().name().toLowerCase(java.util.Locale.ROOT)).append(", input image [batch,3,")
                .append(e.size().isDynamic() ? "height,width" : e.size().height() + "," + e.size().width()).append("], outputs");
        e.outputs().values().forEach(t -> b.append(' ').append(t.name()).append(" (").append(t.channels())
                .append(" channels, stride ").append((long) t.stride()).append(')'));
        return b.append(", ").append(e.nodes()).append(" nodes, opset ").append(OnnxExporter.OPSET).toString();
    }

    private static Path defaultTarget(Path model) {
        String name = model.getName();
        String base = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return new Path(model.getParent(), base + ".onnx");
    }
}
