package io.distill4j.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.DistillTerm;
import io.distill4j.jobs.DetectionPredictor;
import io.distill4j.jobs.SegmentationPredictor;
import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.train.DetectionObjective;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.train.TrainingObjective;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import onnx.Onnx;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The project's own architectures, as the distill job writes them to student.zip (body plus task
 * output, from {@link TrainingObjective#studentOnlyConfiguration()}): every one exports, and ONNX
 * Runtime's heads equal DL4J's within 1e-4 of each tensor's scale at batch 1 and 3.
 */
class StudentOnnxExportTest {
    private static final int[] CATEGORIES = {3, 18};

    private static ComputationGraph studentZipGraph(TrainingObjective objective, long seed) {
        ComputationGraph net = new ComputationGraph(objective.studentOnlyConfiguration());
        net.init();
        OrtSupport.randomize(net, seed);
        return net;
    }

    private static TrainingObjective objective(ModelSpec spec) {
        ModelBlueprint bp = ModelBlueprint.of(spec);
        return spec.task() == Task.SEGMENTATION
                ? SegmentationObjective.of(bp, Map.of(), List.of())
                : DetectionObjective.of(bp, CATEGORIES);
    }

    /** Exports at the trained size and compares every head at two batch sizes. */
    private static OnnxExporter.Exported exportAndCompare(ModelSpec spec) throws Exception {
        ComputationGraph net = studentZipGraph(objective(spec), 11);
        OnnxExporter.Exported e = OnnxExporter.export(net);
        assertEquals(new SpatialSize(spec.inputHeight(), spec.inputWidth()), e.size(), spec.name() + ": trained size");
        byte[] bytes = e.model().toByteArray();
        for (int batch : new int[] {1, 3}) {
            INDArray x = OrtSupport.input(batch, batch, 3, spec.inputHeight(), spec.inputWidth());
            Map<String, INDArray> ort = OrtSupport.run(bytes, x);
            assertEquals(e.outputs().keySet(), ort.keySet(), spec.name() + ": outputs");
            Map<String, INDArray> dl4j = net.feedForward(x, false);
            for (String head : e.outputs().keySet()) {
                OrtSupport.assertClose(
                        dl4j.get(head).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                        ort.get(head),
                        spec.name() + " " + head + " batch " + batch);
            }
        }
        return e;
    }

    private static Map<String, String> props(Onnx.ModelProto m) {
        return m.getMetadataPropsList().stream()
                .collect(Collectors.toMap(
                        Onnx.StringStringEntryProto::getKey,
                        Onnx.StringStringEntryProto::getValue,
                        (a, b) -> a,
                        LinkedHashMap::new));
    }

    @Test
    void segmentationStudentMatchesDl4jAndCarriesTheConventionsMetadata() throws Exception {
        OnnxExporter.Exported e = exportAndCompare(ModelSpec.segmentationStudent(19, 64, 128));
        Onnx.ModelProto m = e.model();
        assertEquals(OnnxExporter.IR_VERSION, m.getIrVersion());
        assertEquals(1, m.getOpsetImportCount());
        assertEquals(13, m.getOpsetImport(0).getVersion());
        assertEquals("distill4j", m.getProducerName());
        assertEquals(
                Map.of(
                        "distill4j.task",
                        "segmentation",
                        "distill4j.input",
                        "image",
                        "distill4j.preprocessing",
                        "rgb;nchw;scale=255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225",
                        "distill4j.outputs",
                        "logits:8",
                        "distill4j.classes",
                        "19"),
                props(m));
        Onnx.ValueInfoProto in = m.getGraph().getInput(0);
        assertEquals("image", in.getName());
        List<Onnx.TensorShapeProto.Dimension> dims =
                in.getType().getTensorType().getShape().getDimList();
        assertEquals("batch", dims.get(0).getDimParam());
        assertEquals(
                List.of(3L, 64L, 128L),
                dims.subList(1, 4).stream()
                        .map(Onnx.TensorShapeProto.Dimension::getDimValue)
                        .toList());
        List<Onnx.TensorShapeProto.Dimension> out =
                m.getGraph().getOutput(0).getType().getTensorType().getShape().getDimList();
        assertEquals(
                List.of(19L, 8L, 16L),
                out.subList(1, 4).stream()
                        .map(Onnx.TensorShapeProto.Dimension::getDimValue)
                        .toList());
        assertEquals(SegmentationPredictor.LOGITS_VERTEX, TaskHeads.LOGITS);
    }

    @Test
    void detectionStudentExportsHeatmapAndRegAtStride4() throws Exception {
        OnnxExporter.Exported e = exportAndCompare(ModelSpec.detectionStudent(CATEGORIES.length, 64, 64));
        Map<String, String> p = props(e.model());
        assertEquals("detection", p.get("distill4j.task"));
        assertEquals("heatmap:4,reg:4", p.get("distill4j.outputs"));
        assertEquals("2", p.get("distill4j.classes"));
        assertEquals(
                List.of(DetectionPredictor.HEATMAP_VERTEX, DetectionPredictor.REG_VERTEX),
                List.of(TaskHeads.HEATMAP, TaskHeads.REG));
        // The loss-side SubsetVertex slices of reg are not part of the deployable model.
        assertFalse(e.model().getGraph().getNodeList().stream()
                .anyMatch(n -> n.getName().startsWith("reg_size")));
    }

    @Test
    void teachersWithPyramidPoolingAndDeeperStagesExportToo() throws Exception {
        exportAndCompare(ModelSpec.segmentationTeacher(19, 64, 128));
        exportAndCompare(ModelSpec.detectionTeacher(CATEGORIES.length, 64, 64));
    }

    @Test
    void aPyramidPoolingTeacherRebuiltAtTheCropSizeExportsItsPoolingAtThatSize() throws Exception {
        ModelBlueprint full = ModelBlueprint.of(ModelSpec.segmentationTeacher(19, 64, 128));
        ComputationGraph trained = studentZipGraph(SegmentationObjective.of(full, Map.of(), List.of()), 13);
        ModelBlueprint crop = full.atSize(32, 64);
        ComputationGraph atCrop = io.distill4j.model.SizedGraphs.withParameters(
                SegmentationObjective.of(crop, Map.of(), List.of()).studentOnlyConfiguration(), trained);
        OnnxExporter.Exported e = OnnxExporter.export(atCrop);
        assertEquals(new SpatialSize(32, 64), e.size());
        INDArray x = OrtSupport.input(4, 2, 3, 32, 64);
        OrtSupport.assertClose(
                OrtSupport.dl4j(atCrop, x, "logits"),
                OrtSupport.run(e.model().toByteArray(), x).get("logits"),
                "logits of the teacher at 32x64");
    }

    @Test
    void stride4AndDeeperStudentVariantsExport() throws Exception {
        exportAndCompare(
                new ModelSpec(Task.SEGMENTATION, "seg-os4", 12, 2, 4, 19, 64, 128, 3L, ContextHead.NONE, 1e-3));
        exportAndCompare(new ModelSpec(
                Task.DETECTION, "det-os8-ppm", 8, 1, 8, 2, 64, 64, 3L, ContextHead.PYRAMID_POOLING, 1e-3));
    }

    @Test
    void torchvisionBackboneStudentsExportForBothTasks() throws Exception {
        // ResNet dilated past stride 8 (Truncate convolutions with explicit padding and dilation),
        // MobileNetV2 (depthwise convolutions, ReLU6), layer names with dots: issue #17's students.
        for (String backbone : new String[] {"resnet18", "mobilenetv2"}) {
            exportAndCompare(ModelSpec.segmentationStudent(19, 64, 128).withBackbone(backbone, 8));
            exportAndCompare(
                    ModelSpec.detectionStudent(CATEGORIES.length, 64, 64).withBackbone(backbone, 8));
        }
    }

    @Test
    void theDistillationGraphExportsOnlyTheStudentBodyAndLogits() throws Exception {
        ModelBlueprint bp = ModelBlueprint.of(ModelSpec.segmentationStudent(19, 64, 128));
        TapInfo teacherNeck = new TapInfo("neck", "neck", 64, 8, 16);
        SegmentationObjective o = SegmentationObjective.of(
                bp,
                Map.of("neck", teacherNeck),
                List.of(new DistillTerm(DistillTerm.Kind.CWD, "neck", "neck", 1.0, 4.0)));
        ComputationGraph training = new ComputationGraph(o.configuration());
        training.init();
        OrtSupport.randomize(training, 5);
        OnnxExporter.Exported fromTraining = OnnxExporter.export(training);
        OnnxExporter.Exported fromStudent = OnnxExporter.export(studentZipGraph(o, 5));
        assertEquals(fromStudent.nodes(), fromTraining.nodes(), "the adapter and loss outputs are not exported");
        assertEquals(
                List.of("logits"),
                fromTraining.model().getGraph().getOutputList().stream()
                        .map(Onnx.ValueInfoProto::getName)
                        .toList());
        INDArray x = OrtSupport.input(2, 2, 3, 64, 128);
        OrtSupport.assertClose(
                OrtSupport.dl4j(training, x, "logits"),
                OrtSupport.run(fromTraining.model().toByteArray(), x).get("logits"),
                "logits of the training graph");
    }

    @Test
    void aDynamicExportRunsTheSameWeightsAtAnotherSize() throws Exception {
        // The body alone: student.zip's loss layer would refuse another size on the DL4J side.
        ComputationGraph net = new ComputationGraph(ModelBlueprint.of(ModelSpec.segmentationStudent(19, 64, 128))
                .graphBuilder()
                .setOutputs("logits")
                .build());
        net.init();
        OrtSupport.randomize(net, 2);
        OnnxExporter.Exported e = OnnxExporter.export(net, SpatialSize.DYNAMIC);
        assertEquals(
                "height",
                e.model()
                        .getGraph()
                        .getInput(0)
                        .getType()
                        .getTensorType()
                        .getShape()
                        .getDim(2)
                        .getDimParam());
        INDArray x = OrtSupport.input(9, 1, 3, 96, 160);
        OrtSupport.assertClose(
                OrtSupport.dl4j(net, x, "logits"),
                OrtSupport.run(e.model().toByteArray(), x).get("logits"),
                "logits at 96x160");
        assertTrue(e.nodes() > 10);
    }
}
