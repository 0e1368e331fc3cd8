package io.distill4j.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * CrossKD (Wang et al. 2023) in DL4J: copies the teacher's layers after a tap (for the detector,
 * everything after {@code head_feat}: both head branches) into the student graph, fed by the
 * student's own tap, as frozen layers whose parameters are the teacher's.
 *
 * <p>Layers are wrapped in {@link FrozenLayerWithBackprop}, not {@code FrozenLayer}: both keep the
 * parameters fixed and run in inference mode, but {@code FrozenLayer} returns no gradient to its
 * input, which would cut the CrossKD loss off from the student. Batch norm inside the grafted part
 * is refused, because in inference mode its backward pass would not match its forward pass.
 *
 * <p>Use: {@link #graft} on the student's builder, build and init the student, then
 * {@link #copyTeacherParameters} once (and again after loading a checkpoint of a different
 * teacher).
 */
public final class CrossHeadGrafter {

    private CrossHeadGrafter() {}

    /**
     * @param student      the student's graph builder (from its blueprint)
     * @param studentTap   the student tap that replaces the teacher tap (same H and W)
     * @param teacher      the teacher, built (its parameters are copied later)
     * @param teacherTaps  the teacher's taps (from its blueprint), to name the grafted outputs
     * @param teacherTap   the teacher tap after which layers are copied, e.g. "head_feat"
     * @param prefix       prefix of every added vertex, e.g. "cross_"
     */
    public static GraftedHead graft(
            GraphBuilder student,
            TapInfo studentTap,
            ComputationGraph teacher,
            Map<String, TapInfo> teacherTaps,
            String teacherTap,
            String prefix) {
        TapInfo from = teacherTaps.get(teacherTap);
        if (from == null) {
            throw new IllegalArgumentException(
                    "teacher has no tap '" + teacherTap + "'; taps: " + teacherTaps.keySet());
        }
        if (from.height() != studentTap.height() || from.width() != studentTap.width()) {
            throw new IllegalArgumentException("CrossKD needs the same grid: teacher tap '" + teacherTap + "' is "
                    + from.height() + "x" + from.width() + ", student tap '" + studentTap.name() + "' is "
                    + studentTap.height() + "x" + studentTap.width());
        }
        ComputationGraphConfiguration conf = teacher.getConfiguration();
        List<String> head = headVertices(teacher, from.vertexName());
        if (head.isEmpty()) {
            throw new IllegalArgumentException(
                    "teacher has no layers after tap '" + teacherTap + "' (vertex " + from.vertexName() + ")");
        }

        String input = studentTap.vertexName();
        if (studentTap.channels() != from.channels()) {
            input = GraphHeads.addConvAdapter(student, prefix + "adapter", studentTap, from.channels())
                    .vertexName();
        }

        Map<String, String> renamed = new LinkedHashMap<>();
        renamed.put(from.vertexName(), input);
        for (String name : head) {
            renamed.put(name, prefix + name);
        }
        Map<String, String> copiedLayers = new LinkedHashMap<>();
        for (String name : head) {
            List<String> inputs = conf.getVertexInputs().get(name);
            String[] studentInputs = inputs.stream().map(renamed::get).toArray(String[]::new);
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex instanceof LayerVertex layerVertex) {
                org.deeplearning4j.nn.conf.layers.Layer layer =
                        layerVertex.getLayerConf().getLayer().clone();
                if (layer instanceof BatchNormalization) {
                    throw new IllegalArgumentException(
                            "teacher layer '" + name + "' after tap '" + teacherTap
                                    + "' is batch norm: a frozen copy would not backpropagate consistently; graft from a later tap");
                }
                InputPreProcessor pre = layerVertex.getPreProcessor() == null
                        ? null
                        : layerVertex.getPreProcessor().clone();
                student.addLayer(prefix + name, new FrozenLayerWithBackprop(layer), pre, studentInputs);
                copiedLayers.put(name, prefix + name);
            } else {
                student.addVertex(prefix + name, vertex.clone(), studentInputs);
            }
        }

        Map<String, TapInfo> outputs = new LinkedHashMap<>();
        for (TapInfo tap : teacherTaps.values()) {
            if (head.contains(tap.vertexName())) {
                outputs.put(
                        tap.name(),
                        new TapInfo(
                                prefix + tap.name(),
                                prefix + tap.vertexName(),
                                tap.channels(),
                                tap.height(),
                                tap.width()));
            }
        }
        return new GraftedHead(input, copiedLayers, outputs);
    }

    /**
     * Copies the teacher's parameters into the grafted frozen layers of an initialised student
     * (copies removed by {@link GraphHeads#pruneToOutputs} are skipped).
     */
    public static void copyTeacherParameters(ComputationGraph student, ComputationGraph teacher, GraftedHead head) {
        for (Map.Entry<String, String> e : head.copiedLayers().entrySet()) {
            if (student.getVertex(e.getValue()) == null) {
                continue; // pruned: that branch carries no loss in this student
            }
            Layer source = teacher.getLayer(e.getKey());
            Layer target = student.getLayer(e.getValue());
            if (source == null || target == null) {
                throw new IllegalStateException(
                        "CrossKD copy: missing layer teacher '" + e.getKey() + "' or student '" + e.getValue() + "'");
            }
            if (source.numParams() != target.numParams()) {
                throw new IllegalStateException(
                        "CrossKD copy: teacher layer '" + e.getKey() + "' has " + source.numParams()
                                + " parameters, student copy '" + e.getValue() + "' has " + target.numParams());
            }
            if (source.numParams() > 0) {
                target.params().assign(source.params());
            }
        }
    }

    /**
     * The teacher vertices downstream of {@code tapVertex}, excluding network outputs (loss
     * layers the trainer added), in a topological order. Every input of each must be the tap or
     * another of them, so that the copy is fed by the tap alone.
     */
    static List<String> headVertices(ComputationGraph teacher, String tapVertex) {
        ComputationGraphConfiguration conf = teacher.getConfiguration();
        Map<String, List<String>> inputs = conf.getVertexInputs();
        Set<String> outputs = Set.copyOf(conf.getNetworkOutputs());
        Set<String> reached = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(tapVertex));
        while (!todo.isEmpty()) {
            String current = todo.poll();
            for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
                if (e.getValue().contains(current) && !outputs.contains(e.getKey()) && reached.add(e.getKey())) {
                    todo.add(e.getKey());
                }
            }
        }
        for (String name : reached) {
            for (String in : inputs.get(name)) {
                if (!in.equals(tapVertex) && !reached.contains(in)) {
                    throw new IllegalArgumentException("teacher vertex '" + name + "' after tap vertex '" + tapVertex
                            + "' also reads '" + in + "', which is not downstream of the tap: cannot graft");
                }
            }
        }
        // Topological order restricted to the head.
        List<String> ordered = new ArrayList<>();
        for (int index : teacher.topologicalSortOrder()) {
            String name = teacher.getVertices()[index].getVertexName();
            if (reached.contains(name)) {
                ordered.add(name);
            }
        }
        return ordered;
    }
}
