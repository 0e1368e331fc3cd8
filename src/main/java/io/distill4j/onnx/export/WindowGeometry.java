package io.distill4j.onnx.export;

import static io.distill4j.onnx.export.OnnxGraphBuilder.ints;
import static io.distill4j.onnx.export.OnnxGraphBuilder.string;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ConvolutionMode;

/**
 * Kernel, stride, dilation and padding of a DL4J convolution or pooling window as ONNX attributes.
 * DL4J's ConvolutionMode.Same outputs ceil(in / stride) and puts the odd pixel of padding at the
 * bottom and right (top-left padding is floor(total / 2)): ONNX's auto_pad SAME_UPPER, which also
 * keeps the export independent of the input size (see samePadding for stride 1). Truncate is the explicit symmetric padding.
 * Strict and Causal are refused.
 */
final class WindowGeometry {
    private WindowGeometry() {}

    static List<Onnx.AttributeProto> attributes(
            VertexExport v,
            ConvolutionMode mode,
            int[] kernel,
            int[] stride,
            int[] padding,
            int[] dilation,
            boolean withDilation) {
        List<Onnx.AttributeProto> a = new ArrayList<>();
        a.add(ints("kernel_shape", kernel));
        a.add(ints("strides", stride));
        if (withDilation) {
            a.add(ints("dilations", dilation));
        } else if (dilation != null && (dilation[0] != 1 || dilation[1] != 1)) {
            throw v.refuse("dilation " + java.util.Arrays.toString(dilation) + " is not supported for this kind");
        }
        ConvolutionMode m = mode == null ? ConvolutionMode.Truncate : mode;
        switch (m) {
            case Same -> a.add(samePadding(v, kernel, stride, dilation));
            case Truncate -> a.add(ints("pads", padding[0], padding[1], padding[0], padding[1]));
            default -> throw v.refuse("ConvolutionMode." + m + " has no ONNX mapping (use Same or Truncate)");
        }
        return a;
    }

    /**
     * Same mode: at stride 1 the total padding is the dilated kernel's extent minus one whatever the
     * input size, so it is written as explicit pads (ONNX Runtime 1.28 refuses dilation with
     * auto_pad); at larger strides it depends on the input size and is left to SAME_UPPER, which
     * ONNX Runtime supports only undilated.
     */
    private static Onnx.AttributeProto samePadding(VertexExport v, int[] kernel, int[] stride, int[] dilation) {
        int[] d = dilation == null ? new int[] {1, 1} : dilation;
        if (stride[0] == 1 && stride[1] == 1) {
            int totalH = (kernel[0] - 1) * d[0];
            int totalW = (kernel[1] - 1) * d[1];
            return ints("pads", totalH / 2, totalW / 2, totalH - totalH / 2, totalW - totalW / 2);
        }
        if (d[0] != 1 || d[1] != 1) {
            throw v.refuse("a dilated (" + java.util.Arrays.toString(d) + ") and strided ("
                    + java.util.Arrays.toString(stride) + ") Same-mode window has no size-independent ONNX padding");
        }
        return string("auto_pad", "SAME_UPPER");
    }

    /** Input pixels per output pixel after this window, for the stride of the outputs. */
    static double stride(double inputStride, int[] stride) {
        if (stride[0] != stride[1]) {
            return inputStride * Math.max(stride[0], stride[1]);
        }
        return inputStride * stride[0];
    }
}
