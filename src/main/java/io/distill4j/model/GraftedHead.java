package io.distill4j.model;

import java.util.Map;

/**
 * What {@link CrossHeadGrafter#graft} added to a student graph.
 *
 * @param input        the student vertex that feeds the grafted layers (the student tap, or the
 *                     1x1 adapter inserted when channel counts differ)
 * @param copiedLayers teacher layer name -> name of its frozen copy in the student graph
 * @param outputs      teacher tap name -> tap of the grafted copy in the student graph (the
 *                     cross-head predictions; add loss outputs on these)
 */
public record GraftedHead(String input, Map<String, String> copiedLayers, Map<String, TapInfo> outputs) {

    public GraftedHead {
        copiedLayers = Map.copyOf(copiedLayers);
        outputs = Map.copyOf(outputs);
    }

    public TapInfo output(String teacherTap) {
        TapInfo tap = outputs.get(teacherTap);
        if (tap == null) {
            throw new IllegalArgumentException(
                    "grafted head has no output for teacher tap '" + teacherTap + "'; outputs: " + outputs.keySet());
        }
        return tap;
    }
}
