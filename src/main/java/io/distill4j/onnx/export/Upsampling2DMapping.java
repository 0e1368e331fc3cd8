package io.distill4j.onnx.export;

import static io.distill4j.onnx.export.OnnxGraphBuilder.string;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;

/**
 * {@link Upsampling2D} (nearest only in DL4J: every pixel repeated size times) -> Resize with
 * scales [1, 1, sh, sw], mode nearest, asymmetric coordinates and floor rounding, which picks
 * source pixel floor(x / s): exactly the repetition.
 */
final class Upsampling2DMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        Upsampling2D u = (Upsampling2D) v.layer();
        ConvolutionMapping.requireNchw(v, u.getFormat());
        ExportedTensor in = v.input();
        int[] size = u.getSize();
        OnnxGraphBuilder g = v.graph();
        String scales = g.floats(v.local("scales"), new long[] {4}, new float[] {1f, 1f, size[0], size[1]});
        // Resize-13 inputs: X, roi (unused by nearest/asymmetric: the empty name leaves it out), scales.
        g.node(
                "Resize",
                List.of(in.name(), "", scales),
                v.name(),
                string("mode", "nearest"),
                string("coordinate_transformation_mode", "asymmetric"),
                string("nearest_mode", "floor"));
        return new ExportedTensor(v.name(), in.channels(), in.stride() / Math.max(size[0], size[1]));
    }
}
