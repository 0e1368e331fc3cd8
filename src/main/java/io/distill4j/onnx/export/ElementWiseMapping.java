package io.distill4j.onnx.export;

import java.util.List;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;

/**
 * {@link ElementWiseVertex} -> Sum / Sub / Mul / Mean / Max over its inputs (all variadic in
 * opset 13 except Sub, which takes two, as DL4J's Subtract does).
 */
final class ElementWiseMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        ElementWiseVertex e = (ElementWiseVertex) v.conf();
        List<String> names = v.inputs().stream().map(ExportedTensor::name).toList();
        String op =
                switch (e.getOp()) {
                    case Add -> "Sum";
                    case Subtract -> "Sub";
                    case Product -> "Mul";
                    case Average -> "Mean";
                    case Max -> "Max";
                };
        if (op.equals("Sub") && names.size() != 2) {
            throw v.refuse("Subtract needs two inputs, has " + names.size());
        }
        if (op.equals("Mul") && names.size() > 2) {
            // Mul is binary in ONNX: multiply left to right.
            String acc = names.get(0);
            for (int i = 1; i < names.size(); i++) {
                String out = i == names.size() - 1 ? v.name() : v.local("mul" + i);
                acc = v.graph().node("Mul", List.of(acc, names.get(i)), out);
            }
        } else {
            v.graph().node(op, names, v.name());
        }
        ExportedTensor first = v.inputs().get(0);
        return new ExportedTensor(v.name(), first.channels(), first.stride());
    }
}
