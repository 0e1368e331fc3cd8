package io.distill4j.method;

import io.distill4j.model.CrossHeadGrafter;
import io.distill4j.model.GraftedHead;
import io.distill4j.model.GraphHeads;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The student graph under construction, as a method sees it while it adds its output: the task,
 * the peer student's taps (teacher-free methods), and the teacher's layers to graft (CrossKD).
 */
public final class GraphWiring {
    private final GraphBuilder graph;
    private final Task task;
    private final String peerPrefix;
    private final ComputationGraph teacher;
    private final Map<String, TapInfo> teacherTaps;
    private final Map<String, GraftedHead> grafts;

    /**
     * @param peerPrefix  vertex-name prefix of the peer student, when the graph holds one
     * @param teacher     the teacher network (grafting methods only); may be null otherwise
     * @param teacherTaps the teacher's taps, from its blueprint
     * @param grafts      where grafted heads are kept, so the objective copies the teacher's parameters into them
     */
    public GraphWiring(
            GraphBuilder graph,
            Task task,
            String peerPrefix,
            ComputationGraph teacher,
            Map<String, TapInfo> teacherTaps,
            Map<String, GraftedHead> grafts) {
        this.graph = graph;
        this.task = task;
        this.peerPrefix = peerPrefix;
        this.teacher = teacher;
        this.teacherTaps = teacherTaps;
        this.grafts = grafts;
    }

    public GraphBuilder graph() {
        return graph;
    }

    public Task task() {
        return task;
    }

    /** The peer student's copy of a student tap. */
    public TapInfo peerTap(TapInfo s) {
        return new TapInfo(peerPrefix + s.name(), peerPrefix + s.vertexName(), s.channels(), s.height(), s.width());
    }

    /** A LossLayer output named {@code output} on {@code tap}. */
    public void addLoss(String output, TapInfo tap, ILossFunction loss) {
        GraphHeads.addLossOutput(graph, output, tap, loss);
    }

    /** A 1x1 convolution from {@code from} to {@code channels} channels, named after the output it feeds. */
    public TapInfo adapter(String output, TapInfo from, int channels) {
        return GraphHeads.addConvAdapter(graph, "adapter_" + output, from, channels);
    }

    /**
     * The teacher's layers after its tap named {@code tapName}, frozen and fed by the student's
     * {@code from}; grafted once per {@code key} (later calls with the same key share the graft).
     */
    public GraftedHead graft(String key, TapInfo from, String tapName) {
        return grafts.computeIfAbsent(
                key,
                k -> CrossHeadGrafter.graft(
                        graph, from, teacher, teacherTaps, tapName, "crosskd_" + from.name() + "_"));
    }
}
