package io.distill4j.model;

import io.distill4j.storage.HadoopConf;
import io.distill4j.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Where a backbone's pretrained weights come from: an ONNX file of a torchvision model (local,
 * hdfs://, s3a://), read with the driver's Hadoop settings.
 *
 * @param location the file, as configured ({@code model.student.init})
 * @param hadoop   the Hadoop settings to open it with
 */
public record PretrainedBackbone(String location, HadoopConf hadoop) implements java.io.Serializable {

    public PretrainedBackbone {
        if (location == null || location.isBlank())
            throw new IllegalArgumentException("pretrained location must be set");
        if (hadoop == null) throw new IllegalArgumentException("pretrained backbone needs Hadoop settings");
    }

    /** Loads the file's tensors into {@code net}'s backbone layers of {@code blueprint}. */
    void loadInto(ComputationGraph net, ModelBlueprint blueprint) {
        Path path = Storage.path(location);
        FileSystem fs = Storage.fs(path, hadoop.get());
        TorchvisionWeights weights;
        try (InputStream in = fs.open(path)) {
            weights = TorchvisionWeights.read(in, location);
        } catch (java.io.FileNotFoundException e) {
            throw new PretrainedWeightsException(
                    location + ": no such file (" + blueprint.spec().name() + " init)", e);
        } catch (IOException e) {
            throw new PretrainedWeightsException(location + ": cannot read: " + e.getMessage(), e);
        }
        weights.loadInto(net, blueprint.pretrainedLayers(), blueprint.spec().backbone());
    }
}
