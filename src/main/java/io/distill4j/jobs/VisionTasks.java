package io.distill4j.jobs;

import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import java.util.List;
import java.util.stream.Collectors;

/** The tasks distill4j knows, and their look-up by the shards' dataset or a recorded task name. */
final class VisionTasks {
    private VisionTasks() {}

    /** Every task; adding one is a class implementing {@link VisionTask} and a line here. */
    static final List<VisionTask> ALL = List.of(new SegmentationTask(), new DetectionTask());

    /**
     * The task the shards are for, from their manifest's {@code dataset} (cityscapes -> segmentation,
     * coco -> detection).
     *
     * @throws StageOutputException for a dataset no task reads
     */
    static VisionTask of(Shards shards, String stage) {
        String dataset = shards.dataset();
        VisionTask task = forDataset(dataset);
        if (task != null) return task;
        throw new StageOutputException(stage + ": shards " + shards.root() + " have dataset '" + dataset + "' in "
                + Manifest.FILE_NAME + "; expected "
                + ALL.stream().map(t -> "'" + t.dataset() + "'").collect(Collectors.joining(" or ")));
    }

    /** The task the shards of {@code dataset} are for, or null. */
    static VisionTask forDataset(String dataset) {
        for (VisionTask t : ALL) if (t.dataset().equals(dataset)) return t;
        return null;
    }

    /** The task whose {@link VisionTask#id()} is {@code id}, or null. */
    static VisionTask byId(String id) {
        for (VisionTask t : ALL) if (t.id().equals(id)) return t;
        return null;
    }

    /**
     * The task of a model whose manifest records none: manifests written before detection existed,
     * all of them segmentation.
     */
    static VisionTask unrecorded() {
        return ALL.get(0);
    }
}
